// Bank identifiers and secrets in free text, each checked beyond its shape where a check exists:
//   IBAN                 `GB82 WEST 1234 5698 7654 32`  country code, check digits, the ISO 13616 length of that
//                                                      country, and the ISO 7064 mod-97 check (== 1)
//   UK sort code + account `40-47-84 70872490`, or "sort code 404784 account 70872490": six digits in the sort
//                        code's shape next to an 8-digit account number, or a sort code named as one
//   UK National Insurance `AB 12 34 56 C`             the HMRC prefix rules (no D F I Q U V first, no D F I O Q U V
//                                                      second, not BG GB KN NK NT TN ZZ) and a suffix A to D; also
//                                                      QQ, the prefix HMRC keeps for examples (a story's test value,
//                                                      shared/stories/testValues.ts, takes the same path as a real one)
//   secret               "my PIN is 1234", "password: hunter2"  a PIN, passcode or password given after its name
// Parley's own constants, so JavaScript RegExps (project patterns go through util/regex.ts).

export interface IdSpan {
  kind: 'iban' | 'uk_bank_account' | 'uk_nino' | 'secret';
  start: number;
  end: number;
}

/** ISO 13616 IBAN lengths by country (the SWIFT registry). */
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20,
}; // prettier-ignore

/** ISO 7064's remainder mod 97 of digits and capital letters, letters read as 10..35 (two digits each). */
export function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const v = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    // a letter is two digits
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem;
}

/** The ISO 7064 mod-97-10 check of an IBAN without spaces: the first four characters moved to the end, letters as 10..35. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s) || IBAN_LENGTH[s.slice(0, 2)] !== s.length) return false;
  return mod97(s.slice(4) + s.slice(0, 4)) === 1;
}

// two letters, two check digits, then groups of letters and digits with single spaces between them
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b/gi;

function findIbans(text: string): IdSpan[] {
  const out: IdSpan[] = [];
  for (const m of text.matchAll(IBAN_CANDIDATE)) {
    // the candidate may run into the next word: try the longest prefix that is a valid IBAN
    let s = m[0];
    while (s.length >= 15) {
      if (ibanValid(s)) {
        out.push({ kind: 'iban', start: m.index, end: m.index + s.length });
        break;
      }
      s = s.slice(0, -1).replace(/[ -]$/, '');
    }
  }
  return out;
}

const SORT = String.raw`\d{2}[- ]\d{2}[- ]\d{2}|\d{6}`;
// a sort code and an account number side by side (either order), with at most a few words between them
const SORT_THEN_ACCOUNT = new RegExp(String.raw`(?<![\d-])(?:${SORT})(?![\d-])(?:[^\d\n]{0,30})(?<!\d)\d{8}(?!\d)`, 'g');
const ACCOUNT_THEN_SORT = new RegExp(String.raw`(?<!\d)\d{8}(?!\d)(?:[^\d\n]{0,30})(?<![\d-])(?:${SORT})(?![\d-])`, 'g');
// a sort code named as one, alone
const NAMED_SORT = new RegExp(String.raw`\bsort[- ]?code\b\W{0,5}(?:is\s+)?(?:${SORT})(?![\d-])`, 'gi');
// an account number named as one: "account number 70872490", "número de cuenta 12345678"
const NAMED_ACCOUNT = /\b(?:account (?:number|no\.?)|acct\.? (?:number|no\.?)|n[úu]mero de cuenta)\b\W{0,5}(?:is\s+|es\s+)?\d{8}(?!\d)/gi;

function findUkAccounts(text: string): IdSpan[] {
  const out: IdSpan[] = [];
  for (const re of [SORT_THEN_ACCOUNT, ACCOUNT_THEN_SORT, NAMED_SORT, NAMED_ACCOUNT])
    for (const m of text.matchAll(re)) {
      // from the first digit: the words before a number that names it stay
      const first = m[0].search(/\d/);
      out.push({ kind: 'uk_bank_account', start: m.index + first, end: m.index + m[0].length });
    }
  return out;
}

const NINO = /\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]|QQ) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])\b/gi;
const NINO_BAD_PREFIX = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

function findNinos(text: string): IdSpan[] {
  const out: IdSpan[] = [];
  for (const m of text.matchAll(NINO)) {
    const prefix = (m[1] as string).toUpperCase();
    if (NINO_BAD_PREFIX.has(prefix)) continue;
    out.push({ kind: 'uk_nino', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// the name of the secret, a few linking words, then the value (a PIN: 4 to 6 digits; a password: a token)
const PIN =
  /\b(?:pin|pin number|pin code|passcode|security code|cvv|cvc|c[óo]digo pin|pin de la tarjeta|clave)\b(?:\s+(?:is|was|es|era|number|:|=|-)){0,3}\s*[:=]?\s*(\d{3,6})(?!\d)/gi;
// "password: letmein" (a colon or equals sign), or "my password is hunter2" (a value with a digit or symbol, so
// that "my password is expired" is no secret)
const PASSWORD_WORD = String.raw`\b(?:password|passphrase|contrase[\xF1n]a|clave de acceso)\b`;
const PASSWORD = new RegExp(
  String.raw`${PASSWORD_WORD}(?:\s*[:=]\s*("[^"\n]{1,64}"|'[^'\n]{1,64}'|[^\s"']{3,64})|(?:\s+[\p{L}']+){0,3}?\s+(?:is|was|es|era)\s+("[^"\n]{1,64}"|'[^'\n]{1,64}'|(?=[^\s"']*[\d!@#$%^&*_.+-])[^\s"']{4,64}))`,
  'giu',
);

function findSecrets(text: string): IdSpan[] {
  const out: IdSpan[] = [];
  for (const re of [PIN, PASSWORD])
    for (const m of text.matchAll(re)) {
      const value = (m[1] ?? m[2]) as string;
      const at = m.index + m[0].lastIndexOf(value);
      out.push({ kind: 'secret', start: at, end: at + value.length });
    }
  return out;
}

const SECRET_WORD = /pin|pass|contrase|clave|cvv|cvc|security code/i;

/** IBANs, UK sort codes and account numbers, National Insurance numbers and secrets in `text` (may overlap). */
export function findBankIds(text: string): IdSpan[] {
  let digits = 0;
  for (let i = 0; i < text.length && digits < 3; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  if (digits < 3) return SECRET_WORD.test(text) ? findSecrets(text) : [];
  return [...findIbans(text), ...findUkAccounts(text), ...findNinos(text), ...(SECRET_WORD.test(text) ? findSecrets(text) : [])];
}
