// The one place where the input stage, the engine and the ports meet. Every conversation Parley runs goes
// through `createTurnRunner(...).run`: the studio simulator, the story runner and the exported runtime.
//
// A turn, in order:
//   1. the input stage screens the user's text: the rule guardrail (every check; the findings go into the
//      trace right after the input entry, at the node that heard it, and into `screening`). It only records:
//      flows decide what to do with a `guardrail` node, exactly as before.
//   2. the engine runs on the raw text (its NLU and slot extraction need the card's last four digits, say),
//      with the ports the caller made for this conversation.
//   3. what the turn keeps is redacted (stored.ts: the transcript, `last`, the trace); the outputs go back as
//      they are, for the customer to read.
import { initialState, runTurn, type Engine, type EnginePorts } from '../engine/engine';
import type { InitialStateOptions } from '../engine/engine/state';
import type { AbortSignalLike, GuardrailFinding, GuardrailPort } from '../engine/ports';
import { ruleGuardrail } from '../engine/simple/guardrail';
import type { At, SessionState, TraceEntry, TurnResult, UserInput } from '../engine/types';
import { redactPii, redactText, type PiiKind } from './pii';
import { memoRedact, redactState, redactTrace, type Redact } from './stored';

/** The checks the input stage runs (the rule guardrail's four). */
export const INPUT_CHECKS = ['profanity', 'pii', 'jailbreak', 'sensitive_topic'] as const;

export interface TurnRunnerOptions {
  engine: Engine;
  /** The guardrail of the input stage (default: the rule guardrail, shared/engine/simple/guardrail.ts). */
  guardrail?: GuardrailPort;
  /** Its checks (default INPUT_CHECKS); sensitive topics: all the guardrail knows. */
  inputChecks?: readonly string[];
  /** Where national phone numbers are read when the conversation's locale names no region (e.g. `GB`; pii.ts). */
  phoneRegion?: string;
}

/** What the input stage saw in the user's text. */
export interface Screening {
  /** The guardrail's findings (also in the trace). Empty for buttons, events and the start. */
  findings: GuardrailFinding[];
  /** The kinds of personal data replaced in what the turn stored. */
  redacted: PiiKind[];
}

/** A turn's result: `state` and `trace` as stored (redacted), `outputs` as said. */
export interface RuntimeTurn extends TurnResult {
  screening: Screening;
}

export interface RunTurnOptions {
  /** Streamed LLM text, as it arrives. */
  onToken?: (at: At, delta: string) => void;
  signal?: AbortSignalLike;
}

export interface TurnRunner {
  readonly engine: Engine;
  /**
   * A fresh conversation: the manifest's variables overridden by `vars` (a customer profile), in `locale` if the
   * project has it; `seed` (the conversation id) assigns its A/B variants, `variants` forces some (the simulator).
   */
  initial(o?: InitialStateOptions): SessionState;
  run(state: SessionState, input: UserInput, ports: EnginePorts, o?: RunTurnOptions): Promise<RuntimeTurn>;
  /** The redaction the runner applies to what it stores, for the caller's own logs (`locale`: the conversation's). */
  redact(text: string, locale?: string): string;
}

/** The node that hears the input: where the conversation waits ('' when it waits nowhere). */
function hearingAt(state: SessionState): At {
  const w = state.wait;
  return w && w.kind !== 'idle' ? { flow: w.flow, node: w.node } : { flow: '', node: '' };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createTurnRunner(o: TurnRunnerOptions): TurnRunner {
  const { engine } = o;
  const guardrail = o.guardrail ?? ruleGuardrail;
  const checks = [...(o.inputChecks ?? INPUT_CHECKS)];
  const redact = (text: string, locale?: string) => redactText(text, { ...(locale ? { locale } : {}), ...(o.phoneRegion ? { region: o.phoneRegion } : {}) });
  // one memo per locale (national phone numbers read differently)
  const memos = new Map<string, Redact>();
  const redactorFor = (locale: string): Redact => {
    let m = memos.get(locale);
    if (!m) memos.set(locale, (m = memoRedact((t) => redact(t, locale))));
    return m;
  };

  /** Step 1: the guardrail's findings on the user's text, and the trace entries that record them. */
  const screen = async (state: SessionState, input: UserInput): Promise<{ findings: GuardrailFinding[]; trace: TraceEntry[] }> => {
    if (input.type !== 'text' || !checks.length) return { findings: [], trace: [] };
    try {
      const r = guardrail.check(input.text, checks, []);
      const findings = r instanceof Promise ? await r : r;
      return { findings, trace: findings.length ? [{ kind: 'guardrail', ...hearingAt(state), findings }] : [] };
    } catch (e) {
      // the screen is a record, not a gate: a failing guardrail is a problem of the turn, and the turn goes on
      return { findings: [], trace: [{ kind: 'problem', severity: 'warning', message: `the input guardrail failed: ${message(e)}`, ...hearingAt(state) }] };
    }
  };

  return {
    engine,
    initial: (init = {}) => initialState(engine, init),
    redact,
    async run(state, input, ports, opts = {}) {
      const screened = await screen(state, input);
      const r = await runTurn(engine, state, input, ports, opts);
      const locale = r.state.locale;
      const red = redactorFor(locale);
      // the screen's entries go right after the input entry, where they happened
      const trace = screened.trace.length ? [r.trace[0] as TraceEntry, ...screened.trace, ...r.trace.slice(1)] : r.trace;
      const redacted = input.type === 'text' ? redactPii(input.text, { locale, ...(o.phoneRegion ? { region: o.phoneRegion } : {}) }).kinds : [];
      return {
        ...r,
        state: redactState(r.state, state, red),
        trace: redactTrace(trace, red),
        screening: { findings: screened.findings, redacted },
      };
    },
  };
}

/** Whether a trace entry is the input stage's guardrail record (not a `guardrail` node's). */
export function isInputScreening(engine: Engine, e: TraceEntry): boolean {
  return e.kind === 'guardrail' && engine.flows.get(e.flow)?.nodes.get(e.node)?.kind !== 'guardrail';
}
