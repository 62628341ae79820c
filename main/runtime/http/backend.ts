// What the runtime's HTTP layer needs from the runtime core: conversations by id, and the errors it maps to
// status codes. The HTTP layer knows nothing of engines, ports or stores; the core's conversations service is
// adapted to this (main/runtime/serve.ts), and tests can drive the HTTP layer with any implementation.
import type { At, Output, SessionState, TraceEntry, UserInput } from '../../../shared/engine/types';

export interface QuickReplyView {
  id: string;
  label: string;
  payload: string;
}

export interface MessageView {
  text: string;
  copyId?: string;
  quickReplies?: QuickReplyView[];
}

/** The bot's answer to one input, as clients see it. */
export interface ReplyView {
  conversationId: string;
  /** 0: the opening; user turns count from 1. */
  turn: number;
  messages: MessageView[];
  /** Buttons offered for the next input. */
  quickReplies: QuickReplyView[];
  handoff?: { queue: string; reason?: string; summary?: string };
  ended?: { outcome: string };
  /**
   * What a story checks of the turn (`parley test --target`): only for a conversation started with fixtures on
   * a runtime started with `--fixtures` (loopback); never on other conversations.
   */
  test?: TestTurnView;
}

/** A turn as the story runner sees it: what the turn runner returned (state and trace as stored, redacted). */
export interface TestTurnView {
  /** Every node entered this turn, in order. */
  path: At[];
  /** Everything the turn output: texts (with copy ids and buttons), handoffs, errors. */
  outputs: Output[];
  trace: TraceEntry[];
  /** The state the checks read, after the turn. */
  state: Pick<SessionState, 'locale' | 'turn' | 'vars' | 'wait' | 'ended' | 'transcript' | 'last'>;
  /** The first model request of the turn that no fixture answered (the story cannot run as written on a runtime). */
  unanswered?: string;
}

export interface TranscriptView {
  conversationId: string;
  bundleVersion: string;
  turns: { turn: number; user?: string; bot: string[] }[];
  ended?: { outcome: string };
}

export interface StartOptions {
  /** Chosen by the server unless given (OpenAI-compatible clients name their conversation). */
  id?: string;
  locale?: string;
  vars?: Record<string, unknown>;
  /** The request asked for the test view (`Parley-Test-View: 1`; a conversation started with fixtures only). */
  testView?: boolean;
  /** A story's fixtures and clock, for a runtime started with --fixtures (the backend validates them). */
  fixtures?: unknown;
  now?: unknown;
  /** A/B variants forced (`flow/node` → variant id), for a runtime started with --fixtures (the backend validates them). */
  variants?: unknown;
}

export interface SendOptions {
  /** The request asked for the test view (`Parley-Test-View: 1`; a conversation started with fixtures only). */
  testView?: boolean;
  /** Streamed model text as it arrives. */
  onToken?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface RuntimeBackend {
  readonly bundle: { name: string; version: string };
  start(o: StartOptions): Promise<ReplyView>;
  send(id: string, input: UserInput, o?: SendOptions): Promise<ReplyView>;
  transcript(id: string): Promise<TranscriptView | undefined>;
  feedback(id: string, score: number, comment?: string): Promise<void>;
  /** Whether turns can be served now (the session store answers). */
  ready(): Promise<boolean>;
}

/** Errors the backend throws that are the client's or the moment's, not the server's. */
export class RuntimeRequestError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'unavailable' | 'bad_request',
    message: string,
  ) {
    super(message);
    this.name = 'RuntimeRequestError';
  }
}

export const STATUS: Record<RuntimeRequestError['code'], number> = { not_found: 404, conflict: 409, unavailable: 503, bad_request: 400 };
