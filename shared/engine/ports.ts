// The engine's ports: every effect a turn can have goes through one of these, so the same engine runs in the
// studio simulator, in tests, in the story runner and in exported bundles, each with its own implementations.
// Everything that crosses a port is plain serialisable data.

// ---- NLU ---------------------------------------------------------------------------------------------------

export interface IntentScore {
  intent: string;
  /** Calibrated probability in [0, 1]; the ranking's confidences sum to at most 1. */
  confidence: number;
}

export interface ExtractedEntity {
  /** Entity id from nlu.yaml, or a built-in: number, amount, date, email, phone, card_last4. */
  entity: string;
  /** Normalised value: the canonical list value, a number, `{ amount, currency }`, an ISO date, ... */
  value: unknown;
  /** The text it was found in, and where. */
  text: string;
  start: number;
  end: number;
}

export interface NluResult {
  /** Best first. May be empty (no intents defined). */
  ranking: IntentScore[];
  entities: ExtractedEntity[];
}

export interface NluPort {
  /** `ctx.now`: the turn's clock (ClockPort), the reference time for relative dates; absent when the turn has none. */
  parse(text: string, locale: string, ctx?: { now?: number }): NluResult;
}

// ---- LLM ---------------------------------------------------------------------------------------------------

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  /** The node that asks, for the trace and cassettes. */
  flow: string;
  node: string;
  system?: string;
  messages: LlmMessage[];
  model?: string;
  temperature?: number;
  maxTokens?: number;
  timeoutMs?: number;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmResponse {
  text: string;
  model: string;
  stopReason: string | null;
  /** True when the stream was cut before the model finished: `text` is what arrived. */
  partial?: boolean;
  usage: LlmUsage;
  /** Milliseconds from the request to the first token, and to the end. */
  ttftMs: number;
  totalMs: number;
}

/** The part of AbortSignal the engine uses (shared/ has no DOM or Node types); a real AbortSignal fits. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface LlmCallOptions {
  /** Called with each piece of text as it streams in. */
  onToken?: (delta: string) => void;
  signal?: AbortSignalLike;
}

/** An LLM failure the flow can route on (its `error` exit). */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'rate_limited' | 'overloaded' | 'server' | 'auth' | 'not_configured' | 'cancelled' | 'bad_request' | 'network',
    readonly partialText?: string,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface LlmPort {
  complete(request: LlmRequest, options?: LlmCallOptions): Promise<LlmResponse>;
}

// ---- retrieval, HTTP, guardrails, handoff, clock, random ------------------------------------------------------

export interface RetrievalHit {
  source: string;
  text: string;
  /** In [0, 1]. */
  score: number;
  /** The passage's id, stable while its document is unchanged (`fees.md#3`): what a citation opens. */
  id?: string;
  /** The heading path the passage sits under (`Fees › Overdrafts`). */
  heading?: string;
  /** Where the passage is in its document's text (character offsets), to open and highlight it. */
  start?: number;
  end?: number;
}

export interface RetrievalPort {
  search(query: string, options: { sources: string[]; limit: number }): Promise<RetrievalHit[]> | RetrievalHit[];
}

/** A piece of a header value that carries secrets: literal text, or a secret by name (never its value). */
export type SecretHeaderPart = string | { secret: string };

export interface HttpRequest {
  operation: string;
  method: string;
  url: string;
  /** Header values; one with a secret in it shows a marker in its place (`Bearer [secret bank_token]`). */
  headers: Record<string, string>;
  /**
   * The headers that carry secrets, as parts in order (`['Bearer ', { secret: 'bank_token' }]`). The HTTP port
   * builds each such header from its parts, with the secret's value, and only for a host the secret is declared
   * for; a port that cannot (fixtures, an untrusted project) sends nothing secret.
   */
  secretHeaders?: Record<string, SecretHeaderPart[]>;
  body?: string;
  /** Per attempt. */
  timeoutMs: number;
  /**
   * A retry: wait this long before sending (the backoff the engine chose, with jitter, or a Retry-After). The wait
   * belongs to the port, not the pure engine; a port that answers without a backend (fixtures, mocks) need not wait.
   */
  delayMs?: number;
}

export type HttpResult =
  /** `retryAfterMs`: the response's Retry-After header, in milliseconds from now (a 429 or 503 may send one). */
  | { ok: true; status: number; body: unknown; ms: number; retryAfterMs?: number }
  | { ok: false; reason: 'timeout' | 'network' | 'blocked' | 'too_large'; message: string; ms: number };

export interface HttpPort {
  request(req: HttpRequest): Promise<HttpResult> | HttpResult;
}

export interface GuardrailFinding {
  check: string;
  /** What triggered it (a category or topic, never the raw secret). */
  detail: string;
}

export interface GuardrailPort {
  check(text: string, checks: string[], topics: string[]): GuardrailFinding[] | Promise<GuardrailFinding[]>;
}

export interface HandoffPort {
  /** Whether a human agent can take the conversation now. */
  available(queue: string): boolean | Promise<boolean>;
}

export interface ClockPort {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface RandomPort {
  /** Uniform in [0, 1). */
  next(): number;
}
