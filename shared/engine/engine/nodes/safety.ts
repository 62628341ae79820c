// Nodes that protect the customer: guardrail (checks the user's last message; a failed check counts as
// flagged) and handoff (to a person, when the queue has agents; it ends the conversation).
import type { NodeOf } from '../../../schema/nodes';
import type { GuardrailFinding } from '../../ports';
import type { At } from '../../types';
import { errorText, type Run, type Step } from '../effects';
import type { Turn } from '../turn';

export function* execGuardrail(t: Turn, node: NodeOf<'guardrail'>, at: At): Run<Step> {
  const r = yield { type: 'guardrail', text: t.s.last.input, checks: node.checks, topics: node.topics ?? [] };
  let findings: GuardrailFinding[] = [];
  if (r.ok) findings = r.value as GuardrailFinding[];
  else t.problem(`guardrail failed: ${errorText(r.error)} (treated as flagged)`, at);
  t.trace.push({ kind: 'guardrail', ...at, findings });
  return findings.length || !r.ok ? t.go(at, node.flagged, 'flagged') : t.go(at, node.next, 'next');
}

export function* execHandoff(t: Turn, node: NodeOf<'handoff'>, at: At): Run<Step> {
  const queue = node.queue ?? 'general';
  const r = yield { type: 'handoff', queue };
  const available = r.ok ? Boolean(r.value) : false;
  if (!available) {
    if (node.unavailable) return t.go(at, node.unavailable, 'unavailable');
    t.builtin(t.copy.noAgents, at);
  }
  if (node.say) t.say(node.say, at);
  const summary = node.summary !== undefined ? t.render(node.summary, at, 'summary') : undefined;
  t.outputs.push({ type: 'handoff', queue, ...(node.reason ? { reason: node.reason } : {}), ...(summary !== undefined ? { summary } : {}), ...at });
  t.trace.push({ kind: 'node', ...at, nodeKind: 'handoff', exit: available ? 'agent' : 'no agent' });
  t.s.ended = { outcome: 'escalated', at };
  t.s.stack = [];
  t.s.wait = { kind: 'idle' };
  return 'wait';
}
