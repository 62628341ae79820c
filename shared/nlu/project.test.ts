import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NluFile } from '../schema/project';
import { buildProjectNlu, decideIntent, OUT_OF_SCOPE } from './project';

const sample = NluFile.parse(parse(readFileSync(path.resolve(import.meta.dirname, '../../examples/acme-bank/nlu.yaml'), 'utf8')));
const top = (nlu: ReturnType<typeof buildProjectNlu>, text: string, locale = 'en') => nlu.parse(text, locale).ranking[0]!;

describe('project NLU (acme-bank sample)', () => {
  const nlu = buildProjectNlu(sample, { clock: { now: () => Date.UTC(2025, 2, 14, 12) }, timezone: 'UTC' });

  // its training time is measured by `npm run bench -- nlu`
  it('trains one model per locale', () => {
    expect([...nlu.locales].sort()).toEqual(['en', 'es']);
    expect(nlu.modelFor('en')).not.toBe(nlu.modelFor('es'));
  });

  it('ranks sensibly in English and Spanish', () => {
    const expectTop = (text: string, intent: string, locale = 'en') => expect(top(nlu, text, locale).intent, text).toBe(intent);
    expectTop('I lost my card', 'lost_card');
    expectTop('my card was stolen yesterday', 'lost_card');
    expectTop('what are your opening hours', 'opening_hours');
    expectTop('when do you close on friday', 'opening_hours');
    expectTop('talk to a human', 'agent');
    expectTop('I want to speak with a person', 'agent');
    expectTop('how much money is in my account', 'check_balance');
    expectTop('there is a weird charge on my statement', 'dispute_transaction');
    expectTop('thanks bye', 'goodbye');
    expectTop('perdí mi tarjeta', 'lost_card', 'es');
    expectTop('quiero hablar con una persona', 'agent', 'es');
    expectTop('¿a qué hora abren?', 'opening_hours', 'es');
    // the examples themselves are accepted
    expect(decideIntent(nlu.parse('I lost my card', 'en').ranking)).toMatchObject({ kind: 'accept', intent: 'lost_card' });
    expect(decideIntent(nlu.parse('talk to a human', 'en').ranking)).toMatchObject({ kind: 'accept', intent: 'agent' });
    // unrelated text is not
    expect(decideIntent(nlu.parse('asdf qwerty', 'en').ranking)).toEqual({ kind: 'no_match' });
  });

  it('falls back to the language, then the default locale; blank text ranks nothing', () => {
    expect(top(nlu, 'I lost my card', 'en-GB').intent).toBe('lost_card');
    expect(top(nlu, 'I lost my card', 'fr').intent).toBe('lost_card');
    expect(nlu.modelFor('es-MX')).toBe(nlu.modelFor('es'));
    expect(nlu.parse('   ', 'en').ranking).toEqual([]);
  });

  it('extracts entities with the project entities, the locale and the clock', () => {
    const r = nlu.parse('dispute TXN-4821937705 on my debit card from yesterday', 'en');
    expect(r.entities.map((e) => [e.entity, e.value])).toEqual([
      ['transaction_ref', 'TXN-4821937705'],
      ['card_type', 'debit'],
      ['date', '2025-03-13'],
    ]);
    expect(nlu.parse('perdí mi tarjeta de débito ayer', 'es').entities.map((e) => e.value)).toEqual(['debit', '2025-03-13']);
  });

  it('a project without intents ranks nothing but still extracts entities', () => {
    const empty = buildProjectNlu({ intents: [] });
    expect(empty.locales).toEqual([]);
    expect(empty.parse('send $5', 'en')).toEqual({
      ranking: [],
      entities: [expect.objectContaining({ entity: 'amount', value: { amount: 5, currency: 'USD' } })],
    });
  });
});

describe('out of scope (issue 13: gibberish taken for a catch-all intent)', () => {
  // A new user's first project: three intents with four examples each, the greeting short enough to catch all.
  const newUser = NluFile.parse({
    intents: [
      { id: 'greet', examples: { en: ['hi', 'hello there', 'good morning', 'hey'] } },
      { id: 'book', examples: { en: ['I want to book a table', 'reserve a table for two', 'can I get a booking for tonight', 'table for four at 8pm'] } },
      { id: 'hours', examples: { en: ['what are your opening hours', 'when do you open', 'are you open on sunday', 'what time do you close'] } },
    ],
  });

  it('reproduced: without the background class, gibberish is accepted as the catch-all intent', () => {
    const before = buildProjectNlu(newUser, { train: { background: [] } });
    const r = before.parse('xkcd foo bar', 'en').ranking;
    expect(r[0]!.intent).toBe('greet');
    expect(r[0]!.confidence).toBeGreaterThan(0.69); // measured 0.999
    expect(decideIntent(r)).toMatchObject({ kind: 'accept', intent: 'greet' });
  });

  it('now: gibberish and off-topic text rank out of scope first and fall in no-match; the intents still match', () => {
    const nlu = buildProjectNlu(newUser);
    for (const text of ['xkcd foo bar', 'asdf', 'qwerty uiop', 'who won the football']) {
      const r = nlu.parse(text, 'en').ranking;
      expect(r[0], text).toMatchObject({ intent: OUT_OF_SCOPE });
      expect(r[0]!.confidence, text).toBeGreaterThanOrEqual(0.5); // measured 0.83-0.88
      expect(r.reduce((a, x) => a + x.confidence, 0)).toBeCloseTo(1, 9);
      for (let i = 1; i < r.length; i++) expect(r[i]!.confidence).toBeLessThanOrEqual(r[i - 1]!.confidence);
      expect(decideIntent(r), text).toEqual({ kind: 'no_match' });
    }
    expect(decideIntent(nlu.parse('book a table', 'en').ranking)).toMatchObject({ kind: 'accept', intent: 'book' });
    expect(decideIntent(nlu.parse('when do you open tomorrow', 'en').ranking)).toMatchObject({ kind: 'accept', intent: 'hours' });
    expect(decideIntent(nlu.parse('hello', 'en').ranking)).toMatchObject({ kind: 'accept', intent: 'greet' });
  });

  it('the acme-bank sample: gibberish and off-topic questions are no-match in English and Spanish', () => {
    const nlu = buildProjectNlu(sample);
    for (const [text, locale] of [
      ['xkcd foo bar', 'en'],
      ['sdfkjh wqeoiu', 'en'],
      ['who won the football game', 'en'],
      ['qué tiempo hace mañana', 'es'],
    ] as const) {
      const r = nlu.parse(text, locale).ranking;
      expect(r[0]!.intent, text).toBe(OUT_OF_SCOPE);
      expect(decideIntent(r), text).toEqual({ kind: 'no_match' });
    }
    // a vague message is still the clarify question's (the sample's story "are you there")
    expect(decideIntent(nlu.parse('are you there', 'en').ranking)).toMatchObject({ kind: 'clarify' });
  });
});

describe('decideIntent', () => {
  const r = (a: number, b = 0) => [
    { intent: 'x', confidence: a },
    { intent: 'y', confidence: b },
  ];
  it('accepts at or above accept, clarifies between clarify and accept, else no match', () => {
    expect(decideIntent(r(0.7, 0.2))).toEqual({ kind: 'accept', intent: 'x', confidence: 0.7 });
    expect(decideIntent(r(0.69, 0.3))).toEqual({ kind: 'clarify', top: r(0.69, 0.3) });
    expect(decideIntent(r(0.4, 0.3))).toEqual({ kind: 'clarify', top: r(0.4, 0.3) });
    expect(decideIntent(r(0.39, 0.3))).toEqual({ kind: 'no_match' });
    expect(decideIntent([])).toEqual({ kind: 'no_match' });
    expect(decideIntent([{ intent: OUT_OF_SCOPE, confidence: 0.5 }, ...r(0.45, 0.05)])).toEqual({ kind: 'no_match' });
  });
  it('takes the project thresholds, and cannot clarify with one candidate', () => {
    expect(decideIntent(r(0.85, 0.1), { accept: 0.9, clarify: 0.5 })).toMatchObject({ kind: 'clarify' });
    expect(decideIntent(r(0.45, 0.1), { accept: 0.9, clarify: 0.5 })).toEqual({ kind: 'no_match' });
    expect(decideIntent(r(0.2, 0.1), { accept: 0.1 })).toMatchObject({ kind: 'accept', intent: 'x' });
    expect(decideIntent([{ intent: 'x', confidence: 0.5 }])).toEqual({ kind: 'no_match' });
  });
});
