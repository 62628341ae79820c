// The engine's data: session state (plain, serialisable), inputs, outputs and the trace of a turn.
import type { ExtractedEntity, GuardrailFinding, HttpResult, IntentScore, LlmRequest, LlmUsage, RetrievalHit } from './ports';
import type { VarChange, Vars } from './vars';

/** A point in a flow. */
export interface At {
  flow: string;
  node: string;
}

/** Where the conversation waits for the user. */
export type Wait =
  | { kind: 'listen'; flow: string; node: string }
  | { kind: 'ask'; flow: string; node: string; retries: number }
  /**
   * A form asked for one of its fields (`field`, its id). `leave`: the bot asked whether to leave the form (to
   * abandon it, or to switch to what `intent` starts) and waits for yes or no.
   */
  | { kind: 'form'; flow: string; node: string; field: string; retries: number; leave?: FormLeave }
  /** A message with buttons and no `next`: waits for a choice. */
  | { kind: 'choice'; flow: string; node: string }
  /** The engine asked which of two intents was meant (the listen node has no `lowConfidence` exit). */
  | { kind: 'clarify'; flow: string; node: string; intents: string[] }
  /** Nothing to wait for: the conversation ended, or its flow ran out. The next input starts over. */
  | { kind: 'idle' };

export type FormLeave = { action: 'abandon'; intent: string } | { action: 'switch'; intent: string };

/** An entity the customer mentioned, kept so that a later question can use it (`fromEarlier`). */
export interface Remembered {
  entity: string;
  /** The words it was found in (a question extracts its own value from them). */
  text: string;
  /** The turn it was said in. */
  turn: number;
}

/** A return point on the stack. */
export type Frame =
  /** A `call` node: when the called flow ends, continue at `next` in `flow` (or end `flow` too). */
  | { kind: 'call'; flow: string; node: string; next?: string }
  /** A digression: when its flow ends, go back to waiting where the user was. */
  | { kind: 'digress'; wait: Wait; handler: string };

/** A quick reply the user can click (or type) at the next input. */
export interface QuickReply {
  id: string;
  label: string;
  payload: string;
  flow: string;
  /** The node that offered it, and where it leads (undefined: an intent choice, `payload` = `intent:<id>`). */
  node: string;
  next?: string;
}

export interface TranscriptEntry {
  role: 'user' | 'bot';
  text: string;
}

export interface SessionState {
  v: 1;
  locale: string;
  turn: number;
  vars: Vars;
  /** Variables given when the conversation started (a customer profile); "start over" keeps them. */
  profile?: Vars;
  /** null before the first turn. */
  wait: Wait | null;
  stack: Frame[];
  quickReplies: QuickReply[];
  /** Consecutive no-matches; at `nlu.fallbackLimit` the conversation escalates to a person. */
  fallbacks: number;
  /** Set when the conversation reached an end node at the top level, or a handoff. */
  ended?: { outcome: 'resolved' | 'unresolved' | 'abandoned' | 'escalated'; at: At };
  /** The last user message, its intent and entities, as expressions see them (`input`, `intent`, `entities`). */
  last: { input: string; intent?: string; confidence?: number; entities: Record<string, unknown> };
  /** Entities the customer mentioned that no question used yet, newest last (bounded). */
  memory?: Remembered[];
  /** Recent conversation, for LLM context (bounded). */
  transcript: TranscriptEntry[];
  /** What A/B variants are assigned from: the runtime passes the conversation id (shared/engine/variants.ts). */
  seed?: string;
  /** The A/B variant this conversation got at each node with variants (`flow/node` → variant id): sticky. */
  variants?: Record<string, string>;
}

export type UserInput =
  /** Starts the conversation (the bot speaks first). */
  | { type: 'start' }
  | { type: 'text'; text: string }
  /** A quick reply: its payload (button id, or `intent:<id>` for a clarification choice). */
  | { type: 'button'; payload: string; label?: string }
  /** An event from the channel, e.g. `{ name: 'timeout' }`; routed like an intent of that name. */
  | { type: 'event'; name: string };

/** A source a grounded answer cites: `[n]` in the answer's text refers to it. */
export interface Citation {
  n: number;
  source: string;
  /** The passage's id (RetrievalHit.id), when the index gives one. */
  id?: string;
  heading?: string;
  /** The passage's text as retrieved. */
  text: string;
  start?: number;
  end?: number;
}

export type Output =
  | {
      type: 'text';
      text: string;
      flow: string;
      node: string;
      copyId: string;
      quickReplies?: { id: string; label: string; payload: string }[];
      partial?: boolean;
      llm?: boolean;
      /** The passages a knowledge answer cites (`[1]`, `[2]` in `text`). */
      citations?: Citation[];
    }
  | {
      type: 'handoff';
      queue: string;
      /** A reason code (HANDOFF_REASONS in shared/schema/nodes.ts) or the project's own. */
      reason?: string;
      summary?: string;
      /** What the ticketing or live-chat system gets (HandoffPayload in nodes/handoffSummary.ts). */
      payload?: Record<string, unknown>;
      flow: string;
      node: string;
    }
  | { type: 'end'; outcome: string; flow: string; node: string }
  | { type: 'error'; message: string; flow?: string; node?: string };

/** Why an API call failed: the HTTP port's reason, or `refused` when the engine did not make the call. */
export type ApiFailure = Extract<HttpResult, { ok: false }>['reason'] | 'refused';

export type TraceEntry =
  | { kind: 'input'; input: UserInput }
  | { kind: 'node'; flow: string; node: string; nodeKind: string; exit?: string }
  | {
      kind: 'nlu';
      flow: string;
      node: string;
      text: string;
      ranking: IntentScore[];
      entities: ExtractedEntity[];
      decision: 'accept' | 'clarify' | 'no_match' | 'quick_reply';
      intent?: string;
    }
  | { kind: 'slot'; flow: string; node: string; slot: string; ok: boolean; value?: unknown; reason?: string }
  | { kind: 'global'; handler: string; intent: string; action: string; flow?: string }
  | { kind: 'return'; to: At | 'waiting' | 'left'; from: string }
  | {
      kind: 'llm';
      flow: string;
      node: string;
      request: LlmRequest;
      reply?: string;
      model?: string;
      usage?: LlmUsage;
      ttftMs?: number;
      totalMs?: number;
      partial?: boolean;
      error?: string;
    }
  | { kind: 'retrieval'; flow: string; node: string; query: string; hits: RetrievalHit[]; grounded: boolean }
  | {
      kind: 'api';
      flow: string;
      node: string;
      operation: string;
      method: string;
      url: string;
      status?: number;
      outcome: 'success' | 'error' | 'timeout';
      ms: number;
      message?: string;
      failure?: ApiFailure;
      /** What was sent: header values (a secret as its marker) and the body text. */
      request?: { headers: Record<string, string>; body?: string };
      response?: unknown;
    }
  /**
   * A `guardrail` node's findings, or the runtime's guardrail stage's (at the node that heard the message; for
   * a bot message, the node that said it): `rule` and `action` when one of guardrails.yaml's rules acted.
   */
  | {
      kind: 'guardrail';
      flow: string;
      node: string;
      findings: GuardrailFinding[];
      rule?: string;
      action?: 'block' | 'redact' | 'route' | 'escalate';
      direction?: 'input' | 'output';
    }
  /**
   * A handoff node ran: its reason code (`reasonFrom`: the node's, or inferred from the turn), the summary for
   * the agent and who wrote it, the business hours' verdict (`opensAt`: the next opening, ISO), the payload.
   */
  | {
      kind: 'handoff';
      flow: string;
      node: string;
      queue: string;
      reason: string;
      reasonFrom: 'node' | 'inferred';
      summary: string;
      summaryBy: 'llm' | 'extract' | 'template';
      hours: 'open' | 'closed' | 'none';
      opensAt?: string;
      payload: Record<string, unknown>;
    }
  /**
   * A node with A/B variants ran with this variant: `assigned` when this turn picked it (the conversation's
   * first time there), otherwise the conversation's pick kept from before (or forced when it started).
   */
  | { kind: 'variant'; flow: string; node: string; variant: string; assigned: boolean }
  | { kind: 'vars'; changes: VarChange[] }
  | { kind: 'fallback'; count: number; limit: number; escalated: boolean }
  | { kind: 'problem'; severity: 'error' | 'warning'; message: string; flow?: string; node?: string };

export interface TurnResult {
  state: SessionState;
  outputs: Output[];
  trace: TraceEntry[];
  /** Every node entered this turn, in order (for highlighting the path). */
  path: At[];
}
