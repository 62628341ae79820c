// Stories pin A/B variants (`setup.variants`): checked at load (naming the file, line and field), forced when the
// conversation starts, and the unpinned ones assigned as a runtime assigns a conversation seeded with the story's
// seed, so that a story gets the same variants on every run, locally and on a target.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadVariantsProject, variantsFlow } from '../../test/fixtures/variantsProject';
import { assignVariant } from '../engine/variants';
import { formatProblem } from '../project/problems';
import { createConversations } from '../runtime/conversations';
import { createMemorySessionStore } from '../runtime/memoryStore';
import { fixturePorts } from '../runtime/fixtures';
import { createTurnRunner } from '../runtime/turnRunner';
import { loadStory } from './load';
import { storySeed, storyVariantPicks } from './pins';
import { runStory } from './run';

const { loaded, engine, index } = loadVariantsProject(
  variantsFlow(
    `      - { id: plain, say: { en: "Hello, plain." } }
      - { id: warm, say: { en: "Hi there, lovely to see you!" } }
`,
    'ask',
    `  - id: ask
    kind: llm
    prompt: "{{input}}"
    variants:
      - { id: control }
      - { id: brief, system: Answer in five words. }
    next: menu
`,
  ),
);
const llm = { llm: [{ node: 'main/ask', reply: 'Fine, thanks.' }] };

const load = (story: Record<string, unknown>, file = 'stories/s.yaml') => loadStory({ file, text: stringify(story) }, index);
const pinned = (variants: Record<string, string>, says: string[], file?: string) =>
  load({ name: 's', setup: { variants }, fixtures: llm, turns: [{ user: 'hello', expect: { says: says.map((copy) => ({ copy })) } }] }, file);

/** The variant a story's run got at `key`, from the trace of its turns. */
const got = (r: Awaited<ReturnType<typeof runStory>>, key: string) => {
  for (const e of r.turns.flatMap((t) => t.trace ?? [])) if (e.kind === 'variant' && `${e.flow}/${e.node}` === key) return e.variant;
  return undefined;
};

/** A story file whose seed assigns `variant` at `key` (so that a pin of the other one differs from the seed's pick). */
const fileWhere = (key: string, variant: string) => {
  const vs = key === 'main/hi' ? [{ id: 'plain' }, { id: 'warm' }] : [{ id: 'control' }, { id: 'brief' }];
  for (let i = 0; ; i++) if (assignVariant(storySeed(`stories/s${i}.yaml`), key, vs)?.id === variant) return `stories/s${i}.yaml`;
};

describe('setup.variants at load', () => {
  it('accepts pins of existing variants', () => {
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(pinned({ 'main/hi': 'warm', 'main/ask': 'brief' }, ['main/hi@warm']).problems).toEqual([]);
  });

  it('refuses an unknown node, a node without variants and an unknown variant, naming the file, line and field', () => {
    const text = `name: s
setup:
  variants:
    main/nope: warm
    main/menu: warm
    main/hi: cold
turns:
  - user: hello
`;
    const r = loadStory({ file: 'stories/pins.yaml', text }, index);
    expect(r.story).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual([
      'stories/pins.yaml:4: setup.variants.main/nope: unknown node "main/nope"',
      'stories/pins.yaml:5: setup.variants.main/menu: the listen node "main/menu" has no variants to pin',
      'stories/pins.yaml:6: setup.variants.main/hi: the node "main/hi" has no variant "cold" (it has plain, warm)',
    ]);
  });

  it('refuses a key that is not flow/node and a variant id that is not an id (the schema)', () => {
    const bad = load({ name: 's', setup: { variants: { hi: 'warm' } }, turns: [{ user: 'hello' }] });
    expect(bad.problems.map(formatProblem).join('\n')).toMatch(/^stories\/s\.yaml:\d+: setup\.variants\.hi: .*must be flow\/node/);
    const id = load({ name: 's', setup: { variants: { 'main/hi': 'Warm!' } }, turns: [{ user: 'hello' }] });
    expect(id.problems.map(formatProblem).join('\n')).toMatch(/^stories\/s\.yaml:\d+: setup\.variants\.main\/hi: must be lower_snake_case/);
  });

  it('refuses a copy check of another variant than the one pinned: it can never pass', () => {
    const r = pinned({ 'main/hi': 'plain' }, ['main/hi@warm']);
    expect(r.problems.map(formatProblem)).toEqual([
      'stories/s.yaml:13: turns[0].expect.says[0].copy: copy id "main/hi@warm" is never said: the story pins "main/hi" to "plain" (setup.variants)',
    ]);
  });

  it('takes flow/node@variant of an llm node (its reply with that variant), and refuses a variant it does not have', () => {
    expect(pinned({}, ['main/ask@brief']).problems).toEqual([]);
    expect(pinned({}, ['main/ask@long']).problems.map(formatProblem).join('\n')).toMatch(
      /unknown copy id "main\/ask@long": the node has no variant "long" \(it has control, brief\)/,
    );
  });
});

describe('pinned stories run with their variant', () => {
  it("pass with the pinned variant's copy where the seed alone would give the other variant", async () => {
    for (const [variant, other] of [
      ['warm', 'plain'],
      ['plain', 'warm'],
    ] as const) {
      // the story's seed assigns `other`: the story passes only if the pin is honoured
      const file = fileWhere('main/hi', other);
      const story = pinned({ 'main/hi': variant }, [`main/hi@${variant}`], file).story!;
      const r = await runStory(story, { engine, keepTrace: true });
      expect(got(r, 'main/hi')).toBe(variant);
      expect(r.passed).toBe(true);
      // and the same story without its pin fails on the copy check
      const unpinned = pinned({}, [`main/hi@${variant}`], file).story!;
      const u = await runStory(unpinned, { engine, keepTrace: true });
      expect(got(u, 'main/hi')).toBe(other);
      expect(u.passed).toBe(false);
      expect(u.firstFailure?.failure).toMatchObject({
        check: 'says[0].copy',
        expected: `main/hi@${variant}`,
        actual: [`main/hi@${other}`, `main/ask@${got(u, 'main/ask')}`],
      });
    }
  });

  it("check an llm node's variant by its reply (flow/node@variant), and the node's copy id whichever it got", async () => {
    for (const [variant, other] of [
      ['brief', 'control'],
      ['control', 'brief'],
    ] as const) {
      const file = fileWhere('main/ask', other);
      const yes = await runStory(pinned({ 'main/ask': variant }, [`main/ask@${variant}`, 'main/ask'], file).story!, { engine, keepTrace: true });
      expect(yes.passed).toBe(true);
      const no = await runStory(pinned({}, [`main/ask@${variant}`], file).story!, { engine, keepTrace: true });
      expect(no.firstFailure?.failure).toMatchObject({ check: 'says[0].copy', actual: [`main/hi@${got(no, 'main/hi')}`, `main/ask@${other}`] });
    }
  });
});

describe('unpinned variants: the same as a runtime conversation seeded with the story', () => {
  it('runStory gets what storyVariantPicks computes, and what the runtime assigns a conversation with the story’s seed as its id', async () => {
    const store = createMemorySessionStore({ ttlMs: 60_000, schedule: false });
    const runner = createTurnRunner({ engine });
    const conversations = createConversations({ runner, bundleVersion: '1', store, newId: () => 'unused', portsFor: () => fixturePorts(llm) });
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const file = `stories/parity_${i}.yaml`;
      const story = load({ name: 'p', fixtures: llm, turns: [{ user: 'hello' }] }, file).story!;
      const local = await runStory(story, { engine, keepTrace: true });
      const picks = storyVariantPicks(engine, file, story.story);
      expect(Object.keys(picks).sort()).toEqual(['main/ask', 'main/hi']);
      expect({ 'main/hi': got(local, 'main/hi'), 'main/ask': got(local, 'main/ask') }).toEqual(picks);
      // the runtime core, its conversation id the story's seed: the same picks
      const start = await conversations.start({ id: storySeed(file) });
      const sent = await conversations.send(start.id, { type: 'text', text: 'hello' });
      expect(sent.record.state.variants).toEqual(picks);
      seen.add(`${picks['main/hi']}+${picks['main/ask']}`);
    }
    // the files spread over the variants (not one pick for all)
    expect(seen.size).toBe(4);
  });

  it('a pin wins over the seed; the other nodes keep the seed’s pick', () => {
    const file = fileWhere('main/hi', 'plain');
    const story = pinned({ 'main/hi': 'warm' }, ['main/hi'], file).story!.story;
    const picks = storyVariantPicks(engine, file, story);
    expect(picks['main/hi']).toBe('warm');
    expect(picks['main/ask']).toBe(assignVariant(storySeed(file), 'main/ask', [{ id: 'control' }, { id: 'brief' }])?.id);
  });
});
