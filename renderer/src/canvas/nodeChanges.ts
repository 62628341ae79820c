import { applyNodeChanges, type Node, type NodeChange } from '@xyflow/react';

/**
 * applyNodeChanges for the changes of a drag or a measurement (position, dimensions), which leave the nodes in
 * their order: only the changed nodes are looked at (by their place in the array, `index`, built again when it no
 * longer matches) instead of every node on every step. Undefined for other changes, which go to applyNodeChanges.
 */
export function applyInPlace<N extends Node>(changes: NodeChange<N>[], ns: N[], index: { current: Map<string, number> }): N[] | undefined {
  const byId = new Map<string, NodeChange<N>[]>();
  for (const c of changes) {
    if (c.type !== 'position' && c.type !== 'dimensions') return undefined;
    const list = byId.get(c.id);
    if (list) list.push(c);
    else byId.set(c.id, [c]);
  }
  const next = ns.slice();
  for (const [id, list] of byId) {
    let i = index.current.get(id);
    if (i === undefined || ns[i]?.id !== id) {
      index.current = new Map(ns.map((n, k) => [n.id, k]));
      i = index.current.get(id);
    }
    if (i === undefined) continue;
    next[i] = applyNodeChanges(list, [ns[i]!])[0]!;
  }
  return next;
}
