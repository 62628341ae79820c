// A/B variants: a `message` node's copy or an `llm` node's prompt in several weighted versions, one per
// conversation. The pick is
//   - deterministic: weighted rendezvous hashing of (seed, `flow/node`, variant id). Each variant scores
//     -ln(u) / weight, u = a hash of the three mapped into (0, 1), and the lowest score wins, so variant i wins
//     with probability weight_i / Σ weights. A variant's score depends on its own id and weight only: reordering
//     the list moves no conversation, editing one variant's copy moves none, and adding a variant moves only the
//     conversations it now wins (to it). The seed is the conversation's (`SessionState.seed`, the runtime's
//     conversation id); without one, the turn number (stable for replays and stories) or the random port.
//   - sticky: recorded in `SessionState.variants` the first time the node runs and kept after, even if weights
//     change mid-conversation. A caller may force picks when the conversation starts (the simulator's picker).
//   - traced: every run of such a node adds a `variant` entry (`assigned` on the conversation's first time), which
//     the runtime reads with `turnVariants` for the transcript event and metrics.
// The hash is part of the behaviour: changing it would move new conversations between variants.
import type { FlowNode } from '../schema/nodes';
import type { Engine } from './engine/compile';
import type { Turn } from './engine/turn';
import type { At, TurnResult } from './types';

/** What assignment needs of a variant. */
export interface Weighted {
  id: string;
  /** Default 1; must be more than 0 (the schema says so; a variant without a positive weight is never picked). */
  weight?: number;
}

/** The key of a node in `SessionState.variants` and in transcripts: `flow/node`. */
export const variantKey = (at: At): string => `${at.flow}/${at.node}`;

/** cyrb53 (public domain, bryc): a fast 53-bit string hash with good avalanche; pure, the same on every platform. */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** `s` hashed into the open interval (0, 1). */
const unitOf = (s: string): number => (hash53(s) + 0.5) / 2 ** 53;

/**
 * The variant a conversation with `seed` gets at the node `key` (`flow/node`): weighted rendezvous hashing.
 * Undefined only when no variant has a positive weight.
 */
export function assignVariant<V extends Weighted>(seed: string, key: string, variants: readonly V[]): V | undefined {
  let best: V | undefined;
  let bestScore = Infinity;
  for (const v of variants) {
    const w = v.weight ?? 1;
    if (!(w > 0) || !Number.isFinite(w)) continue;
    const score = -Math.log(unitOf(`${seed}\u0000${key}\u0000${v.id}`)) / w;
    if (score < bestScore || (score === bestScore && best !== undefined && v.id < best.id)) {
      best = v;
      bestScore = score;
    }
  }
  return best;
}

/** The variants of a node, if it has any (`message` and `llm` nodes). */
export function variantsOfNode(node: FlowNode | undefined): readonly Weighted[] | undefined {
  return node && (node.kind === 'message' || node.kind === 'llm') && node.variants?.length ? node.variants : undefined;
}

/**
 * The conversation's variant at a node that has `variants`: the one it got before, else one assigned now and
 * recorded in the turn's state. Traces the pick. Undefined when the node has no variants.
 */
export function variantAt<V extends Weighted>(t: Turn, at: At, variants: readonly V[] | undefined): V | undefined {
  if (!variants?.length) return undefined;
  const key = variantKey(at);
  const kept = t.s.variants?.[key];
  let v = kept === undefined ? undefined : variants.find((x) => x.id === kept);
  if (kept !== undefined && !v) t.problem(`the conversation's variant "${kept}" is no longer one of the node's variants: assigned again`, at, 'warning');
  const assigned = v === undefined;
  if (!v) {
    const seed = t.s.seed ?? (t.random ? `random:${t.random.next()}` : `turn:${t.s.turn}`);
    v = assignVariant(seed, key, variants);
    if (!v) return undefined;
    t.s.variants = { ...t.s.variants, [key]: v.id };
  }
  t.trace.push({ kind: 'variant', ...at, variant: v.id, assigned });
  return v;
}

/** One experiment of a project: a node with variants, and each variant's share of new conversations. */
export interface Experiment {
  key: string;
  flow: string;
  node: string;
  nodeKind: 'message' | 'llm';
  variants: { id: string; weight: number; share: number }[];
}

/** Every node with variants, for the simulator's picker and for metrics (in flow and node order). */
export function experiments(engine: Engine): Experiment[] {
  const out: Experiment[] = [];
  for (const [flow, f] of engine.flows) {
    for (const [node, n] of f.nodes) {
      const vs = variantsOfNode(n);
      if (!vs) continue;
      const total = vs.reduce((sum, v) => sum + (v.weight ?? 1), 0);
      out.push({
        key: variantKey({ flow, node }),
        flow,
        node,
        nodeKind: n.kind as 'message' | 'llm',
        variants: vs.map((v) => ({ id: v.id, weight: v.weight ?? 1, share: (v.weight ?? 1) / total })),
      });
    }
  }
  return out;
}

/**
 * Picks forced when a conversation starts (`initialState(engine, { variants })`), checked against the project:
 * throws a RangeError naming the key when a node does not exist, has no variants, or has no such variant.
 */
export function checkForcedVariants(engine: Engine, picks: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, id] of Object.entries(picks)) {
    const slash = key.indexOf('/');
    const node = slash > 0 ? engine.flows.get(key.slice(0, slash))?.nodes.get(key.slice(slash + 1)) : undefined;
    if (!node) throw new RangeError(`variants: no node "${key}" (expected flow/node)`);
    const vs = variantsOfNode(node);
    if (!vs) throw new RangeError(`variants: the ${node.kind} node "${key}" has no variants`);
    if (!vs.some((v) => v.id === id)) throw new RangeError(`variants: "${key}" has no variant "${id}" (it has ${vs.map((v) => v.id).join(', ')})`);
    out[key] = id;
  }
  return out;
}

/**
 * The variants a turn ran with, by node (`flow/node` → variant id), from its trace: what the runtime puts in the
 * transcript event's `variants` (`turnEvent(result, { ...meta, variants: turnVariants(result) })`). Nodes
 * without variants, and turns that ran none, give `{}`.
 */
export function turnVariants(result: Pick<TurnResult, 'trace'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of result.trace) if (e.kind === 'variant') out[variantKey(e)] = e.variant;
  return out;
}

/** The variants this turn assigned (the conversation's first time at those nodes): one exposure each, for metrics. */
export function assignedVariants(result: Pick<TurnResult, 'trace'>): { flow: string; node: string; variant: string }[] {
  return result.trace.flatMap((e) => (e.kind === 'variant' && e.assigned ? [{ flow: e.flow, node: e.node, variant: e.variant }] : []));
}
