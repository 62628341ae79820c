import type { InternalNode, Node, NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { dragSteps, moveInStore, withDragged, type DragStore } from './dragLayer';

const nodes: Node[] = Array.from({ length: 4 }, (_, i) => ({ id: `n${i}`, position: { x: i * 10, y: 0 }, data: {} }));

function storeOf(list: Node[], nodeOrigin: [number, number] = [0, 0]) {
  const nodeLookup = new Map<string, InternalNode>(
    list.map((n) => [n.id, { ...n, measured: { width: 100, height: 50 }, internals: { positionAbsolute: n.position, z: 0, userNode: n } }]),
  );
  let notified = 0;
  const store: DragStore<Node> = {
    getState: () => ({ nodeLookup, nodeOrigin }),
    setState: () => void notified++,
  };
  return { store, nodeLookup, notified: () => notified };
}

describe('a drag step', () => {
  it('is a list of position changes of nodes being dragged', () => {
    const step: NodeChange[] = [
      { type: 'position', id: 'n1', position: { x: 5, y: 6 }, dragging: true },
      { type: 'position', id: 'n2', position: { x: 7, y: 8 }, dragging: true },
    ];
    expect(dragSteps(step)).toEqual([
      { id: 'n1', position: { x: 5, y: 6 } },
      { id: 'n2', position: { x: 7, y: 8 } },
    ]);
    expect(dragSteps([])).toBeUndefined();
    // the drag's end, a move by the keyboard, and anything mixed in go the usual way
    expect(dragSteps([{ type: 'position', id: 'n1', position: { x: 5, y: 6 }, dragging: false }])).toBeUndefined();
    expect(dragSteps([{ type: 'position', id: 'n1', position: { x: 5, y: 6 } }])).toBeUndefined();
    expect(dragSteps([...step, { type: 'select', id: 'n1', selected: true }])).toBeUndefined();
    expect(dragSteps([{ type: 'dimensions', id: 'n1', dimensions: { width: 1, height: 1 } }])).toBeUndefined();
  });

  it('moves the internal nodes as React Flow places a moved node, and tells the store', () => {
    const { store, nodeLookup, notified } = storeOf(nodes);
    const untouched = nodeLookup.get('n0');
    const before = nodeLookup.get('n2')!;
    expect(moveInStore(store, [{ id: 'n2', position: { x: 33, y: 44 } }])).toBe(true);
    const after = nodeLookup.get('n2')!;
    expect(after).not.toBe(before);
    expect(after).toMatchObject({ position: { x: 33, y: 44 }, dragging: true, measured: { width: 100, height: 50 } });
    expect(after.internals).toEqual({ ...before.internals, positionAbsolute: { x: 33, y: 44 } });
    // the node handed to React Flow is still the one it was given (the drag's end hands it the moved one)
    expect(after.internals.userNode).toBe(nodes[2]);
    expect(before.position).toEqual({ x: 20, y: 0 });
    expect(nodeLookup.get('n0')).toBe(untouched);
    expect(notified()).toBe(1);
  });

  it('moves the drag’s own copy in place on later steps when `place` has put the element there', () => {
    const { store, nodeLookup, notified } = storeOf(nodes);
    const placed: [string, { x: number; y: number }][] = [];
    const place = (id: string, p: { x: number; y: number }) => (placed.push([id, p]), true);
    // the first step copies the node (React Flow renders the element once, as dragged): nothing is placed by hand
    expect(moveInStore(store, [{ id: 'n1', position: { x: 11, y: 1 } }], place)).toBe(true);
    const copy = nodeLookup.get('n1')!;
    const internals = copy.internals;
    expect(placed).toEqual([]);
    // later steps: the same objects, moved, and the element placed; the store still tells its subscribers
    expect(moveInStore(store, [{ id: 'n1', position: { x: 12, y: 2 } }], place)).toBe(true);
    expect(nodeLookup.get('n1')).toBe(copy);
    expect(copy.internals).toBe(internals);
    expect(copy.position).toEqual({ x: 12, y: 2 });
    expect(copy.internals.positionAbsolute).toEqual({ x: 12, y: 2 });
    expect(placed).toEqual([['n1', { x: 12, y: 2 }]]);
    expect(notified()).toBe(2);
    // the node React Flow was handed is untouched
    expect(nodes[1]!.position).toEqual({ x: 10, y: 0 });
    // when the element could not be placed, a new copy as before
    expect(moveInStore(store, [{ id: 'n1', position: { x: 13, y: 3 } }], () => false)).toBe(true);
    expect(nodeLookup.get('n1')).not.toBe(copy);
    expect(nodeLookup.get('n1')!.position).toEqual({ x: 13, y: 3 });
    expect(copy.position).toEqual({ x: 12, y: 2 });
  });

  it('never moves in place an internal node React Flow made', () => {
    const { store, nodeLookup } = storeOf(nodes);
    const own = nodeLookup.get('n2')!;
    let calls = 0;
    expect(moveInStore(store, [{ id: 'n2', position: { x: 5, y: 5 } }], () => (calls++, true))).toBe(true);
    expect(calls).toBe(0);
    expect(nodeLookup.get('n2')).not.toBe(own);
    expect(own.position).toEqual({ x: 20, y: 0 });
  });

  it('is left to the nodes handed over when React Flow would place a node elsewhere', () => {
    const child = storeOf([...nodes, { id: 'c', parentId: 'n0', position: { x: 1, y: 1 }, data: {} }]);
    expect(moveInStore(child.store, [{ id: 'c', position: { x: 2, y: 2 } }])).toBe(false);
    const centred = storeOf(nodes, [0.5, 0.5]);
    expect(moveInStore(centred.store, [{ id: 'n1', position: { x: 2, y: 2 } }])).toBe(false);
    const gone = storeOf(nodes);
    expect(
      moveInStore(gone.store, [
        { id: 'n1', position: { x: 2, y: 2 } },
        { id: 'nope', position: { x: 2, y: 2 } },
      ]),
    ).toBe(false);
    // nothing written
    expect(gone.nodeLookup.get('n1')!.position).toEqual({ x: 10, y: 0 });
    expect(gone.notified() + centred.notified() + child.notified()).toBe(0);
  });
});

describe('nodes handed over during a drag', () => {
  it('carry the dragged nodes where the drag has them, and are the same array when they already do', () => {
    const moved = new Map([['n1', { x: 50, y: 60 }]]);
    const next = withDragged(nodes, moved);
    expect(next).not.toBe(nodes);
    expect(next[1]).toEqual({ ...nodes[1], position: { x: 50, y: 60 }, dragging: true });
    expect(next.filter((n, i) => n === nodes[i]).map((n) => n.id)).toEqual(['n0', 'n2', 'n3']);
    expect(withDragged(next, moved)).toBe(next);
    expect(withDragged(nodes, new Map())).toBe(nodes);
    expect(withDragged(nodes, new Map([['gone', { x: 1, y: 1 }]]))).toBe(nodes);
  });
});
