// `form` as expressions see it: the form the conversation is in (waiting at one of its fields, or digressing
// from it), with the field it asked for; `{ active: false }` otherwise.
import type { Wait } from '../types';
import type { Turn } from './turn';

export interface FormView {
  active: boolean;
  /** The form node's id. */
  name?: string;
  title?: string;
  flow?: string;
  /** The id of the field the form asked for, and its slot. */
  requested?: string;
  slot?: string;
}

const INACTIVE: FormView = Object.freeze({ active: false });

/** The form wait the conversation is in: the current wait, else the one the innermost digression interrupted. */
export function activeFormWait(t: Turn): Extract<Wait, { kind: 'form' }> | undefined {
  const w = t.s.wait;
  if (w?.kind === 'form') return w;
  for (let i = t.s.stack.length - 1; i >= 0; i--) {
    const f = t.s.stack[i]!;
    if (f.kind === 'digress') return f.wait.kind === 'form' ? f.wait : undefined;
  }
  return undefined;
}

export function formView(t: Turn): FormView {
  const w = activeFormWait(t);
  if (!w) return INACTIVE;
  const node = t.node(w);
  if (node?.kind !== 'form') return INACTIVE;
  const field = node.fields.find((f) => f.id === w.field);
  return Object.freeze({
    active: true,
    name: node.id,
    title: node.title ?? node.id,
    flow: w.flow,
    ...(field ? { requested: field.id, slot: field.slot } : {}),
  });
}
