// Engine throughput, two figures:
// - the sample project (examples/acme-bank) as users run it: the real embedded NLU trained on its nlu.yaml,
//   slot extraction with its entities, its knowledge files in the retrieval index and the rule guardrail; the
//   LLM and API ports mocked (story fixtures, `--llm mock`; they answer at once, so this is the engine's own
//   cost). The conversations are the inputs of the sample's stories, played with `runTurn`. Turns per second,
//   p50 / p99 per turn, and the cost of the NLU parse alone (the same text inputs) against a full turn.
// - a rule-only flow with a keyword stub for the NLU (`runTurnSync`): the engine without the classifier,
//   target ≥ 50,000 turns/s.
import path from 'node:path';
import { createEngine, initialState, runTurn, runTurnSync, type EnginePorts } from '../../shared/engine/engine';
import type { SessionState, UserInput } from '../../shared/engine/types';
import type { FlowNode } from '../../shared/schema/nodes';
import type { LoadedStory } from '../../shared/stories/load';
import { runStory, storyPorts } from '../../shared/stories/run';
import { createProjectEngine, projectKnowledge, projectNlu } from '../../main/services/projectEngine';
import { loadStories, loadTestProject, mockLlm } from '../../main/stories/runner';
import { flow, keywordNlu, makeModel, simpleSlots } from '../fixtures/engineProject';

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const DEFAULT_NOW = Date.parse('2026-01-15T12:00:00Z'); // the story runner's default clock

const percentile = (sorted: readonly number[], p: number) => sorted[Math.floor((sorted.length - 1) * p)]!;
const f0 = (n: number) => Math.round(n).toLocaleString('en');
const us = (ms: number) => `${(ms * 1000).toFixed(ms < 0.1 ? 1 : 0)} µs`;

// ---- the sample project, real NLU ------------------------------------------------------------------------------

interface Conversation {
  story: LoadedStory;
  start: () => SessionState;
  greet: boolean;
  inputs: UserInput[];
  now: number;
}

function conversationOf(story: LoadedStory, engine: ReturnType<typeof createProjectEngine>): Conversation {
  const s = story.story;
  const setup = s.setup ?? {};
  return {
    story,
    start: () => initialState(engine, { ...(setup.locale ? { locale: setup.locale } : {}), ...(setup.vars ? { vars: setup.vars } : {}) }),
    greet: setup.greet !== false,
    inputs: s.turns.map((t): UserInput =>
      t.button !== undefined
        ? { type: 'button', payload: t.button }
        : t.event !== undefined
          ? { type: 'event', name: t.event }
          : { type: 'text', text: t.user ?? '' },
    ),
    now: setup.now ? Date.parse(setup.now) : DEFAULT_NOW,
  };
}

async function sampleBench() {
  const model = await loadTestProject(SAMPLE);
  const { stories, problems } = await loadStories(SAMPLE, model);
  if (problems.length) throw new Error(`the sample's stories do not load: ${problems[0]!.file}: ${problems[0]!.message}`);
  const engine = createProjectEngine(model);
  const retrieval = await projectKnowledge(SAMPLE);
  const nlu = projectNlu(model.nlu);
  // the conversations follow the paths their stories expect: the workload is what the sample is built for
  const results = await Promise.all(stories.map((s) => runStory(s, { engine, retrieval, llm: mockLlm })));
  const failing = results.filter((r) => !r.passed);
  if (failing.length) throw new Error(`${failing.length} sample stories fail (${failing[0]!.name}); run npx parley test examples/acme-bank`);
  const conversations = stories.map((s) => conversationOf(s, engine));
  const portsOf = (c: Conversation): EnginePorts => storyPorts(c.story.story, { retrieval, llm: mockLlm });

  /** Plays every conversation once; `each` hears each turn's time. Returns the number of turns. */
  const playAll = async (each?: (ms: number) => void): Promise<number> => {
    let turns = 0;
    for (const c of conversations) {
      const ports = portsOf(c);
      let state = c.start();
      const inputs: UserInput[] = c.greet ? [{ type: 'start' }, ...c.inputs] : c.inputs;
      for (const input of inputs) {
        const t0 = performance.now();
        state = (await runTurn(engine, state, input, ports)).state;
        each?.(performance.now() - t0);
        turns++;
      }
    }
    return turns;
  };

  for (let i = 0; i < 20; i++) await playAll(); // warm up
  let turns = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 3000) turns += await playAll();
  const turnsPerSec = turns / ((performance.now() - t0) / 1000);
  const lat: number[] = [];
  while (lat.length < 20_000) await playAll((ms) => lat.push(ms));
  lat.sort((a, b) => a - b);
  const meanTurn = lat.reduce((a, b) => a + b, 0) / lat.length;

  // the NLU parse alone, on the same text inputs, with each conversation's locale and clock
  const texts = conversations.flatMap((c) => c.inputs.flatMap((i) => (i.type === 'text' ? [{ text: i.text, locale: c.start().locale, now: c.now }] : [])));
  const parseAll = () => {
    for (const t of texts) nlu.parse(t.text, t.locale, { now: t.now });
  };
  for (let i = 0; i < 20; i++) parseAll();
  const parses: number[] = [];
  while (parses.length < 20_000) {
    for (const t of texts) {
      const p0 = performance.now();
      nlu.parse(t.text, t.locale, { now: t.now });
      parses.push(performance.now() - p0);
    }
  }
  parses.sort((a, b) => a - b);
  const meanParse = parses.reduce((a, b) => a + b, 0) / parses.length;
  const textTurns = texts.length;
  const allTurns = conversations.reduce((n, c) => n + c.inputs.length + (c.greet ? 1 : 0), 0);

  console.log(
    `\nengine: the acme-bank sample with the real NLU, retrieval and guardrail; LLM and API mocked (${conversations.length} stories, ${allTurns} turns, ${textTurns} typed)`,
  );
  console.log(`turns/s ${f0(turnsPerSec)}  p50 ${us(percentile(lat, 0.5))}  p99 ${us(percentile(lat, 0.99))}  mean ${us(meanTurn)}`);
  console.log(`NLU parse alone: p50 ${us(percentile(parses, 0.5))}  p99 ${us(percentile(parses, 0.99))}  mean ${us(meanParse)}`);
  console.log(`a full turn = ${(meanTurn / meanParse).toFixed(2)}x the NLU parse alone (means; the greeting and button turns parse nothing)`);
  return { turnsPerSec, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), meanTurn, meanParse };
}

// ---- rule-only flow, keyword stub -----------------------------------------------------------------------------

function stubBench() {
  const n = (x: Record<string, unknown>) => x as unknown as FlowNode;
  const model = makeModel({
    main: flow('Main', [
      n({ id: 'start', kind: 'start', next: 'hi' }),
      n({ id: 'hi', kind: 'message', say: { en: 'Hi {{customer.name}}, how can I help?' }, next: 'menu' }),
      n({
        id: 'menu',
        kind: 'listen',
        routes: [
          { intent: 'balance', next: 'count' },
          { intent: 'payments', next: 'amount' },
          { intent: 'goodbye', next: 'bye' },
        ],
        noMatch: 'sorry',
      }),
      n({ id: 'count', kind: 'set', assign: [{ var: 'stats.asks', value: '(stats.asks || 0) + 1' }], next: 'check' }),
      n({
        id: 'check',
        kind: 'condition',
        branches: [
          { id: 'low', when: 'account.balance < 100', next: 'low' },
          { id: 'many', when: 'stats.asks > 3', next: 'many' },
        ],
        else: 'ok',
      }),
      n({ id: 'low', kind: 'message', say: { en: 'Low: {{account.balance | currency}}' }, next: 'menu' }),
      n({ id: 'many', kind: 'message', say: { en: 'Asked {{stats.asks}} times: {{account.balance | currency}}' }, next: 'menu' }),
      n({ id: 'ok', kind: 'message', say: { en: 'You have {{account.balance | currency}}.' }, next: 'menu' }),
      n({
        id: 'amount',
        kind: 'ask',
        slot: 'slots.amount',
        type: 'number',
        prompt: { en: 'How much?' },
        validation: { expr: 'value > 0', message: { en: 'More than zero, please.' } },
        skipIfFilled: false,
        next: 'paid',
      }),
      n({ id: 'paid', kind: 'message', say: { en: 'Paying {{slots.amount | currency}}.' }, next: 'menu' }),
      n({ id: 'sorry', kind: 'message', say: { en: ['Sorry?', 'Say again?'] }, next: 'menu' }),
      n({ id: 'bye', kind: 'end', say: { en: 'Bye.' } }),
    ]),
  });
  const engine = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
  const script: UserInput[] = ['balance', 'payment', '-5', '40', 'balance', 'hmm', 'balance', 'balance', 'payment', '12'].map((text) => ({
    type: 'text',
    text,
  }));
  let state: SessionState = runTurnSync(engine, initialState(engine), { type: 'start' }).state;
  const start = state;
  let k = 0;
  const turn = () => {
    const r = runTurnSync(engine, state, script[k++ % script.length]!);
    state = k % 100 === 0 ? start : r.state; // keep conversations bounded, as real sessions are
  };
  for (let i = 0; i < 5000; i++) turn();
  let count = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1500) {
    for (let i = 0; i < 1000; i++) turn();
    count += 1000;
  }
  const turnsPerSec = count / ((performance.now() - t0) / 1000);
  state = start;
  const lat: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const t = performance.now();
    turn();
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  console.log('\nengine: rule-only flow, keyword stub for the NLU, runTurnSync (target ≥ 50,000 turns/s)');
  console.log(`turns/s ${f0(turnsPerSec)}  p50 ${us(percentile(lat, 0.5))}  p99 ${us(percentile(lat, 0.99))}`);
  console.log(turnsPerSec >= 50_000 ? 'target met' : 'TARGET MISSED');
  return turnsPerSec;
}

const real = await sampleBench();
const stub = stubBench();
console.log(`\nthe sample with the real NLU runs ${f0(real.turnsPerSec)} turns/s, ${(stub / real.turnsPerSec).toFixed(1)}x fewer than the rule-only stub`);
