// Property: any valid flow graph (cycles, dead ends, missing flows and broken expressions included), fed any
// inputs, never makes the engine throw, and the state after every turn is plain JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keywordNlu, makeModel, simpleSlots } from '../../test/fixtures/engineProject';
import type { FlowNode } from '../schema/nodes';
import { Flow } from '../schema/project';
import { createEngine, initialState, runTurnSync, type EnginePorts } from './engine';
import type { SessionState, UserInput } from './types';

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const exprs = ['true', 'false', 'n > 2', 'slots.x == "y"', 'value in customer.cards', 'account.balance + 1', '"s"', 'n +* 2', 'nope(1)', 'x.y.z'];
const copy = fc.constantFrom({ en: 'Hi {{customer.name}}' }, { en: ['One', 'Two'] }, { en: 'Missing {{no.such}}' }, { en: 'Bad {{ a +* }}' });
const ref = fc.option(fc.constantFrom(...ids), { nil: undefined });
const intent = fc.constantFrom('balance', 'lost_card', 'hours', 'help', 'payments', 'goodbye');

const node = (id: string): fc.Arbitrary<FlowNode> =>
  fc.oneof(
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('message'),
      say: copy,
      next: ref,
      buttons: fc.option(fc.array(fc.record({ id: fc.constantFrom('x', 'y'), label: copy, next: ref }), { maxLength: 2 }), { nil: undefined }),
    }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('listen'),
      routes: fc.array(fc.record({ intent, next: ref }), { maxLength: 3 }),
      noMatch: ref,
      lowConfidence: ref,
    }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('ask'),
      slot: fc.constantFrom('slots.x', 'slots.n'),
      type: fc.constantFrom('text', 'number', 'yes_no', 'card_last4', 'entity'),
      entity: fc.constant('card_type'),
      prompt: copy,
      validation: fc.option(fc.record({ expr: fc.constantFrom(...exprs), message: copy }), { nil: undefined }),
      maxRetries: fc.integer({ min: 0, max: 3 }),
      skipIfFilled: fc.boolean(),
      next: ref,
      failed: ref,
    }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('condition'),
      branches: fc.array(fc.record({ id: fc.constantFrom('p', 'q'), when: fc.constantFrom(...exprs), next: ref }), { minLength: 1, maxLength: 2 }),
      else: ref,
    }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('set'),
      assign: fc.array(fc.record({ var: fc.constantFrom('n', 'slots.x', 'a.b'), value: fc.constantFrom(...exprs) }), { minLength: 1, maxLength: 2 }),
      next: ref,
    }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('llm'),
      mode: fc.constantFrom('reply', 'extract'),
      prompt: fc.constantFrom('Q: {{input}}', '{{no.var}}'),
      extract: fc.constant([{ var: 'e.v', description: 'v', type: 'number' }]),
      next: ref,
      error: ref,
    }),
    fc.record({ id: fc.constant(id), kind: fc.constant('knowledge'), minScore: fc.double({ min: 0, max: 1, noNaN: true }), next: ref, notSure: ref }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('api'),
      operation: fc.constant('op'),
      url: fc.constant('https://x.test/{{n}}'),
      assign: fc.constant([{ var: 'r.v', path: 'data.v' }]),
      next: ref,
      error: ref,
      timeout: ref,
    }),
    fc.record({ id: fc.constant(id), kind: fc.constant('guardrail'), checks: fc.constant(['profanity']), next: ref, flagged: ref }),
    fc.record({ id: fc.constant(id), kind: fc.constant('handoff'), say: fc.option(copy, { nil: undefined }), unavailable: ref }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('jump'),
      flow: fc.constantFrom('main', 'sub', 'ghost'),
      node: fc.option(fc.constantFrom(...ids), { nil: undefined }),
    }),
    fc.record({ id: fc.constant(id), kind: fc.constant('call'), flow: fc.constantFrom('main', 'sub', 'ghost'), next: ref }),
    fc.record({ id: fc.constant(id), kind: fc.constant('end'), say: fc.option(copy, { nil: undefined }), outcome: fc.constantFrom('resolved', 'escalated') }),
  ) as unknown as fc.Arbitrary<FlowNode>;

const flowArb = (name: string) =>
  fc.tuple(...ids.map(node)).map((nodes) => ({ name, nodes: [{ id: 'start', kind: 'start', next: 'a' } as FlowNode, ...nodes] }));

const inputArb: fc.Arbitrary<UserInput> = fc.oneof(
  fc
    .constantFrom(
      'hello',
      'balance',
      'I lost my debit card',
      'payment or transfer',
      'help',
      'cancel',
      'start over',
      '4821',
      'yes',
      'no',
      '42',
      'talk to a human',
      '',
    )
    .map((text) => ({ type: 'text' as const, text })),
  fc.string({ maxLength: 30 }).map((text) => ({ type: 'text' as const, text })),
  fc.constantFrom('x', 'y', 'intent:payments', 'zzz').map((payload) => ({ type: 'button' as const, payload })),
  fc.constantFrom('timeout', 'help').map((name) => ({ type: 'event' as const, name })),
  fc.constant({ type: 'start' as const }),
);

describe('engine properties', () => {
  it('random valid flows with random inputs never throw and keep state serialisable', () => {
    fc.assert(
      fc.property(flowArb('Main'), flowArb('Sub'), fc.array(inputArb, { minLength: 1, maxLength: 12 }), fc.boolean(), (main, sub, inputs, flaky) => {
        // the generated flows are valid against the schema
        expect(Flow.safeParse(main).success).toBe(true);
        const model = makeModel(
          { main, sub },
          {
            globals: [
              { id: 'h', intent: 'help', action: 'digress', flow: 'sub' },
              { id: 'c', intent: 'cancel', action: 'cancel' },
              { id: 's', intent: 'start_over', action: 'restart' },
            ],
          },
        );
        const engine = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots, stepLimit: 60 });
        let i = 0;
        const ports: EnginePorts = {
          http: {
            request: () =>
              flaky && i % 2 ? { ok: false, reason: 'timeout', message: 't', ms: 1 } : { ok: true, status: i % 3 ? 200 : 500, body: { data: { v: i } }, ms: 1 },
          },
          retrieval: { search: () => [{ source: 'k.md', text: 'answer', score: (i % 4) / 4 }] },
          guardrail: { check: () => (i % 2 ? [{ check: 'profanity', detail: 'x' }] : []) },
          handoff: { available: () => i % 2 === 0 },
        };
        let state: SessionState = initialState(engine);
        for (const input of [{ type: 'start' } as UserInput, ...inputs]) {
          i++;
          const r = runTurnSync(engine, state, input, ports);
          expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
          expect(Array.isArray(r.outputs)).toBe(true);
          state = r.state;
        }
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
