import { describe, expect, it } from 'vitest';
import { luhnValid } from '../nlu/entities/cards';
import { findPii, redactPii, redactStrings, redactText, regionOfLocale } from './pii';

describe('luhnValid', () => {
  it('accepts numbers whose checksum is right and refuses the others', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('1234567812345678')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4111 1111')).toBe(false);
  });
});

describe('card numbers', () => {
  it('replaces a Luhn-valid number, with spaces, dashes or none, keeping the last four digits', () => {
    expect(redactText('my card is 4111 1111 1111 1111 thanks')).toBe('my card is [card ••••1111] thanks');
    expect(redactText('5555-5555-5555-4444')).toBe('[card ••••4444]');
    expect(redactText('card:378282246310005.')).toBe('card:[card ••••0005].');
    // 19 digits (some debit cards), 13 digits (old Visa)
    expect(redactText('6011 0000 0000 0000 004')).toBe(luhnValid('6011000000000000004') ? '[card ••••0004]' : '6011 0000 0000 0000 004');
    expect(redactText('4222222222222')).toBe('[card ••••2222]');
  });

  it('leaves numbers that fail the Luhn check, too short or too long, alone', () => {
    expect(redactPii('order 4111 1111 1111 1112 is late').text).toBe('order 4111 1111 1111 1112 is late');
    expect(redactText('order number 1234567812345678')).toBe('order number 1234567812345678');
    expect(redactText('code 411111111111', { locale: 'en-US' })).toBe('code 411111111111'); // 12 digits: no card
    expect(redactText('41111111111111111111')).toBe('41111111111111111111'); // 20 digits, valid prefix inside
  });

  it('does not join numbers separated by more than one space or dash', () => {
    expect(redactText('4111 1111  1111 1111')).toBe('4111 1111  1111 1111');
  });
});

describe('email addresses', () => {
  it('replaces addresses wherever they are', () => {
    expect(redactPii('write to Jo.Smith+bank@Example.co.uk or ops@acme.example.').text).toBe('write to [email] or [email].');
    expect(redactPii('a@b.io').kinds).toEqual(['email']);
  });

  it('leaves text with an @ that is no address alone', () => {
    expect(redactText('meet @ 5pm, @acme on social')).toBe('meet @ 5pm, @acme on social');
  });
});

describe('phone numbers', () => {
  it('finds international numbers in any locale', () => {
    expect(redactText('call +44 20 7946 0958 now')).toBe('call [phone] now');
    expect(redactText('+1 202-555-0143', { locale: 'en-GB' })).toBe('[phone]');
  });

  it('reads national numbers in the region of the locale, or the region given', () => {
    expect(redactText('ring me on (202) 555-0143', { locale: 'en-US' })).toBe('ring me on [phone]');
    expect(redactText('ring me on 020 7946 0958', { locale: 'en-GB' })).toBe('ring me on [phone]');
    expect(redactText('ring me on 020 7946 0958', { locale: 'en', region: 'GB' })).toBe('ring me on [phone]');
    // a region that is not a real one falls back to the shape rule
    expect(redactText('ring me on 020 7946 0958', { locale: 'en', region: 'XX' })).toBe('ring me on [phone]');
  });

  it('reads national numbers by their shape when no region is known', () => {
    expect(redactText('my mobile is 07911 123456')).toBe('my mobile is [phone]');
    expect(redactText('llámame al 612 345 678', { locale: 'es' })).toBe('llámame al [phone]');
    // the price of the shape rule: a long bare number is taken for a phone number (8 digits are not)
    expect(redactText('code 411111111111')).toBe('code [phone]');
    expect(redactText('ref 48392011')).toBe('ref 48392011');
  });

  it('leaves dates, times, amounts and short references alone', () => {
    for (const o of [{}, { locale: 'en-GB' }, { locale: 'en-US' }]) {
      expect(redactText('on 2026-01-15 at 10:30', o)).toBe('on 2026-01-15 at 10:30');
      expect(redactText('since 15/01/2026', o)).toBe('since 15/01/2026');
      expect(redactText('15.01.2026', o)).toBe('15.01.2026');
      expect(redactText('I was charged £1,234.56 and $1234567.89', o)).toBe('I was charged £1,234.56 and $1234567.89');
      expect(redactText('reference DSP-48392011', o)).toBe('reference DSP-48392011');
      expect(redactText('paid 1234567 pounds', o)).toBe('paid 1234567 pounds');
    }
    expect(redactText('order 1234567890', { locale: 'en-US' })).toBe('order 1234567890');
  });
});

describe('redactPii', () => {
  it('replaces every kind in one text, in order, and lists the kinds once each', () => {
    const r = redactPii('card 4111-1111-1111-1111, mail jo@example.com, phone +44 20 7946 0958, again bo@example.com');
    expect(r.text).toBe('card [card ••••1111], mail [email], phone [phone], again [email]');
    expect(r.kinds).toEqual(['card', 'email', 'phone']);
  });

  it('does not read a card number as a phone number', () => {
    expect(findPii('4111111111111111', { locale: 'en-US' })).toEqual([{ kind: 'card', start: 0, end: 16 }]);
  });

  it('is idempotent: a redacted text stays as it is', () => {
    const once = redactText('4111 1111 1111 1111 / jo@example.com / +44 20 7946 0958 / 07911 123456');
    expect(redactText(once)).toBe(once);
    expect(redactText(once, { locale: 'en-GB' })).toBe(once);
  });

  it('returns text without personal data unchanged (the same string)', () => {
    const s = 'I lost my card, the one ending 1234, yesterday at 5';
    expect(redactPii(s)).toEqual({ text: s, kinds: [] });
  });
});

describe('regionOfLocale', () => {
  it('takes the region subtag libphonenumber knows', () => {
    expect(regionOfLocale('en-GB')).toBe('GB');
    expect(regionOfLocale('es-mx')).toBe('MX');
    expect(regionOfLocale('en')).toBeUndefined();
    expect(regionOfLocale('en-ZZ')).toBeUndefined();
    expect(regionOfLocale(undefined)).toBeUndefined();
  });
});

describe('redactStrings', () => {
  it('redacts every string value in a JSON value and shares what did not change', () => {
    const clean = { a: [1, 'x'], b: { n: null, t: true } };
    const v = { clean, mail: 'jo@example.com', list: ['ok', { deep: 'card 4111111111111111' }], n: 4111111111111111 };
    const r = redactStrings(v, (s) => redactText(s));
    expect(r).toEqual({ clean, mail: '[email]', list: ['ok', { deep: 'card [card ••••1111]' }], n: 4111111111111111 });
    expect(r.clean).toBe(clean);
    expect(v.mail).toBe('jo@example.com');
    expect(redactStrings(clean, (s) => redactText(s))).toBe(clean);
  });

  it('leaves object keys alone', () => {
    expect(redactStrings({ 'jo@example.com': 1 }, (s) => redactText(s))).toEqual({ 'jo@example.com': 1 });
  });
});

describe('findPii read again', () => {
  it('answers a text it read before as the first time, per locale, and a caller changing its answer changes nothing', () => {
    const text = 'call me on 020 7946 0958 or 07700 900123, card 4111 1111 1111 1111';
    const first = findPii(text, { locale: 'en-GB' });
    // the same text with a space after it has not been read before: the same spans
    const fresh = findPii(`${text} `, { locale: 'en-GB' });
    expect(first).toEqual(fresh);
    expect(first.map((s) => s.kind)).toEqual(['phone', 'card']);
    first[0]!.start = 999;
    first.pop();
    const again = findPii(text, { locale: 'en-GB' });
    expect(again).toEqual(fresh);
    again[0]!.start = 999;
    again.pop();
    expect(findPii(text, { locale: 'en-GB' })).toEqual(fresh);
    // another locale or none is another reading, kept apart: 07700 900123 is national only without a locale
    expect(findPii(text, { locale: 'en-US' }).map((s) => s.kind)).toEqual(['card']);
    expect(findPii(text).map((s) => s.kind)).toEqual(['phone', 'phone', 'card']);
    expect(findPii(text, { locale: 'en-GB' })).toEqual(fresh);
    const us = 'ring (415) 555-2671 today';
    expect(findPii(us, { locale: 'en-GB' })).toEqual([]);
    expect(findPii(us, { locale: 'en-US' })).toEqual([{ kind: 'phone', start: 5, end: 19 }]);
    expect(findPii(us, { locale: 'en-GB' })).toEqual([]);
  });
});
