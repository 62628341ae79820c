import { describe, expect, it } from 'vitest';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import type { FlowNode } from '../schema/nodes';
import { TranscriptEvent, turnEvent } from '../transcripts/format';
import { createEngine, initialState, runTurn, runTurnSync, type EnginePorts } from './engine';
import type { LlmPort, LlmRequest } from './ports';
import type { Output, SessionState, TraceEntry } from './types';
import { assignedVariants, assignVariant, experiments, turnVariants, variantKey, type Weighted } from './variants';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const seeds = (count: number) => Array.from({ length: count }, (_, i) => `conv-${i}`);
const picks = (vs: readonly Weighted[], list: readonly string[], key = 'main/greet') => list.map((s) => assignVariant(s, key, vs)?.id);
const shares = (ids: readonly (string | undefined)[]) => {
  const out: Record<string, number> = {};
  for (const id of ids) out[String(id)] = (out[String(id)] ?? 0) + 1 / ids.length;
  return out;
};

describe('assignVariant (weighted rendezvous hashing)', () => {
  const vs = [{ id: 'a' }, { id: 'b', weight: 3 }, { id: 'c', weight: 1 }];

  it('gives each variant about its share of conversations', () => {
    const s = shares(picks(vs, seeds(20000)));
    // n = 20,000: one standard deviation of a share is at most 0.0035; the bound is about 6 of them
    expect(Math.abs((s.a ?? 0) - 0.2)).toBeLessThan(0.02);
    expect(Math.abs((s.b ?? 0) - 0.6)).toBeLessThan(0.02);
    expect(Math.abs((s.c ?? 0) - 0.2)).toBeLessThan(0.02);
    const even = shares(picks([{ id: 'x' }, { id: 'y' }], seeds(20000)));
    expect(Math.abs((even.x ?? 0) - 0.5)).toBeLessThan(0.02);
  });

  it('is independent across nodes: the pick at one node says nothing of the pick at another', () => {
    const two = [{ id: 'a' }, { id: 'b' }];
    const list = seeds(20000);
    const here = picks(two, list, 'main/greet');
    const there = picks(two, list, 'main/other');
    const both = here.filter((id, i) => id === 'a' && there[i] === 'a').length / list.length;
    expect(Math.abs(both - 0.25)).toBeLessThan(0.02);
  });

  it('is deterministic: the same seed and node give the same variant', () => {
    expect(picks(vs, seeds(200))).toEqual(picks(vs, seeds(200)));
    expect(new Set(picks(vs, seeds(200))).size).toBe(3);
  });

  it('moves no conversation when the list is reordered or a variant is edited', () => {
    const list = seeds(5000);
    const before = picks(vs, list);
    expect(picks([vs[2]!, vs[0]!, vs[1]!], list)).toEqual(before);
    const edited = vs.map((v) => (v.id === 'b' ? { ...v, say: { en: 'New copy' } } : v));
    expect(picks(edited, list)).toEqual(before);
  });

  it('moves only the conversations a new variant wins, and about its share of them', () => {
    const list = seeds(20000);
    const before = picks(vs, list);
    const after = picks([...vs, { id: 'd', weight: 5 }], list);
    const moved = after.filter((id, i) => id !== before[i]);
    expect(moved.every((id) => id === 'd')).toBe(true);
    // d has 5 of 10 weight
    expect(Math.abs(moved.length / list.length - 0.5)).toBeLessThan(0.02);
  });

  it('moves conversations only to or from a variant whose weight changed', () => {
    const list = seeds(5000);
    const before = picks(vs, list);
    const after = picks([{ id: 'a', weight: 4 }, vs[1]!, vs[2]!], list);
    after.forEach((id, i) => {
      if (id !== before[i]) expect(id === 'a' || before[i] === 'a').toBe(true);
    });
    expect(after.filter((id, i) => id !== before[i]).length).toBeGreaterThan(0);
  });

  it('never picks a variant without a positive weight, and picks nothing from none', () => {
    const ids = picks([{ id: 'a', weight: 0 }, { id: 'b', weight: -1 }, { id: 'c', weight: Number.NaN }, { id: 'd' }], seeds(300));
    expect(new Set(ids)).toEqual(new Set(['d']));
    expect(assignVariant('s', 'main/greet', [])).toBeUndefined();
    expect(assignVariant('s', 'main/greet', [{ id: 'a', weight: 0 }])).toBeUndefined();
  });
});

// a flow whose greeting is an experiment with a control, and an llm node with prompt variants
const greetVariants = [{ id: 'control' }, { id: 'short', weight: 1, say: { en: 'Hi {{customer.name}}!', es: '¡Hola!' } }];
const llmVariants = [
  { id: 'plain', weight: 1 },
  { id: 'warm', weight: 1, system: 'Be warm.', prompt: 'Warmly: {{input}}', model: 'model-b', temperature: 0.9 },
];
function model(greet: unknown[] = greetVariants, llm: unknown[] = llmVariants) {
  return makeModel({
    main: flow('Main', [
      n({ id: 'start', kind: 'start', next: 'greet' }),
      n({ id: 'greet', kind: 'message', say: { en: 'Hello, how can I help?' }, variants: greet, next: 'menu' }),
      n({ id: 'menu', kind: 'listen', routes: [{ intent: 'help', next: 'ask_llm' }], noMatch: 'again' }),
      n({ id: 'again', kind: 'message', say: { en: 'Once more:' }, next: 'greet' }),
      n({ id: 'ask_llm', kind: 'llm', system: 'Be brief.', prompt: 'Q: {{input}}', model: 'model-a', variants: llm, next: 'menu' }),
    ]),
  });
}
const help = (text: string) => ({ ranking: text.includes('help') ? [{ intent: 'help', confidence: 0.9 }] : [], entities: [] });
const texts = (outputs: Output[]) => outputs.flatMap((o) => (o.type === 'text' ? [`${o.copyId}: ${o.text}`] : []));
const variantEntries = (trace: TraceEntry[]) => trace.filter((e) => e.kind === 'variant');

/** A seed whose conversation gets `variant` at `key` under the default model. */
function seedFor(key: string, vs: readonly Weighted[], variant: string): string {
  const s = seeds(100).find((x) => assignVariant(x, key, vs)?.id === variant);
  if (!s) throw new Error('no seed');
  return s;
}

describe('variants in the engine', () => {
  const engine = createEngine(model(), { nlu: { parse: help } });

  it('says the variant copy with its own copy id, and the control says the node copy', () => {
    const short = runTurnSync(engine, initialState(engine, { seed: seedFor('main/greet', greetVariants, 'short') }), { type: 'start' });
    expect(texts(short.outputs)).toEqual(['main/greet@short: Hi Alex!']);
    expect(short.state.variants).toEqual({ 'main/greet': 'short' });
    expect(variantEntries(short.trace)).toEqual([{ kind: 'variant', flow: 'main', node: 'greet', variant: 'short', assigned: true }]);
    const control = runTurnSync(engine, initialState(engine, { seed: seedFor('main/greet', greetVariants, 'control') }), { type: 'start' });
    expect(texts(control.outputs)).toEqual(['main/greet: Hello, how can I help?']);
    expect(control.state.variants).toEqual({ 'main/greet': 'control' });
  });

  it("says the variant copy in the conversation's locale", () => {
    const r = runTurnSync(engine, initialState(engine, { locale: 'es', seed: seedFor('main/greet', greetVariants, 'short') }), { type: 'start' });
    expect(texts(r.outputs)).toEqual(['main/greet@short: ¡Hola!']);
  });

  it('keeps the pick across turns, and when the weights change mid-conversation', () => {
    const seed = seedFor('main/greet', greetVariants, 'short');
    const first = runTurnSync(engine, initialState(engine, { seed }), { type: 'start' });
    // the experiment now sends everyone to the control: this conversation keeps its variant
    const reweighted = createEngine(
      model([
        { id: 'control', weight: 1000 },
        { ...greetVariants[1], weight: 0.001 },
      ]),
      { nlu: { parse: help } },
    );
    const again = runTurnSync(reweighted, first.state, { type: 'text', text: 'blah' });
    expect(texts(again.outputs)).toContain('main/greet@short: Hi Alex!');
    expect(variantEntries(again.trace)).toEqual([{ kind: 'variant', flow: 'main', node: 'greet', variant: 'short', assigned: false }]);
    expect(again.state.variants).toBe(first.state.variants);
  });

  it('leaves the state it was given alone', () => {
    const s0 = initialState(engine, { seed: 'x' });
    const copy = structuredClone(s0);
    runTurnSync(engine, s0, { type: 'start' });
    expect(s0).toEqual(copy);
  });

  it('assigns the same variant for the same seed in every run, and spreads seeds over the variants', () => {
    const run = (seed: string) => runTurnSync(engine, initialState(engine, { seed }), { type: 'start' }).state.variants?.['main/greet'];
    const list = seeds(400).map(run);
    expect(seeds(400).map(run)).toEqual(list);
    const s = shares(list);
    expect(s.control).toBeGreaterThan(0.4);
    expect(s.short).toBeGreaterThan(0.4);
  });

  it('without a seed, picks deterministically (replays and stories get the same variant)', () => {
    const a = runTurnSync(engine, initialState(engine), { type: 'start' });
    const b = runTurnSync(engine, initialState(engine), { type: 'start' });
    expect(a.state.variants).toEqual(b.state.variants);
    expect(a.outputs).toEqual(b.outputs);
  });

  it('uses forced picks (the simulator picker) and assigns the other nodes as usual', () => {
    for (const id of ['control', 'short']) {
      const s = initialState(engine, { seed: seedFor('main/greet', greetVariants, id === 'short' ? 'control' : 'short'), variants: { 'main/greet': id } });
      const r = runTurnSync(engine, s, { type: 'start' });
      expect(r.state.variants).toEqual({ 'main/greet': id });
      expect(variantEntries(r.trace)).toEqual([{ kind: 'variant', flow: 'main', node: 'greet', variant: id, assigned: false }]);
    }
  });

  it('refuses forced picks that name no node, a node without variants, or no such variant', () => {
    expect(() => initialState(engine, { variants: { 'main/nope': 'short' } })).toThrow('variants: no node "main/nope"');
    expect(() => initialState(engine, { variants: { greet: 'short' } })).toThrow('no node "greet"');
    expect(() => initialState(engine, { variants: { 'main/menu': 'short' } })).toThrow('the listen node "main/menu" has no variants');
    expect(() => initialState(engine, { variants: { 'main/greet': 'long' } })).toThrow('"main/greet" has no variant "long" (it has control, short)');
  });

  it('assigns again, with a warning, when the conversation’s variant was removed from the node', () => {
    const s: SessionState = { ...initialState(engine, { seed: 'x' }), variants: { 'main/greet': 'gone' } };
    const r = runTurnSync(engine, s, { type: 'start' });
    expect(['control', 'short']).toContain(r.state.variants?.['main/greet']);
    expect(variantEntries(r.trace)[0]).toMatchObject({ assigned: true });
    expect(r.trace).toContainEqual(expect.objectContaining({ kind: 'problem', severity: 'warning', message: expect.stringContaining('"gone"') }));
  });

  it("runs an llm node with the variant's system, prompt, model and temperature, and the control with the node's", async () => {
    const requests: LlmRequest[] = [];
    const llm: LlmPort = {
      complete: async (req) => {
        requests.push(req);
        return { text: 'ok', model: req.model ?? '', stopReason: 'end', usage: { inputTokens: 1, outputTokens: 1 }, ttftMs: 1, totalMs: 1 };
      },
    };
    const ports: EnginePorts = { llm };
    for (const id of ['plain', 'warm']) {
      requests.length = 0;
      const s0 = initialState(engine, { variants: { 'main/ask_llm': id } });
      const started = await runTurn(engine, s0, { type: 'start' }, ports);
      const r = await runTurn(engine, started.state, { type: 'text', text: 'help me' }, ports);
      const req = requests[0]!;
      if (id === 'warm') {
        expect(req.system?.split('\n')[0]).toBe('Be warm.');
        expect(req.messages.at(-1)?.content).toContain('Warmly: help me');
        expect(req).toMatchObject({ model: 'model-b', temperature: 0.9 });
      } else {
        expect(req.system?.split('\n')[0]).toBe('Be brief.');
        expect(req.messages.at(-1)?.content).toContain('Q: help me');
        expect(req.model).toBe('model-a');
      }
      // the reply keeps the node's copy id; the trace and turnVariants record the variant
      expect(texts(r.outputs)).toContain('main/ask_llm: ok');
      expect(turnVariants(r)['main/ask_llm']).toBe(id);
    }
  });

  it('says the variant copy again when a digression returns to its buttons', () => {
    const m = makeModel(
      {
        main: flow('Main', [
          n({ id: 'start', kind: 'start', next: 'pick' }),
          n({
            id: 'pick',
            kind: 'message',
            say: { en: 'Pick one' },
            variants: [{ id: 'a' }, { id: 'b', say: { en: 'Choose' } }],
            buttons: [{ id: 'x', label: { en: 'X' } }],
          }),
        ]),
        helpme: flow('Help', [n({ id: 'start', kind: 'start', next: 'tip' }), n({ id: 'tip', kind: 'message', say: { en: 'A tip.' } })]),
      },
      { globals: [{ id: 'h', intent: 'help', action: 'digress', flow: 'helpme' }] },
    );
    const e = createEngine(m, { nlu: { parse: help } });
    const started = runTurnSync(e, initialState(e, { variants: { 'main/pick': 'b' } }), { type: 'start' });
    expect(texts(started.outputs)).toEqual(['main/pick@b: Choose']);
    const back = runTurnSync(e, started.state, { type: 'text', text: 'help' });
    expect(texts(back.outputs)).toEqual(['helpme/tip: A tip.', 'main/pick@b: Choose']);
  });
});

describe('turnVariants and the transcript event', () => {
  const engine = createEngine(model(), { nlu: { parse: help } });

  it("reads a turn's picks from its trace, for the transcript event and metrics", () => {
    const r = runTurnSync(engine, initialState(engine, { seed: 'conv-1' }), { type: 'start' });
    const v = turnVariants(r);
    expect(v).toEqual({ 'main/greet': r.state.variants?.['main/greet'] });
    expect(assignedVariants(r)).toEqual([{ flow: 'main', node: 'greet', variant: v['main/greet'] }]);
    const event = turnEvent(r, {
      conversation: 'conv-1',
      bundle: { name: 'bank', version: '1.0.0' },
      at: 0,
      ms: 1,
      turn: 0,
      input: { type: 'start' },
      variants: turnVariants(r),
      redact: (t) => t,
    });
    expect(TranscriptEvent.parse(event)).toMatchObject({ variants: v });
    // a later turn at the node: recorded again, not assigned again
    const next = runTurnSync(engine, r.state, { type: 'text', text: 'blah' });
    expect(turnVariants(next)).toEqual(v);
    expect(assignedVariants(next)).toEqual([]);
  });

  it('gives {} for a turn that ran no node with variants', () => {
    const plain = makeModel({ main: flow('Main', [n({ id: 'start', kind: 'start', next: 'm' }), n({ id: 'm', kind: 'message', say: { en: 'Hi' } })]) });
    const e = createEngine(plain);
    expect(turnVariants(runTurnSync(e, initialState(e), { type: 'start' }))).toEqual({});
  });

  it('lists the experiments of a project with each variant’s share', () => {
    expect(experiments(engine)).toEqual([
      {
        key: 'main/greet',
        flow: 'main',
        node: 'greet',
        nodeKind: 'message',
        variants: [
          { id: 'control', weight: 1, share: 0.5 },
          { id: 'short', weight: 1, share: 0.5 },
        ],
      },
      {
        key: 'main/ask_llm',
        flow: 'main',
        node: 'ask_llm',
        nodeKind: 'llm',
        variants: [
          { id: 'plain', weight: 1, share: 0.5 },
          { id: 'warm', weight: 1, share: 0.5 },
        ],
      },
    ]);
    expect(variantKey({ flow: 'a', node: 'b' })).toBe('a/b');
  });
});
