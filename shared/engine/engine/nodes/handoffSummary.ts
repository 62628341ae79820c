// What a handoff tells the person who takes over: why (a reason code, the node's or inferred from how the
// conversation got there), the facts (intent, filled slots, what was tried, the last turns), a summary written
// from them (extractive here; the model's request is built here too), and the payload a ticketing or live-chat
// system gets. Pure functions of the turn's state and trace.
import { dataSection, neutralise, withDataBlock, withDataRule } from '../../../llm/promptData';
import { DETECTOR_CATEGORIES } from '../../../schema/guardrails';
import { HANDOFF_REASONS, type HandoffReason, type NodeOf } from '../../../schema/nodes';
import type { ProjectManifest } from '../../../schema/project';
import type { LlmRequest } from '../../ports';
import type { At, SessionState, TraceEntry, TranscriptEntry } from '../../types';

export const DEFAULT_SUMMARY_TURNS = 6;

/** The guardrail stage's sensitive-topic categories (a diverted turn's trace names one as its intent). */
const SENSITIVE_TOPICS: ReadonlySet<string> = new Set(DETECTOR_CATEGORIES.sensitive_topic);

/** Whether a node's `reason` is one of the codes. */
export const isReasonCode = (r: string): r is HandoffReason => (HANDOFF_REASONS as readonly string[]).includes(r);

const REASON_TEXT: Record<HandoffReason, string> = {
  user_request: 'the customer asked for a person',
  fallback_limit: 'the bot did not understand the customer several times in a row',
  sensitive_topic: 'the conversation touched a sensitive topic',
  api_failure: 'a backend call failed',
  guardrail: 'a guardrail flagged the conversation',
  out_of_scope: 'the bot could not answer the question',
  policy: 'the flow sends this case to a person',
};

/** A reason code in words (a project's own reason as it is). */
export const reasonText = (r: string): string => (isReasonCode(r) ? REASON_TEXT[r] : r);

/**
 * Why this turn ended at a handoff, read from its trace, nearest event first: the fallback limit, a guardrail's
 * finding (a sensitive topic, or another check; PII alone is redacted, not escalated), an API call that took its
 * error or timeout exit, a knowledge node that was not sure or a listen node that did not match (out of scope),
 * the guardrail stage routing or escalating the customer's message (its category: a sensitive topic or not),
 * an explicit request (a global handler, or a listen node routing one of `requestIntents`: the intents of the
 * globals that go to a flow with a handoff). Else `policy`: the flow's own logic (a condition, a task the
 * customer asked for) sent the conversation here.
 */
export function inferReason(trace: readonly TraceEntry[], requestIntents: ReadonlySet<string> = new Set()): HandoffReason {
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i] as TraceEntry;
    switch (e.kind) {
      case 'fallback':
        if (e.escalated) return 'fallback_limit';
        break;
      case 'guardrail': {
        const checks = e.findings.map((f) => f.check).filter((c) => c !== 'pii');
        if (checks.includes('sensitive_topic') || checks.includes('topic')) return 'sensitive_topic';
        if (checks.length) return 'guardrail';
        break;
      }
      case 'global':
        // the guardrail stage's route or escalation (divert.ts): its category says which
        if (e.handler.startsWith('guardrails:')) return SENSITIVE_TOPICS.has(e.intent) ? 'sensitive_topic' : 'guardrail';
        // a flow's trigger is a request for that task, not for a person
        if (!e.handler.startsWith('trigger:')) return 'user_request';
        break;
      case 'node':
        if (e.nodeKind === 'api' && (e.exit === 'error' || e.exit === 'timeout')) return 'api_failure';
        if (e.nodeKind === 'knowledge' && e.exit === 'notSure') return 'out_of_scope';
        if (e.nodeKind === 'listen' && e.exit === 'noMatch') return 'out_of_scope';
        if (e.nodeKind === 'listen' && e.exit?.startsWith('intent:') && requestIntents.has(e.exit.slice(7))) return 'user_request';
        break;
      default:
        break;
    }
  }
  return 'policy';
}

/** The node's reason (a code or the project's own), else the inferred one. */
export function reasonOf(
  node: NodeOf<'handoff'>,
  trace: readonly TraceEntry[],
  requestIntents?: ReadonlySet<string>,
): { reason: string; from: 'node' | 'inferred' } {
  const own = node.reason?.trim();
  return own ? { reason: own, from: 'node' } : { reason: inferReason(trace, requestIntents), from: 'inferred' };
}

export interface HandoffFacts {
  queue: string;
  reason: string;
  /** The customer's last recognised intent, with a readable label. */
  intent?: { id: string; label: string };
  /** Filled slots (`slots.*`), as they are. */
  slots: Record<string, unknown>;
  /** What was tried, one line each: where the customer was, flows this turn, failed calls, misunderstandings. */
  tried: string[];
  /** The last messages, oldest first. */
  turns: TranscriptEntry[];
  locale: string;
}

const shorten = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The facts of a handoff from the state and this turn's trace and path. */
export function handoffFacts(
  s: SessionState,
  trace: readonly TraceEntry[],
  path: readonly At[],
  o: {
    queue: string;
    reason: string;
    turns: number;
    intentLabel: (id: string) => string;
    /** The intent that starts a flow (its start node's trigger), for a customer whose last message had none. */
    intentOfFlow?: (flow: string) => string | undefined;
  },
): HandoffFacts {
  const tried: string[] = [];
  if (s.wait && s.wait.kind !== 'idle') tried.push(`was at ${s.wait.flow}/${s.wait.node} when this message came`);
  const flows = [...new Set(path.map((p) => p.flow))];
  if (flows.length) tried.push(`flows this turn: ${flows.join(' → ')}`);
  for (const e of trace) {
    if (e.kind === 'api' && e.outcome !== 'success')
      tried.push(`API ${e.operation} failed (${e.status !== undefined ? `HTTP ${e.status}` : e.outcome}${e.message ? `: ${shorten(e.message, 100)}` : ''})`);
    else if (e.kind === 'llm' && e.error) tried.push(`the model failed at ${e.flow}/${e.node}`);
    else if (e.kind === 'retrieval' && !e.grounded) tried.push(`the knowledge base had no answer to "${shorten(e.query, 100)}"`);
    else if (e.kind === 'fallback') tried.push(`message not understood (${e.count} of ${e.limit} in a row)`);
    else if (e.kind === 'guardrail') {
      for (const f of e.findings) if (f.check !== 'pii') tried.push(`guardrail ${f.check}: ${f.detail}`);
    } else if (e.kind === 'global' && e.handler.startsWith('guardrails:')) tried.push(`guardrail rule ${e.handler.slice(11)}: ${e.intent}`);
  }
  const slots = s.vars.slots;
  const task = s.wait && s.wait.kind !== 'idle' ? s.wait.flow : path[0]?.flow;
  const intent = s.last.intent ?? (task !== undefined ? o.intentOfFlow?.(task) : undefined);
  return {
    queue: o.queue,
    reason: o.reason,
    ...(intent ? { intent: { id: intent, label: o.intentLabel(intent) } } : {}),
    slots: slots && typeof slots === 'object' && !Array.isArray(slots) ? (slots as Record<string, unknown>) : {},
    tried,
    turns: o.turns > 0 ? s.transcript.slice(-o.turns) : [],
    locale: s.locale,
  };
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The facts as lines of text: the extractive summary, and the model's data. */
export function extractiveSummary(f: HandoffFacts): string {
  const lines = [`Reason: ${reasonText(f.reason)} (${f.reason})`];
  if (f.intent) lines.push(`Customer wants: ${f.intent.label} (${f.intent.id})`);
  const slots = Object.entries(f.slots).filter(([, v]) => v !== undefined && v !== null);
  if (slots.length) lines.push(`Details: ${slots.map(([k, v]) => `${k} = ${shorten(show(v), 80)}`).join('; ')}`);
  if (f.tried.length) lines.push(`Tried: ${f.tried.join('; ')}`);
  if (f.turns.length) {
    lines.push('Last messages:');
    for (const t of f.turns) lines.push(`- ${t.role === 'user' ? 'Customer' : 'Bot'}: ${shorten(t.text.replace(/\s+/g, ' ').trim())}`);
  }
  return lines.join('\n');
}

const SYSTEM = [
  'You write the note a human support agent reads before taking over a chat from an automated assistant.',
  'In at most 5 short lines: what the customer wants, the details they gave, what was tried and what failed, and what they are waiting for.',
  'Use only the facts given; say nothing you cannot find there. Plain text, no greeting, no markdown headings.',
].join(' ');

/** The model request that writes the summary: instructions in the system prompt, the facts in the data block. */
export function summaryRequest(f: HandoffFacts, at: At, manifest: ProjectManifest, instructions?: string): LlmRequest {
  const m = manifest.llm;
  const sections = [dataSection('Handoff facts', extractiveSummary({ ...f, turns: [] }))];
  if (f.turns.length) sections.push(dataSection('Last messages', f.turns.map((t) => `${t.role === 'user' ? 'Customer' : 'Bot'}: ${t.text}`).join('\n')));
  return {
    flow: at.flow,
    node: at.node,
    system: withDataRule(instructions ? `${SYSTEM}\n\n${neutralise(instructions)}` : SYSTEM),
    messages: [{ role: 'user', content: withDataBlock(sections, 'Write the handoff note for the agent.') }],
    ...(m?.model ? { model: m.model } : {}),
    temperature: 0,
    maxTokens: 400,
    ...(m?.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}),
  };
}

/** What a ticketing or live-chat system gets (and ticket templates see as `handoff`). */
export interface HandoffPayload extends Record<string, unknown> {
  queue: string;
  reason: string;
  reasonText: string;
  summary: string;
  intent: string | null;
  slots: Record<string, unknown>;
  tried: string[];
  transcript: TranscriptEntry[];
  locale: string;
  /** Whether the request came out of business hours, and when the queue opens (ISO) if so. */
  outOfHours: boolean;
  opensAt: string | null;
  /** The conversation's id where the runtime gave one (SessionState.seed). */
  conversation: string | null;
}

export function handoffPayload(f: HandoffFacts, summary: string, s: SessionState, hours: { outOfHours: boolean; opensAt?: number }): HandoffPayload {
  return {
    queue: f.queue,
    reason: f.reason,
    reasonText: reasonText(f.reason),
    summary,
    intent: f.intent?.id ?? null,
    slots: f.slots,
    tried: f.tried,
    transcript: f.turns,
    locale: f.locale,
    outOfHours: hours.outOfHours,
    opensAt: hours.opensAt !== undefined ? new Date(hours.opensAt).toISOString() : null,
    conversation: s.seed ?? null,
  };
}
