import { describe, expect, it } from 'vitest';
import { ibanValid } from '../guardrails/bankIds';
import { luhnValid } from '../nlu/entities/cards';
import { findPii, type PiiKind, type PiiOptions } from '../runtime/pii';
import { compileGuardrails } from '../guardrails/rules';
import { compilePattern } from '../util/regex';
import { createTestValues, testCardDigits, testIban, testPatternValue } from './testValues';

/** The pieces of personal data in `text`, as [kind, text]. */
const found = (text: string, o: PiiOptions = {}) => findPii(text, o).map((s) => [s.kind, text.slice(s.start, s.end)] as const);

/** One message per kind (and per layout worth checking), with the options it is read with. */
const EXAMPLES: { kind: PiiKind; text: string; o?: PiiOptions }[] = [
  { kind: 'card', text: 'my card is 4111 1111 1111 1111' },
  { kind: 'card', text: 'card 4111-1111-1100-9034 please' },
  { kind: 'card', text: 'it is 5105105105105100' },
  { kind: 'card', text: 'amex 3782 822463 10005' },
  { kind: 'card', text: 'discover 6011 0009 9013 9424' },
  { kind: 'card', text: 'a 13-digit one 4222222222222' },
  { kind: 'email', text: 'write to Jo.Bloggs+bank@Gmail.com today' },
  { kind: 'phone', text: 'call me on 07911 123456' },
  { kind: 'phone', text: 'call me on 07911 123456', o: { locale: 'en-GB' } },
  { kind: 'phone', text: 'call me on 020 7123 4567', o: { locale: 'en-GB' } },
  { kind: 'phone', text: 'call me on +44 7911 123456' },
  { kind: 'phone', text: 'call me on (415) 555-2671', o: { locale: 'en-US' } },
  { kind: 'phone', text: 'call me on +1 415 555 2671' },
  { kind: 'phone', text: 'llámame al 612 345 678', o: { locale: 'es-ES' } },
  { kind: 'phone', text: 'llámame al +34 612 345 678' },
  { kind: 'phone', text: 'appelle-moi au 06 12 34 56 78', o: { region: 'FR' } },
  { kind: 'iban', text: 'my IBAN is GB82 WEST 1234 5698 7654 32' },
  { kind: 'iban', text: 'IBAN ES9121000418450200051332' },
  { kind: 'iban', text: 'iban de89 3704 0044 0532 0130 00' },
  { kind: 'uk_bank_account', text: 'sort code 40-47-84 account 70872490' },
  { kind: 'uk_bank_account', text: '70872490 and sort code 404784' },
  { kind: 'uk_bank_account', text: 'my sort code is 40 47 84' },
  { kind: 'uk_bank_account', text: 'account number 70872490' },
  { kind: 'uk_nino', text: 'NI number AB 12 34 56 C' },
  { kind: 'uk_nino', text: 'my nino is jk123456a' },
  { kind: 'secret', text: 'my PIN is 4821' },
  { kind: 'secret', text: 'the cvv is 123' },
  { kind: 'secret', text: 'password: hunter2' },
  { kind: 'secret', text: 'my password is "s3cret!"' },
];

describe('test values', () => {
  it.each(EXAMPLES)('$kind in "$text": replaced by a value found again as the same kind, in the same layout', ({ kind, text, o = {} }) => {
    const before = found(text, o);
    expect(before.map(([k]) => k)).toEqual([kind]);
    const out = createTestValues().text(text, o);
    const after = found(out, o);
    expect(
      after.map(([k]) => k),
      out,
    ).toEqual([kind]);
    const [, original] = before[0] as readonly [PiiKind, string];
    const [, value] = after[0] as readonly [PiiKind, string];
    expect(value).not.toBe(original);
    expect(out.replace(value, original)).toBe(text); // nothing else changed
    // the layout: separators, spaces and the case of letters stay where they were (an email is replaced whole)
    if (kind !== 'email' && kind !== 'secret') {
      expect(value.replace(/[0-9]/g, '9').replace(/[A-Z]/g, 'X').replace(/[a-z]/g, 'x')).toBe(
        original.replace(/[0-9]/g, '9').replace(/[A-Z]/g, 'X').replace(/[a-z]/g, 'x'),
      );
    }
  });

  it('cards keep their length, grouping and last four digits, pass the Luhn check and start with a test prefix', () => {
    for (const [text, start] of [
      ['4111 1111 1111 1111', '4000 00'],
      ['4111-1111-1100-9034', '4000-00'],
      ['5105105105105100', '555555'],
      ['3782 822463 10005', '3782 82'],
      ['6011 0009 9013 9424', '6011 11'],
      ['4222222222222', '400000'],
      ['4111 1111 1111 1111 003', '4000 00'],
    ] as const) {
      const out = createTestValues().text(text);
      const digits = out.replace(/\D/g, '');
      expect(out.length, text).toBe(text.length);
      expect(out.replace(/\d/g, '9'), text).toBe(text.replace(/\d/g, '9'));
      expect(out.slice(-4), text).toBe(text.slice(-4));
      expect(out.startsWith(start), out).toBe(true);
      expect(luhnValid(digits), out).toBe(true);
      expect(digits).not.toBe(text.replace(/\D/g, ''));
    }
    // a middle digit takes the check, never one of the last four
    for (let i = 0; i < 200; i++) {
      const last4 = String(i * 37).padStart(4, '0');
      const digits = testCardDigits(`411111111111${last4}`, i % 7);
      expect(digits.slice(-4)).toBe(last4);
      expect(luhnValid(digits), digits).toBe(true);
      expect(digits).toHaveLength(16);
    }
  });

  it('IBANs keep their country, length and last four characters, with check digits that pass mod 97', () => {
    for (const iban of ['GB82WEST12345698765432', 'ES9121000418450200051332', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300']) {
      for (const index of [0, 1, 12]) {
        const out = testIban(iban, index);
        expect(ibanValid(out), out).toBe(true);
        expect(out.slice(0, 2)).toBe(iban.slice(0, 2));
        expect(out).toHaveLength(iban.length);
        expect(out.slice(-4)).toBe(iban.slice(-4));
      }
    }
  });

  it('phone numbers are fictional where the country reserves numbers for fiction', () => {
    expect(createTestValues().text('call 020 7123 4567', { locale: 'en-GB' })).toBe('call 020 7946 0000'); // Ofcom: 020 7946 0xxx
    expect(createTestValues().text('call +44 7911 123456')).toBe('call +44 2079 460000');
    expect(createTestValues().text('call (415) 555-2671', { locale: 'en-US' })).toBe('call (202) 555-0100'); // 555-01xx
    expect(createTestValues().text('call 415-555-2671')).toBe('call 202-555-0100');
  });

  it('emails, National Insurance numbers, sort codes and secrets become the reserved examples', () => {
    const tv = createTestValues();
    expect(tv.text('mail Jo@Gmail.com')).toBe('mail customer@example.com');
    expect(tv.text('NI number AB 12 34 56 C')).toBe('NI number QQ 12 34 56 C');
    expect(tv.text('sort code 40-47-84 account 70872490')).toBe('sort code 12-34-56 account 00002490');
    expect(tv.text('my PIN is 4821')).toBe('my PIN is 0000');
    expect(tv.text('password: hunter2')).toBe('password: Test-passw0rd2');
  });

  it('is deterministic, and the same original gets the same value in any layout; different originals get different values', () => {
    const message = 'card 4111 1111 1111 1111, mail jo@gmail.com, phone +44 7911 123456, IBAN GB82 WEST 1234 5698 7654 32, NI AB123456C, PIN is 4821';
    const a = createTestValues();
    const b = createTestValues();
    const once = a.text(message);
    expect(b.text(message)).toBe(once);
    expect(a.text(message)).toBe(once);
    expect(found(once).map(([k]) => k)).toEqual(['card', 'email', 'phone', 'iban', 'uk_nino', 'secret']);

    const tv = createTestValues();
    const first = tv.text('my card is 4111 1111 1111 1111');
    expect(tv.text('so 4111111111111111 it is')).toBe(`so ${first.slice(-19).replace(/ /g, '')} it is`);
    expect(tv.text('my card is 4111-1111-1111-1111')).toBe(`my card is ${first.slice(-19).replace(/ /g, '-')}`);
    expect(tv.text('JO@gmail.com')).toBe(tv.text('jo@gmail.com'));
    expect(tv.text('call 07911 123456', { locale: 'en-GB' }).slice(5).replace(/\D/g, '').slice(1)).toBe(
      tv.text('call +44 7911 123456').slice(5).replace(/\D/g, '').slice(2),
    );
    expect(tv.text('account number 70872490')).toBe(tv.text('sort code 40-47-84 account 70872490').replace('sort code 12-34-56 account', 'account number'));

    // a second card with the same last four digits is another test card
    const second = tv.text('my card is 4929 0000 0004 1111');
    expect(found(second).map(([k]) => k)).toEqual(['card']);
    expect(second).not.toBe(first);
    expect(second).not.toContain('4929');
    expect(second.slice(-4)).toBe('1111');
    expect(luhnValid(second.replace(/\D/g, ''))).toBe(true);
    expect(tv.text('mail ann@x.org')).toBe('mail customer2@example.com');
    expect(tv.text('call +44 7911 654321')).not.toBe(tv.text('call +44 7911 123456'));
  });

  it('leaves text with no personal data as it is, and lists the kinds it replaced', () => {
    const tv = createTestValues();
    expect(tv.text('I lost my credit card, the one ending 4821')).toBe('I lost my credit card, the one ending 4821');
    expect(tv.kinds).toEqual([]);
    tv.text('card 4111 1111 1111 1111 and jo@gmail.com');
    tv.strings({ slots: { email: 'bo@gmail.com', n: 3, list: ['4111 1111 1111 1111'] } });
    expect(tv.kinds).toEqual(['card', 'email']);
  });

  it('replaces every string in a JSON value, keys and other values untouched', () => {
    const tv = createTestValues();
    const typed = tv.text('my card is 4111 1111 1111 1111');
    const value = { 'slots.note': 'lost in town', 'slots.last4': '1111', 'slots.count': 2, 'slots.none': null, 'slots.tags': ['a'] };
    const out = tv.strings({ ...value, 'slots.card': '4111 1111 1111 1111', 'slots.said': { text: 'it is 4111111111111111' } });
    expect(out).toEqual({ ...value, 'slots.card': typed.slice(11), 'slots.said': { text: `it is ${typed.slice(11).replace(/ /g, '')}` } });
  });

  describe("the project's own redact patterns", () => {
    const ref = { id: 'customer_ref', pattern: compilePattern(String.raw`\bACME-\d{6}\b`, { ignoreCase: true }) };
    const policy = { id: 'policy_no', pattern: compilePattern(String.raw`\b[A-Z]{3}\d{7}\b`, { ignoreCase: true }) };
    const codename = { id: 'codename', pattern: compilePattern(String.raw`\bproject falcon\b`, { ignoreCase: true }) };

    it('a match becomes a test value the pattern matches end to end, the digits zeros and a counter, else the letters X too', () => {
      expect(testPatternValue('ACME-123456', ref.pattern)).toBe('ACME-000000');
      expect(testPatternValue('ACME-123456', ref.pattern, 7)).toBe('ACME-000007');
      expect(testPatternValue('acme-123456', ref.pattern)).toBe('acme-000000');
      expect(testPatternValue('POL1234567', policy.pattern)).toBe('POL0000000');
      // a pattern of fixed words has no test value
      expect(testPatternValue('Project Falcon', codename.pattern)).toBeUndefined();
      // nor has a match already made of the test value's characters
      expect(testPatternValue('ACME-000000', ref.pattern)).toBeUndefined();
      // nor a match whose pattern takes no zero and no X
      const noZero = compilePattern(String.raw`\b[a-z]{3}[1-9]{2}\b`, { ignoreCase: true });
      expect(testPatternValue('abc12', noZero)).toBeUndefined();
      // a match without digits: its letters X, in their case
      const lettersOnly = compilePattern(String.raw`\b[a-z]{2}-[a-z]{4}\b`, { ignoreCase: true });
      expect(testPatternValue('ab-Wxyz', lettersOnly)).toBe('xx-Xxxx');
    });

    it('are replaced in the text alongside personal data, the same original the same value, and the project rule still finds them', () => {
      const tv = createTestValues([ref, codename]);
      const out = tv.text('ref ACME-123456, card 4111 1111 1111 1111, ref acme-123456 again, then ACME-999999 about Project Falcon');
      expect(out).toBe('ref ACME-000000, card 4000 0000 0006 1111, ref acme-000000 again, then ACME-000001 about Project Falcon');
      expect(tv.kinds).toEqual(['card']);
      expect(tv.rules).toEqual(['customer_ref']);
      expect(tv.kept).toEqual(['codename']);
      // the rule redacts the test values as it did the originals, so the story's turn is stored as the recorded one was
      const g = compileGuardrails({
        version: 1,
        rules: [{ id: 'customer_ref', detector: 'pattern', pattern: String.raw`\bACME-\d{6}\b`, action: 'redact' }],
      } as never);
      expect(g.redactPatterns.map((r) => r.id)).toEqual(['customer_ref']);
      expect(g.redact('ref ACME-000000')).toBe(g.redact('ref ACME-123456'));
      // without the patterns, they stay as typed (what the story would keep before this)
      expect(createTestValues().text('ref ACME-123456')).toBe('ref ACME-123456');
    });
  });
});
