// Turns that run at the same time share nothing: a turn that awaits a port while another session's turn runs
// resumes with its own locale, clock and state.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { flow, keywordNlu, makeModel, simpleSlots } from '../../test/fixtures/engineProject';
import type { FlowNode } from '../schema/nodes';
import { indexProject, loadStory } from '../stories/load';
import { runStory } from '../stories/run';
import { createEngine, initialState, runTurn, runTurnSync, type EnginePorts } from './engine';
import type { HttpResult } from './ports';
import type { Output } from './types';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;

const model = makeModel({
  main: flow('Main', [
    n({ id: 'start', kind: 'start', next: 'menu' }),
    n({ id: 'menu', kind: 'listen', routes: [{ intent: 'balance', next: 'fetch' }] }),
    n({
      id: 'fetch',
      kind: 'api',
      operation: 'get_balance',
      url: 'https://bank.test/b',
      assign: [{ var: 'account.balance', path: 'data.balance' }],
      next: 'show',
      error: 'show',
    }),
    n({
      id: 'show',
      kind: 'message',
      say: { en: 'Balance {{account.balance | currency}} on {{today | date}}', es: 'Saldo {{account.balance | currency}} el {{today | date}}' },
      next: 'menu',
    }),
  ]),
});

const texts = (outputs: Output[]) => outputs.flatMap((o) => (o.type === 'text' ? [o.text] : []));

describe('concurrent turns', () => {
  it('a Spanish turn that awaits the API while an English turn runs still formats in Spanish', async () => {
    const engine = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
    const vars = { account: { balance: 0 }, today: '2025-03-14' };
    const es0 = runTurnSync(engine, initialState(engine, { locale: 'es', vars }), { type: 'start' }).state;
    const en0 = runTurnSync(engine, initialState(engine, { locale: 'en', vars }), { type: 'start' }).state;

    let answer!: (r: HttpResult) => void;
    const slow: EnginePorts = { http: { request: () => new Promise<HttpResult>((resolve) => (answer = resolve)) } };
    const quick: EnginePorts = { http: { request: () => ({ ok: true, status: 200, body: { data: { balance: 99.5 } }, ms: 1 }) } };

    // the Spanish turn waits for the bank; meanwhile an English turn runs to its end
    const es = runTurn(engine, es0, { type: 'text', text: 'balance' }, slow);
    const en = await runTurn(engine, en0, { type: 'text', text: 'balance' }, quick);
    answer({ ok: true, status: 200, body: { data: { balance: 1234.5 } }, ms: 1 });

    expect(texts(en.outputs)).toEqual(['Balance $99.50 on March 14, 2025']);
    expect(texts((await es).outputs)).toEqual(['Saldo 1234,50\u00a0US$ el 14 de marzo de 2025']);
  });
});

describe('per-turn context', () => {
  it('the NLU hears the turn’s clock, not the wall clock', () => {
    const heard: (number | undefined)[] = [];
    const nlu = { parse: (text: string, locale: string, ctx?: { now?: number }) => (heard.push(ctx?.now), keywordNlu.parse(text, locale)) };
    const engine = createEngine(model, { nlu, extractSlot: simpleSlots });
    const s0 = runTurnSync(engine, initialState(engine), { type: 'start' }).state;
    runTurnSync(engine, s0, { type: 'text', text: 'hello' }, { clock: { now: () => 1_000 } });
    runTurnSync(engine, s0, { type: 'text', text: 'hello' });
    expect(heard).toEqual([1_000, undefined]);
  });
});

describe('concurrent stories', () => {
  it('fill an expectation’s placeholders in their own locale', async () => {
    const engine = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
    const index = indexProject(model);
    const story = (locale: string, expected: string) => {
      const text = stringify({
        name: `balance in ${locale}`,
        setup: { locale, vars: { today: '2025-03-14' } },
        fixtures: { api: { get_balance: { body: { data: { balance: 1234.5 } } } } },
        turns: [
          { user: 'balance', expect: { says: [{ contains: '{{ account.balance | currency }}' }] } },
          { user: 'balance', expect: { says: [{ contains: expected }] } },
        ],
      });
      const r = loadStory({ file: `stories/${locale}.yaml`, text }, index, []);
      if (!r.story) throw new Error(r.problems.map((p) => p.message).join('\n'));
      return r.story;
    };
    const [es, en] = await Promise.all([runStory(story('es', '1234,50\u00a0US$'), { engine }), runStory(story('en', '$1,234.50'), { engine })]);
    expect(es.firstFailure).toBeUndefined();
    expect(en.firstFailure).toBeUndefined();
  });
});
