// The guardrail node: checks the user's last message; a failed check counts as flagged. (The handoff node is
// in handoff.ts.)
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
