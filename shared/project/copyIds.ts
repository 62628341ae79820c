// Stable copy ids. Every line of copy a node holds (forEachCopy) has an id that survives renames and moves, kept in
// the node's `copyIds`, keyed by where the line sits in the node (its copy key: `say`, `buttons.balance.label`,
// `fields.amount.prompt`). Translations, comments and story checks name lines by it; `flow/node(.field)` (copyIdOf)
// stays the readable alias that engine outputs and transcripts carry.
//
// Ids are made, never typed: a line without one gets one when the project loads and whenever the studio edits a
// node, derived from its alias (`c_` and 10 base-36 digits of a hash), skipping every id the project already
// uses, so the same files always give the same ids until they are written down by a save. A pasted or duplicated
// node drops its ids and gets new ones from its new alias. Two lines with one id (a merge of two branches that
// both copied a node by hand) are an error of the validator (copyIdCollisions).
import { copyIdOf, copyKeyOf, forEachCopy } from './copy';
import type { FlowNode } from '../schema/nodes';
import { COPY_ID_PATTERN } from '../schema/common';
import type { Flow } from '../schema/project';
import { hash64Hex } from '../util/hash';

/** The copy keys of a node with the positional path of each, in forEachCopy's order. */
export function copyKeys(node: FlowNode): { key: string; path: PropertyKey[] }[] {
  const out: { key: string; path: PropertyKey[] }[] = [];
  forEachCopy(node, (path) => out.push({ key: copyKeyOf(node, path), path: [...path] }));
  return out;
}

/** The id derived from a line's alias, or from the alias and a counter when that one is taken. */
function derive(alias: string, taken: ReadonlySet<string>): string {
  for (let salt = 0; ; salt++) {
    const h = hash64Hex(salt ? `${alias}#${salt}` : alias);
    const id = `c_${BigInt(`0x${h}`).toString(36).padStart(13, '0').slice(-10)}`;
    if (!taken.has(id)) return id;
  }
}

const sameMap = (a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>>) => {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b);
  return ak.length === bk.length && ak.every((k, i) => bk[i] === k && a![k] === b[k]);
};

/**
 * The node with an id for every line: the ids it has (those of lines it no longer holds dropped), and new ones
 * derived for the rest, none in `taken`, which gets the node's ids added. The same object when nothing changes.
 */
export function withNodeCopyIds(flowId: string, node: FlowNode, taken: Set<string>): FlowNode {
  const keys = copyKeys(node);
  const have = node.copyIds ?? {};
  const ids: Record<string, string> = {};
  for (const { key } of keys) {
    const id = Object.hasOwn(have, key) ? have[key] : undefined;
    if (id !== undefined && COPY_ID_PATTERN.test(id)) ids[key] = id;
  }
  for (const id of Object.values(ids)) taken.add(id);
  for (const { key, path } of keys) {
    if (ids[key] !== undefined) continue;
    const id = derive(copyIdOf(flowId, node, path), taken);
    taken.add(id);
    ids[key] = id;
  }
  if (sameMap(node.copyIds, ids) || (!node.copyIds && keys.length === 0)) return node;
  const { copyIds: _old, ...rest } = node;
  return (keys.length ? { ...rest, copyIds: ids } : rest) as FlowNode;
}

/** The ids the flows use. */
export function copyIdsInUse(flows: Readonly<Record<string, Flow>>): Set<string> {
  const taken = new Set<string>();
  for (const flow of Object.values(flows)) for (const node of flow.nodes) for (const c of Object.values(node.copyIds ?? {})) taken.add(c);
  return taken;
}

/** The flow with an id for every line of its nodes (see withNodeCopyIds). The same object when nothing changes. */
export function withFlowCopyIds(flowId: string, flow: Flow, taken: Set<string>): Flow {
  // ids the flow keeps first, so that a derived id never takes one a later node of the flow already has
  for (const node of flow.nodes) for (const c of Object.values(node.copyIds ?? {})) taken.add(c);
  let changed = false;
  const nodes = flow.nodes.map((n) => {
    const next = withNodeCopyIds(flowId, n, taken);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...flow, nodes } : flow;
}

/** Every flow with ids for all its lines, as loading a project gives them. Flows that need none are the same objects. */
export function withProjectCopyIds(flows: Readonly<Record<string, Flow>>): Record<string, Flow> {
  const taken = copyIdsInUse(flows);
  return Object.fromEntries(Object.entries(flows).map(([id, flow]) => [id, withFlowCopyIds(id, flow, taken)]));
}

/**
 * The ids of `prev` carried over to `next`, an edit of the same node: a line whose copy key is the same keeps its
 * id (a list reordered), and a line whose key changed in place (a button's id renamed) keeps the id it had at that
 * position. Lines new in `next` get none here (withNodeCopyIds gives them one).
 */
export function carryCopyIds(prev: FlowNode, next: FlowNode): FlowNode {
  const before = prev.copyIds;
  if (!before) return next;
  const prevKeys = copyKeys(prev);
  const nextKeys = copyKeys(next);
  const nextSet = new Set(nextKeys.map((k) => k.key));
  const ids: Record<string, string> = {};
  for (const { key } of nextKeys) if (Object.hasOwn(before, key)) ids[key] = before[key]!;
  const byPath = new Map(prevKeys.map((k) => [k.path.join('\u0000'), k.key]));
  for (const { key, path } of nextKeys) {
    if (ids[key] !== undefined) continue;
    const old = byPath.get(path.join('\u0000'));
    // the old line left its key (renamed) and its id is not already carried to another line
    if (old !== undefined && !nextSet.has(old) && Object.hasOwn(before, old) && !Object.values(ids).includes(before[old]!)) ids[key] = before[old]!;
  }
  if (sameMap(next.copyIds, ids)) return next;
  return { ...next, copyIds: ids } as FlowNode;
}

/** A node as pasted or duplicated: without ids, so that it gets new ones from its new alias. */
export function withoutCopyIds<N extends FlowNode>(node: N): N {
  if (!node.copyIds) return node;
  const { copyIds: _ids, ...rest } = node;
  return rest as N;
}

export interface CopyLocation {
  flowId: string;
  nodeId: string;
  /** The line's copy key in its node. */
  key: string;
  /** The readable alias (copyIdOf). */
  alias: string;
}

/** Every line of the project by its stable id (the first place it is, when two share one: see copyIdCollisions). */
export function copyIdIndex(flows: Readonly<Record<string, Flow>>): Map<string, CopyLocation> {
  const out = new Map<string, CopyLocation>();
  for (const [flowId, flow] of Object.entries(flows))
    for (const node of flow.nodes)
      for (const { key, path } of copyKeys(node)) {
        const id = node.copyIds?.[key];
        if (id !== undefined && !out.has(id)) out.set(id, { flowId, nodeId: node.id, key, alias: copyIdOf(flowId, node, path) });
      }
  return out;
}

export interface CopyIdCollision {
  id: string;
  /** The place that keeps it, and the one that must give it up (`index`: the node's place in its flow). */
  first: CopyLocation;
  again: CopyLocation & { index: number };
}

// a flow's stable ids with where each is, per flow object: the validator asks after every edit
const idsOfFlow = new WeakMap<Flow, [id: string, index: number, key: string][]>();

function flowIds(flow: Flow): [string, number, string][] {
  let ids = idsOfFlow.get(flow);
  if (!ids) {
    ids = [];
    flow.nodes.forEach((node, index) => {
      for (const [key, id] of Object.entries(node.copyIds ?? {})) ids!.push([id, index, key]);
    });
    idsOfFlow.set(flow, ids);
  }
  return ids;
}

function locationOf(flowId: string, flow: Flow, index: number, key: string): CopyLocation {
  const node = flow.nodes[index]!;
  const path = copyKeys(node).find((k) => k.key === key)?.path;
  return { flowId, nodeId: node.id, key, alias: path ? copyIdOf(flowId, node, path) : `${flowId}/${node.id}.${key}` };
}

/** Where the validator reports a collision: the second line's entry in its node's `copyIds`. */
export const collisionPath = (c: CopyIdCollision): PropertyKey[] => ['nodes', c.again.index, 'copyIds', c.again.key];

export const collisionMessage = (c: CopyIdCollision) =>
  `copy id ${c.id} is also the id of ${c.first.alias}: delete this entry and the line gets a new id when the project is opened`;

/** Lines that share a stable id, in document order: after a merge, or copy ids copied by hand. */
export function copyIdCollisions(flows: Readonly<Record<string, Flow>>): CopyIdCollision[] {
  const seen = new Map<string, [string, number, string]>();
  const out: CopyIdCollision[] = [];
  for (const [flowId, flow] of Object.entries(flows))
    for (const [id, index, key] of flowIds(flow)) {
      const first = seen.get(id);
      if (!first) {
        seen.set(id, [flowId, index, key]);
        continue;
      }
      const [f, i, k] = first;
      out.push({ id, first: locationOf(f, flows[f]!, i, k), again: { ...locationOf(flowId, flow, index, key), index } });
    }
  return out;
}

/** Whether a node lacks an id for a line, or keeps one for a line it no longer holds. */
function needsIds(node: FlowNode): boolean {
  const keys = copyKeys(node);
  const have = node.copyIds ?? {};
  return keys.some((k) => !Object.hasOwn(have, k.key)) || Object.keys(have).length !== keys.length;
}

/**
 * `after`, an edit of flow `flowId` (`before` as it was), with ids for the lines of the nodes the edit added or
 * changed, none taken anywhere in `flows()` (asked only then). Untouched nodes are not looked at; the same object when none needs one.
 */
export function withNewCopyIds(flowId: string, before: Flow, after: Flow, flows: () => Readonly<Record<string, Flow>>): Flow {
  if (after === before) return after;
  const old = new Set(before.nodes);
  if (!after.nodes.some((n) => !old.has(n) && needsIds(n))) return after;
  const taken = copyIdsInUse({ ...flows(), [flowId]: after });
  let changed = false;
  const nodes = after.nodes.map((n) => {
    if (old.has(n)) return n;
    const next = withNodeCopyIds(flowId, n, taken);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...after, nodes } : after;
}
