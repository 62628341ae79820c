// Nodes that steer the conversation without saying much: start, listen (wait for the user), jump and call
// (to another flow; a call returns), end (the flow, or the conversation when nothing called it).
import type { NodeOf } from '../../../schema/nodes';
import type { At } from '../../types';
import type { Step } from '../effects';
import type { Turn } from '../turn';

export function execListen(t: Turn, at: At): Step {
  t.trace.push({ kind: 'node', ...at, nodeKind: 'listen' });
  t.s.wait = { kind: 'listen', ...at };
  return 'wait';
}

export function execJump(t: Turn, node: NodeOf<'jump'>, at: At): Step {
  const target = node.node ? { flow: node.flow, node: node.node } : t.flowStart(node.flow);
  t.trace.push({ kind: 'node', ...at, nodeKind: 'jump', exit: node.flow });
  if (!target) {
    t.error(`jump to flow "${node.flow}", which does not exist`, at);
    return 'end';
  }
  leaveDigression(t, at);
  return target;
}

export function execCall(t: Turn, node: NodeOf<'call'>, at: At): Step {
  const target = node.node ? { flow: node.flow, node: node.node } : t.flowStart(node.flow);
  t.trace.push({ kind: 'node', ...at, nodeKind: 'call', exit: node.flow });
  if (!target) {
    t.error(`call of flow "${node.flow}", which does not exist`, at);
    return node.next ? { flow: at.flow, node: node.next } : 'end';
  }
  t.s.stack.push({ kind: 'call', flow: at.flow, node: at.node, ...(node.next ? { next: node.next } : {}) });
  return target;
}

/**
 * A jump made in a digression's own flow leaves the digression: what it interrupted is not asked again (a jump in
 * a flow the digression called still returns to its caller first, as any jump in a called flow does).
 */
function leaveDigression(t: Turn, at: At): void {
  const top = t.s.stack[t.s.stack.length - 1];
  if (top?.kind !== 'digress') return;
  t.s.stack.pop();
  t.trace.push({ kind: 'return', to: 'left', from: at.flow });
}

export function execEnd(t: Turn, node: NodeOf<'end'>, at: At): Step {
  if (node.say) t.say(node.say, at);
  if (node.resume === false) leaveDigression(t, at);
  t.trace.push({ kind: 'node', ...at, nodeKind: 'end', exit: node.outcome ?? 'resolved' });
  if (t.s.stack.length) return 'end';
  const outcome = node.outcome ?? 'resolved';
  t.outputs.push({ type: 'end', outcome, ...at });
  t.s.ended = { outcome, at };
  t.s.wait = { kind: 'idle' };
  return 'wait';
}
