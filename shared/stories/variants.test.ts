// Stories on a message with A/B variants: `copy: flow/node` is said whichever variant the conversation got;
// `copy: flow/node@variant` only when it got that one; an unknown variant is a problem of the story file.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadVariantsProject, variantsFlow } from '../../test/fixtures/variantsProject';
import { formatProblem } from '../project/problems';
import { loadStory } from './load';
import { runStory } from './run';

const { loaded, engine, index } = loadVariantsProject(
  variantsFlow(`      - { id: control }
      - { id: warm, say: { en: "Hi there, lovely to see you!" } }
`),
);

const story = (copy: string) =>
  loadStory({ file: 'stories/s.yaml', text: stringify({ name: 's', turns: [{ user: 'hello', expect: { says: [{ copy }] } }] }) }, index);

describe('stories and A/B variants', () => {
  it('accept the node’s copy id whichever variant was said, and a variant’s id only when it was', async () => {
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const node = story('main/hi');
    expect(node.problems.map(formatProblem)).toEqual([]);
    expect((await runStory(node.story!, { engine })).passed).toBe(true);
    const variant = story('main/hi@warm');
    expect(variant.problems.map(formatProblem)).toEqual([]);
    const r = await runStory(variant.story!, { engine, keepTrace: true });
    const said = r.turns[1]?.trace?.find((t) => t.kind === 'variant');
    expect(said?.kind).toBe('variant');
    expect(r.passed).toBe(said?.kind === 'variant' && said.variant === 'warm');
  });

  it('refuse a copy id naming a variant the node does not have', () => {
    const { problems } = story('main/hi@cold');
    expect(problems.map(formatProblem).join('\n')).toMatch(/unknown copy id "main\/hi@cold": the node has no variant "cold" with its own copy \(it has warm\)/);
  });
});
