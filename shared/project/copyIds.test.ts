import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChanges } from './changes';
import { copyIdOf } from './copy';
import { copyIdCollisions, copyIdIndex, copyKeys, withNewCopyIds, withProjectCopyIds } from './copyIds';
import { cloneNodes } from './factory';
import { loadProject, type ProjectSources } from './load';
import { serializeFlow } from './serialize';
import { COPY_ID_PATTERN } from '../schema/common';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';

const SAMPLE = path.resolve(__dirname, '../../examples/acme-bank');
const read = (f: string) => ({ file: f, text: readFileSync(path.join(SAMPLE, f), 'utf8') });
const sources = (): ProjectSources => ({
  manifest: read('parley.yaml'),
  nlu: read('nlu.yaml'),
  flows: readdirSync(path.join(SAMPLE, 'flows')).map((f) => read(`flows/${f}`)),
});

/** Every line of the project: its alias and its stable id. */
function lines(flows: Record<string, Flow>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [flowId, flow] of Object.entries(flows))
    for (const node of flow.nodes) for (const { key, path: p } of copyKeys(node)) out.set(copyIdOf(flowId, node, p), node.copyIds?.[key] ?? '');
  return out;
}

const message = (id: string, extra: Partial<FlowNode> = {}): FlowNode =>
  ({
    id,
    kind: 'message',
    say: { en: `Hello from ${id}` },
    buttons: [
      { id: 'yes', label: { en: 'Yes' } },
      { id: 'no', label: { en: 'No' } },
    ],
    ...extra,
  }) as FlowNode;

describe('stable copy ids', () => {
  it('loading gives every line of the sample an id, distinct, and the same ids on every load of the same files', () => {
    const a = loadProject(sources()).project!;
    const b = loadProject(sources()).project!;
    const ids = lines(a.flows);
    expect(ids.size).toBeGreaterThan(60);
    for (const [alias, id] of ids) expect(id, alias).toMatch(COPY_ID_PATTERN);
    expect(new Set(ids.values()).size).toBe(ids.size);
    expect(lines(b.flows)).toEqual(ids);
    expect(copyIdCollisions(a.flows)).toEqual([]);
  });

  it('are written into the flow file by a save and read back unchanged, last in each node', () => {
    const flows = loadProject(sources()).project!.flows;
    const text = serializeFlow(flows.main!);
    expect(text).toMatch(/copyIds:\n\s+say: c_[0-9a-z]{10}\n\s+buttons\.balance\.label: c_/);
    // the node's last field
    const greet = text.slice(text.indexOf('- id: greet'), text.indexOf('- id: listen_intent'));
    expect(greet.trimEnd().split('\n').at(-1)).toMatch(/buttons\.hours\.label: c_/);
    const again = loadProject({ ...sources(), flows: [{ file: 'flows/main.yaml', text }, ...sources().flows.filter((f) => f.file !== 'flows/main.yaml')] });
    expect(lines(again.project!.flows)).toEqual(lines(flows));
  });

  it('survive a node rename, a button renamed or reordered, and a move; a new button gets a new one', () => {
    const flows = withProjectCopyIds({ main: { name: 'Main', nodes: [message('greet')] } });
    const before = flows.main!.nodes[0]!;
    const ids = { ...before.copyIds };
    const edit = (node: FlowNode) => applyChanges(flows.main!, [{ type: 'node.update', id: 'greet', node }]);
    const renamed = edit({ ...before, id: 'welcome' } as FlowNode).nodes[0]!;
    expect(renamed.copyIds).toEqual(ids);
    const b = (before as Extract<FlowNode, { kind: 'message' }>).buttons!;
    const buttonRenamed = edit({ ...before, buttons: [{ ...b[0]!, id: 'sure' }, b[1]!] } as FlowNode).nodes[0]!;
    expect(buttonRenamed.copyIds).toEqual({ say: ids.say, 'buttons.sure.label': ids['buttons.yes.label'], 'buttons.no.label': ids['buttons.no.label'] });
    const reordered = edit({ ...before, buttons: [b[1]!, b[0]!] } as FlowNode).nodes[0]!;
    expect(reordered.copyIds).toEqual({ say: ids.say, 'buttons.no.label': ids['buttons.no.label'], 'buttons.yes.label': ids['buttons.yes.label'] });
    const moved = applyChanges(flows.main!, [{ type: 'node.move', id: 'greet', position: { x: 500, y: 90 } }]).nodes[0]!;
    expect(moved.copyIds).toEqual(ids);
    // a third button: carried ids stay, the new line gets one of its own, none the project has
    const grown = edit({ ...before, buttons: [...b, { id: 'maybe', label: { en: 'Maybe' } }] } as FlowNode);
    const filled = withNewCopyIds('main', flows.main!, grown, () => flows).nodes[0]!;
    expect(filled.copyIds).toMatchObject(ids);
    expect(filled.copyIds!['buttons.maybe.label']).toMatch(COPY_ID_PATTERN);
    expect(Object.values(ids)).not.toContain(filled.copyIds!['buttons.maybe.label']);
  });

  it('are new on a pasted or duplicated node, never one another node has, even after the original was renamed', () => {
    let flows = withProjectCopyIds({ main: { name: 'Main', nodes: [message('greet')] } });
    // greet renamed to hello keeps the ids derived from main/greet; a new greet must not get them again
    flows = { main: applyChanges(flows.main!, [{ type: 'node.update', id: 'greet', node: { ...flows.main!.nodes[0]!, id: 'hello' } as FlowNode }]) };
    const { nodes } = cloneNodes(flows.main!.nodes, new Set(['hello']), { x: 40, y: 40 });
    expect(nodes[0]!.copyIds).toBeUndefined();
    const pasted = withNewCopyIds('main', flows.main!, applyChanges(flows.main!, [{ type: 'node.add', node: nodes[0]! }]), () => flows);
    const byHand = withNewCopyIds('main', flows.main!, applyChanges(flows.main!, [{ type: 'node.add', node: message('greet') }]), () => flows);
    for (const f of [pasted, byHand]) {
      const all = f.nodes.flatMap((n) => Object.values(n.copyIds ?? {}));
      expect(all).toHaveLength(6);
      expect(new Set(all).size).toBe(6);
    }
  });

  it('two lines with one id (a merge) are an error naming the file and field of the second, and loading keeps both', () => {
    const one = withProjectCopyIds({ main: { name: 'Main', nodes: [message('greet')] } }).main!;
    const shared = one.nodes[0]!.copyIds!.say!;
    const other: Flow = { name: 'Other', nodes: [message('intro', { copyIds: { say: shared } })] };
    const text = (f: Flow) => serializeFlow(f);
    const loaded = loadProject({
      manifest: { file: 'parley.yaml', text: 'schema: 2\nname: t\ndefaultLocale: en\nlocales: [en]\nstartFlow: main\n' },
      flows: [
        { file: 'flows/main.yaml', text: text(one) },
        { file: 'flows/other.yaml', text: text(other) },
      ],
    });
    const problem = loaded.problems.find((p) => p.message.includes(shared));
    expect(problem).toMatchObject({ severity: 'error', file: 'flows/other.yaml', field: 'nodes[0].copyIds.say' });
    expect(problem!.message).toContain('main/greet');
    expect(loaded.project!.flows.other!.nodes[0]!.copyIds!.say).toBe(shared);
    // the index names each id's first place, with its alias
    expect(copyIdIndex(loaded.project!.flows).get(shared)).toMatchObject({ flowId: 'main', nodeId: 'greet', key: 'say', alias: 'main/greet' });
  });
});
