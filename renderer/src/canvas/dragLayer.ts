import type { InternalNode, Node, NodeChange, XYPosition } from '@xyflow/react';

type PositionChange = Extract<NodeChange, { type: 'position' }>;

/** The part of React Flow's store a drag step writes to (useStoreApi). */
export interface DragStore<N extends Node> {
  getState(): { nodeLookup: Map<string, InternalNode<N>>; nodeOrigin: readonly [number, number] };
  setState(partial: object): void;
}

/** Internal nodes that moveInStore made for a drag: only these may be moved in place (nothing else holds them). */
const dragCopies = new WeakSet<object>();

/** The changes of one step of a drag (every change a position of a node being dragged), or undefined for any other. */
export function dragSteps<N extends Node>(changes: readonly NodeChange<N>[]): { id: string; position: XYPosition }[] | undefined {
  if (!changes.length) return undefined;
  for (const c of changes) if (c.type !== 'position' || !c.dragging || !c.position) return undefined;
  return (changes as PositionChange[]).map((c) => ({ id: c.id, position: c.position! }));
}

/**
 * One step of a drag, straight into React Flow's node lookup instead of through the nodes handed to React Flow: the
 * dragged nodes' internal nodes get their new position (as React Flow would give them once handed the moved nodes)
 * and the store tells its subscribers, so only the dragged cards and their edges render again. A controlled flow
 * otherwise renders the canvas and hands React Flow the nodes again on every step, which adopts every node it holds
 * (two commits a step). False, and nothing written, when a node is not in the lookup or React Flow would place it
 * elsewhere than its position (a child node, a node origin other than its top left corner).
 *
 * With `place`, later steps of the same drag skip even that render: a node this drag already copied is moved in
 * place (its copy, which nothing but the lookup holds) when `place(id, position)` has put its element there itself
 * and says so, so React Flow's node element, which renders only when its internal node is another object, does not
 * render; the store's other subscribers (the compact canvas, the edges) still see the new position.
 */
export function moveInStore<N extends Node>(
  store: DragStore<N>,
  steps: readonly { id: string; position: XYPosition }[],
  place?: (id: string, position: XYPosition) => boolean,
): boolean {
  const { nodeLookup, nodeOrigin } = store.getState();
  if (nodeOrigin[0] !== 0 || nodeOrigin[1] !== 0) return false;
  for (const s of steps) {
    const node = nodeLookup.get(s.id);
    if (!node || node.parentId || node.expandParent || node.extent) return false;
  }
  for (const s of steps) {
    const node = nodeLookup.get(s.id)!;
    if (place && dragCopies.has(node) && place(s.id, s.position)) {
      node.position = s.position;
      node.internals.positionAbsolute = s.position;
      continue;
    }
    const copy = { ...node, position: s.position, dragging: true, internals: { ...node.internals, positionAbsolute: s.position } };
    dragCopies.add(copy);
    nodeLookup.set(s.id, copy);
  }
  store.setState({});
  return true;
}

/**
 * `nodes` with the positions of the drag under way (`moved`, by node id) that went to React Flow's store only
 * (moveInStore): nodes handed to React Flow during a drag carry where the dragged ones are now, so handing them over
 * does not put a dragged card back where the drag started. The same array when every node is already there.
 */
export function withDragged<N extends Node>(nodes: N[], moved: ReadonlyMap<string, XYPosition>): N[] {
  if (!moved.size) return nodes;
  let out: N[] | undefined;
  let left = moved.size;
  for (let i = 0; i < nodes.length && left > 0; i++) {
    const n = nodes[i]!;
    const p = moved.get(n.id);
    if (!p) continue;
    left--;
    if (n.dragging && n.position.x === p.x && n.position.y === p.y) continue;
    out ??= nodes.slice();
    out[i] = { ...n, position: p, dragging: true };
  }
  return out ?? nodes;
}
