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

/** The last `refilter`: what it filtered, what it kept, and for which `key` (what `keep` depends on besides a node). */
export interface Filtered<T> {
  input: readonly T[];
  output: T[];
  key: unknown;
}

/**
 * `next.filter(keep)`, done again only when it has to be: when `next` differs from the last input only in nodes the
 * last output kept and still keeps (the steps of a drag: the dragged nodes are new objects, every other node is the
 * same), the last output with those nodes replaced is the same array a filter would give, found without a pass of
 * `keep` over every node (a pass over thousands of nodes of different shapes on every step). `key` is what `keep`
 * depends on besides the node: a new key filters again.
 */
export function refilter<T extends { id: string }>(last: Filtered<T> | undefined, next: readonly T[], key: unknown, keep: (n: T) => boolean): Filtered<T> {
  if (last && last.key === key && last.input.length === next.length) {
    const changed: number[] = [];
    for (let i = 0; i < next.length && changed.length <= 64; i++) if (next[i] !== last.input[i]) changed.push(i);
    if (!changed.length) return { ...last, input: next };
    if (changed.length <= 64) {
      const at = new Map(last.output.map((n, k) => [n.id, k]));
      const output = last.output.slice();
      const reusable = changed.every((i) => {
        const k = at.get(next[i]!.id);
        if (k === undefined || last.input[i]!.id !== next[i]!.id || !keep(next[i]!)) return false;
        output[k] = next[i]!;
        return true;
      });
      if (reusable) return { input: next, output, key };
    }
  }
  return { input: next, output: next.filter(keep), key };
}
