import { describe, expect, it } from 'vitest';
import { NluFile, type Entity } from '../../schema/project';
import { extractEntities, extractSlotValue } from './index';
import { findNumbers, parseDigits } from '../numbers';
import { buildProjectNlu } from '../project';

const now = Date.UTC(2025, 2, 14, 12); // Friday 14 March 2025, noon UTC
const ctx = { now, timezone: 'UTC' };
const entities: Entity[] = [
  {
    id: 'card_type',
    kind: 'list',
    values: [
      { value: 'debit', synonyms: ['debit card', 'ATM card', 'tarjeta de débito', 'débito'] },
      { value: 'credit', synonyms: ['credit card', 'Rewards Mastercard'] },
    ],
  },
  { id: 'transaction_ref', kind: 'regex', pattern: '\\bTXN-?[0-9]{10}\\b' },
];

const pick = (text: string, locale = 'en') => extractEntities(text, { ...ctx, entities, locale }).map((e) => [e.entity, e.value, e.text]);

describe('entities', () => {
  it('list entities: canonical value, case- and accent-insensitive, whole words, longest synonym', () => {
    expect(pick('I lost my Debit Card')).toEqual([['card_type', 'debit', 'Debit Card']]);
    expect(pick('mi TARJETA DE DEBITO')).toEqual([['card_type', 'debit', 'TARJETA DE DEBITO']]);
    expect(pick('my rewards   mastercard and a credit card')).toEqual([
      ['card_type', 'credit', 'rewards   mastercard'],
      ['card_type', 'credit', 'credit card'],
    ]);
    expect(pick('the debitcard and indebited')).toEqual([]);
  });

  it('regex entities give the match, and what they match is not also a phone or number', () => {
    expect(pick('dispute TXN-4821937705 please')).toEqual([['transaction_ref', 'TXN-4821937705', 'TXN-4821937705']]);
    const e = extractEntities('ref TXN4821937705', { entities })[0]!;
    expect(e).toMatchObject({ entity: 'transaction_ref', start: 4, end: 17 });
  });

  it('numbers: digits and English and Spanish words', () => {
    const values = (t: string, locale?: string) => findNumbers(t, locale).map((n) => n.value);
    expect(values('twenty five')).toEqual([25]);
    expect(values('twenty-one and one hundred and five')).toEqual([21, 105]);
    expect(values('a thousand two hundred')).toEqual([1200]);
    expect(values('one million two hundred thousand')).toEqual([1_200_000]);
    expect(values('nineteen ninety')).toEqual([19, 90]);
    expect(values('veinticinco y treinta y dos', 'es')).toEqual([25, 32]);
    expect(values('mil doscientos', 'es')).toEqual([1200]);
    expect(values('1,250.50 and 3')).toEqual([1250.5, 3]);
    expect(parseDigits('10,50')).toBe(10.5);
    expect(parseDigits('1.500', 'es')).toBe(1500);
    expect(parseDigits('1.500')).toBe(1.5);
    expect(pick('I need 3 cards')).toEqual([['number', 3, '3']]);
  });

  it('amounts with a currency', () => {
    expect(pick('send $25 now')).toEqual([['amount', { amount: 25, currency: 'USD' }, '$25']]);
    expect(pick('25 dollars')).toEqual([['amount', { amount: 25, currency: 'USD' }, '25 dollars']]);
    expect(pick('€10.50')).toEqual([['amount', { amount: 10.5, currency: 'EUR' }, '€10.50']]);
    expect(pick('€10,50')).toEqual([['amount', { amount: 10.5, currency: 'EUR' }, '€10,50']]);
    expect(pick('100 USD and 3 cats')).toEqual([
      ['amount', { amount: 100, currency: 'USD' }, '100 USD'],
      ['number', 3, '3'],
    ]);
    expect(pick('twenty five dollars')).toEqual([['amount', { amount: 25, currency: 'USD' }, 'twenty five dollars']]);
    expect(pick('£1,250.75')).toEqual([['amount', { amount: 1250.75, currency: 'GBP' }, '£1,250.75']]);
    expect(pick('it was 25 dollars and 50 cents')).toEqual([['amount', { amount: 25.5, currency: 'USD' }, '25 dollars and 50 cents']]);
    expect(pick('quinientos euros', 'es')).toEqual([['amount', { amount: 500, currency: 'EUR' }, 'quinientos euros']]);
  });

  it('dates against the reference time, as ISO dates; a time alone is not a date', () => {
    expect(pick('tomorrow')).toEqual([['date', '2025-03-15', 'tomorrow']]);
    expect(pick('I lost it yesterday')).toEqual([['date', '2025-03-13', 'yesterday']]);
    expect(pick('next friday')).toEqual([['date', '2025-03-21', 'next friday']]);
    expect(pick('on 2024-05-01')).toEqual([['date', '2024-05-01', '2024-05-01']]);
    expect(pick('el 3 de marzo', 'es')).toEqual([['date', '2025-03-03', '3 de marzo']]);
    expect(pick('at 5pm')).toEqual([]);
    expect(extractEntities('tomorrow', { now: Date.UTC(2030, 11, 31, 12), timezone: 'UTC' })[0]!.value).toBe('2031-01-01');
  });

  it('email, phone and card last four', () => {
    expect(pick('write to Bob.Smith@Example.COM.')).toEqual([['email', 'Bob.Smith@example.com', 'Bob.Smith@Example.COM']]);
    expect(pick('call me at +1 (555) 123-4567')).toEqual([['phone', '+15551234567', '+1 (555) 123-4567']]);
    expect(pick('my card ending 4821')).toEqual([
      ['card_last4', '4821', '4821'],
      ['number', 4821, '4821'],
    ]);
    expect(pick('card ending in four eight two one').slice(0, 1)).toEqual([['card_last4', '4821', 'four eight two one']]);
    expect(pick('0042.')).toEqual([
      ['card_last4', '0042', '0042'],
      ['number', 42, '0042'],
    ]);
    // a four-digit number in other free text is a number (a year, a PIN...), not a card
    expect(pick('in 2024')).toEqual([['number', 2024, '2024']]);
  });

  it("a card number is its last four digits, and none of its digits is a number, an amount, a phone or a pattern's match", () => {
    // issue 13's finding: the sample's amount pattern took "4111", the card number's first group, as the amount
    const amountPattern: Entity = { id: 'payment_amount', kind: 'regex', pattern: '(?i)[$]?[0-9][0-9,]{0,12}([.][0-9]{1,2})?|minimum' };
    const found = (text: string) => extractEntities(text, { ...ctx, entities: [amountPattern] }).map((e) => [e.entity, e.value, e.text]);
    expect(found('pay $50 to my card 4111 1111 1100 9034')).toEqual([
      ['payment_amount', '$50', '$50'],
      ['card_last4', '9034', '9034'],
    ]);
    expect(found('4111-1111-1100-9034')).toEqual([['card_last4', '9034', '9034']]);
    const value = (type: 'entity' | 'amount', text: string) => extractSlotValue(type, text, { ...ctx, entities: [amountPattern], entityId: 'payment_amount' });
    expect(value('entity', 'pay my card 4111 1111 1100 9034')).toEqual({ ok: false });
    expect(value('entity', 'card 4111 1111 1100 9034, the minimum')).toEqual({ ok: true, value: 'minimum' });
    expect(value('amount', 'my card 4111 1111 1100 9034')).toEqual({ ok: false });
    // a pattern that matches the whole number is the project's own card entity: kept
    const cardPattern: Entity = { id: 'card_number', kind: 'regex', pattern: '[0-9]{4}( [0-9]{4}){3}' };
    expect(extractEntities('it is 4111 1111 1100 9034', { ...ctx, entities: [cardPattern] }).map((e) => e.entity)).toContain('card_number');
    // not a card (the Luhn check fails): its groups are read as before
    expect(found('4111 1111 1111 9034').map((e) => e[0])).toContain('payment_amount');
  });

  it('yes/no when the text opens with it, in English and Spanish', () => {
    expect(pick('yes please')).toEqual([['yes_no', true, 'yes please']]);
    expect(pick('Nope.')).toEqual([['yes_no', false, 'Nope']]);
    expect(pick('sí, claro', 'es')).toEqual([['yes_no', true, 'sí']]);
    expect(pick('I have no card')).toEqual([]);
  });

  it('positions index the original text', () => {
    const text = 'Pagué €10,50 con mi tarjeta de débito mañana';
    for (const e of extractEntities(text, { ...ctx, entities, locale: 'es' })) expect(text.slice(e.start, e.end)).toBe(e.text);
  });
});

describe('slot values', () => {
  const slot = (type: Parameters<typeof extractSlotValue>[0], text: string, extra: { entityId?: string; locale?: string } = {}) =>
    extractSlotValue(type, text, { ...ctx, entities, ...extra });

  it('text, number and amount', () => {
    expect(slot('text', '  my answer  ')).toEqual({ ok: true, value: 'my answer' });
    expect(slot('text', '   ')).toEqual({ ok: false });
    expect(slot('number', 'twenty five')).toEqual({ ok: true, value: 25 });
    expect(slot('number', 'about 40 or so')).toEqual({ ok: true, value: 40 });
    expect(slot('number', 'none')).toEqual({ ok: false });
    expect(slot('amount', '$25')).toEqual({ ok: true, value: 25 });
    expect(slot('amount', '25')).toEqual({ ok: true, value: 25 });
    expect(slot('amount', 'fifty euros')).toEqual({ ok: true, value: 50 });
    expect(slot('amount', 'cincuenta euros', { locale: 'es' })).toEqual({ ok: true, value: 50 });
    expect(slot('amount', 'lots')).toEqual({ ok: false });
  });

  it('date, email and phone', () => {
    expect(slot('date', 'next friday')).toEqual({ ok: true, value: '2025-03-21' });
    expect(slot('date', 'mañana', { locale: 'es' })).toEqual({ ok: true, value: '2025-03-15' });
    expect(slot('date', 'at 5pm')).toEqual({ ok: false });
    expect(slot('email', 'it is a.b@c.io')).toEqual({ ok: true, value: 'a.b@c.io' });
    expect(slot('email', 'a.b at c dot io')).toEqual({ ok: false });
    expect(slot('phone', '555 123 4567')).toEqual({ ok: true, value: '5551234567' });
    expect(slot('phone', '12345')).toEqual({ ok: false });
    // libphonenumber: a + number needs a real country code and a length its numbers have; a locale with a region
    // checks national numbers the same way
    expect(slot('phone', '+1 555 12 34')).toEqual({ ok: false });
    expect(slot('phone', '+999 1234567')).toEqual({ ok: false });
    expect(slot('phone', '+44 20 7946 0018')).toEqual({ ok: true, value: '+442079460018' });
    expect(slot('phone', '020 7946 0018', { locale: 'en-GB' })).toEqual({ ok: true, value: '02079460018' });
    expect(slot('phone', '020 7946 0018 99', { locale: 'en-GB' })).toEqual({ ok: false });
    expect(slot('phone', '020 7946 0018 99')).toEqual({ ok: true, value: '0207946001899' });
  });

  it("card_last4: with a cue, or the answer's only four-digit group; leading zeros kept", () => {
    expect(slot('card_last4', '4821')).toEqual({ ok: true, value: '4821' });
    expect(slot('card_last4', 'it ends with 0042')).toEqual({ ok: true, value: '0042' });
    expect(slot('card_last4', 'terminada en 7310', { locale: 'es' })).toEqual({ ok: true, value: '7310' });
    expect(slot('card_last4', 'four eight two one')).toEqual({ ok: true, value: '4821' });
    expect(slot('card_last4', '2024 and 4821')).toEqual({ ok: false });
    expect(slot('card_last4', '48211')).toEqual({ ok: false });
    // the whole card number says which card (the input stage redacts the rest before anything is stored); sixteen
    // digits that fail the Luhn check are no card number, and no group of them is the last four
    expect(slot('card_last4', '4111 1111 1111 1111')).toEqual({ ok: true, value: '1111' });
    expect(slot('card_last4', 'the card is 4111-1111-1100-9034')).toEqual({ ok: true, value: '9034' });
    expect(slot('card_last4', '4111 1111 1111 9034')).toEqual({ ok: false });
  });

  it('yes_no: agreeing words give a boolean; contradictions and doubt fail', () => {
    expect(slot('yes_no', 'yeah sure')).toEqual({ ok: true, value: true });
    expect(slot('yes_no', 'no problem')).toEqual({ ok: true, value: true });
    expect(slot('yes_no', 'no')).toEqual({ ok: true, value: false });
    expect(slot('yes_no', "I don't think so")).toEqual({ ok: true, value: false });
    expect(slot('yes_no', 'of course not')).toEqual({ ok: true, value: false });
    expect(slot('yes_no', 'Sí')).toEqual({ ok: true, value: true });
    expect(slot('yes_no', 'no, gracias')).toEqual({ ok: true, value: false });
    expect(slot('yes_no', 'y')).toEqual({ ok: true, value: true });
    expect(slot('yes_no', 'yes and no')).toEqual({ ok: false });
    expect(slot('yes_no', 'not sure')).toEqual({ ok: false });
    expect(slot('yes_no', 'purple')).toEqual({ ok: false });
  });

  it('entity: a project entity by id, or a built-in of that name', () => {
    expect(slot('entity', 'my ATM card', { entityId: 'card_type' })).toEqual({ ok: true, value: 'debit' });
    expect(slot('entity', 'no idea', { entityId: 'card_type' })).toEqual({ ok: false });
    expect(slot('entity', 'TXN-4821937705', { entityId: 'transaction_ref' })).toEqual({ ok: true, value: 'TXN-4821937705' });
    expect(slot('entity', 'five', { entityId: 'number' })).toEqual({ ok: true, value: 5 });
    expect(slot('entity', 'debit', { entityId: 'no_such_entity' })).toEqual({ ok: false });
    expect(slot('entity', 'debit')).toEqual({ ok: false });
  });
});

// Issue 10, finding 3: a regex entity `^(a+)+$` with "a"×30 + "!" froze main for 68 s on a backtracking engine.
// On RE2 the parse returns at once; on the old code this test hangs until vitest's timeout.
describe('regex entities cannot freeze the NLU', () => {
  it('parses a message against a catastrophic-backtracking pattern', () => {
    const nlu = buildProjectNlu(
      NluFile.parse({
        intents: [
          { id: 'greet', examples: { en: ['hello', 'hi there'] } },
          { id: 'bye', examples: { en: ['bye', 'see you'] } },
        ],
        entities: [{ id: 'evil', kind: 'regex', pattern: '^(a+)+$' }],
      }),
    );
    const r = nlu.parse('a'.repeat(30) + '!', 'en');
    expect(r.entities.filter((e) => e.entity === 'evil')).toEqual([]);
    expect(
      nlu
        .parse('a'.repeat(30), 'en')
        .entities.filter((e) => e.entity === 'evil')
        .map((e) => e.value),
    ).toEqual(['a'.repeat(30)]);
  });
});
