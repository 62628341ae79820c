// Pure helpers of the inspector's A/B variants editor (kinds/VariantsEditor.tsx): each variant's share of new
// conversations, ids for new variants, the check of a renamed id, and the list edits. Not the copy variants of
// one field (nodeEdit.ts), which the bot picks from at random: these are an experiment's arms, each with a stable
// id that a conversation keeps and results are counted by (shared/engine/variants.ts).
import { Id } from '../../../shared/schema/common';
import type { FlowNode, LlmVariant, MessageVariant } from '../../../shared/schema/nodes';

export type AbVariant = MessageVariant | LlmVariant;
type WithVariants = Extract<FlowNode, { kind: 'message' | 'llm' }>;

const validWeight = (w: number | undefined): number | undefined => {
  const x = w ?? 1;
  return Number.isFinite(x) && x > 0 ? x : undefined;
};

/**
 * Each variant's share of new conversations, in percent: its weight (default 1) over the sum of the weights, as
 * the runtime assigns them. A weight that is not a number more than 0 is never picked: its share is undefined,
 * and it counts for nothing in the others'.
 */
export function variantShares(variants: readonly { weight?: number | undefined }[]): (number | undefined)[] {
  const weights = variants.map((v) => validWeight(v.weight));
  const total = weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  return weights.map((w) => (w === undefined || total === 0 ? undefined : (w / total) * 100));
}

/** `50 %`, `33.3 %`, `0.1 %`; `<0.1 %` for a share too small to show; `—` for none. */
export function formatShare(p: number | undefined): string {
  if (p === undefined) return '—';
  if (p > 0 && p < 0.05) return '<0.1 %';
  return `${Math.round(p * 10) / 10} %`;
}

/** An id for a new variant: `variant_b`, `variant_c`… (the first not taken), then `variant_27`, `variant_28`… */
export function newVariantId(taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let c = 'b'.charCodeAt(0); c <= 'z'.charCodeAt(0); c++) {
    const id = `variant_${String.fromCharCode(c)}`;
    if (!used.has(id)) return id;
  }
  for (let i = 27; ; i++) if (!used.has(`variant_${i}`)) return `variant_${i}`;
}

/** Why `id` cannot be the id of variant `index` (the others' ids are `ids`); undefined when it can. */
export function variantIdProblem(id: string, index: number, ids: readonly string[]): string | undefined {
  if (id === '') return 'required';
  const parsed = Id.safeParse(id);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'not a valid id';
  if (ids.some((other, j) => j !== index && other === id)) return `another variant of this node is already called "${id}"`;
  return undefined;
}

/**
 * A new variant for `node`: a fresh id, and the node's copy (message) or prompt (llm) to start from, so that it
 * differs from the control once edited. A node without variants gets a control first: an experiment has two.
 */
export function withNewVariant(node: WithVariants): AbVariant[] {
  const list: AbVariant[] = node.variants?.length ? [...node.variants] : [{ id: 'control' }];
  const id = newVariantId(list.map((v) => v.id));
  list.push(node.kind === 'message' ? { id, say: structuredClone(node.say) } : { id, prompt: node.prompt });
  return list;
}

/** The list without variant `index`; undefined (the field left out) when none is left. */
export function withoutVariant(list: readonly AbVariant[], index: number): AbVariant[] | undefined {
  const next = list.filter((_, i) => i !== index);
  return next.length ? next : undefined;
}

/** The list with variant `index` renamed (its place and fields kept). */
export const withVariantId = (list: readonly AbVariant[], index: number, id: string): AbVariant[] => list.map((v, i) => (i === index ? { ...v, id } : v));
