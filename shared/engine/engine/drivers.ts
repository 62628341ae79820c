// The drivers: run one turn, fulfilling the effects it yields with the ports. `runTurn` awaits only when a
// port returns a promise; `runTurnSync` never awaits (rule-only flows, benchmarks). Everything a turn needs
// (state, locale, clock, random, ports) comes in with the call; nothing of it is kept between turns.
import {
  LlmError,
  type AbortSignalLike,
  type ClockPort,
  type GuardrailPort,
  type HandoffPort,
  type HttpPort,
  type LlmPort,
  type RandomPort,
  type RetrievalPort,
} from '../ports';
import type { At, SessionState, TurnResult, UserInput } from '../types';
import { diffVars } from '../vars';
import type { Engine } from './compile';
import { divertInput, type Divert } from './divert';
import type { Effect, EffectResult, Run } from './effects';
import { hearInput } from './hear';
import { startConversation } from './runNodes';
import { Turn } from './turn';

export interface EnginePorts {
  llm?: LlmPort;
  retrieval?: RetrievalPort;
  http?: HttpPort;
  guardrail?: GuardrailPort;
  handoff?: HandoffPort;
  clock?: ClockPort;
  random?: RandomPort;
}

export interface TurnOptions {
  /** Streamed LLM text, as it arrives. */
  onToken?: (at: At, delta: string) => void;
  signal?: AbortSignalLike;
  /** A text input the runtime's guardrail stage took over (divert.ts): the engine does not hear it. */
  divert?: Divert;
}

function begin(engine: Engine, state: SessionState, input: UserInput, ports: EnginePorts, divert?: Divert): { turn: Turn; gen: Run<void> } {
  const turn = new Turn(engine, state, ports.clock?.now(), ports.random);
  turn.s.turn = state.turn + 1;
  turn.trace.push({ kind: 'input', input });
  const gen = input.type === 'start' ? startConversation(turn) : divert && input.type === 'text' ? divertInput(turn, divert) : hearInput(turn, input);
  return { turn, gen };
}

function finish(turn: Turn, before: SessionState): TurnResult {
  const changes = diffVars(before.vars, turn.s.vars);
  if (changes.length) turn.trace.push({ kind: 'vars', changes });
  const limit = turn.engine.options.transcriptLimit;
  if (turn.s.transcript.length > limit) turn.s.transcript = turn.s.transcript.slice(-limit);
  return { state: turn.s, outputs: turn.outputs, trace: turn.trace, path: turn.path };
}

function missingPort(effect: Effect): Error {
  const which = {
    llm: 'no LLM is configured',
    retrieve: 'no knowledge base is available',
    http: 'HTTP calls are not available here',
    guardrail: 'no guardrail is available',
    handoff: 'no agent queue is available',
  }[effect.type];
  return new Error(which);
}

/**
 * A token callback that keeps the stream back while what arrived, leading space aside, is still a prefix of
 * `word` or starts with it; then releases it all at once and passes the rest through.
 */
export function holdingBack(word: string | undefined, emit: (delta: string) => void): (delta: string) => void {
  if (!word) return emit;
  let pending = '';
  let released = false;
  return (delta) => {
    if (released) return emit(delta);
    pending += delta;
    const so = pending.trimStart();
    if (word.startsWith(so) || so.startsWith(word)) return;
    released = true;
    emit(pending);
  };
}

/** Fulfils one effect with the ports; returns a value or a promise of one. */
function perform(effect: Effect, ports: EnginePorts, options: TurnOptions): EffectResult | Promise<EffectResult> {
  const wrap = (f: () => unknown): EffectResult | Promise<EffectResult> => {
    try {
      const v = f();
      if (v instanceof Promise)
        return v.then(
          (value: unknown) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
      return { ok: true, value: v };
    } catch (error) {
      return { ok: false, error };
    }
  };
  switch (effect.type) {
    case 'llm': {
      const llm = ports.llm;
      if (!llm) return { ok: false, error: new LlmError('no LLM is configured: set llm.model in parley.yaml and an API key', 'not_configured') };
      const at = { flow: effect.request.flow, node: effect.request.node };
      const onToken = options.onToken ? holdingBack(effect.holdBack, (d: string) => options.onToken?.(at, d)) : undefined;
      return wrap(() =>
        llm.complete(effect.request, {
          ...(onToken ? { onToken } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    }
    case 'retrieve':
      return ports.retrieval
        ? wrap(() => ports.retrieval!.search(effect.query, { sources: effect.sources, limit: effect.limit }))
        : { ok: false, error: missingPort(effect) };
    case 'http':
      return ports.http ? wrap(() => ports.http!.request(effect.request)) : { ok: false, error: missingPort(effect) };
    case 'guardrail':
      return ports.guardrail ? wrap(() => ports.guardrail!.check(effect.text, effect.checks, effect.topics)) : { ok: true, value: [] };
    case 'handoff':
      return ports.handoff ? wrap(() => ports.handoff!.available(effect.queue)) : { ok: true, value: true };
  }
}

/** Runs one turn. Awaits only when a port returns a promise (a rule-only turn completes in one go). */
export async function runTurn(engine: Engine, state: SessionState, input: UserInput, ports: EnginePorts = {}, options: TurnOptions = {}): Promise<TurnResult> {
  const { turn, gen } = begin(engine, state, input, ports, options.divert);
  let next = gen.next();
  while (!next.done) {
    if (options.signal?.aborted) throw new LlmError('the turn was cancelled', 'cancelled');
    let r = perform(next.value, ports, options);
    if (r instanceof Promise) r = await r;
    next = gen.next(r);
  }
  return finish(turn, state);
}

/** Runs one turn synchronously; an effect whose port answers with a promise is an error. For rule-only flows. */
export function runTurnSync(engine: Engine, state: SessionState, input: UserInput, ports: EnginePorts = {}): TurnResult {
  const { turn, gen } = begin(engine, state, input, ports);
  let next = gen.next();
  while (!next.done) {
    const r = perform(next.value, ports, {});
    if (r instanceof Promise) void r.catch(() => undefined);
    next = gen.next(r instanceof Promise ? { ok: false, error: new Error(`${next.value.type} needs an asynchronous port; use runTurn`) } : r);
  }
  return finish(turn, state);
}
