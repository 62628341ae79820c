// The message node: says its copy (or its A/B variant's, shared/engine/variants.ts), offers its buttons; with
// buttons and no `next` it waits for a choice.
import type { NodeOf } from '../../../schema/nodes';
import type { At, QuickReply } from '../../types';
import { variantAt } from '../../variants';
import type { Step } from '../effects';
import type { Turn } from '../turn';

export function execMessage(t: Turn, node: NodeOf<'message'>, at: At): Step {
  const replies = buttonsOf(t, node, at);
  sayMessage(t, node, at, replies);
  t.s.quickReplies = replies;
  if (node.next) return t.go(at, node.next, 'next');
  if (replies.length) {
    t.trace.push({ kind: 'node', ...at, nodeKind: 'message' });
    t.s.wait = { kind: 'choice', ...at };
    return 'wait';
  }
  return t.go(at, undefined, 'next');
}

/**
 * Says the node's copy, or the copy of the conversation's variant when the node has variants. A variant's own
 * copy has the copy id `flow/node@variant`; a variant without `say` (the control) says the node's, `flow/node`.
 */
export function sayMessage(t: Turn, node: NodeOf<'message'>, at: At, replies: QuickReply[]): void {
  const v = variantAt(t, at, node.variants);
  if (!v?.say) {
    t.say(node.say, at, undefined, replies);
    return;
  }
  const text = t.render(t.pick(v.say, at), at, `variants.${v.id}.say`);
  t.emitText(text, at, `${at.flow}/${at.node}@${v.id}`, replies);
}

export function buttonsOf(t: Turn, node: NodeOf<'message'>, at: At): QuickReply[] {
  return (node.buttons ?? []).map((b) => ({
    id: b.id,
    label: t.render(t.pick(b.label, at), at, `buttons.${b.id}.label`),
    payload: b.payload ?? b.id,
    flow: at.flow,
    node: at.node,
    ...(b.next ? { next: b.next } : {}),
  }));
}
