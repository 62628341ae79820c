import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NluFile } from '../schema/project';
import { buildProjectNlu, decideIntent } from './project';

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
  });
  it('takes the project thresholds, and cannot clarify with one candidate', () => {
    expect(decideIntent(r(0.85, 0.1), { accept: 0.9, clarify: 0.5 })).toMatchObject({ kind: 'clarify' });
    expect(decideIntent(r(0.45, 0.1), { accept: 0.9, clarify: 0.5 })).toEqual({ kind: 'no_match' });
    expect(decideIntent(r(0.2, 0.1), { accept: 0.1 })).toMatchObject({ kind: 'accept', intent: 'x' });
    expect(decideIntent([{ intent: 'x', confidence: 0.5 }])).toEqual({ kind: 'no_match' });
  });
});
