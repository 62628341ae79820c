// The message node: says its copy, offers its buttons; with buttons and no `next` it waits for a choice.
import type { NodeOf } from '../../../schema/nodes';
import type { At, QuickReply } from '../../types';
import type { Step } from '../effects';
import type { Turn } from '../turn';

export function execMessage(t: Turn, node: NodeOf<'message'>, at: At): Step {
  const replies = buttonsOf(t, node, at);
  t.say(node.say, at, undefined, replies);
  t.s.quickReplies = replies;
  if (node.next) return t.go(at, node.next, 'next');
  if (replies.length) {
    t.trace.push({ kind: 'node', ...at, nodeKind: 'message' });
    t.s.wait = { kind: 'choice', ...at };
    return 'wait';
  }
  return t.go(at, undefined, 'next');
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
