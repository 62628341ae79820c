// One line per guardrail rule saying what it does, for the studio's guardrails panel and reviews (no YAML here:
// the panel shows it at open, and writes guardrails.yaml with serialize.ts only when saving).
import type { GuardrailRule } from '../schema/guardrails';

/** What a rule does, in a few words: "block (input)", "route to sensitive", "redact (input and output)". */
export function describeRule(r: GuardrailRule): string {
  const dir = r.direction === 'both' ? 'input and output' : (r.direction ?? 'input');
  const what = `${r.detector}${r.categories ? `: ${r.categories.join(', ')}` : r.pattern ? `: /${r.pattern}/` : ''}`;
  const then = r.action === 'route' ? `route to ${r.flow ?? '?'}` : r.action === 'escalate' ? `escalate${r.queue ? ` to ${r.queue}` : ''}` : r.action;
  return `${what} (${dir}) → ${then}${r.interrupts ? ', even mid-question' : ''}${r.enabled === false ? ' [off]' : ''}`;
}
