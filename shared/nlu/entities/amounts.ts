// Built-in amount entity: a number with a currency before or after it ("$25", "20 euros", "50 cents"), and its
// cents when they follow ("25 dollars and 50 cents").

import type { ExtractedEntity } from '../../engine/ports';
import type { NumberMatch } from '../numbers';
import { foldPhrase } from './fold';
import type { AmountValue } from './index';

const CURRENCY_BEFORE: [RegExp, string][] = [
  [/US\$\s*$/i, 'USD'],
  [/C\$\s*$/i, 'CAD'],
  [/A\$\s*$/i, 'AUD'],
  [/\$\s*$/, 'USD'],
  [/€\s*$/, 'EUR'],
  [/£\s*$/, 'GBP'],
  [/¥\s*$/, 'JPY'],
  [/(?<![\p{L}])(USD|EUR|GBP|JPY|CAD|AUD|MXN|CHF)\s*$/iu, ''],
];

const CURRENCY_AFTER =
  /^\s*(\$|€|£|¥|usd|eur|gbp|jpy|cad|aud|mxn|chf|dollars?|bucks?|euros?|pounds?|quid|yen|d[oó]lar(?:es)?|libras?|cents?|centavos?|c[eé]ntimos?)(?![\p{L}])/iu;

const CURRENCY_WORDS: Record<string, string> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  dollar: 'USD',
  dollars: 'USD',
  buck: 'USD',
  bucks: 'USD',
  euro: 'EUR',
  euros: 'EUR',
  pound: 'GBP',
  pounds: 'GBP',
  quid: 'GBP',
  yen: 'JPY',
  dolar: 'USD',
  dolares: 'USD',
  libra: 'GBP',
  libras: 'GBP',
};

const CENTS = /^(cents?|centavos?|centimos?)$/;

function currencyOf(word: string): string | null {
  const w = foldPhrase(word);
  if (/^[a-z]{3}$/.test(w) && !(w in CURRENCY_WORDS)) return w.toUpperCase();
  return CURRENCY_WORDS[w] ?? null;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function findAmounts(text: string, numbers: NumberMatch[]): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  for (let n = 0; n < numbers.length; n++) {
    const num = numbers[n]!;
    let start = num.start;
    let end = num.end;
    let currency: string | null = null;
    let amount = num.value;
    const before = text.slice(Math.max(0, num.start - 6), num.start);
    for (const [re, code] of CURRENCY_BEFORE) {
      const m = re.exec(before);
      if (m) {
        currency = code || m[1]!.toUpperCase();
        start = num.start - (before.length - m.index);
        break;
      }
    }
    const after = CURRENCY_AFTER.exec(text.slice(num.end));
    if (after) {
      const word = after[1]!;
      if (CENTS.test(foldPhrase(word))) {
        if (!currency) {
          currency = foldPhrase(word).startsWith('cent') && !foldPhrase(word).startsWith('centi') ? 'USD' : 'EUR';
          amount = num.value / 100;
        }
      } else {
        const code = currencyOf(word);
        if (code && (!currency || currency === code)) currency = code;
      }
      if (currency) end = num.end + after[0].length;
    }
    if (!currency) continue;
    // "25 dollars and 50 cents", "veinte euros con cincuenta"
    const rest = /^\s*(?:and|y|con)\s+/i.exec(text.slice(end));
    const next = numbers[n + 1];
    if (rest && next && next.start === end + rest[0].length) {
      const cents = /^\s*(cents?|centavos?|c[eé]ntimos?)(?![\p{L}])/iu.exec(text.slice(next.end));
      if (cents && next.value < 100) {
        amount += next.value / 100;
        end = next.end + cents[0].length;
        n++;
      }
    }
    const value: AmountValue = { amount: round2(amount), currency };
    out.push({ entity: 'amount', value, text: text.slice(start, end), start, end });
  }
  return out;
}
