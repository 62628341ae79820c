// Slot values: what a question (an ask node, a form's field) extracts from the user's words, whether it passes
// the question's validation, and the entities remembered from earlier messages that a later question may use.
import type { LocalizedText } from '../../schema/common';
import { validationRules, type Question } from '../../schema/nodes';
import type { At } from '../types';
import type { Turn } from './turn';

/** Built-in entity kinds: they are what slots extract, so they never hide each other. */
const BUILTIN_SLOT_ENTITIES = new Set(['number', 'amount', 'date', 'date_range', 'email', 'phone', 'card_last4', 'yes_no', 'person']);

/** Kinds too vague to take from an earlier message ("I have 2 cards" is no answer to "how many months?"). */
const NOT_REMEMBERED = new Set(['text', 'number', 'yes_no']);

/** The entity a question's answer is (its type, or its entity for `entity`); undefined for free text. */
export const entityKindOf = (q: Question): string | undefined => (q.type === 'text' ? undefined : q.type === 'entity' ? q.entity : q.type);

/**
 * The utterance a question may fill its slot from, with the spans of other entities blanked out: "dispute
 * TXN-4821937705" must not answer "how much?" with the reference's digits.
 */
export function prefillText(t: Turn, q: Question, text = t.utterance ?? ''): string {
  const entities = t.nluCache?.text === text ? t.nluCache.result.entities : [];
  const own = entities.filter((e) => (q.type === 'entity' ? e.entity === q.entity : e.entity === q.type));
  let out = text;
  for (const e of entities) {
    if (own.includes(e)) continue;
    if (BUILTIN_SLOT_ENTITIES.has(e.entity)) continue;
    // a pattern that matched inside the question's own entity (the digits of TXN-7730019924) hides nothing
    if (own.some((o) => o.start < e.end && e.start < o.end)) continue;
    out = out.slice(0, e.start) + ' '.repeat(Math.max(0, e.end - e.start)) + out.slice(e.end);
  }
  return out;
}

export function extract(t: Turn, q: Question, text: string): { ok: true; value: unknown } | { ok: false } {
  if (q.type === 'text') return text.trim() ? { ok: true, value: text.trim() } : { ok: false };
  const ex = t.engine.options.extractSlot;
  if (!ex) return { ok: false };
  try {
    return ex(q.type, text, { ...(q.entity ? { entityId: q.entity } : {}), ...(q.dates ? { dates: q.dates } : {}), now: t.clock ?? 0, locale: t.s.locale });
  } catch (e) {
    t.problem(`slot extraction failed: ${e instanceof Error ? e.message : String(e)}`, { flow: '', node: q.slot });
    return { ok: false };
  }
}

/** undefined when valid; else the failed rule's message and its copy field (`validation.message`, `validation.1.message`). */
export function validate(t: Turn, q: Question, value: unknown, at: At): { message: LocalizedText; field: string } | undefined {
  const rules = validationRules(q.validation);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const field = Array.isArray(q.validation) ? `validation.${i}.message` : 'validation.message';
    try {
      if (!t.engine.lang.evaluate(rule.expr, t.scope({ value }))) return { message: rule.message, field };
    } catch (e) {
      t.problem(`validation.expr: ${e instanceof Error ? e.message : String(e)}`, at);
      return { message: rule.message, field };
    }
  }
  return undefined;
}

/** Extracts and validates: the value, or undefined when the words are not a valid answer. */
export function validValue(t: Turn, q: Question, text: string, at: At): { value: unknown } | undefined {
  const got = extract(t, q, text);
  return got.ok && validate(t, q, got.value, at) === undefined ? { value: got.value } : undefined;
}

/**
 * Fills a question from an entity of its kind said in an earlier message and not used since, newest first (the
 * customer's latest word wins). Marks what it used. undefined when there is none, or none that is a valid answer.
 */
export function fromEarlier(t: Turn, q: Question, at: At): { value: unknown; text: string } | undefined {
  const kind = entityKindOf(q);
  if (q.fromEarlier === false || !kind || NOT_REMEMBERED.has(q.type)) return undefined;
  const memory = t.s.memory ?? [];
  for (let i = memory.length - 1; i >= 0; i--) {
    const m = memory[i]!;
    if (m.entity !== kind || m.turn >= t.s.turn) continue;
    const got = validValue(t, q, m.text, at);
    if (!got) continue;
    t.s.memory = memory.filter((_, j) => j !== i);
    return { value: got.value, text: m.text };
  }
  return undefined;
}

/** This message's entities of a question's kind are used: a later question does not take them again. */
export function useUp(t: Turn, q: Question): void {
  const kind = entityKindOf(q);
  if (!kind || !t.s.memory?.length) return;
  t.s.memory = t.s.memory.filter((m) => !(m.entity === kind && m.turn === t.s.turn));
}

/** How many remembered entities a conversation keeps. */
export const MEMORY_LIMIT = 20;
