// Built-in contact entities: email addresses and phone numbers.

import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import type { ExtractedEntity } from '../../engine/ports';

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])/g;

export function findEmails(text: string): ExtractedEntity[] {
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
export function findPhones(text: string, locale?: string): ExtractedEntity[] {
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
