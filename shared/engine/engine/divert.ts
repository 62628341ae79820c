// A text input the runtime's guardrail stage took out of the engine's hands (shared/runtime/turnRunner.ts): the
// engine records that the customer said something (as the stage stores it), and instead of hearing it:
//   say       the rule's message; the conversation stays where it waited (a blocked message: the NLU, slots,
//             expressions and models never see the text)
//   flow      the rule's message, if any, then the flow from its start, as a `goto` global would (a sensitive
//             topic routed to a support flow); `input` is the stored text and `intent` the category
//   handoff   the rule's message, if any, then the project's escalation flow, or a handoff to `queue` when the
//             rule names one or the project has no escalation flow
import type { At } from '../types';
import type { Run } from './effects';
import { runFrom } from './runNodes';
import type { Turn } from './turn';

export type Divert = {
  /** The rule, for the trace (`guardrails:<rule>`) and the copy id of its message (`guardrails/<rule>`). */
  rule: string;
  /** What the stage detected (a topic, `jailbreak`, ...): the trace's intent and the handoff's reason. */
  category: string;
  /** The rule's message in the conversation's locale. */
  say?: string;
  /** What the transcript and `input` keep of the customer's text (redacted; for `say`, never the text itself). */
  stored: string;
} & ({ kind: 'say' } | { kind: 'flow'; flow: string } | { kind: 'handoff'; queue?: string });

const AT = (rule: string): At => ({ flow: '', node: `guardrails.${rule}` });

export function* divertInput(t: Turn, d: Divert): Run<void> {
  t.s.transcript.push({ role: 'user', text: d.stored });
  const at = AT(d.rule);
  if (d.say) t.emitText(d.say, at, `guardrails/${d.rule}`);
  if (d.kind === 'say') return; // where it waited, with the same quick replies on offer
  t.s.quickReplies = [];
  t.s.last = { input: d.stored, intent: d.category, confidence: 1, entities: {} };
  t.s.fallbacks = 0;
  t.s.stack = [];
  delete t.s.ended;
  if (d.kind === 'flow') {
    t.trace.push({ kind: 'global', handler: `guardrails:${d.rule}`, intent: d.category, action: 'goto', flow: d.flow });
    const target = t.flowStart(d.flow);
    if (!target) return t.error(`guardrail rule "${d.rule}": flow "${d.flow}" not found`, at);
    return yield* runFrom(t, target);
  }
  const escalation = d.queue === undefined && t.engine.escalation ? t.flowStart(t.engine.escalation) : undefined;
  t.trace.push({ kind: 'global', handler: `guardrails:${d.rule}`, intent: d.category, action: 'goto', ...(escalation ? { flow: escalation.flow } : {}) });
  if (escalation) return yield* runFrom(t, escalation);
  const queue = d.queue ?? 'general';
  const r = yield { type: 'handoff', queue };
  if (!(r.ok ? Boolean(r.value) : false)) t.builtin('noAgents', at);
  t.outputs.push({ type: 'handoff', queue, reason: `guardrail: ${d.category}`, ...at });
  t.s.ended = { outcome: 'escalated', at };
  t.s.wait = { kind: 'idle' };
}
