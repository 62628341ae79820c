// Engine throughput: turns per second on a rule-only flow (listen → route → set → condition → message → listen,
// with a slot question), p50 / p99 latency per turn, and the same turns as a ratio to a baseline measured in
// this run: JSON round-tripping the session state once per turn (what any stateless host pays anyway).
// Target: ≥ 50,000 turns/s.
import { createEngine, initialState, runTurnSync } from '../../shared/engine/engine';
import type { SessionState, UserInput } from '../../shared/engine/types';
import type { FlowNode } from '../../shared/schema/nodes';
import { flow, keywordNlu, makeModel, simpleSlots } from '../fixtures/engineProject';

const n = (x: Record<string, unknown>) => x as unknown as FlowNode;
const model = makeModel({
  main: flow('Main', [
    n({ id: 'start', kind: 'start', next: 'hi' }),
    n({ id: 'hi', kind: 'message', say: { en: 'Hi {{customer.name}}, how can I help?' }, next: 'menu' }),
    n({ id: 'menu', kind: 'listen', routes: [{ intent: 'balance', next: 'count' }, { intent: 'payments', next: 'amount' }, { intent: 'goodbye', next: 'bye' }], noMatch: 'sorry' }),
    n({ id: 'count', kind: 'set', assign: [{ var: 'stats.asks', value: '(stats.asks || 0) + 1' }], next: 'check' }),
    n({ id: 'check', kind: 'condition', branches: [{ id: 'low', when: 'account.balance < 100', next: 'low' }, { id: 'many', when: 'stats.asks > 3', next: 'many' }], else: 'ok' }),
    n({ id: 'low', kind: 'message', say: { en: 'Low: {{account.balance | currency}}' }, next: 'menu' }),
    n({ id: 'many', kind: 'message', say: { en: 'Asked {{stats.asks}} times: {{account.balance | currency}}' }, next: 'menu' }),
    n({ id: 'ok', kind: 'message', say: { en: 'You have {{account.balance | currency}}.' }, next: 'menu' }),
    n({ id: 'amount', kind: 'ask', slot: 'slots.amount', type: 'number', prompt: { en: 'How much?' }, validation: { expr: 'value > 0', message: { en: 'More than zero, please.' } }, skipIfFilled: false, next: 'paid' }),
    n({ id: 'paid', kind: 'message', say: { en: 'Paying {{slots.amount | currency}}.' }, next: 'menu' }),
    n({ id: 'sorry', kind: 'message', say: { en: ['Sorry?', 'Say again?'] }, next: 'menu' }),
    n({ id: 'bye', kind: 'end', say: { en: 'Bye.' } }),
  ]),
});
const engine = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
const script: UserInput[] = ['balance', 'payment', '-5', '40', 'balance', 'hmm', 'balance', 'balance', 'payment', '12'].map((text) => ({ type: 'text', text }));

let state: SessionState = runTurnSync(engine, initialState(engine), { type: 'start' }).state;
const start = state;
let k = 0;
const turn = () => {
  const r = runTurnSync(engine, state, script[k++ % script.length]!);
  state = k % 100 === 0 ? start : r.state; // keep conversations bounded, as real sessions are
};
const baseline = () => {
  state = JSON.parse(JSON.stringify(state)) as SessionState;
  k++;
};

function rate(fn: () => void, ms = 1500): number {
  for (let i = 0; i < 5000; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  return n / ((performance.now() - t0) / 1000);
}

const turnsPerSec = rate(turn);
state = start;
const basePerSec = rate(baseline);
state = start;
const lat: number[] = [];
for (let i = 0; i < 100_000; i++) {
  const t0 = performance.now();
  turn();
  lat.push(performance.now() - t0);
}
lat.sort((a, b) => a - b);
const pct = (p: number) => (lat[Math.floor((lat.length - 1) * p)]! * 1000).toFixed(1);
console.log('\nengine: rule-only turns (target ≥ 50,000/s)');
console.log(`turns/s ${Math.round(turnsPerSec).toLocaleString('en')}  p50 ${pct(0.5)} µs  p99 ${pct(0.99)} µs`);
console.log(`baseline (state JSON round trip) ${Math.round(basePerSec).toLocaleString('en')}/s  turn cost = ${(basePerSec / turnsPerSec).toFixed(2)}x baseline`);
console.log(turnsPerSec >= 50_000 ? 'target met' : 'TARGET MISSED');
