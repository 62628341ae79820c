// Story runner throughput with mocked ports (fixtures, and `--llm mock` for model calls no fixture answers):
// - the acme-bank sample's stories (whatever is in examples/acme-bank/stories), real NLU and knowledge index;
// - 1,000 generated ten-turn stories on an in-memory bank (keyword NLU, rule-only flows with API fixtures and a
//   guardrail), each turn with expectations (intent, path, waits_at, says, vars), target ≥ 1,000 stories/s;
// - the runner's overhead: the same inputs through the engine directly (runTurn with the same ports, no checks),
//   measured in the same run and printed as a ratio.
import path from 'node:path';
import { initialState, runTurn, type Engine } from '../../shared/engine/engine';
import { createTurnRunner } from '../../shared/runtime/turnRunner';
import type { SessionState, TurnResult, UserInput } from '../../shared/engine/types';
import type { LoadedStory } from '../../shared/stories/load';
import { runStory, storyPorts } from '../../shared/stories/run';
import type { Expect, Story, StoryTurn } from '../../shared/stories/schema';
import { createProjectEngine, projectKnowledge } from '../../main/services/projectEngine';
import { loadStories, loadTestProject, mockLlm } from '../../main/stories/runner';
import { storyBankEngine } from '../fixtures/storyBank';
import { seededRandom } from '../../shared/util/random';

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const TARGET = 1000;

async function rate(fn: () => Promise<number>, minMs = 2000): Promise<{ perSec: number; ms: number }> {
  await fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) n += await fn();
  const ms = performance.now() - t0;
  return { perSec: n / (ms / 1000), ms };
}

// ---- generated stories --------------------------------------------------------------------------------------

/** What a customer says next, by where the conversation waits (rule-only: no llm or knowledge nodes). */
const INPUTS: Record<string, string[]> = {
  'main/menu': [
    'what is my balance',
    'a payment please',
    'a payment, my pin is 1234',
    'I want a transfer',
    'I lost my debit card',
    'I lost my visa',
    'mumble',
    'get me a human',
  ],
  'lost/ask_type': ['debit', 'credit', 'no idea'],
  'lost/ask_last4': ['4821', '9034', '1111'],
  'lost/confirm': ['yes', 'no'],
  'main/ask_note': ['rent for May', 'gift for Sam'],
  idle: ['what is my balance', 'I lost my debit card', 'a payment please'],
};

const FIXTURES: Story['fixtures'] = {
  api: {
    get_balance: [{ body: { data: { balance: 512.5 } } }, { body: { data: { balance: 42 } } }, { fail: 'timeout' }],
    block_card: { body: { data: { reference: 'BLK-1' } } },
  },
};

const addr = (a: { flow: string; node: string }) => `${a.flow}/${a.node}`;

/** Plays random inputs through the engine and writes down what happened as expectations ("save as story"). */
async function generateStories(engine: Engine, count: number, turns: number): Promise<LoadedStory[]> {
  const out: LoadedStory[] = [];
  for (let s = 0; s < count; s++) {
    const r = seededRandom(s + 1);
    const story: Story = { name: `generated ${s}`, fixtures: FIXTURES, turns: [{ user: 'x' }] };
    const ports = storyPorts(story, {});
    // through the turn runner, as the story runner replays it (the guardrail stage screens each message first)
    const runner = createTurnRunner({ engine });
    let state: SessionState = runner.initial();
    state = (await runner.run(state, { type: 'start' }, ports)).state;
    const storyTurns: StoryTurn[] = [];
    for (let t = 0; t < turns; t++) {
      const w = state.wait;
      const at = w && w.kind !== 'idle' ? addr(w) : 'idle';
      const pool = INPUTS[at] ?? INPUTS.idle!;
      const user = pool[Math.floor(r() * pool.length)]!;
      const res: TurnResult = await runner.run(state, { type: 'text', text: user }, ports);
      state = res.state;
      const expect: Expect = {};
      const nlu = res.trace.find((e) => e.kind === 'nlu' && e.decision === 'accept');
      if (nlu && nlu.kind === 'nlu' && nlu.intent) expect.intent = nlu.intent;
      const p = res.path.map(addr);
      if (p.length) expect.path = p.filter((_, i) => i % 2 === 0).slice(0, 4);
      const rw = res.state.wait;
      if (rw && rw.kind !== 'idle') expect.waits_at = addr(rw);
      const text = res.outputs.find((o) => o.type === 'text');
      if (text && text.type === 'text')
        expect.says = text.copyId ? [{ contains: text.text.slice(0, 20) }, { copy: text.copyId }] : [{ contains: text.text.slice(0, 20) }];
      expect.vars = { 'customer.name': 'Alex', 'slots.note': (res.state.vars.slots as Record<string, unknown> | undefined)?.note ?? null };
      storyTurns.push({ user, expect });
    }
    story.turns = storyTurns;
    out.push({ file: `stories/generated_${s}.yaml`, story, turnLine: (i) => i + 2 });
  }
  return out;
}

async function main() {
  // -- acme-bank sample stories --
  const model = await loadTestProject(SAMPLE);
  const { stories: sample, problems } = await loadStories(SAMPLE, model);
  const sampleEngine = createProjectEngine(model);
  const retrieval = await projectKnowledge(SAMPLE);
  const sampleTurns = sample.reduce((n, s) => n + s.story.turns.length + 1, 0);
  let samplePassed = 0;
  for (const s of sample) if ((await runStory(s, { engine: sampleEngine, retrieval, llm: mockLlm })).passed) samplePassed++;
  const acme = await rate(async () => {
    for (const s of sample) await runStory(s, { engine: sampleEngine, retrieval, llm: mockLlm });
    return sample.length;
  });

  // -- generated ten-turn stories --
  const engine = storyBankEngine();
  const generated = await generateStories(engine, 1000, 10);
  const failed = (await Promise.all(generated.map((s) => runStory(s, { engine, llm: mockLlm })))).filter((r) => !r.passed);
  if (failed.length)
    throw new Error(`${failed.length} generated stories fail, e.g. ${failed[0]?.name}: ${JSON.stringify(failed[0]?.firstFailure ?? failed[0]?.error)}`);
  const inputs = generated.map((s) => s.story.turns.map((t): UserInput => ({ type: 'text', text: t.user ?? '' })));

  const runner = await rate(async () => {
    for (const s of generated) await runStory(s, { engine, llm: mockLlm });
    return generated.length;
  });
  const direct = await rate(async () => {
    for (let i = 0; i < generated.length; i++) {
      const ports = storyPorts(generated[i]!.story, { llm: mockLlm });
      let state = (await runTurn(engine, initialState(engine), { type: 'start' }, ports)).state;
      for (const input of inputs[i]!) state = (await runTurn(engine, state, input, ports)).state;
    }
    return generated.length;
  });

  const f = (n: number) => Math.round(n).toLocaleString('en');
  console.log('\nstories: runner throughput with mocked ports (fixtures, --llm mock)');
  console.log(
    `acme-bank sample: ${sample.length} stories (${sampleTurns} turns, ${samplePassed} pass, ${problems.length} problems): ${f(acme.perSec)} stories/s, ${f((acme.perSec * sampleTurns) / Math.max(1, sample.length))} turns/s`,
  );
  console.log(`generated: 1,000 ten-turn stories (target ≥ ${f(TARGET)}/s): ${f(runner.perSec)} stories/s, ${f(runner.perSec * 11)} turns/s`);
  console.log(
    `engine directly (runTurn, same inputs and ports, no checks): ${f(direct.perSec)} stories/s; runner = ${(direct.perSec / runner.perSec).toFixed(2)}x the engine's time`,
  );
  console.log(runner.perSec >= TARGET ? 'target met' : 'TARGET MISSED');
}

await main();
