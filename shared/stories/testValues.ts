// Test values for the personal data in a story saved from the simulator. A story lands in git, so the customer's
// card number, email or phone number typed into the simulator is not kept; but a marker ("[card ••••1111]") would
// break the story (the NLU and the slot questions would no longer see a card number, and the story would part from
// the path it recorded). Each piece of personal data `findPii` finds (shared/runtime/pii.ts) becomes a made-up value
// of the same kind, which `findPii` finds again as that kind, written in the same layout (spaces, dashes, case):
//
//   card             `4111 1111 1111 1111` -> `4000 0000 0000 1111`  same length and grouping, the same last four
//                    digits, a well-known test prefix for its network (Visa 400000, Mastercard 555555 or 222300,
//                    Amex 378282, Discover 601111...), a middle digit set so that the Luhn check passes
//   email            `jo.bloggs@gmail.com` -> `customer@example.com` (example.com is reserved for examples, RFC 2606)
//   phone            a number reserved for fiction where the country has such a range: UK 020 7946 0xxx (Ofcom's
//                    drama numbers; its 07700 900xxx mobiles are not valid numbers to libphonenumber, so the
//                    guardrails would not take them for a phone), North America 202-555-01xx; elsewhere the
//                    number's first digits and zeros, as long as it still reads as a phone number there
//   iban             same country and length, `TEST` for its letters, zeros, the same last four characters, and
//                    check digits that pass mod 97
//   uk_bank_account  sort code 12-34-56, the account number's last four digits after zeros
//   uk_nino          `QQ 12 34 56 C`: QQ is the prefix HMRC keeps for examples (the suffix letter stays)
//   secret           a PIN of zeros of the same length, or the password `Test-passw0rd`
//
// A project's own redact rules (guardrails.yaml, `detector: pattern`, e.g. a customer reference `ACME-123456`) are
// replaced too: the digits become zeros and a counter (`ACME-000000`), else the letters `X` as well, whichever still
// matches the rule's pattern from end to end, so the rule still redacts it when the story runs. A match that no
// such change keeps matching (a pattern of fixed words) is saved as typed, and `kept` names its rule.
//
// Deterministic, and the same original gives the same test value throughout one `TestValues` (one story), whatever
// its layout ("4111 1111 1111 1111" and "4111111111111111" are one card): a number said twice, or kept in a slot,
// stays the same number. Two different originals get different test values.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { luhnValid } from '../nlu/entities/cards';
import { findPii, phoneRegion, redactStrings, type PiiKind, type PiiOptions } from '../runtime/pii';
import { mod97 } from '../guardrails/bankIds';
import type { Pattern } from '../util/regex';

/** A project's redact rule with a pattern (guardrails.yaml): its id and its compiled pattern. */
export interface RedactPattern {
  id: string;
  pattern: Pattern;
}

export interface TestValues {
  /** `text` with each piece of personal data in it replaced by its test value (`o`: the conversation's locale and region). */
  text(text: string, o?: PiiOptions): string;
  /** A copy of a JSON value with every string in it passed through `text` (object keys excepted). */
  strings<T>(value: T, o?: PiiOptions): T;
  /** The kinds of personal data replaced so far, each once, in the order first met. */
  readonly kinds: readonly PiiKind[];
  /** The project's pattern rules whose matches were replaced so far, each once, in the order first met. */
  readonly rules: readonly string[];
  /** The project's pattern rules with a match that no test value could stand for: saved as typed. */
  readonly kept: readonly string[];
}

/** Writes `value`'s characters into the places of `template` that `slot` accepts, keeping everything else (and a letter's case). */
function layout(template: string, value: string, slot: (ch: string) => boolean): string {
  let out = '';
  let i = 0;
  for (const ch of template) {
    if (slot(ch) && i < value.length) {
      const v = value[i++] as string;
      out += ch >= 'a' && ch <= 'z' ? v.toLowerCase() : v;
    } else out += ch;
  }
  return out;
}

const isDigit = (ch: string) => ch >= '0' && ch <= '9';
const isAlnum = (ch: string) => /^[A-Za-z0-9]$/.test(ch);
const digitsOf = (s: string) => s.replace(/\D/g, '');
const pad = (n: number, width: number) => String(n).padStart(width, '0').slice(-width);

// ---------------------------------------------------------------------------------------------------- cards

/** A well-known test card prefix for the network the first digits name. */
function cardPrefix(digits: string): string {
  const [a, b] = digits;
  if (a === '4') return '400000';
  if (a === '5') return '555555';
  if (a === '2') return '222300';
  if (a === '6') return '601111';
  if (a === '3') return b === '4' || b === '7' ? '378282' : b === '5' ? '353011' : '305693';
  return `${a}00000`;
}

/** A Luhn-valid number of the same length and last four digits; `index` tells apart different cards with the same last four. */
export function testCardDigits(digits: string, index = 0): string {
  const last4 = digits.slice(-4);
  const prefix = cardPrefix(digits);
  const middle = digits.length - 4 - prefix.length - 1; // the digits between the prefix and the check digit (13 digits: 2)
  const tag = index ? String(index).slice(-middle) : '';
  const body = prefix + '0'.repeat(middle - tag.length) + tag;
  for (let d = 0; d <= 9; d++) {
    const candidate = `${body}${d}${last4}`;
    if (luhnValid(candidate)) return candidate;
  }
  throw new Error('unreachable: one digit of ten makes any number Luhn-valid');
}

// ---------------------------------------------------------------------------------------------------- IBANs

/** A valid IBAN of the same country and length (compact, upper case), keeping the last four characters. */
export function testIban(iban: string, index = 0): string {
  const s = iban.replace(/[\s-]/g, '').toUpperCase();
  const country = s.slice(0, 2);
  const bban = s.slice(4);
  const chars = [...bban];
  let letters = 0;
  for (let i = 0; i < chars.length - 4; i++) chars[i] = /[A-Z]/.test(chars[i] as string) ? ('TEST'[letters++ % 4] as string) : '0';
  // different IBANs: the index in the digits before the last four
  const tag = index ? String(index) : '';
  for (let i = chars.length - 5, t = tag.length - 1; i >= 0 && t >= 0; i--) if (isDigit(chars[i] as string)) chars[i] = tag[t--] as string;
  const newBban = chars.join('');
  const check = pad(98 - mod97(`${newBban}${country}00`), 2);
  return `${country}${check}${newBban}`;
}

// ---------------------------------------------------------------------------------------------------- phones

/** UK: Ofcom's drama numbers in London, 020 7946 0000 to 0999 (national significant number 20 7946 0xxx). */
const fictionGB = (index: number) => `2079460${pad(index % 1000, 3)}`;
/** North America: 555-0100 to 555-0199 are fictional in every area code. */
const fictionNANP = (index: number) => `202555${pad(100 + (index % 100), 4)}`;

interface PhoneParts {
  /** The digits before the national number (country code, trunk prefix, international prefix). */
  lead: string;
  national: string;
  /** The country calling code, when known or guessed. */
  cc?: string;
  /** The same number in any layout. */
  key: string;
}

function phoneParts(found: string, o: PiiOptions): PhoneParts {
  const d = digitsOf(found);
  const parsed = parsePhoneNumberFromString(found, phoneRegion(o));
  if (parsed && d.endsWith(parsed.nationalNumber)) {
    return { lead: d.slice(0, d.length - parsed.nationalNumber.length), national: parsed.nationalNumber, cc: parsed.countryCallingCode, key: parsed.number };
  }
  // a national number with no region to read it in (pii.ts took it for its shape): guess from its shape
  if (d.length === 11 && d.startsWith('0')) return { lead: '0', national: d.slice(1), cc: '44', key: `+44${d.slice(1)}` };
  if (d.length === 10 && /^[2-9]/.test(d)) return { lead: '', national: d, cc: '1', key: `+1${d}` };
  if (d.length === 11 && d.startsWith('1')) return { lead: '1', national: d.slice(1), cc: '1', key: `+1${d.slice(1)}` };
  return { lead: '', national: d, key: d };
}

/** The national numbers to try, best first: the country's fictional range, then the number's first digits and zeros. */
function phoneCandidates(p: PhoneParts, index: number): string[] {
  const n = p.national.length;
  const out: string[] = [];
  if (p.cc === '44' && n === 10) out.push(fictionGB(index));
  if (p.cc === '1' && n === 10) out.push(fictionNANP(index));
  const tag = String(index);
  for (const keep of [2, 3, 1])
    for (const fill of ['0', '5', '1'])
      if (n > keep + tag.length) out.push(p.national.slice(0, keep) + fill.repeat(n - keep - tag.length) + (index ? tag : fill.repeat(tag.length)));
  return out;
}

// ---------------------------------------------------------------------------------------------------- project patterns

const isLetter = (ch: string) => /^[A-Za-z]$/.test(ch);

/** Whether `pattern` matches the whole of `text`. */
const matchesWhole = (pattern: Pattern, text: string) => pattern.matchAll(text).some((m) => m.index === 0 && m.end === text.length);

/**
 * A test value for `found`, a match of a project's redact pattern: its digits zeros and `index`, else its letters
 * `X` too (case kept), the first that the pattern matches end to end and differs from `found`; undefined if none.
 */
export function testPatternValue(found: string, pattern: Pattern, index = 0): string | undefined {
  const digits = [...found].filter(isDigit).length;
  const tag = index ? String(index) : '';
  const digitsValue = digits >= tag.length ? '0'.repeat(digits - tag.length) + tag : undefined;
  const candidates: string[] = [];
  if (digitsValue !== undefined && digits) {
    const d = layout(found, digitsValue, isDigit);
    candidates.push(d, layout(d, 'X'.repeat(found.length), isLetter));
  } else if (!digits) candidates.push(layout(found, 'X'.repeat(found.length - tag.length) + tag, isAlnum), layout(found, 'X'.repeat(found.length), isLetter));
  return candidates.find((c) => c.toLowerCase() !== found.toLowerCase() && matchesWhole(pattern, c) && !findPii(c).length);
}

// ---------------------------------------------------------------------------------------------------- the rest

const PASSWORD = 'Test-passw0rd';

/** One story's test values; `patterns`: the project's redact rules with a pattern, replaced as well. */
export function createTestValues(patterns: readonly RedactPattern[] = []): TestValues {
  /** Test values by kind and original (in a canonical form, so the layout does not matter). */
  const values = new Map<string, string>();
  /** How many different originals of each kind so far (the next one's index). */
  const counts = new Map<string, number>();
  const kinds: PiiKind[] = [];
  const rules: string[] = [];
  const kept: string[] = [];

  /** The test value for the original `key` of `kind`, made once by `make(index)`. */
  const once = (kind: string, key: string, make: (index: number) => string): string => {
    const k = `${kind}\u0000${key}`;
    let v = values.get(k);
    if (v === undefined) {
      const index = counts.get(kind) ?? 0;
      counts.set(kind, index + 1);
      values.set(k, (v = make(index)));
    }
    return v;
  };

  const card = (found: string) =>
    layout(
      found,
      once('card', digitsOf(found), (i) => testCardDigits(digitsOf(found), i)),
      isDigit,
    );

  const email = (found: string) => once('email', found.toLowerCase(), (i) => (i ? `customer${i + 1}@example.com` : 'customer@example.com'));

  const phone = (found: string, o: PiiOptions) => {
    const p = phoneParts(found, o);
    const national = once('phone', p.key, (i) => {
      const candidates = phoneCandidates(p, i);
      // the first that still reads as a phone number where the conversation is
      const ok = candidates.find((c) => {
        const text = layout(found, p.lead + c, isDigit);
        const spans = findPii(text, o);
        return spans.length === 1 && spans[0]?.kind === 'phone' && spans[0].start === 0 && spans[0].end === text.length;
      });
      return ok ?? (candidates[0] as string);
    });
    return layout(found, p.lead + national, isDigit);
  };

  const iban = (found: string) => {
    const compact = found.replace(/[\s-]/g, '').toUpperCase();
    return layout(
      found,
      once('iban', compact, (i) => testIban(compact, i)),
      isAlnum,
    );
  };

  // a sort code, an account number, or both (either order, words between): each run of 8 digits is the account
  const ukAccount = (found: string) => {
    const parts = [...found.matchAll(/\d+/g)];
    const sort = parts
      .filter((m) => m[0].length !== 8)
      .map((m) => m[0])
      .join('');
    const sortValue = sort ? once('sort_code', sort, (i) => pad(123456 + i, 6)) : '';
    let out = '';
    let at = 0;
    let s = 0;
    for (const m of parts) {
      out += found.slice(at, m.index);
      if (m[0].length === 8) out += once('account', m[0], (i) => `${pad(i, 4)}${m[0].slice(-4)}`);
      else {
        out += sortValue.slice(s, s + m[0].length);
        s += m[0].length;
      }
      at = m.index + m[0].length;
    }
    return out + found.slice(at);
  };

  const nino = (found: string) => {
    const compact = found.replace(/\s/g, '').toUpperCase();
    return layout(
      found,
      once('uk_nino', compact, (i) => `QQ${pad(123456 + i, 6)}${compact.slice(-1)}`),
      isAlnum,
    );
  };

  const secret = (found: string) =>
    once('secret', found, (i) => {
      if (/^\d+$/.test(found)) return i ? pad(i, found.length) : '0'.repeat(found.length);
      const quote = /^["']/.test(found) ? found[0] : '';
      return `${quote}${PASSWORD}${i ? i + 1 : ''}${quote}`;
    });

  const replace = (kind: PiiKind, found: string, o: PiiOptions): string => {
    switch (kind) {
      case 'card':
        return card(found);
      case 'email':
        return email(found);
      case 'phone':
        return phone(found, o);
      case 'iban':
        return iban(found);
      case 'uk_bank_account':
        return ukAccount(found);
      case 'uk_nino':
        return nino(found);
      case 'secret':
        return secret(found);
    }
  };

  /** A match of a project's pattern: its test value, or the match itself (noted in `kept`) when none matches. */
  const projectValue = (rule: RedactPattern, found: string): string => {
    const v = once(`pattern:${rule.id}`, found.toLowerCase(), (i) => testPatternValue(found, rule.pattern, i) ?? found);
    const typed = v.toLowerCase() === found.toLowerCase();
    const list = typed ? kept : rules;
    if (!list.includes(rule.id)) list.push(rule.id);
    // the same original in another case: its own case
    return typed ? found : layout(found, [...v].filter(isAlnum).join(''), isAlnum);
  };

  const text = (t: string, o: PiiOptions = {}): string => {
    type Span = { start: number; end: number; value: () => string; kind?: PiiKind };
    const spans: Span[] = findPii(t, o).map((s) => ({ start: s.start, end: s.end, kind: s.kind, value: () => replace(s.kind, t.slice(s.start, s.end), o) }));
    for (const rule of patterns)
      for (const m of rule.pattern.matchAll(t))
        if (m.end > m.index && !spans.some((s) => s.start < m.end && m.index < s.end))
          spans.push({ start: m.index, end: m.end, value: () => projectValue(rule, m.text) });
    if (!spans.length) return t;
    spans.sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    for (const s of spans) {
      out += t.slice(at, s.start) + s.value();
      at = s.end;
      if (s.kind && !kinds.includes(s.kind)) kinds.push(s.kind);
    }
    return out + t.slice(at);
  };

  return { text, strings: (value, o = {}) => redactStrings(value, (s) => text(s, o)), kinds, rules, kept };
}
