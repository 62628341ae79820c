import { applyNodeChanges, type Node, type NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { applyInPlace } from './nodeChanges';

const nodes: Node[] = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, position: { x: i * 10, y: 0 }, data: {} }));
const drag: NodeChange[] = [
  { type: 'position', id: 'n2', position: { x: 25, y: 7 }, dragging: true },
  { type: 'position', id: 'n4', position: { x: 45, y: 9 }, dragging: true },
  { type: 'dimensions', id: 'n4', dimensions: { width: 100, height: 50 } },
];

describe('applying a drag in place', () => {
  it('gives what applyNodeChanges gives, keeping every unchanged node', () => {
    const index = { current: new Map<string, number>() };
    const next = applyInPlace(drag, nodes, index)!;
    expect(next).toEqual(applyNodeChanges(drag, nodes));
    expect(next.filter((n, i) => n === nodes[i]).map((n) => n.id)).toEqual(['n0', 'n1', 'n3', 'n5']);
    expect(nodes[2]!.position).toEqual({ x: 20, y: 0 });
  });

  it('finds the nodes again when the order changed under its index', () => {
    const index = { current: new Map<string, number>() };
    applyInPlace(drag, nodes, index);
    const reversed = [...nodes].reverse();
    expect(applyInPlace(drag, reversed, index)).toEqual(applyNodeChanges(drag, reversed));
  });

  it('leaves other changes to applyNodeChanges', () => {
    const index = { current: new Map<string, number>() };
    expect(applyInPlace([{ type: 'select', id: 'n1', selected: true }], nodes, index)).toBeUndefined();
    expect(applyInPlace([{ type: 'remove', id: 'n1' }], nodes, index)).toBeUndefined();
  });
});
