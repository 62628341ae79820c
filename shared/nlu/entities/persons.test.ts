import { describe, expect, it } from 'vitest';
import type { Entity } from '../../schema/project';
import { extractEntities, extractSlotValue, loadPersonNames, usesPersonNames } from './index';
import { findPersons, titleCaseName } from './persons';

/**
 * A labelled set written for this test: [sentence, names in it as written, locale]. Names with cues and without,
 * Spanish names, lower-case input, titles; and sentences whose capitalised words are not people (cards, banks,
 * shops, weekdays, months, places).
 */
const SAMPLES: [string, string[], string][] = [
  ['my name is Ana María López', ['Ana María López'], 'en'],
  ['transfer to John Smith', ['John Smith'], 'en'],
  ["it's for dr. Patel", ['dr. Patel'], 'en'],
  ['my name is ana maría lópez', ['ana maría lópez'], 'en'],
  ['send 50 dollars to john smith', ['john smith'], 'en'],
  ["I'm Sarah Connor", ['Sarah Connor'], 'en'],
  ["this is Mike O'Brien speaking", ["Mike O'Brien"], 'en'],
  ['transfer £40 to Priya Natarajan', ['Priya Natarajan'], 'en'],
  ['please pay Emily Watson 200 euros', ['Emily Watson'], 'en'],
  ['can you send money to my brother David', ['David'], 'en'],
  ['the account holder is Robert Johnson', ['Robert Johnson'], 'en'],
  ['I need to add Maria Garcia as a payee', ['Maria Garcia'], 'en'],
  ['call me Liz', ['Liz'], 'en'],
  ['my wife Jennifer needs a card too', ['Jennifer'], 'en'],
  ['book an appointment with Dr. Chen', ['Dr. Chen'], 'en'],
  ['I spoke to James yesterday about my loan', ['James'], 'en'],
  ["it's under the name of Kowalski", ['Kowalski'], 'en'],
  ['wire it to Mohammed Al-Farsi', ['Mohammed Al-Farsi'], 'en'],
  ["my name's tom hanks", ['tom hanks'], 'en'],
  ['Olivia Brown here, I lost my card', ['Olivia Brown'], 'en'],
  ['add oliver twist to my account', ['oliver twist'], 'en'],
  ['the transfer was to Chloe', ['Chloe'], 'en'],
  ['Mr. Anderson wants to close his account', ['Mr. Anderson'], 'en'],
  ['hi, I am Grace Hopper and I need help', ['Grace Hopper'], 'en'],
  ['payment to Lucas Martin failed', ['Lucas Martin'], 'en'],
  ['me llamo José Luis García', ['José Luis García'], 'es'],
  ['mi nombre es María José Fernández', ['María José Fernández'], 'es'],
  ['soy Carmen Ruiz', ['Carmen Ruiz'], 'es'],
  ['quiero transferir 100 euros a Juan Pérez', ['Juan Pérez'], 'es'],
  ['es para la doctora Fernández', ['doctora Fernández'], 'es'],
  ['me llamo lucía martínez', ['lucía martínez'], 'es'],
  ['envía 20 euros a pedro sánchez', ['pedro sánchez'], 'es'],
  ['mi hermana Isabel necesita una tarjeta', ['Isabel'], 'es'],
  ['el titular es Francisco Javier Gómez', ['Francisco Javier Gómez'], 'es'],
  ['hablé con Antonio ayer', ['Antonio'], 'es'],
  ['a nombre de Ana Belén Torres', ['Ana Belén Torres'], 'es'],
  ['soy alejandro', ['alejandro'], 'es'],
  ['paga a Javier Ortega Díaz', ['Javier Ortega Díaz'], 'es'],
  ['mi nombre es Sofía de la Cruz', ['Sofía de la Cruz'], 'es'],
  ['la cuenta es de mi madre, Dolores', ['Dolores'], 'es'],
  ['I would like to pay Siobhan Ní Bhriain', ['Siobhan Ní Bhriain'], 'en'],
  ['transfer 30 to nguyen van an', ['nguyen van an'], 'en'],
  ['my landlord is Mr Okafor', ['Mr Okafor'], 'en'],
  ['send the money to Wei Zhang', ['Wei Zhang'], 'en'],
  ['hola, soy Xiomara', ['Xiomara'], 'es'],
  ['transfiere 50 euros a xiomara rodríguez', ['xiomara rodríguez'], 'es'],
  ['can Jordan call me back?', ['Jordan'], 'en'],
  ['April Jones opened the account', ['April Jones'], 'en'],
  ['dile a mi hijo Pablo que llame', ['Pablo'], 'es'],
  ['mi cuñado Raúl Ibáñez paga la mitad', ['Raúl Ibáñez'], 'es'],
  ["I'm going to Jordan next week", [], 'en'],
  ['I live on Baker Street', [], 'en'],
  ['the card is a Chase Sapphire', [], 'en'],
  ['send it to Apple Pay', [], 'en'],
  ["I'll be there in April", [], 'en'],
  ['please pay Thames Water', [], 'en'],
  ['pay with my Visa', [], 'en'],
  ['on Monday please', [], 'en'],
  ['my bank is Barclays', [], 'en'],
  ['I want to transfer money to my savings account', [], 'en'],
  ['what is my balance', [], 'en'],
  ['I lost my Mastercard in London', [], 'en'],
  ['send it to Santander', [], 'en'],
  ['block my card ending 4821', [], 'en'],
  ['I paid Amazon 30 dollars', [], 'en'],
  ['my payment on May 5 failed', [], 'en'],
  ['can I get a new PIN', [], 'en'],
  ['quiero pagar con mi Visa', [], 'es'],
  ['el lunes por la mañana', [], 'es'],
  ['mi banco es BBVA', [], 'es'],
  ['transferir a mi cuenta de ahorro', [], 'es'],
  ['I bought something at Walmart in April', [], 'en'],
  ['send the statement to my email', [], 'en'],
  ['how do I contact Acme Bank support', [], 'en'],
  ['yes please', [], 'en'],
  ['the charge from Netflix is wrong', [], 'en'],
  ["I'm fine, thanks", [], 'en'],
  ['this is wrong', [], 'en'],
  ['call me tomorrow', [], 'en'],
  ['transfer to checking', [], 'en'],
];

// A found name matches a labelled one when they are equal ignoring case and a leading title ("Dr. Chen").
const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/^(?:dr|mr|mrs|ms|doctora?|sra?)\.?\s+/, '')
    .trim();

function score(): { precision: number; recall: number; misses: string[] } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misses: string[] = [];
  for (const [text, gold, locale] of SAMPLES) {
    const want = new Set(gold.map(norm));
    const got = new Set(findPersons(text, locale).map((p) => norm(p.text)));
    for (const g of got)
      if (want.has(g)) tp++;
      else {
        fp++;
        misses.push(`${text}: found ${g}`);
      }
    for (const w of want)
      if (!got.has(w)) {
        fn++;
        misses.push(`${text}: missed ${w}`);
      }
  }
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), misses };
}

describe('person', () => {
  it('finds no person and refuses a person slot until the tagger is loaded', () => {
    expect(extractEntities('transfer to John Smith').map((e) => e.entity)).toEqual([]);
    expect(() => extractSlotValue('person', 'John Smith')).toThrow(/loadPersonNames/);
  });

  it('precision and recall on the labelled set (80 sentences, 50 names; measured 0.904 and 0.940)', async () => {
    await loadPersonNames();
    const { precision, recall, misses } = score();
    // compromise alone (its #Person tags) scored 0.878 and 0.860 on this set; the cues and trimming add the rest
    expect(precision, misses.join('\n')).toBeGreaterThanOrEqual(0.88);
    expect(recall, misses.join('\n')).toBeGreaterThanOrEqual(0.92);
  });

  it('the examples of the issue, with their spans; a name typed in lower case is title-cased', async () => {
    await loadPersonNames();
    expect(extractEntities('my name is Ana María López')).toEqual([
      { entity: 'person', value: 'Ana María López', text: 'Ana María López', start: 11, end: 26 },
    ]);
    expect(extractEntities('transfer to John Smith').map((e) => [e.entity, e.value])).toEqual([['person', 'John Smith']]);
    expect(extractEntities("it's for dr. Patel").map((e) => [e.entity, e.value])).toEqual([['person', 'dr. Patel']]);
    expect(extractEntities('send 50 dollars to john smith').map((e) => [e.entity, e.value, e.text])).toEqual([
      ['amount', { amount: 50, currency: 'USD' }, '50 dollars'],
      ['person', 'John Smith', 'john smith'],
    ]);
  });

  it('Spanish names: compound first names, particles, titles, lower case', async () => {
    await loadPersonNames();
    const es = { locale: 'es' };
    expect(extractEntities('me llamo José Luis García', es).map((e) => e.value)).toEqual(['José Luis García']);
    expect(extractEntities('mi nombre es sofía de la cruz', es).map((e) => e.value)).toEqual(['Sofía de la Cruz']);
    expect(extractEntities('es para la doctora Fernández', es).map((e) => e.value)).toEqual(['doctora Fernández']);
    expect(extractEntities('quiero transferir 100 euros a Juan Pérez', es).map((e) => e.entity)).toEqual(['amount', 'person']);
    expect(titleCaseName("ana maría de la cruz o'brien al-farsi")).toBe("Ana María de la Cruz O'Brien Al-Farsi");
  });

  it('not names: cards, banks, weekdays, months; a name inside a date is the date', async () => {
    await loadPersonNames();
    for (const t of ['pay with my Visa', 'on Monday please', 'my bank is Barclays', 'quiero pagar con mi Visa', 'I paid Amazon 30 dollars']) {
      expect(
        extractEntities(t).filter((e) => e.entity === 'person'),
        t,
      ).toEqual([]);
    }
    expect(extractEntities('April 12 please', { now: Date.UTC(2026, 11, 6), timezone: 'UTC' }).map((e) => e.entity)).toEqual(['date']);
  });

  it('slot value: a name in the answer, or the bare answer when it can be a name; not "no idea"', async () => {
    await loadPersonNames();
    expect(extractSlotValue('person', 'it is for Priya Natarajan')).toEqual({ ok: true, value: 'Priya Natarajan' });
    expect(extractSlotValue('person', 'priya natarajan')).toEqual({ ok: true, value: 'Priya Natarajan' });
    expect(extractSlotValue('person', '  Ana  ')).toEqual({ ok: true, value: 'Ana' });
    expect(extractSlotValue('person', 'soy alejandro', { locale: 'es' })).toEqual({ ok: true, value: 'Alejandro' });
    for (const t of ['no idea', "I don't know", 'no sé', 'why?', 'Monday', 'my Visa card']) expect(extractSlotValue('person', t), t).toEqual({ ok: false });
    expect(extractSlotValue('entity', 'to John Smith', { entityId: 'person' })).toEqual({ ok: true, value: 'John Smith' });
  });

  it('a project entity named person wins where it matches; any project entity hides a name inside it', async () => {
    await loadPersonNames();
    const entities: Entity[] = [
      { id: 'person', kind: 'list', values: [{ value: 'Mum', synonyms: ['my mother', 'mom'] }] },
      { id: 'payee', kind: 'list', values: [{ value: 'landlord', synonyms: ['John Smith'] }] },
    ];
    expect(extractSlotValue('person', 'send it to my mother', { entities })).toEqual({ ok: true, value: 'Mum' });
    expect(extractSlotValue('person', 'send it to Emily Watson', { entities })).toEqual({ ok: true, value: 'Emily Watson' });
    expect(extractEntities('pay John Smith', { entities }).map((e) => [e.entity, e.value])).toEqual([['payee', 'landlord']]);
  });

  it('usesPersonNames: an ask for a person, the built-in person entity, or entities.person read anywhere', () => {
    const flow = (nodes: unknown[]) => ({ main: { name: 'm', nodes } }) as never;
    const ask = (type: string, entity?: string) => ({ id: 'a', kind: 'ask', slot: 's', type, ...(entity ? { entity } : {}), prompt: { en: '?' } });
    expect(usesPersonNames(flow([ask('person')]))).toBe(true);
    expect(usesPersonNames(flow([ask('entity', 'person')]))).toBe(true);
    expect(
      usesPersonNames(
        flow([
          {
            id: 'f',
            kind: 'form',
            fields: [
              { ...ask('date'), id: 'd' },
              { ...ask('person'), id: 'p' },
            ],
          },
        ]),
      ),
    ).toBe(true);
    expect(usesPersonNames(flow([{ id: 'c', kind: 'condition', branches: [{ id: 'b', when: 'entities.person != null' }] }]))).toBe(true);
    expect(usesPersonNames(flow([{ id: 'm', kind: 'message', say: { en: 'Hi {{ entities["person"] }}' } }]))).toBe(true);
    expect(usesPersonNames(flow([ask('date'), { id: 'm', kind: 'message', say: { en: 'personal entities.personal' } }]))).toBe(false);
    expect(usesPersonNames(flow([{ id: 'f', kind: 'form', fields: [{ ...ask('date'), id: 'd' }] }]))).toBe(false);
  });
});
