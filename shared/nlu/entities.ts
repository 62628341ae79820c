// Entity extraction: the project's entities from nlu.yaml (lists with synonyms, regexes) and the built-ins
// (number, amount, date, email, phone, card_last4, yes_no), plus the value of an `ask` node's slot.
// Pure TypeScript; dates come from chrono-node against a reference time passed in (never the clock implicitly
// when one is given).

import * as chrono from 'chrono-node';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import type { ExtractedEntity } from '../engine/ports';
import type { SlotType } from '../schema/nodes';
import type { Entity } from '../schema/project';
import { tryCompilePattern, PatternError, type Pattern } from '../util/regex';
import { findDigitNumbers, findNumbers, findWordNumbers, type NumberMatch } from './numbers';

export const BUILTIN_ENTITIES = ['number', 'amount', 'date', 'email', 'phone', 'card_last4', 'yes_no'] as const;

export interface EntityContext {
  /** The project's entities (nlu.yaml). */
  entities?: readonly Entity[];
  /** Reference time for relative dates ("tomorrow"): a Date or epoch milliseconds. Default: now. */
  now?: Date | number;
  /** IANA zone or offset in minutes the reference time is read in (default: the host's zone). */
  timezone?: string | number;
  /** Locale of the text: picks number words, date parser and yes/no words (default en). */
  locale?: string;
}

export interface AmountValue {
  amount: number;
  /** ISO 4217 code. */
  currency: string;
}

export type SlotResult = { ok: true; value: unknown } | { ok: false };

// ---- text folding with positions ---------------------------------------------------------------------------

const MARKS = /\p{M}+/gu;

interface Folded {
  text: string;
  /** Original start and end of each folded character. */
  starts: number[];
  ends: number[];
}

/** Lower case without accents, remembering where each character came from. */
function fold(text: string): Folded {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch === '’' || ch === '‘' ? "'" : ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + ch.length);
    }
    out += f;
    i += ch.length;
  }
  return { text: out, starts, ends };
}

function foldPhrase(s: string): string {
  return s.replace(/[’‘]/g, "'").normalize('NFKD').replace(MARKS, '').toLowerCase().trim().replace(/\s+/g, ' ');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A regex matching any of the phrases on word boundaries, longest first, spaces matching any whitespace. It stays
 * a JavaScript RegExp (it needs lookaround for Unicode word edges): the project supplies only literals, escaped
 * here, so the pattern is an alternation of fixed words joined by `\s+`, with no nested quantifier to backtrack.
 */
function phraseRegex(phrases: Iterable<string>): RegExp | null {
  const list = [...new Set(phrases)].filter(Boolean).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (!list.length) return null;
  const alt = list.map((p) => escapeRegex(p).replace(/ /g, '\\s+')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alt})(?![\\p{L}\\p{N}])`, 'gu');
}

// ---- project entities --------------------------------------------------------------------------------------

interface CompiledList {
  kind: 'list';
  id: string;
  regex: RegExp | null;
  canonical: Map<string, string>;
}
interface CompiledRegex {
  kind: 'regex';
  id: string;
  /** RE2 (linear time): the pattern is the project's own. Null when it does not compile (`parley validate` says why). */
  regex: Pattern | null;
}
type Compiled = CompiledList | CompiledRegex;

function compileEntity(e: Entity): Compiled {
  if (e.kind === 'list') {
    const canonical = new Map<string, string>();
    for (const v of e.values) {
      for (const s of [v.value, ...(v.synonyms ?? [])]) {
        const f = foldPhrase(s);
        if (f && !canonical.has(f)) canonical.set(f, v.value);
      }
    }
    return { kind: 'list', id: e.id, regex: phraseRegex(canonical.keys()), canonical };
  }
  const p = tryCompilePattern(e.pattern);
  return { kind: 'regex', id: e.id, regex: p instanceof PatternError ? null : p };
}

const compiledCache = new WeakMap<readonly Entity[], Compiled[]>();

function compiled(entities: readonly Entity[]): Compiled[] {
  let c = compiledCache.get(entities);
  if (!c) {
    c = entities.map(compileEntity);
    compiledCache.set(entities, c);
  }
  return c;
}

function matchProjectEntity(c: Compiled, text: string, folded: Folded): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  if (!c.regex) return out;
  if (c.kind === 'list') {
    c.regex.lastIndex = 0;
    for (const m of folded.text.matchAll(c.regex)) {
      const value = c.canonical.get(m[0].replace(/\s+/g, ' '));
      if (value === undefined || !m[0]) continue;
      const start = folded.starts[m.index]!;
      const end = folded.ends[m.index + m[0].length - 1]!;
      out.push({ entity: c.id, value, text: text.slice(start, end), start, end });
    }
  } else {
    for (const m of c.regex.matchAll(text)) {
      if (!m.text) continue;
      out.push({ entity: c.id, value: m.text, text: m.text, start: m.index, end: m.end });
    }
  }
  return out;
}

// ---- built-ins ---------------------------------------------------------------------------------------------

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])/g;

function findEmails(text: string): ExtractedEntity[] {
  return [...text.matchAll(EMAIL)].map((m) => {
    const at = m[0].lastIndexOf('@');
    const value = m[0].slice(0, at) + '@' + m[0].slice(at + 1).toLowerCase();
    return { entity: 'email', value, text: m[0], start: m.index, end: m.index + m[0].length };
  });
}

const PHONE = /(?<![\w+-])(?:\+|\(\+?)?\d[\d\s().-]{5,}\d(?![\w])/g;

// The region a national number is read in: the locale's region subtag (en-GB → GB), if libphonenumber knows it.
function phoneRegion(locale: string | undefined): CountryCode | undefined {
  const region = /^[a-z]{2,3}-([a-z]{2})(?:-|$)/i.exec(locale ?? '')?.[1]?.toUpperCase();
  return region && isSupportedCountry(region) ? region : undefined;
}

/**
 * Phone numbers: the regex finds the candidate spans, libphonenumber (min metadata) checks them. A number with +
 * needs a known country code and a length that country's numbers can have; a national one the same in the
 * locale's region when the locale names one (en-GB), else 7 to 15 digits (E.164's limit). Fictional 555 numbers
 * pass: only the length is checked. The value is the digits, with + when given.
 */
function findPhones(text: string, locale?: string): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  const region = phoneRegion(locale);
  for (const m of text.matchAll(PHONE)) {
    const raw = m[0];
    const digits = raw.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    // a phone number has no decimal-looking parts such as "12.50"
    if (/\d\.\d{1,2}(?!\d)/.test(raw) && !/\d\.\d{3}/.test(raw)) continue;
    const plus = /^\(?\+/.test(raw);
    if (plus ? !parsePhoneNumberFromString(`+${digits}`)?.isPossible() : region && !parsePhoneNumberFromString(digits, region)?.isPossible()) continue;
    out.push({ entity: 'phone', value: (plus ? '+' : '') + digits, text: raw, start: m.index, end: m.index + raw.length });
  }
  return out;
}

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
  $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', dollar: 'USD', dollars: 'USD', buck: 'USD', bucks: 'USD',
  euro: 'EUR', euros: 'EUR', pound: 'GBP', pounds: 'GBP', quid: 'GBP', yen: 'JPY', dolar: 'USD', dolares: 'USD',
  libra: 'GBP', libras: 'GBP',
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

function findAmounts(text: string, numbers: NumberMatch[]): ExtractedEntity[] {
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

const CHRONO_BY_LANGUAGE: Record<string, chrono.Chrono> = {
  de: chrono.de.casual,
  es: chrono.es.casual,
  fr: chrono.fr.casual,
  it: chrono.it.casual,
  ja: chrono.ja.casual,
  nl: chrono.nl.casual,
  pt: chrono.pt.casual,
  ru: chrono.ru.casual,
  sv: chrono.sv.casual,
  uk: chrono.uk.casual,
  zh: chrono.zh.casual,
};

function chronoFor(locale: string | undefined): chrono.Chrono {
  const tag = (locale ?? 'en').toLowerCase();
  if (/^en-(gb|au|nz|ie|in|za)/.test(tag)) return chrono.en.GB;
  return CHRONO_BY_LANGUAGE[tag.split('-')[0]!] ?? chrono.casual;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** "now" is the moment of speaking, not a date someone gives. */
const NOT_A_DATE = /^(?:right\s+)?now$|^ahora(?:\s+mismo)?$/i;

/** Dates, and the spans of times that are not dates ("at 5pm"), which are not numbers either. */
function findDatesAndTimes(text: string, ctx: EntityContext): { dates: ExtractedEntity[]; times: { start: number; end: number }[] } {
  const instant = ctx.now === undefined ? new Date() : new Date(ctx.now);
  const ref: chrono.ParsingReference = ctx.timezone === undefined ? { instant } : { instant, timezone: ctx.timezone };
  const dates: ExtractedEntity[] = [];
  const times: { start: number; end: number }[] = [];
  for (const r of chronoFor(ctx.locale).parse(text, ref)) {
    const s = r.start;
    if (NOT_A_DATE.test(r.text.trim())) continue;
    if (!(['day', 'weekday', 'month', 'year'] as const).some((c) => s.isCertain(c))) {
      times.push({ start: r.index, end: r.index + r.text.length });
      continue;
    }
    const y = s.get('year');
    const mo = s.get('month');
    const d = s.get('day');
    if (y === null || mo === null || d === null) continue;
    const value = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
    dates.push({ entity: 'date', value, text: r.text, start: r.index, end: r.index + r.text.length });
  }
  return { dates, times };
}

const LAST4_CUE =
  /(?:ending(?:\s+(?:in|with))?|ends?\s+(?:in|with)|last\s+(?:4|four)(?:\s+digits)?(?:\s+(?:are|is|of\s+\w+))?|card(?:\s+number)?|account(?:\s+number)?|number|no\.?|#|\*{2,}|x{2,}|terminad[ao]\s+en|termina\s+en|acabad[ao]\s+en|[uú]ltimos\s+(?:4|cuatro)(?:\s+d[ií]gitos)?(?:\s+son)?|tarjeta)[\s:#*x.-]*$/iu;

function last4Candidates(text: string, locale: string | undefined): { value: string; start: number; end: number; cue: boolean }[] {
  const out: { value: string; start: number; end: number; cue: boolean }[] = [];
  for (const m of text.matchAll(/(?<![\d])\d{4}(?!\s?\d)(?![.,]\d)/g)) {
    if (/\d[\s-]?$/.test(text.slice(0, m.index))) continue;
    out.push({ value: m[0], start: m.index, end: m.index + 4, cue: LAST4_CUE.test(text.slice(Math.max(0, m.index - 40), m.index)) });
  }
  for (const n of findWordNumbers(text, locale)) {
    if (n.digits?.length !== 4) continue;
    out.push({ value: n.digits, start: n.start, end: n.end, cue: LAST4_CUE.test(text.slice(Math.max(0, n.start - 40), n.start)) });
  }
  return out.sort((a, b) => a.start - b.start);
}

// yes / no, English and Spanish (accents folded away: "sí" is "si")
const YES = [
  'yes', 'yeah', 'yea', 'yep', 'yup', 'ya', 'sure', 'ok', 'okay', 'okey', 'correct', 'right', 'thats right', 'that is right',
  'absolutely', 'definitely', 'certainly', 'affirmative', 'of course', 'please do', 'go ahead', 'do it', 'sounds good',
  'why not', 'no problem', 'i do', 'it is', 'indeed', 'yes please', 'si', 'claro', 'vale', 'de acuerdo', 'por supuesto',
  'correcto', 'exacto', 'asi es', 'dale', 'afirmativo', 'efectivamente', 'desde luego', 'sin problema',
];
const NO = [
  'no', 'nope', 'nah', 'no thanks', 'no thank you', 'negative', 'not really', 'never', 'dont', "don't", 'do not',
  'i dont', "i don't", 'not now', 'of course not', 'absolutely not', 'definitely not', 'certainly not', 'no way',
  'no gracias', 'para nada', 'de ninguna manera', 'nunca', 'tampoco', 'negativo', 'claro que no', 'en absoluto',
];
const UNSURE = ['not sure', 'no se', 'maybe', 'quizas', 'tal vez', 'i dont know', "i don't know", 'no lo se'];
const YES_NO_LETTERS: Record<string, boolean> = { y: true, n: false, k: true, s: true };
const YES_NO_WORDS = new Map<string, boolean | null>([
  ...NO.map((w) => [w, false] as const),
  ...YES.map((w) => [w, true] as const),
  ...UNSURE.map((w) => [w, null] as const),
]);
const YES_NO_RE = phraseRegex(YES_NO_WORDS.keys())!;

function findYesNo(text: string): (ExtractedEntity & { value: boolean | null })[] {
  const folded = fold(text);
  const bare = folded.text.replace(/[^\p{L}\p{N}]+/gu, '');
  if (bare in YES_NO_LETTERS && bare.length === 1) {
    const i = folded.text.indexOf(bare);
    return [{ entity: 'yes_no', value: YES_NO_LETTERS[bare]!, text: text.slice(folded.starts[i]!, folded.ends[i]!), start: folded.starts[i]!, end: folded.ends[i]! }];
  }
  const out: (ExtractedEntity & { value: boolean | null })[] = [];
  YES_NO_RE.lastIndex = 0;
  for (const m of folded.text.matchAll(YES_NO_RE)) {
    const value = YES_NO_WORDS.get(m[0].replace(/\s+/g, ' '));
    if (value === undefined) continue;
    const start = folded.starts[m.index]!;
    const end = folded.ends[m.index + m[0].length - 1]!;
    out.push({ entity: 'yes_no', value, text: text.slice(start, end), start, end });
  }
  return out;
}

/** Whether `text` before `start` is only punctuation, spaces and fillers ("well", "um", "pues"). */
function atStart(text: string, start: number): boolean {
  return /^[\s\p{P}]*(?:(?:well|um+|uh+|oh|hmm+|pues|bueno|eh)[\s\p{P}]+)*$/iu.test(text.slice(0, start));
}

// ---- extraction --------------------------------------------------------------------------------------------

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Every entity in the text: the project's (list values are matched case- and accent-insensitively on word
 * boundaries and give the canonical value; regexes give the match) and the built-ins. A number inside an email,
 * phone number, date, time or amount is not reported again as a number, nor is anything inside a project regex's
 * match; card_last4 needs a cue ("ending 4821") unless the text is just the four digits; yes_no is reported only
 * when the text opens with it ("yes, block it", not "I have no card"). Sorted by position.
 */
export function extractEntities(text: string, ctx: EntityContext = {}): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  if (ctx.entities?.length) {
    const folded = fold(text);
    for (const c of compiled(ctx.entities)) out.push(...matchProjectEntity(c, text, folded));
  }
  // what a project regex matched (a reference such as TXN-4821937705) is not also a phone number or a number
  const project = out.filter((e) => compiled(ctx.entities ?? []).some((c) => c.kind === 'regex' && c.id === e.entity));
  const free = <T extends { start: number; end: number }>(x: T) => !project.some((p) => overlaps(p, x));
  const emails = findEmails(text);
  const { dates, times } = findDatesAndTimes(text, ctx);
  const phones = findPhones(text, ctx.locale).filter((p) => free(p) && !emails.some((e) => overlaps(e, p)) && !dates.some((d) => d.start <= p.start && p.end <= d.end));
  const numbers = findNumbers(text, ctx.locale).filter((n) => free(n) && !emails.some((e) => overlaps(e, n)));
  const amounts = findAmounts(text, numbers);
  const claimed = [...emails, ...phones, ...dates, ...times, ...amounts];
  for (const n of numbers) {
    if (claimed.some((c) => overlaps(c, n))) continue;
    out.push({ entity: 'number', value: n.value, text: text.slice(n.start, n.end), start: n.start, end: n.end });
  }
  // with a cue ("ending 4821"), or when the whole text is the four digits (the answer "4821")
  const alone = /^[\s\p{P}]*\d{4}[\s\p{P}]*$/u.test(text);
  const last4 = last4Candidates(text, ctx.locale).filter((c) => (c.cue || alone) && free(c) && !emails.some((e) => overlaps(e, c)) && !amounts.some((a) => overlaps(a, c)));
  for (const c of last4) out.push({ entity: 'card_last4', value: c.value, text: text.slice(c.start, c.end), start: c.start, end: c.end });
  const yn = findYesNo(text);
  if (yn.length && atStart(text, yn[0]!.start) && yn[0]!.value !== null) out.push(yn[0]!);
  out.push(...emails, ...phones, ...dates, ...amounts);
  return out.sort((a, b) => a.start - b.start || a.end - b.end || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
}

/**
 * The value of an `ask` node's slot from the user's answer, or `{ ok: false }` when the answer has none:
 * text: the trimmed text; number: the first number (digits or words); amount: the amount as a plain number
 * (with or without a currency); date: ISO `YYYY-MM-DD`; email, phone (digits, with + when given): strings;
 * card_last4: four digits ("ending 4821", "4821", "four eight two one"); yes_no: a boolean (contradicting answers
 * fail); entity: the canonical value of the project entity `entityId` (or of a built-in of that name).
 */
export function extractSlotValue(type: SlotType, text: string, ctx: EntityContext & { entityId?: string } = {}): SlotResult {
  const fail: SlotResult = { ok: false };
  switch (type) {
    case 'text': {
      const t = text.trim();
      return t ? { ok: true, value: t } : fail;
    }
    case 'number': {
      const n = extractEntities(text, { ...ctx, entities: [] }).find((e) => e.entity === 'number' || e.entity === 'amount');
      if (!n) return fail;
      return { ok: true, value: n.entity === 'amount' ? (n.value as AmountValue).amount : n.value };
    }
    case 'amount': {
      const found = extractEntities(text, { ...ctx, entities: [] });
      const a = found.find((e) => e.entity === 'amount');
      if (a) return { ok: true, value: (a.value as AmountValue).amount };
      const n = found.find((e) => e.entity === 'number');
      return n ? { ok: true, value: n.value } : fail;
    }
    case 'date':
    case 'email':
    case 'phone': {
      const e = (type === 'date' ? findDatesAndTimes(text, ctx).dates : type === 'email' ? findEmails(text) : findPhones(text, ctx.locale))[0];
      return e ? { ok: true, value: e.value } : fail;
    }
    case 'card_last4': {
      const all = last4Candidates(text, ctx.locale);
      const cued = all.find((c) => c.cue);
      if (cued) return { ok: true, value: cued.value };
      // no cue: the answer's only four-digit group, and no other numbers around it
      const others = findDigitNumbers(text, ctx.locale).length;
      if (all.length === 1 && others <= 1) return { ok: true, value: all[0]!.value };
      return fail;
    }
    case 'yes_no': {
      // every yes/no word must agree: "yes and no", "not sure" or "maybe" is no answer
      const values = new Set(findYesNo(text).map((e) => e.value));
      return values.size === 1 && !values.has(null) ? { ok: true, value: [...values][0] } : fail;
    }
    case 'entity': {
      const id = ctx.entityId;
      if (!id) return fail;
      const at = ctx.entities?.findIndex((e) => e.id === id) ?? -1;
      if (ctx.entities && at >= 0) {
        const m = matchProjectEntity(compiled(ctx.entities)[at]!, text, fold(text))[0];
        return m ? { ok: true, value: m.value } : fail;
      }
      if ((BUILTIN_ENTITIES as readonly string[]).includes(id)) return extractSlotValue(id as SlotType, text, ctx);
      return fail;
    }
    default:
      return fail;
  }
}
