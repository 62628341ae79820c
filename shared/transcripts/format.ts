// The runtime's transcript format: JSON Lines, one event per line, written by an exported bundle's server and
// read back by the studio for analytics (docs/FORMAT.md, "Transcripts"). Every event carries the format version
// `v`; a reader takes the versions it knows and counts the others. Text in events is redacted before it is
// written (card numbers, emails, phone numbers: shared/runtime/pii.ts): transcripts hold personal data even so,
// and the studio lets a user erase conversations by id.
import { z } from 'zod';
import type { Output, TurnResult, UserInput } from '../engine/types';

export const TRANSCRIPT_VERSION = 1;

/** What a turn came to, for monitoring: more than one may apply (a fallback that escalated is also a handoff). */
export const OUTCOMES = ['fallback', 'not_sure', 'handoff', 'guardrail', 'end', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const Bundle = z.object({ name: z.string(), version: z.string() }).strict();
const base = {
  v: z.literal(TRANSCRIPT_VERSION),
  conversation: z.string().min(1).max(200),
  bundle: Bundle,
  /** ISO 8601, UTC. */
  at: z.string().datetime(),
};

const TurnEvent = z
  .object({
    ...base,
    type: z.literal('turn'),
    /** 0: the bot's opening; user turns count from 1. */
    turn: z.number().int().min(0),
    input: z.union([
      z.object({ type: z.literal('start') }).strict(),
      z.object({ type: z.literal('text'), text: z.string() }).strict(),
      z.object({ type: z.literal('button'), payload: z.string() }).strict(),
      z.object({ type: z.literal('event'), name: z.string() }).strict(),
    ]),
    says: z.array(z.object({ text: z.string(), copyId: z.string().optional() }).strict()),
    /** `flow/node` of every node the turn entered, in order. */
    path: z.array(z.string()),
    intent: z.string().optional(),
    confidence: z.number().min(0).max(1).optional(),
    /** node key (`flow/node`) -> the A/B variant id the conversation got there. */
    variants: z.record(z.string(), z.string()).optional(),
    outcomes: z.array(z.enum(OUTCOMES)),
    /** Set on the turn that ended the conversation. */
    ended: z.enum(['resolved', 'unresolved', 'abandoned', 'escalated']).optional(),
    ms: z.number().min(0),
  })
  .strict();

const AbandonedEvent = z
  .object({
    ...base,
    type: z.literal('abandoned'),
    /** The last turn before the session expired, and where the conversation waited. */
    lastTurn: z.number().int().min(0),
    waitingAt: z.string().optional(),
  })
  .strict();

const FeedbackEvent = z
  .object({
    ...base,
    type: z.literal('feedback'),
    /** CSAT, 1 (very unsatisfied) to 5 (very satisfied). */
    score: z.number().int().min(1).max(5),
    comment: z.string().max(2000).optional(),
  })
  .strict();

export const TranscriptEvent = z.discriminatedUnion('type', [TurnEvent, AbandonedEvent, FeedbackEvent]);
export type TranscriptEvent = z.infer<typeof TranscriptEvent>;
export type TurnEvent = z.infer<typeof TurnEvent>;

/** The outcomes of a turn, from its outputs and trace. */
export function outcomesOf(result: Pick<TurnResult, 'outputs' | 'trace'>): Outcome[] {
  const out = new Set<Outcome>();
  for (const t of result.trace) {
    if (t.kind === 'fallback') out.add('fallback');
    else if (t.kind === 'nlu' && t.decision === 'clarify') out.add('not_sure');
    else if (t.kind === 'retrieval' && !t.grounded) out.add('not_sure');
    else if (t.kind === 'guardrail' && t.findings.length) out.add('guardrail');
  }
  for (const o of result.outputs) {
    if (o.type === 'handoff') out.add('handoff');
    else if (o.type === 'end') out.add('end');
    else if (o.type === 'error') out.add('error');
  }
  return OUTCOMES.filter((o) => out.has(o));
}

function inputOf(input: UserInput, redact: (s: string) => string): TurnEvent['input'] {
  switch (input.type) {
    case 'text':
      return { type: 'text', text: redact(input.text) };
    case 'button':
      return { type: 'button', payload: input.payload };
    case 'event':
      return { type: 'event', name: input.name };
    default:
      return { type: 'start' };
  }
}

const saysOf = (outputs: Output[], redact: (s: string) => string) =>
  outputs.flatMap((o) => (o.type === 'text' ? [{ text: redact(o.text), ...(o.copyId ? { copyId: o.copyId } : {}) }] : []));

export interface TurnMeta {
  conversation: string;
  bundle: { name: string; version: string };
  /** Epoch ms when the turn started, and how long it took. */
  at: number;
  ms: number;
  turn: number;
  input: UserInput;
  variants?: Record<string, string>;
  /** Applied to every text the event holds (the user's and the bot's). */
  redact: (text: string) => string;
}

/** The transcript event of one turn. */
export function turnEvent(result: Pick<TurnResult, 'outputs' | 'trace' | 'path' | 'state'>, meta: TurnMeta): TurnEvent {
  const nlu = [...result.trace].reverse().find((t) => t.kind === 'nlu');
  const intent = nlu && nlu.kind === 'nlu' ? (nlu.intent ?? nlu.ranking[0]?.intent) : undefined;
  const confidence = nlu && nlu.kind === 'nlu' ? nlu.ranking.find((r) => r.intent === intent)?.confidence : undefined;
  const ended = result.state.ended && result.outputs.some((o) => o.type === 'end' || o.type === 'handoff') ? result.state.ended.outcome : undefined;
  return {
    v: TRANSCRIPT_VERSION,
    type: 'turn',
    conversation: meta.conversation,
    bundle: meta.bundle,
    at: new Date(meta.at).toISOString(),
    turn: meta.turn,
    input: inputOf(meta.input, meta.redact),
    says: saysOf(result.outputs, meta.redact),
    path: result.path.map((p) => `${p.flow}/${p.node}`),
    ...(intent !== undefined ? { intent } : {}),
    ...(confidence !== undefined ? { confidence } : {}),
    ...(meta.variants && Object.keys(meta.variants).length ? { variants: meta.variants } : {}),
    outcomes: outcomesOf(result),
    ...(ended ? { ended } : {}),
    ms: Math.max(0, meta.ms),
  };
}

export interface LineProblem {
  line: number;
  message: string;
}

/**
 * Reads JSONL text: the events that parse, and each line that does not (with its number and why), so a reader
 * can report malformed lines without stopping.
 */
export function parseTranscriptLines(text: string, firstLine = 1): { events: TranscriptEvent[]; problems: LineProblem[] } {
  const events: TranscriptEvent[] = [];
  const problems: LineProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: firstLine + i, message: 'not JSON' });
      return;
    }
    const parsed = TranscriptEvent.safeParse(value);
    if (parsed.success) events.push(parsed.data);
    else {
      const issue = parsed.error.issues[0];
      problems.push({ line: firstLine + i, message: `${issue?.path.join('.') || '(event)'}: ${issue?.message ?? 'invalid'}` });
    }
  });
  return { events, problems };
}
