// The one place where the guardrail stage, the engine and the ports meet. Every conversation Parley runs goes
// through `createTurnRunner(...).run`: the studio simulator, the story runner and the exported runtime.
//
// A turn, in order:
//   1. the input stage screens the customer's text with the project's rules (guardrails.yaml, else the defaults;
//      shared/guardrails/), before the NLU and before anything is stored:
//        block     the bot says the rule's message; the engine does not hear the text (no NLU, slots, models)
//        route     the conversation goes to the rule's flow (the engine's divert entry, divert.ts)
//        escalate  the project's escalation flow, or a handoff to the rule's queue
//        redact    the engine hears the raw text (this turn's NLU entities and slot extraction need a card's
//                  last four digits, say), but every request to the model has the rule's spans replaced by
//                  markers, and what the turn stores is redacted (step 4)
//      The findings go into the trace right after the input entry, at the node that heard the text.
//   2. the engine runs, with the ports the caller made for this conversation (the model's behind the redaction).
//   3. the output stage screens every bot message before it goes out: a streamed model reply is released
//      sentence by sentence through `onToken`, each sentence screened first; then every text output. A block
//      replaces the message with the rule's; a redact rule (model-written text only: the designer's copy says
//      what it means to) replaces the data.
//   4. what the turn keeps is redacted (stored.ts: the transcript, `last`, the trace); the outputs go back as
//      the output stage left them.
import { initialState, runTurn, type Engine, type EnginePorts } from '../engine/engine';
import type { Divert } from '../engine/engine/divert';
import type { InitialStateOptions } from '../engine/engine/state';
import type { AbortSignalLike, GuardrailFinding, LlmPort, LlmRequest } from '../engine/ports';
import type { At, Output, SessionState, TraceEntry, TurnResult, UserInput } from '../engine/types';
import { classifyWithLlm } from '../guardrails/classifier';
import { redactLlmRequest } from '../guardrails/llmContext';
import { compileGuardrails, ruleMessage, type Guardrails, type RuleHit, type Screened } from '../guardrails/rules';
import { loadPersonNames, usesPersonNames } from '../nlu/entities';
import type { GuardrailsFile } from '../schema/guardrails';
import { redactText } from './pii';
import { createSentenceGate } from './sentenceGate';
import { memoRedact, redactState, redactTrace, type Redact } from './stored';

export interface TurnRunnerOptions {
  engine: Engine;
  /** The rules (default: the engine's project's guardrails.yaml, else DEFAULT_GUARDRAILS). */
  guardrails?: GuardrailsFile;
  /** Where national phone numbers are read when the conversation's locale names no region (e.g. `GB`; pii.ts). */
  phoneRegion?: string;
}

/** What the guardrail stage did this turn. */
export interface Screening {
  /** What the input stage found in the customer's text (also in the trace). Empty for buttons, events and the start. */
  findings: GuardrailFinding[];
  /** The kinds of data replaced in the customer's text (`card`, `email`, a pattern rule's id). */
  redacted: string[];
  /** The rule that took the customer's message over (block, route or escalate), if any. */
  action?: { rule: string; action: 'block' | 'route' | 'escalate'; category: string };
  /** The rules that changed bot messages before they went out. */
  output: { rule: string; action: 'block' | 'redact'; category: string }[];
}

/** A turn's result: `state` and `trace` as stored (redacted), `outputs` as said. */
export interface RuntimeTurn extends TurnResult {
  screening: Screening;
}

export interface RunTurnOptions {
  /** Streamed LLM text, released a sentence at a time once the output rules passed it. */
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

/** The engine's divert for a rule that took the customer's message over. */
function divertOf(hit: Required<Screened>['decision'], locale: string, stored: string): Divert {
  const say = ruleMessage(hit.rule, locale);
  const base = { rule: hit.rule.id, category: hit.category, stored, ...(say !== undefined ? { say } : {}) };
  if (hit.action === 'route') return { ...base, kind: 'flow', flow: hit.rule.flow ?? '' };
  if (hit.action === 'escalate') return { ...base, kind: 'handoff', ...(hit.rule.queue ? { queue: hit.rule.queue } : {}) };
  return { ...base, kind: 'say' };
}

export function createTurnRunner(o: TurnRunnerOptions): TurnRunner {
  const { engine } = o;
  const guardrails: Guardrails = compileGuardrails(o.guardrails ?? engine.model.guardrails);
  const region = o.phoneRegion ? { region: o.phoneRegion } : {};
  /** Stored text: every kind of personal data pii.ts knows, then the project's own redact patterns. */
  const redact = (text: string, locale?: string) =>
    guardrails.redact(redactText(text, { ...(locale ? { locale } : {}), ...region }), { ...(locale ? { locale } : {}), ...region });
  // one memo per locale (national phone numbers read differently)
  const memos = new Map<string, Redact>();
  const redactorFor = (locale: string): Redact => {
    let m = memos.get(locale);
    if (!m) memos.set(locale, (m = memoRedact((t) => redact(t, locale))));
    return m;
  };

  /** The model's port with every request passed through the redact rules (the model's context never has the data). */
  const redactingLlm = (llm: LlmPort, locale: string): LlmPort => {
    const r = (t: string) => guardrails.redact(t, { locale, ...region });
    return { complete: (req: LlmRequest, opts) => llm.complete(redactLlmRequest(req, r), opts) };
  };

  /** Step 1: the input rules, and the LLM classifier when guardrails.yaml turns it on. */
  const screenInput = async (text: string, locale: string, llm: LlmPort | undefined, asking: boolean): Promise<Screened> => {
    const s = guardrails.screen(text, 'input', { locale, ...region, ...(asking ? { asking } : {}) });
    if (s.decision || !guardrails.llmClassifier || !llm) return s;
    const rule = guardrails.rules.find(
      (r) => r.directions.has('input') && r.rule.detector === 'jailbreak' && (!r.rule.categories || r.rule.categories.includes('llm_classifier')),
    );
    if (!rule || rule.rule.action === 'redact' || !(await classifyWithLlm(llm, text))) return s;
    const hit: RuleHit = { rule: rule.rule, category: 'llm_classifier' };
    return {
      ...s,
      findings: [...s.findings, { check: 'jailbreak', detail: 'llm_classifier' }],
      hits: [...s.hits, hit],
      decision: { ...hit, action: rule.rule.action },
    };
  };

  /** Step 3 for one message: what goes out instead (undefined: it goes out as it is). */
  const screenOutput = (text: string, locale: string, llm: boolean): { text: string; hit?: RuleHit & { action: 'block' | 'redact' } } | undefined => {
    const s = guardrails.screen(text, 'output', { locale, ...region });
    // the designer's copy (and the values it places) is said on purpose: only a model's words are redacted
    const block = s.decision?.action === 'block' ? s.decision : undefined;
    if (block) return { text: ruleMessage(block.rule, locale) ?? '', hit: { ...block, action: 'block' } };
    const red = s.hits.find((h) => h.rule.action === 'redact');
    if (llm && red && s.redacted !== text) return { text: s.redacted, hit: { ...red, action: 'redact' } };
    return undefined;
  };

  return {
    engine,
    initial: (init = {}) => initialState(engine, init),
    redact,
    async run(state, input, ports, opts = {}) {
      // the person entity's tagger is loaded on demand, before the first turn of a project that uses it
      if (usesPersonNames(engine.model.flows)) await loadPersonNames();
      const locale = state.locale;
      const red = redactorFor(locale);
      const llm = ports.llm ? redactingLlm(ports.llm, locale) : undefined;
      const asking = state.wait?.kind === 'ask' || state.wait?.kind === 'choice';
      const screened = input.type === 'text' ? await screenInput(input.text, locale, llm, asking) : undefined;
      const decision = screened?.decision;
      const gate = opts.onToken
        ? createSentenceGate(opts.onToken, (at, sentence) => {
            const r = screenOutput(sentence, locale, true);
            return r?.hit?.action === 'block' ? undefined : (r?.text ?? sentence);
          })
        : undefined;
      const r = await runTurn(engine, state, input, llm ? { ...ports, llm } : ports, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(gate ? { onToken: gate.push } : {}),
        ...(decision && input.type === 'text' ? { divert: divertOf(decision, locale, red(input.text)) } : {}),
      });
      gate?.flush();

      // step 3: every text output, before it goes out
      const outputTrace: TraceEntry[] = [];
      const changedOutput: Screening['output'] = [];
      const said = new Map<string, string>();
      const outputs = r.outputs.map((out): Output => {
        if (out.type !== 'text' || out.copyId.startsWith('guardrails/')) return out;
        const c = screenOutput(out.text, locale, Boolean(out.llm));
        if (!c?.hit) return out;
        const { hit } = c;
        said.set(out.text, c.text);
        changedOutput.push({ rule: hit.rule.id, action: hit.action, category: hit.category });
        outputTrace.push({
          kind: 'guardrail',
          flow: out.flow,
          node: out.node,
          findings: [{ check: hit.rule.detector, detail: hit.category }],
          rule: hit.rule.id,
          action: hit.action,
          direction: 'output',
        });
        if (hit.action === 'redact') return { ...out, text: c.text };
        const { llm: _llm, partial: _partial, citations: _citations, ...rest } = out;
        return { ...rest, text: c.text, copyId: `guardrails/${hit.rule.id}` };
      });
      const before = new Set(state.transcript);
      const transcript = said.size
        ? r.state.transcript.map((e) => (e.role === 'bot' && !before.has(e) && said.has(e.text) ? { ...e, text: said.get(e.text) as string } : e))
        : r.state.transcript;
      const after = transcript === r.state.transcript ? r.state : { ...r.state, transcript };

      // the input stage's record goes right after the input entry, where it happened
      const inputTrace: TraceEntry[] = screened?.findings.length
        ? [
            {
              kind: 'guardrail',
              ...hearingAt(state),
              findings: screened.findings,
              direction: 'input',
              ...(decision
                ? { rule: decision.rule.id, action: decision.action }
                : screened.redactedKinds.length
                  ? { rule: screened.hits.find((h) => h.rule.action === 'redact')?.rule.id ?? '', action: 'redact' as const }
                  : {}),
            },
          ]
        : [];
      const trace = [r.trace[0] as TraceEntry, ...inputTrace, ...r.trace.slice(1), ...outputTrace];
      return {
        ...r,
        outputs,
        state: redactState(after, state, red),
        trace: redactTrace(trace, red),
        screening: {
          findings: screened?.findings ?? [],
          redacted: screened?.redactedKinds ?? [],
          ...(decision ? { action: { rule: decision.rule.id, action: decision.action, category: decision.category } } : {}),
          output: changedOutput,
        },
      };
    },
  };
}

/** Whether a trace entry is the guardrail stage's record (input or output), not a `guardrail` node's. */
export function isInputScreening(engine: Engine, e: TraceEntry): boolean {
  return e.kind === 'guardrail' && (e.direction !== undefined || engine.flows.get(e.flow)?.nodes.get(e.node)?.kind !== 'guardrail');
}
