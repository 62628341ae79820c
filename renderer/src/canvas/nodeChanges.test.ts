import { applyNodeChanges, type Node, type NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { applyInPlace, refilter } from './nodeChanges';

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

describe('filtering again after a drag step', () => {
  type N = { id: string; v: number; on?: boolean };
  const list: N[] = Array.from({ length: 8 }, (_, i) => ({ id: `n${i}`, v: i, on: i % 3 === 0 }));
  const keep = (n: N) => Boolean(n.on);

  it('gives what a filter gives when only kept nodes changed, without filtering', () => {
    const first = refilter(undefined, list, 'k', keep);
    expect(first.output.map((n) => n.id)).toEqual(['n0', 'n3', 'n6']);
    const next = list.map((n) => (n.id === 'n3' ? { ...n, v: 99 } : n));
    let calls = 0;
    const again = refilter(first, next, 'k', (n) => (calls++, keep(n)));
    expect(again.output).toEqual(next.filter(keep));
    expect(again.output[1]).toBe(next[3]);
    expect(calls).toBe(1);
  });

  it('filters again when a node it did not keep changed, the key changed, or the length changed', () => {
    const first = refilter(undefined, list, 'k', keep);
    const turnedOn = list.map((n) => (n.id === 'n1' ? { ...n, on: true } : n));
    expect(refilter(first, turnedOn, 'k', keep).output.map((n) => n.id)).toEqual(['n0', 'n1', 'n3', 'n6']);
    const turnedOff = list.map((n) => (n.id === 'n3' ? { ...n, on: false } : n));
    expect(refilter(first, turnedOff, 'k', keep).output.map((n) => n.id)).toEqual(['n0', 'n6']);
    expect(refilter(first, list, 'other', (n) => n.v > 5).output.map((n) => n.id)).toEqual(['n6', 'n7']);
    expect(refilter(first, list.slice(1), 'k', keep).output.map((n) => n.id)).toEqual(['n3', 'n6']);
  });
});
