import { describe, expect, it } from 'vitest';
import { diffProjects } from '../../../shared/project/projectDiff';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { removedEdges, withRemovedNodes } from './diffGhosts';

const node = (id: string, next?: string): FlowNode =>
  ({ id, kind: 'message', say: { en: id }, ...(next ? { next } : {}), position: { x: 0, y: 0 } }) as FlowNode;
const flowOf = (nodes: FlowNode[]): Flow => ({ name: 'Main', nodes }) as unknown as Flow;
const manifest = { defaultLocale: 'en', locales: ['en'] };

describe('a diff’s removed nodes and edges on the canvas', () => {
  // before: a → b → c; after: b is gone and a goes straight to c
  const before = flowOf([node('a', 'b'), node('b', 'c'), node('c')]);
  const after = flowOf([node('a', 'c'), node('c')]);
  const diff = diffProjects({ manifest, flows: { main: before } }, { manifest, flows: { main: after } }).flows[0]!;

  it('puts the removed node back as it was, and nothing else', () => {
    const drawn = withRemovedNodes(after, diff);
    expect(drawn.nodes.map((n) => n.id)).toEqual(['a', 'c', 'b']);
    expect(drawn.nodes[2]).toEqual(before.nodes[1]);
    expect(withRemovedNodes(after, undefined)).toBe(after);
  });

  it('draws the removed edges: from the ghost by its exit, into the ghost as an extra edge', () => {
    const drawn = withRemovedNodes(after, diff);
    const { fromGhosts, extra } = removedEdges(drawn, diff);
    expect([...fromGhosts]).toEqual(['b:next']);
    expect(extra).toEqual([expect.objectContaining({ source: 'a', sourceHandle: 'next', target: 'b', className: 'diff-removed' })]);
    // an edge from an exit the node no longer has is not drawn (React Flow would find no handle)
    const ended = flowOf([{ id: 'a', kind: 'end', position: { x: 0, y: 0 } } as FlowNode, node('c')]);
    const gone = diffProjects({ manifest, flows: { main: before } }, { manifest, flows: { main: ended } }).flows[0]!;
    expect(gone.edges.filter((e) => e.status === 'removed').map((e) => `${e.from}.${e.port}`)).toEqual(['a.next', 'b.next']);
    expect(removedEdges(withRemovedNodes(ended, gone), gone).extra).toEqual([]);
  });
});
