// Slot values: what an ask node extracts from the user's words, and whether it passes the node's validation.
import type { LocalizedText } from '../../schema/common';
import type { NodeOf } from '../../schema/nodes';
import type { At } from '../types';
import type { Turn } from './turn';

/** Built-in entity kinds: they are what slots extract, so they never hide each other. */
const BUILTIN_SLOT_ENTITIES = new Set(['number', 'amount', 'date', 'email', 'phone', 'card_last4', 'yes_no']);

/**
 * The utterance an ask node may fill its slot from, with the spans of other entities blanked out: "dispute
 * TXN-4821937705" must not answer "how much?" with the reference's digits.
 */
export function prefillText(t: Turn, node: NodeOf<'ask'>): string {
  const text = t.utterance ?? '';
  const entities = t.nluCache?.text === text ? t.nluCache.result.entities : [];
  let out = text;
  for (const e of entities) {
    if (node.type === 'entity' ? e.entity === node.entity : e.entity === node.type) continue;
    if (BUILTIN_SLOT_ENTITIES.has(e.entity)) continue;
    out = out.slice(0, e.start) + ' '.repeat(Math.max(0, e.end - e.start)) + out.slice(e.end);
  }
  return out;
}

export function extract(t: Turn, node: NodeOf<'ask'>, text: string): { ok: true; value: unknown } | { ok: false } {
  if (node.type === 'text') return text.trim() ? { ok: true, value: text.trim() } : { ok: false };
  const ex = t.engine.options.extractSlot;
  if (!ex) return { ok: false };
  try {
    return ex(node.type, text, { ...(node.entity ? { entityId: node.entity } : {}), now: t.clock ?? 0, locale: t.s.locale });
  } catch (e) {
    t.problem(`slot extraction failed: ${e instanceof Error ? e.message : String(e)}`, { flow: '', node: node.id });
    return { ok: false };
  }
}

/** undefined when valid; else the message to say (the validation's, or the re-prompt). */
export function validate(t: Turn, node: NodeOf<'ask'>, value: unknown, at: At): LocalizedText | undefined {
  if (!node.validation) return undefined;
  try {
    return t.engine.lang.evaluate(node.validation.expr, t.scope({ value })) ? undefined : node.validation.message;
  } catch (e) {
    t.problem(`validation.expr: ${e instanceof Error ? e.message : String(e)}`, at);
    return node.validation.message;
  }
}
