// Redaction of personal data in text the runtime keeps (session transcripts, traces, transcript logs): payment
// card numbers, email addresses and phone numbers. Each is replaced by a marker that says what was there:
//   card  `4111 1111 1111 1111`  -> `[card ••••1111]`  (13 to 19 digits, single spaces or dashes between them,
//                                                      Luhn-valid only; the last four stay, as on a receipt)
//   email `jo@example.com`       -> `[email]`
//   phone `+44 20 7946 0958`     -> `[phone]`
//   iban  `GB82 WEST 1234 5698 7654 32` -> `[iban]`    (mod-97 checked; shared/guardrails/bankIds.ts)
//   UK sort code and account number  -> `[account]`, National Insurance number -> `[nino]`
//   a PIN or password given after its name ("my PIN is 1234") -> `[secret]`
// The markers hold no run of digits a second pass would take for data, so redacting twice changes nothing.
//
// Phone numbers are found by libphonenumber-js (its matcher, which leaves dates and times alone, with the
// metadata's validity check). A number written with + and a country code is found anywhere; a national one
// ("020 7946 0958") needs the region it is dialled in: the locale's region subtag (en-GB -> GB), else the
// `region` given. Without either, a national number counts when it has 9 to 15 digits and no date or decimal
// shape: a stored transcript would rather lose a long reference number than keep a phone number.
import { findPhoneNumbersInText, isSupportedCountry, type CountryCode } from 'libphonenumber-js/min';
import { findBankIds } from '../guardrails/bankIds';
import { FifoMap } from '../util/fifoMap';
import { findCardNumbers } from '../nlu/entities/cards';
import { findEmails, findPhones } from '../nlu/entities/contacts';

export type PiiKind = 'card' | 'email' | 'phone' | 'iban' | 'uk_bank_account' | 'uk_nino' | 'secret';

export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
}

export interface PiiOptions {
  /** The conversation's locale: its region subtag (en-GB -> GB) is where national phone numbers are read. */
  locale?: string;
  /** The region for national phone numbers when the locale names none (ISO 3166 alpha-2, e.g. `GB`). */
  region?: string;
}

function findCards(text: string): PiiSpan[] {
  return findCardNumbers(text).map((c): PiiSpan => ({ kind: 'card', start: c.start, end: c.end }));
}

/** The region a locale names (en-GB -> GB), if libphonenumber knows it. */
export function regionOfLocale(locale: string | undefined): CountryCode | undefined {
  const region = /^[a-z]{2,3}-([a-z]{2})(?:-|$)/i.exec(locale ?? '')?.[1]?.toUpperCase();
  return region && isSupportedCountry(region) ? region : undefined;
}

const DATE_SHAPE = /\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4}/;

/** The region phone numbers are read in: the locale's, else `o.region` when libphonenumber knows it. */
export function phoneRegion(o: PiiOptions): CountryCode | undefined {
  const r = o.region?.toUpperCase();
  return regionOfLocale(o.locale) ?? (r && isSupportedCountry(r) ? r : undefined);
}

function findPhoneSpans(text: string, o: PiiOptions): PiiSpan[] {
  const regionWanted = phoneRegion(o);
  // with a region: national and international numbers, validated against that region's (or the +code's) plan
  const found = findPhoneNumbersInText(text, regionWanted ? { defaultCountry: regionWanted } : undefined).map((p): PiiSpan => ({
    kind: 'phone',
    start: p.startsAt,
    end: p.endsAt,
  }));
  if (regionWanted) return found;
  // no region: national numbers by shape (9 to 15 digits, not a date, not an amount); `findPhones` leaves out decimals
  for (const p of findPhones(text)) {
    const digits = p.text.replace(/\D/g, '');
    if (p.text.trimStart().startsWith('+') || p.text.trimStart().startsWith('(+')) continue; // international: libphonenumber decided
    if (digits.length < 9 || DATE_SHAPE.test(p.text)) continue;
    found.push({ kind: 'phone', start: p.start, end: p.end });
  }
  return found;
}

/** Nothing to look at: no @ and too few digits for a phone number (the common case, kept cheap). */
function cannotHold(text: string): boolean {
  if (text.includes('@')) return false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= 7) return false;
  }
  return true;
}

/**
 * The personal data in `text`, in order, not overlapping (secrets, cards, IBANs, UK account numbers and National
 * Insurance numbers first, then emails, then phones).
 */
export function findPii(text: string, o: PiiOptions = {}): PiiSpan[] {
  // A turn reads the same text several times (the input rules, the stored text, each trace entry that holds it, a
  // guardrail node), and a conversation says the same lines again: the answer is kept, as it depends on the text
  // and the options only (a pure function's memo: no turn sees another's state through it). Short texts cost
  // nothing to read, very long ones too much to keep.
  const key = text.length >= 7 && text.length <= MEMO_MAX_TEXT ? `${o.locale ?? ''}\u0000${o.region ?? ''}\u0000${text}` : undefined;
  const hit = key === undefined ? undefined : memo.get(key);
  if (hit) return hit.map((s) => ({ ...s }));
  const ids = findBankIds(text);
  const spans = !ids.length && cannotHold(text) ? [] : findPiiUncached(text, ids, o);
  if (key !== undefined) {
    memo.set(
      key,
      spans.map((s) => ({ ...s })),
    );
  }
  return spans;
}

/** How many answers `findPii` keeps (the oldest goes first), and the longest text it keeps one for. */
const MEMO_SIZE = 2000;
const MEMO_MAX_TEXT = 4096;
const memo = new FifoMap<string, PiiSpan[]>(MEMO_SIZE);

function findPiiUncached(text: string, ids: PiiSpan[], o: PiiOptions): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const overlaps = (s: PiiSpan) => spans.some((t) => s.start < t.end && t.start < s.end);
  const add = (list: PiiSpan[]) => {
    for (const s of list) if (!overlaps(s)) spans.push(s);
  };
  add(ids.filter((s) => s.kind === 'secret'));
  add(findCards(text));
  add(ids);
  if (text.includes('@')) add(findEmails(text).map((e): PiiSpan => ({ kind: 'email', start: e.start, end: e.end })));
  add(findPhoneSpans(text, o));
  return spans.sort((a, b) => a.start - b.start);
}

const MARKERS: Readonly<Record<Exclude<PiiKind, 'card'>, string>> = {
  email: '[email]',
  phone: '[phone]',
  iban: '[iban]',
  uk_bank_account: '[account]',
  uk_nino: '[nino]',
  secret: '[secret]',
};

/** The marker that replaces `found`, personal data of kind `kind`. */
export function piiMarker(kind: PiiKind, found: string): string {
  if (kind === 'card') return `[card ••••${found.replace(/\D/g, '').slice(-4)}]`;
  return MARKERS[kind];
}

/** The text with its personal data replaced by markers, and the kinds replaced (each once, in order found). */
export function redactPii(text: string, o: PiiOptions = {}): { text: string; kinds: PiiKind[] } {
  const spans = findPii(text, o);
  if (!spans.length) return { text, kinds: [] };
  let out = '';
  let at = 0;
  const kinds: PiiKind[] = [];
  for (const s of spans) {
    out += text.slice(at, s.start) + piiMarker(s.kind, text.slice(s.start, s.end));
    at = s.end;
    if (!kinds.includes(s.kind)) kinds.push(s.kind);
  }
  return { text: out + text.slice(at), kinds };
}

/** `redactPii`'s text only. */
export function redactText(text: string, o: PiiOptions = {}): string {
  return redactPii(text, o).text;
}

/**
 * A copy of a JSON value with every string in it (object keys excepted) passed through `redact`; parts with no
 * string that changed are shared with the input, not copied.
 */
export function redactStrings<T>(value: T, redact: (s: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((x) => {
        const y = walk(x);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? out : v;
    }
    if (v && typeof v === 'object') {
      let out: Record<string, unknown> | undefined;
      for (const [k, x] of Object.entries(v)) {
        const y = walk(x);
        if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
      }
      return out ?? v;
    }
    return v;
  };
  return walk(value) as T;
}
