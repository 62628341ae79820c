// A/B variants of message and llm nodes, as project files: the schema, the validator's checks, copy ids, the
// canonical YAML. The engine's side is in shared/engine/variants.test.ts.
import { describe, expect, it } from 'vitest';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import { TINY_FLOW, TINY_MANIFEST, TINY_NLU } from '../../test/fixtures/tinyProject';
import { LlmNode, MessageNode, type FlowNode } from '../schema/nodes';
import { copyIdOf, forEachCopy } from './copy';
import { loadProject } from './load';
import { formatProblem } from './problems';
import { serializeFlow } from './serialize';
import { validateProject } from './validate';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const message = (variants: unknown) => ({ id: 'greet', kind: 'message', say: { en: 'Hello' }, variants });
const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('the schema of variants', () => {
  it('accepts message and llm variants, with weights and a control', () => {
    expect(MessageNode.safeParse(message([{ id: 'control' }, { id: 'short', weight: 2.5, say: { en: 'Hi', es: ['Hola', 'Buenas'] } }])).success).toBe(true);
    const llm = {
      id: 'a',
      kind: 'llm',
      prompt: '{{input}}',
      variants: [{ id: 'plain' }, { id: 'warm', system: 'Be warm.', prompt: 'Q: {{input}}', model: 'm', temperature: 1 }],
    };
    expect(LlmNode.safeParse(llm).success).toBe(true);
  });

  it('refuses bad weights, ids, lists of one and empty copy, naming the field', () => {
    expect(issues(MessageNode.safeParse(message([{ id: 'a', weight: 0 }, { id: 'b' }])))).toEqual(['variants.0.weight: must be more than 0']);
    expect(
      issues(
        MessageNode.safeParse(
          message([
            { id: 'a', weight: -1 },
            { id: 'b', weight: 2e6 },
          ]),
        ),
      ),
    ).toEqual(['variants.0.weight: must be more than 0', 'variants.1.weight: must be at most 1000000']);
    expect(issues(MessageNode.safeParse(message([{ id: 'a', weight: 'high' }, { id: 'b' }])))[0]).toMatch(/^variants\.0\.weight: /);
    expect(issues(MessageNode.safeParse(message([{ id: 'Variant A' }, { id: 'b' }])))).toEqual([
      'variants.0.id: must be lower_snake_case: a letter, then letters, digits or _ (at most 64)',
    ]);
    expect(issues(MessageNode.safeParse(message([{ id: 'a' }])))).toEqual(['variants: an experiment needs at least two variants']);
    expect(issues(MessageNode.safeParse(message([{ id: 'a' }, { id: 'b', say: {} }])))).toEqual(['variants.1.say: needs text in at least one locale']);
    expect(issues(LlmNode.safeParse({ id: 'a', kind: 'llm', prompt: 'x', variants: [{ id: 'a' }, { id: 'b', temperature: 3 }] }))[0]).toMatch(
      /^variants\.1\.temperature: /,
    );
  });

  it('reports a bad weight in a flow file with its file, line, node and field', () => {
    const text = TINY_FLOW.replace(
      '      en: Hi! How can I help?\n',
      '      en: Hi! How can I help?\n    variants:\n      - id: control\n      - id: short\n        weight: 0\n        say:\n          en: Hi!\n',
    );
    const r = loadProject({
      manifest: { file: 'parley.yaml', text: TINY_MANIFEST },
      nlu: { file: 'nlu.yaml', text: TINY_NLU },
      flows: [{ file: 'flows/main.yaml', text }],
    });
    const errors = r.problems.filter((p) => p.severity === 'error');
    expect(errors.map(formatProblem)).toEqual(['flows/main.yaml:15: nodes[1].variants[1].weight: must be more than 0']);
    expect(errors[0]?.nodeId).toBe('welcome');
  });
});

describe('the checks of variants', () => {
  const model = (nodes: FlowNode[]) => makeModel({ main: flow('Main', [n({ id: 'start', kind: 'start', next: nodes[0]?.id }), ...nodes]) });
  const found = (nodes: FlowNode[]) =>
    validateProject(model(nodes))
      .filter((p) => p.field.includes('variants'))
      .map((p) => `${p.severity} ${p.file} ${p.nodeId} ${p.field}: ${p.message}`);

  it('reports duplicate variant ids as errors naming the file, node and field', () => {
    expect(
      found([
        n({
          id: 'greet',
          kind: 'message',
          say: { en: 'Hi' },
          variants: [
            { id: 'a', say: { en: 'A' } },
            { id: 'a', say: { en: 'B' } },
          ],
        }),
      ]),
    ).toEqual(['error flows/main.yaml greet nodes[1].variants[1].id: duplicate variant id "a"']);
    expect(
      found([
        n({
          id: 'gen',
          kind: 'llm',
          prompt: 'x',
          variants: [
            { id: 'a', prompt: 'y' },
            { id: 'a', prompt: 'z' },
          ],
        }),
      ]),
    ).toEqual(['error flows/main.yaml gen nodes[1].variants[1].id: duplicate variant id "a"']);
  });

  it('warns about a second variant that changes nothing', () => {
    expect(
      found([n({ id: 'greet', kind: 'message', say: { en: 'Hi' }, variants: [{ id: 'a' }, { id: 'b', say: { en: 'B' } }, { id: 'c', weight: 2 }] })]),
    ).toEqual(['warning flows/main.yaml greet nodes[1].variants[2]: variant "c" changes nothing, like "a": both run the node as it is (give it its own say)']);
  });

  it("checks a variant's copy and prompts as the node's own: placeholders, unknown variables, locales, system data", () => {
    const nodes = [
      n({
        id: 'greet',
        kind: 'message',
        say: { en: 'Hi {{customer.name}}' },
        variants: [{ id: 'a' }, { id: 'b', say: { en: 'Hi {{custmer.name}}', fr: 'Salut', es: ['Hola {{customer.name | nope}}'] } }],
        next: 'gen',
      }),
      n({ id: 'ask', kind: 'ask', slot: 'slots.topic', type: 'text', prompt: { en: 'Topic?' }, next: 'gen' }),
      n({ id: 'gen', kind: 'llm', prompt: '{{input}}', variants: [{ id: 'a' }, { id: 'b', system: 'About {{slots.topic}}', prompt: '{{inptu}}' }] }),
    ];
    const got = found(nodes);
    expect(got).toContainEqual(
      'warning flows/main.yaml greet nodes[1].variants[1].say.en: unknown variable "custmer.name": no node sets it and parley.yaml does not define it',
    );
    expect(got).toContainEqual(
      expect.stringMatching(/^error flows\/main\.yaml greet nodes\[1\]\.variants\[1\]\.say\.es\[0\]: placeholder \{\{customer\.name \| nope\}\}: /),
    );
    expect(got).toContainEqual('warning flows/main.yaml greet nodes[1].variants[1].say.fr: locale "fr" is not in the project\'s locales');
    expect(got).toContainEqual(
      'warning flows/main.yaml gen nodes[3].variants[1].prompt: unknown variable "inptu": no node sets it and parley.yaml does not define it',
    );
    expect(got).toContainEqual(
      expect.stringMatching(/^warning flows\/main\.yaml gen nodes\[3\]\.variants\[1\]\.system: the system prompt names conversation data \(slots\.topic\)/),
    );
  });

  it('finds nothing wrong with a sound experiment', () => {
    expect(
      found([
        n({
          id: 'greet',
          kind: 'message',
          say: { en: 'Hi' },
          variants: [{ id: 'control' }, { id: 'warm', weight: 3, say: { en: 'Hi there {{customer.name}}!' } }],
        }),
      ]),
    ).toEqual([]);
  });
});

describe('copy ids and canonical YAML of variants', () => {
  const node = n({
    id: 'greet',
    kind: 'message',
    say: { en: 'Hi' },
    variants: [{ say: { en: 'Hey' }, weight: 2, id: 'short' }, { id: 'control' }],
    buttons: [{ id: 'help', label: { en: 'Help' } }],
  });

  it("gives each variant's copy the id flow/node@variant, keeping the others' ids", () => {
    const ids: string[] = [];
    forEachCopy(node, (path) => ids.push(copyIdOf('main', node, path)));
    expect(ids).toEqual(['main/greet', 'main/greet@short', 'main/greet.buttons.help.label']);
    const ask = n({
      id: 'q',
      kind: 'ask',
      slot: 's',
      type: 'text',
      prompt: { en: 'Q' },
      reprompt: { en: 'R' },
      validation: { expr: 'true', message: { en: 'M' } },
    });
    const askIds: string[] = [];
    forEachCopy(ask, (path) => askIds.push(copyIdOf('main', ask, path)));
    expect(askIds).toEqual(['main/q', 'main/q.reprompt', 'main/q.validation.message']);
  });

  it('writes a variant with its fields in canonical order, after say', () => {
    const yaml = serializeFlow(flow('Main', [node]));
    expect(yaml).toContain(
      '    say:\n      en: Hi\n    variants:\n      - id: short\n        weight: 2\n        say:\n          en: Hey\n      - id: control\n    buttons:',
    );
  });
});
