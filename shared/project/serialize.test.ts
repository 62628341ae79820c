import { structuredPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { applyChanges } from './changes';
import { loadProject } from './load';
import { serializeFlow, serializeManifest } from './serialize';
import { TINY_FLOW, TINY_FLOW_SAVED, TINY_MANIFEST, TINY_NLU } from '../../test/fixtures/tinyProject';
import type { Flow } from '../schema/project';

const load = (flow = TINY_FLOW) =>
  loadProject({
    manifest: { file: 'parley.yaml', text: TINY_MANIFEST },
    nlu: { file: 'nlu.yaml', text: TINY_NLU },
    flows: [{ file: 'flows/main.yaml', text: flow }],
  });
const mainFlow = (): Flow => load().project?.flows.main as Flow;
/** Hunks as git shows them by default (3 lines of context). */
const hunks = (a: string, b: string, context = 3) => structuredPatch('a', 'b', a, b, '', '', { context }).hunks;

describe('canonical serialization', () => {
  it('writes a canonical file back byte for byte', () => {
    // with the stable copy ids loading gave its lines, which the file then keeps
    expect(serializeFlow(mainFlow())).toBe(TINY_FLOW_SAVED);
    expect(serializeFlow(load(TINY_FLOW_SAVED).project!.flows.main!)).toBe(TINY_FLOW_SAVED);
    expect(serializeManifest(load().project!.manifest)).toBe(TINY_MANIFEST);
  });

  it('puts keys in the canonical order whatever order they were written in', () => {
    const shuffled = TINY_FLOW.replace(
      '  - id: start\n    kind: start\n    position: { x: 0, y: 0 }\n    next: welcome',
      '  - next: welcome\n    position: { x: 0, y: 0 }\n    kind: start\n    id: start',
    );
    expect(shuffled).not.toBe(TINY_FLOW);
    expect(serializeFlow(load(shuffled).project!.flows.main!)).toBe(TINY_FLOW_SAVED);
  });

  it('a moved node changes one line', () => {
    const before = serializeFlow(mainFlow());
    const after = serializeFlow(applyChanges(mainFlow(), [{ type: 'node.move', id: 'menu', position: { x: 700.4, y: 42 } }]));
    const h = hunks(before, after, 0);
    expect(h).toHaveLength(1);
    expect(h[0]?.lines).toEqual(['-    position: { x: 640, y: 0 }', '+    position: { x: 700, y: 42 }']);
  });

  it('an edit of one node changes one hunk', () => {
    const flow = mainFlow();
    const node = flow.nodes[1]!;
    const edited = { ...node, title: 'Welcome', say: { en: ['Hello!', 'Hi there!'] } } as typeof node;
    const h = hunks(serializeFlow(flow), serializeFlow(applyChanges(flow, [{ type: 'node.update', id: node.id, node: edited }])));
    expect(h).toHaveLength(1);
  });

  it('keeps unknown fields (sorted after the known ones) so nothing the user wrote is lost', () => {
    const text = TINY_FLOW.replace('    noMatch: sorry\n', '    noMatch: sorry\n    zeta: 1\n    alpha: two\n');
    const out = serializeFlow(load(text).project!.flows.main!);
    expect(out).toContain('    noMatch: sorry\n    alpha: two\n    zeta: 1\n');
  });

  it('does not fold long lines of copy', () => {
    const long = 'word '.repeat(60).trim();
    const text = TINY_FLOW.replace('Hi! How can I help?', long);
    expect(serializeFlow(load(text).project!.flows.main!)).toContain(`      en: ${long}\n`);
  });
});
