// What a turn asks of the outside world. Nodes that need a port yield an Effect; a driver (drivers.ts) fulfils
// it and resumes the turn with an EffectResult, so the turn itself never awaits.
import type { HttpRequest, LlmRequest } from '../ports';
import type { At } from '../types';

export type Effect =
  /**
   * `holdBack`: a reply that could still turn out to be this word alone (the knowledge node's NOT_IN_SOURCES) is
   * not streamed until it cannot; if it is that word, nothing is streamed.
   */
  | { type: 'llm'; request: LlmRequest; holdBack?: string }
  | { type: 'retrieve'; query: string; sources: string[]; limit: number }
  | { type: 'http'; request: HttpRequest }
  | { type: 'guardrail'; text: string; checks: string[]; topics: string[] }
  | { type: 'handoff'; queue: string };

export type EffectResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A piece of a turn: a generator that yields effects and returns T. */
export type Run<T> = Generator<Effect, T, EffectResult>;

/** Where node execution goes next: another node, the end of the current flow, or stop and wait. */
export type Step = At | 'end' | 'wait';

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
