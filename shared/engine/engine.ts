// The dialogue engine. `runTurn(engine, state, input, ports)` takes the session state and one user input and
// returns the bot's outputs, the new state and a trace. It is pure apart from its ports: every effect (LLM,
// retrieval, HTTP, guardrails, agent availability) is a value the turn yields and a driver fulfils, so the
// same code runs in the studio, the story runner and exported bundles, and a rule-only turn never awaits.
import type { LocalizedText } from '../schema/common';
import type { FlowNode, NodeKind, NodeOf } from '../schema/nodes';
import type { Flow, GlobalHandler } from '../schema/project';
import type { ProjectModel } from '../project/validate';
import { dataSection, neutralise, withDataBlock, withDataRule } from '../llm/promptData';
import { builtinCopy, humanize, type BuiltinCopy } from './copy';
import { conversationData, isDataRef, type ConversationData } from './dataRefs';
import { ExpressionError, ExpressionLanguage, FORMAT_KEY, type FormatContext } from './expressions';
import {
  LlmError,
  type AbortSignalLike,
  type ClockPort,
  type GuardrailFinding,
  type GuardrailPort,
  type HandoffPort,
  type HttpPort,
  type HttpRequest,
  type HttpResult,
  type IntentScore,
  type LlmMessage,
  type LlmPort,
  type LlmRequest,
  type LlmResponse,
  type NluPort,
  type NluResult,
  type RandomPort,
  type RetrievalHit,
  type RetrievalPort,
} from './ports';
import {
  compileTemplate,
  display,
  hasDotSegment,
  renderJsonTemplate,
  renderJsonText,
  renderTemplate,
  urlComponent,
  type BodyProblem,
  type CompiledTemplate,
  type JsonTemplate,
  type PlaceholderPart,
} from './templates';
import type { At, Frame, Output, QuickReply, SessionState, TraceEntry, TurnResult, UserInput, Wait } from './types';
import { diffVars, getPath, setPath, type Vars } from './vars';

// ---- compiled project -------------------------------------------------------------------------------------

/** Extracts a typed slot value from a user message (see shared/nlu). */
export type SlotExtractor = (
  type: NodeOf<'ask'>['type'],
  text: string,
  ctx: { entityId?: string; now: number; locale: string },
) => { ok: true; value: unknown } | { ok: false };

export interface EngineOptions {
  nlu?: NluPort;
  extractSlot?: SlotExtractor;
  /** Steps (nodes entered) per turn before the engine stops a loop. Default 200. */
  stepLimit?: number;
  /** Transcript entries kept in the state for LLM context. Default 40. */
  transcriptLimit?: number;
}

interface CompiledFlow {
  flow: Flow;
  nodes: Map<string, FlowNode>;
  start?: string;
}

export interface Engine {
  readonly model: ProjectModel;
  readonly flows: ReadonlyMap<string, CompiledFlow>;
  readonly lang: ExpressionLanguage;
  readonly options: Required<Pick<EngineOptions, 'stepLimit' | 'transcriptLimit'>> & EngineOptions;
  readonly globals: ReadonlyMap<string, GlobalHandler>;
  /** Intent → flow whose start node lists it as a trigger. */
  readonly triggers: ReadonlyMap<string, string>;
  /** The first listen node of the start flow: where "cancel" returns to and where an idle input is heard. */
  readonly home?: At;
  /** Flow a repeated no-match escalates to (the first `goto` global whose flow hands off). */
  readonly escalation?: string;
  /** Variables that hold conversation data (kept out of system prompts). */
  readonly data: ConversationData;
  template(text: string): CompiledTemplate;
}

/** Built-in entity kinds: they are what slots extract, so they never hide each other. */
const BUILTIN_SLOT_ENTITIES = new Set(['number', 'amount', 'date', 'email', 'phone', 'card_last4', 'yes_no']);

const DEFAULT_NLU: NluPort = { parse: () => ({ ranking: [], entities: [] }) };

export function createEngine(model: ProjectModel, options: EngineOptions = {}): Engine {
  const flows = new Map<string, CompiledFlow>();
  for (const [id, flow] of Object.entries(model.flows)) {
    const nodes = new Map(flow.nodes.map((n) => [n.id, n] as const));
    flows.set(id, { flow, nodes, start: flow.nodes.find((n) => n.kind === 'start')?.id ?? flow.nodes[0]?.id });
  }
  const globals = new Map((model.manifest.globals ?? []).map((g) => [g.intent, g] as const));
  const triggers = new Map<string, string>();
  for (const [id, f] of flows) {
    for (const n of f.flow.nodes) if (n.kind === 'start') for (const t of n.triggers ?? []) if (!triggers.has(t)) triggers.set(t, id);
  }
  // home: follow `next` from the start flow's start node to its first listen node
  let home: At | undefined;
  const sf = flows.get(model.manifest.startFlow);
  if (sf?.start) {
    let cur: FlowNode | undefined = sf.nodes.get(sf.start);
    const seen = new Set<string>();
    while (cur && !seen.has(cur.id)) {
      seen.add(cur.id);
      if (cur.kind === 'listen') {
        home = { flow: model.manifest.startFlow, node: cur.id };
        break;
      }
      const next: string | undefined = 'next' in cur ? (cur.next as string | undefined) : undefined;
      cur = next ? sf.nodes.get(next) : undefined;
    }
  }
  const escalation = (model.manifest.globals ?? []).find(
    (g) => g.action === 'goto' && g.flow && model.flows[g.flow]?.nodes.some((n) => n.kind === 'handoff'),
  )?.flow;
  const lang = new ExpressionLanguage({ locale: model.manifest.defaultLocale });
  const templates = new Map<string, CompiledTemplate>();
  const data = conversationData(model, (src) => {
    const c = lang.compile(src);
    return c instanceof ExpressionError ? undefined : c.refs;
  });
  return {
    model,
    flows,
    lang,
    options: { stepLimit: 200, transcriptLimit: 40, ...options },
    globals,
    triggers,
    ...(home ? { home } : {}),
    ...(escalation ? { escalation } : {}),
    data,
    template(text) {
      let t = templates.get(text);
      if (!t) templates.set(text, (t = compileTemplate(lang, text)));
      return t;
    },
  };
}

/** A fresh conversation: the manifest's variables, overridden by `vars` (a customer profile, say). */
export function initialState(engine: Engine, opts: { locale?: string; vars?: Record<string, unknown> } = {}): SessionState {
  const locale = opts.locale && engine.model.manifest.locales.includes(opts.locale) ? opts.locale : engine.model.manifest.defaultLocale;
  return {
    v: 1,
    locale,
    turn: 0,
    vars: mergeDeep(engine.model.manifest.variables ?? {}, opts.vars ?? {}),
    ...(opts.vars && Object.keys(opts.vars).length ? { profile: opts.vars } : {}),
    wait: null,
    stack: [],
    quickReplies: [],
    fallbacks: 0,
    last: { input: '', entities: {} },
    transcript: [],
  };
}

// ---- effects ----------------------------------------------------------------------------------------------

export type Effect =
  | { type: 'llm'; request: LlmRequest }
  | { type: 'retrieve'; query: string; sources: string[]; limit: number }
  | { type: 'http'; request: HttpRequest }
  | { type: 'guardrail'; text: string; checks: string[]; topics: string[] }
  | { type: 'handoff'; queue: string };

export type EffectResult = { ok: true; value: unknown } | { ok: false; error: unknown };

type Run<T> = Generator<Effect, T, EffectResult>;

/** Where node execution goes next: another node, the end of the current flow, or stop and wait. */
type Step = At | 'end' | 'wait';

// ---- the turn ---------------------------------------------------------------------------------------------

class Turn {
  readonly outputs: Output[] = [];
  readonly trace: TraceEntry[] = [];
  readonly path: At[] = [];
  s: SessionState;
  private steps = 0;
  private copy: BuiltinCopy;
  private nluCache?: { text: string; result: NluResult };
  /** The user's words this turn, once a listen or trigger consumed them: ask nodes may fill slots from it. */
  private utterance?: string;
  private scopeCache?: { vars: Vars; last: SessionState['last']; scope: Record<string, unknown> };
  /** How this turn's expressions format numbers and dates; it travels in the scope (the language is shared). */
  private readonly fmt: Partial<FormatContext>;

  constructor(
    readonly engine: Engine,
    state: SessionState,
    /** The turn's clock (ClockPort), read once when the turn begins; undefined without one. */
    readonly clock: number | undefined,
    readonly random: RandomPort | undefined,
  ) {
    this.s = { ...state, stack: [...state.stack], quickReplies: state.quickReplies, transcript: [...state.transcript] };
    this.copy = builtinCopy(state.locale);
    this.fmt = Object.freeze({ locale: state.locale });
  }

  // -- helpers --

  private get settings() {
    const n = this.engine.model.manifest.nlu ?? {};
    return { accept: n.accept ?? 0.7, clarify: n.clarify ?? 0.4, fallbackLimit: n.fallbackLimit ?? 3 };
  }

  scope(extra?: Record<string, unknown>): Record<string, unknown> {
    const { vars, last } = this.s;
    let c = this.scopeCache;
    if (!c || c.vars !== vars || c.last !== last) {
      const scope = { ...vars, input: last.input, intent: last.intent, confidence: last.confidence, entities: last.entities, [FORMAT_KEY]: this.fmt };
      this.scopeCache = c = { vars, last, scope };
    }
    return extra ? { ...c.scope, ...extra } : c.scope;
  }

  problem(message: string, at?: Partial<At>, severity: 'error' | 'warning' = 'error'): void {
    this.trace.push({ kind: 'problem', severity, message, ...(at?.flow ? { flow: at.flow } : {}), ...(at?.node ? { node: at.node } : {}) });
  }

  render(text: string, at: At, field: string, extra?: Record<string, unknown>): string {
    const r = renderTemplate(this.engine.template(text), this.scope(extra));
    for (const p of r.problems) this.problem(`${field}: {{${p.placeholder}}}: ${p.message}`, at, 'warning');
    return r.text;
  }

  /**
   * A system prompt template with no conversation data in it: a placeholder that reads data (see dataRefs.ts)
   * becomes a reference, and its value is returned in `named` for the data block.
   */
  renderInstructions(text: string, at: At): { text: string; named: { label: string; value: string }[] } {
    const named: { label: string; value: string }[] = [];
    const isData = (p: PlaceholderPart) => !(p.expr instanceof ExpressionError) && p.expr.refs.some((r) => isDataRef(r, this.engine.data));
    const r = renderTemplate(this.engine.template(text), this.scope(), (v, p) => {
      if (!isData(p)) return display(v);
      named.push({ label: p.source, value: display(v) });
      return `[${p.source}: see the conversation data]`;
    });
    for (const p of r.problems) this.problem(`system: {{${p.placeholder}}}: ${p.message}`, at, 'warning');
    return { text: r.text, named };
  }

  /** The sections of the data block: known facts, retrieved passages, values the instructions name. */
  dataSections(named: readonly { label: string; value: string }[]): string[] {
    const out: string[] = [];
    const passages = this.engine.data.passages;
    const facts = knownFacts(this.s.vars, passages);
    if (facts) out.push(dataSection('Known facts (JSON)', facts));
    for (const v of passages) {
      const p = getPath(this.s.vars, v) as { answer?: unknown; source?: unknown } | undefined;
      if (p && typeof p === 'object' && typeof p.answer === 'string') out.push(dataSection(`Retrieved passage (${v}, from ${display(p.source ?? 'unknown source')})`, p.answer));
    }
    if (named.length) out.push(dataSection('Values named in the instructions', named.map((n) => `- ${n.label}: ${n.value}`).join('\n')));
    return out;
  }

  pick(text: LocalizedText, at: At): string {
    const m = this.engine.model.manifest;
    const v = text[this.s.locale] ?? text[m.defaultLocale] ?? Object.values(text)[0] ?? '';
    if (typeof v === 'string') return v;
    if (v.length === 1) return v[0] as string;
    // variants: the random port when given, else a hash of where and when, so replays pick the same line
    const r = this.random ? this.random.next() : hashUnit(`${this.s.turn}:${at.flow}:${at.node}`);
    return v[Math.floor(r * v.length)] as string;
  }

  /** Says a piece of copy. `field` names copy other than the node's main copy (its copy id gets `.field`). */
  say(text: LocalizedText, at: At, field?: string, quickReplies?: QuickReply[], extra?: Record<string, unknown>, mainField = 'say'): void {
    const copyId = field ? `${at.flow}/${at.node}.${field}` : `${at.flow}/${at.node}`;
    const out = this.render(this.pick(text, at), at, field ?? mainField, extra);
    this.emitText(out, at, copyId, quickReplies);
  }

  emitText(text: string, at: At, copyId: string, quickReplies?: QuickReply[], extra?: { partial?: boolean; llm?: boolean }): void {
    const o: Output = { type: 'text', text, flow: at.flow, node: at.node, copyId, ...extra };
    if (quickReplies?.length) o.quickReplies = quickReplies.map((q) => ({ id: q.id, label: q.label, payload: q.payload }));
    this.outputs.push(o);
    this.s.transcript.push({ role: 'bot', text });
  }

  builtin(text: string, at?: At): void {
    this.outputs.push({ type: 'text', text, flow: at?.flow ?? '', node: at?.node ?? '', copyId: '' });
    this.s.transcript.push({ role: 'bot', text });
  }

  error(message: string, at?: At): void {
    this.problem(message, at);
    this.outputs.push({ type: 'error', message, ...(at ? { flow: at.flow, node: at.node } : {}) });
  }

  setVar(path: string, value: unknown): void {
    this.s.vars = setPath(this.s.vars, path, value);
  }

  node(at: At): FlowNode | undefined {
    return this.engine.flows.get(at.flow)?.nodes.get(at.node);
  }

  flowStart(flow: string): At | undefined {
    const f = this.engine.flows.get(flow);
    return f?.start ? { flow, node: f.start } : undefined;
  }

  nlu(text: string): NluResult {
    if (this.nluCache?.text === text) return this.nluCache.result;
    let result: NluResult;
    try {
      result = (this.engine.options.nlu ?? DEFAULT_NLU).parse(text, this.s.locale, this.clock === undefined ? {} : { now: this.clock });
    } catch (e) {
      this.problem(`NLU failed: ${e instanceof Error ? e.message : String(e)}`);
      result = { ranking: [], entities: [] };
    }
    this.nluCache = { text, result };
    const entities: Record<string, unknown> = {};
    for (const e of result.entities) if (!(e.entity in entities)) entities[e.entity] = e.value;
    const top = result.ranking[0];
    this.s.last = { input: text, entities, ...(top ? { intent: top.intent, confidence: top.confidence } : {}) };
    return result;
  }

  decide(ranking: IntentScore[]): { kind: 'accept'; intent: string } | { kind: 'clarify'; top: [IntentScore, IntentScore] } | { kind: 'no_match' } {
    const { accept, clarify } = this.settings;
    const [a, b] = ranking;
    if (!a || a.intent === 'oos') return { kind: 'no_match' };
    if (a.confidence >= accept) return { kind: 'accept', intent: a.intent };
    if (a.confidence >= clarify && b && b.intent !== 'oos') return { kind: 'clarify', top: [a, b] };
    if (a.confidence >= clarify) return { kind: 'accept', intent: a.intent };
    return { kind: 'no_match' };
  }

  intentLabel(id: string): string {
    const intent = this.engine.model.nlu.intents.find((i) => i.id === id);
    return intent?.description && intent.description.length <= 60 ? intent.description : humanize(id);
  }

  // -- entry --

  *start(): Run<void> {
    this.s.stack = [];
    this.s.quickReplies = [];
    delete this.s.ended;
    const at = this.flowStart(this.engine.model.manifest.startFlow);
    if (!at) return this.error(`the start flow "${this.engine.model.manifest.startFlow}" has no nodes`);
    yield* this.runFrom(at);
  }

  *input(input: Exclude<UserInput, { type: 'start' }>): Run<void> {
    const text = input.type === 'text' ? input.text.trim() : input.type === 'button' ? (input.label ?? input.payload) : `[${input.name}]`;
    this.s.transcript.push({ role: 'user', text });
    this.s.last = { input: input.type === 'event' ? '' : text, entities: {} };

    // a quick reply offered by the last bot message (clicked, or its label typed)
    const offered = this.s.quickReplies;
    this.s.quickReplies = [];
    const qr = matchQuickReply(offered, input);
    if (qr) {
      this.trace.push({ kind: 'nlu', flow: qr.flow, node: qr.node, text, ranking: [], entities: [], decision: 'quick_reply', intent: qr.payload });
      if (qr.payload.startsWith('intent:')) {
        const w = this.s.wait;
        const at = w && w.kind !== 'idle' ? { flow: w.flow, node: w.node } : this.engine.home;
        return yield* this.acceptIntent(qr.payload.slice('intent:'.length), at);
      }
      if (qr.next) {
        this.trace.push({ kind: 'node', flow: qr.flow, node: qr.node, nodeKind: 'message', exit: `button:${qr.id}` });
        return yield* this.runFrom({ flow: qr.flow, node: qr.next });
      }
    }

    const wait = this.s.wait ?? { kind: 'idle' };
    if (input.type === 'event') {
      this.s.last = { input: '', intent: input.name, confidence: 1, entities: {} };
      const at = wait.kind === 'idle' ? this.engine.home : { flow: wait.flow, node: wait.node };
      return yield* this.acceptIntent(input.name, at);
    }
    switch (wait.kind) {
      case 'ask':
        return yield* this.answerAsk(wait, text);
      case 'listen':
      case 'clarify':
        return yield* this.hear({ flow: wait.flow, node: wait.node }, text);
      case 'choice':
        return yield* this.answerChoice(wait, text);
      case 'idle':
        delete this.s.ended;
        this.s.stack = [];
        if (this.engine.home) return yield* this.hear(this.engine.home, text);
        return yield* this.start();
    }
  }

  // -- hearing --

  /** A listen node hears the user: globals, routes, triggers; clarification; no-match and escalation. */
  *hear(at: At, text: string): Run<void> {
    const r = this.nlu(text);
    const d = this.decide(r.ranking);
    this.trace.push({
      kind: 'nlu',
      ...at,
      text,
      ranking: r.ranking.slice(0, 5),
      entities: r.entities,
      decision: d.kind,
      ...(d.kind === 'accept' ? { intent: d.intent } : {}),
    });
    if (d.kind === 'accept') return yield* this.acceptIntent(d.intent, at);
    const node = this.node(at);
    if (d.kind === 'clarify') {
      if (node?.kind === 'listen' && node.lowConfidence) return yield* this.follow(at, node.lowConfidence, 'lowConfidence');
      const [a, b] = d.top;
      const replies: QuickReply[] = [a, b].map((x) => ({
        id: x.intent,
        label: this.intentLabel(x.intent),
        payload: `intent:${x.intent}`,
        flow: at.flow,
        node: at.node,
      }));
      this.builtin(this.copy.clarify(replies[0]!.label, replies[1]!.label), at);
      (this.outputs[this.outputs.length - 1] as Extract<Output, { type: 'text' }>).quickReplies = replies.map(({ id, label, payload }) => ({ id, label, payload }));
      this.s.quickReplies = replies;
      this.s.wait = { kind: 'clarify', flow: at.flow, node: at.node, intents: [a.intent, b.intent] };
      return;
    }
    return yield* this.noMatch(at);
  }

  /** An intent was recognised (or chosen) while waiting at `at`. */
  *acceptIntent(intent: string, at: At | undefined): Run<void> {
    this.s.fallbacks = 0;
    this.s.last = { ...this.s.last, intent, confidence: this.s.last.intent === intent ? this.s.last.confidence : 1 };
    this.utterance = this.s.last.input;
    const node = at && this.node(at);
    if (at && node?.kind === 'listen') {
      const route = node.routes?.find((x) => x.intent === intent);
      if (route) {
        this.trace.push({ kind: 'node', ...at, nodeKind: 'listen', exit: `intent:${intent}` });
        return route.next ? yield* this.runFrom({ flow: at.flow, node: route.next }) : yield* this.endFlow(at.flow);
      }
    }
    if (yield* this.globalOrTrigger(intent, at)) return;
    // recognised, but nothing here handles it
    if (at) return yield* this.noMatch(at);
    return yield* this.start();
  }

  /** Global handlers and flow triggers interrupt from anywhere. True when one took the turn. */
  *globalOrTrigger(intent: string, at: At | undefined): Run<boolean> {
    const g = this.engine.globals.get(intent);
    if (g) {
      yield* this.runGlobal(g);
      return true;
    }
    const flow = this.engine.triggers.get(intent);
    if (flow && flow !== at?.flow) {
      const start = this.flowStart(flow);
      if (start) {
        this.trace.push({ kind: 'global', handler: `trigger:${flow}`, intent, action: 'goto', flow });
        yield* this.runFrom(start);
        return true;
      }
    }
    return false;
  }

  *runGlobal(g: GlobalHandler): Run<void> {
    this.trace.push({ kind: 'global', handler: g.id, intent: g.intent, action: g.action, ...(g.flow ? { flow: g.flow } : {}) });
    const sayAt = { flow: '', node: `globals.${g.id}` };
    if (g.say) {
      const text = this.render(this.pick(g.say, sayAt), sayAt, `globals.${g.id}.say`);
      this.emitText(text, sayAt, `globals/${g.id}`);
    }
    const m = this.engine.model.manifest;
    switch (g.action) {
      case 'digress': {
        const target = g.flow ? this.flowStart(g.flow) : undefined;
        if (!target) return this.error(`global "${g.id}": flow "${g.flow ?? ''}" not found`);
        const wait = this.s.wait ?? { kind: 'idle' };
        this.s.stack.push({ kind: 'digress', wait, handler: g.id });
        return yield* this.runFrom(target);
      }
      case 'goto': {
        const target = g.flow ? this.flowStart(g.flow) : undefined;
        if (!target) return this.error(`global "${g.id}": flow "${g.flow ?? ''}" not found`);
        this.s.stack = [];
        return yield* this.runFrom(target);
      }
      case 'restart':
        this.s.vars = setPath(mergeDeep(m.variables ?? {}, this.s.profile ?? {}), 'slots', undefined);
        this.s.fallbacks = 0;
        return yield* this.start();
      case 'cancel':
        this.s.vars = setPath(this.s.vars, 'slots', undefined);
        this.s.stack = [];
        if (g.flow) {
          const target = this.flowStart(g.flow);
          if (target) return yield* this.runFrom(target);
        }
        if (this.engine.home) {
          this.s.wait = { kind: 'listen', ...this.engine.home };
          return;
        }
        return yield* this.start();
    }
  }

  *noMatch(at: At): Run<void> {
    const limit = this.settings.fallbackLimit;
    const count = ++this.s.fallbacks;
    const escalate = count >= limit;
    this.trace.push({ kind: 'fallback', count, limit, escalated: escalate });
    if (escalate) {
      this.s.fallbacks = 0;
      this.builtin(this.copy.escalating, at);
      const target = this.engine.escalation ? this.flowStart(this.engine.escalation) : undefined;
      this.s.stack = [];
      if (target) return yield* this.runFrom(target);
      this.outputs.push({ type: 'handoff', queue: 'general', reason: 'repeated no-match', flow: at.flow, node: at.node });
      this.s.ended = { outcome: 'escalated', at };
      this.s.wait = { kind: 'idle' };
      return;
    }
    const node = this.node(at);
    if (node?.kind === 'listen' && node.noMatch) return yield* this.follow(at, node.noMatch, 'noMatch');
    this.builtin(this.copy.didNotUnderstand, at);
    if (node?.kind === 'listen') this.s.wait = { kind: 'listen', ...at };
  }

  *answerChoice(wait: Extract<Wait, { kind: 'choice' }>, text: string): Run<void> {
    const at = { flow: wait.flow, node: wait.node };
    const r = this.nlu(text);
    const d = this.decide(r.ranking);
    this.trace.push({ kind: 'nlu', ...at, text, ranking: r.ranking.slice(0, 5), entities: r.entities, decision: d.kind, ...(d.kind === 'accept' ? { intent: d.intent } : {}) });
    if (d.kind === 'accept') {
      this.utterance = text;
      if (yield* this.globalOrTrigger(d.intent, at)) return;
    }
    const count = ++this.s.fallbacks;
    const limit = this.settings.fallbackLimit;
    this.trace.push({ kind: 'fallback', count, limit, escalated: count >= limit });
    if (count >= limit) return yield* this.noMatch(at); // noMatch escalates at the limit
    const node = this.node(at);
    const replies = node?.kind === 'message' ? this.buttonsOf(node, at) : [];
    this.builtin(this.copy.chooseOption, at);
    (this.outputs[this.outputs.length - 1] as Extract<Output, { type: 'text' }>).quickReplies = replies.map(({ id, label, payload }) => ({ id, label, payload }));
    this.s.quickReplies = replies;
    this.s.wait = wait;
  }

  // -- slots --

  *answerAsk(wait: Extract<Wait, { kind: 'ask' }>, text: string): Run<void> {
    const at = { flow: wait.flow, node: wait.node };
    const node = this.node(at);
    if (node?.kind !== 'ask') {
      this.error(`the question "${at.node}" is no longer in flow "${at.flow}"`, at);
      return yield* this.endFlow(at.flow);
    }
    if (node.type === 'text') {
      // free text: a global intent said with confidence interrupts; anything else is the answer
      const r = this.nlu(text);
      const d = this.decide(r.ranking);
      if (d.kind === 'accept' && (this.engine.globals.has(d.intent) || (this.engine.triggers.has(d.intent) && this.engine.triggers.get(d.intent) !== at.flow))) {
        this.trace.push({ kind: 'nlu', ...at, text, ranking: r.ranking.slice(0, 5), entities: r.entities, decision: 'accept', intent: d.intent });
        this.utterance = text;
        if (yield* this.globalOrTrigger(d.intent, at)) return;
      }
    }
    const got = this.extract(node, text);
    if (got.ok) {
      const invalid = this.validate(node, got.value, at);
      if (invalid === undefined) {
        this.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: got.value });
        this.setVar(node.slot, got.value);
        this.s.fallbacks = 0;
        return yield* this.follow(at, node.next, 'next');
      }
      this.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: false, value: got.value, reason: 'failed validation' });
      return yield* this.retryAsk(node, wait, at, invalid, got.value);
    }
    // not an answer: maybe a question of its own ("what are your opening hours?")
    const r = this.nlu(text);
    const d = this.decide(r.ranking);
    this.trace.push({ kind: 'nlu', ...at, text, ranking: r.ranking.slice(0, 5), entities: r.entities, decision: d.kind, ...(d.kind === 'accept' ? { intent: d.intent } : {}) });
    if (d.kind === 'accept') {
      this.utterance = text;
      if (yield* this.globalOrTrigger(d.intent, at)) return;
    }
    this.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: false, reason: `not a ${node.type === 'entity' ? (node.entity ?? 'entity') : node.type}` });
    return yield* this.retryAsk(node, wait, at);
  }

  *retryAsk(node: NodeOf<'ask'>, wait: Extract<Wait, { kind: 'ask' }>, at: At, validationMessage?: LocalizedText, value?: unknown): Run<void> {
    const retries = wait.retries + 1;
    if (retries > (node.maxRetries ?? 2)) return yield* this.follow(at, node.failed, 'failed');
    if (validationMessage) this.say(validationMessage, at, 'validation.message', undefined, { value });
    else if (node.reprompt) this.say(node.reprompt, at, 'reprompt');
    else this.say(node.prompt, at, undefined, undefined, undefined, 'prompt');
    this.s.wait = { kind: 'ask', ...at, retries };
  }

  /**
   * The utterance an ask node may fill its slot from, with the spans of other entities blanked out: "dispute
   * TXN-4821937705" must not answer "how much?" with the reference's digits.
   */
  prefillText(node: NodeOf<'ask'>): string {
    const text = this.utterance ?? '';
    const entities = this.nluCache?.text === text ? this.nluCache.result.entities : [];
    let out = text;
    for (const e of entities) {
      if (node.type === 'entity' ? e.entity === node.entity : e.entity === node.type) continue;
      if (BUILTIN_SLOT_ENTITIES.has(e.entity)) continue;
      out = out.slice(0, e.start) + ' '.repeat(Math.max(0, e.end - e.start)) + out.slice(e.end);
    }
    return out;
  }

  extract(node: NodeOf<'ask'>, text: string): { ok: true; value: unknown } | { ok: false } {
    if (node.type === 'text') return text.trim() ? { ok: true, value: text.trim() } : { ok: false };
    const ex = this.engine.options.extractSlot;
    if (!ex) return { ok: false };
    try {
      return ex(node.type, text, { ...(node.entity ? { entityId: node.entity } : {}), now: this.clock ?? 0, locale: this.s.locale });
    } catch (e) {
      this.problem(`slot extraction failed: ${e instanceof Error ? e.message : String(e)}`, { flow: '', node: node.id });
      return { ok: false };
    }
  }

  /** undefined when valid; else the message to say (the validation's, or the re-prompt). */
  validate(node: NodeOf<'ask'>, value: unknown, at: At): LocalizedText | undefined {
    if (!node.validation) return undefined;
    try {
      return this.engine.lang.evaluate(node.validation.expr, this.scope({ value })) ? undefined : node.validation.message;
    } catch (e) {
      this.problem(`validation.expr: ${e instanceof Error ? e.message : String(e)}`, at);
      return node.validation.message;
    }
  }

  // -- running nodes --

  *follow(at: At, target: string | undefined, exit: string): Run<void> {
    this.trace.push({ kind: 'node', ...at, nodeKind: this.node(at)?.kind ?? '?', exit });
    if (target) return yield* this.runFrom({ flow: at.flow, node: target });
    return yield* this.endFlow(at.flow);
  }

  /** Ends the current flow and runs whatever comes after it (a caller's next node). */
  *endFlow(flow: string): Run<void> {
    const next = this.continueAfterFlowEnd(flow);
    if (next !== 'wait') yield* this.runFrom(next);
  }

  /** Runs nodes from `at` until the conversation waits. */
  *runFrom(start: At): Run<void> {
    let at: At | 'wait' = start;
    while (at !== 'wait') {
      if (++this.steps > this.engine.options.stepLimit) {
        const recent = this.path.slice(-6).map((p) => p.node).join(' → ');
        this.error(`step limit (${this.engine.options.stepLimit}) reached in one turn: the flow loops (${recent})`, at);
        this.builtin(this.copy.loop);
        this.s.stack = [];
        this.s.wait = this.engine.home ? { kind: 'listen', ...this.engine.home } : { kind: 'idle' };
        return;
      }
      const node = this.node(at);
      if (!node) {
        this.error(this.engine.flows.has(at.flow) ? `node "${at.node}" not found in flow "${at.flow}"` : `flow "${at.flow}" not found`, at);
        at = this.continueAfterFlowEnd(at.flow);
        continue;
      }
      this.path.push(at);
      const step: Step = yield* this.exec(node, at);
      at = step === 'end' ? this.continueAfterFlowEnd(at.flow) : step;
    }
  }

  /** The current flow ran out (or ended): return to a caller or a digression, else the conversation idles. */
  continueAfterFlowEnd(flow: string): At | 'wait' {
    for (;;) {
      const frame: Frame | undefined = this.s.stack.pop();
      if (!frame) {
        this.s.wait = { kind: 'idle' };
        return 'wait';
      }
      if (frame.kind === 'call') {
        if (frame.next) {
          this.trace.push({ kind: 'return', to: { flow: frame.flow, node: frame.next }, from: flow });
          this.trace.push({ kind: 'node', flow: frame.flow, node: frame.node, nodeKind: 'call', exit: 'next' });
          return { flow: frame.flow, node: frame.next };
        }
        flow = frame.flow;
        continue;
      }
      // back from a digression: ask again what we were waiting for
      this.trace.push({ kind: 'return', to: 'waiting', from: flow });
      const w = frame.wait;
      this.s.wait = w;
      if (w.kind === 'ask') {
        const n = this.node(w);
        if (n?.kind === 'ask') {
          this.builtin(this.copy.back, w);
          this.say(n.prompt, w, undefined, undefined, undefined, 'prompt');
        }
      } else if (w.kind === 'choice') {
        const n = this.node(w);
        if (n?.kind === 'message') {
          const replies = this.buttonsOf(n, w);
          this.say(n.say, w, undefined, replies);
          this.s.quickReplies = replies;
        }
      }
      return 'wait';
    }
  }

  buttonsOf(node: NodeOf<'message'>, at: At): QuickReply[] {
    return (node.buttons ?? []).map((b) => ({
      id: b.id,
      label: this.render(this.pick(b.label, at), at, `buttons.${b.id}.label`),
      payload: b.payload ?? b.id,
      flow: at.flow,
      node: at.node,
      ...(b.next ? { next: b.next } : {}),
    }));
  }

  go(at: At, target: string | undefined, exit: string): Step {
    this.trace.push({ kind: 'node', ...at, nodeKind: this.node(at)?.kind ?? '?', exit });
    return target ? { flow: at.flow, node: target } : 'end';
  }

  *exec(node: FlowNode, at: At): Run<Step> {
    switch (node.kind) {
      case 'start':
        return this.go(at, node.next, 'next');
      case 'message': {
        const replies = this.buttonsOf(node, at);
        this.say(node.say, at, undefined, replies);
        this.s.quickReplies = replies;
        if (node.next) return this.go(at, node.next, 'next');
        if (replies.length) {
          this.trace.push({ kind: 'node', ...at, nodeKind: 'message' });
          this.s.wait = { kind: 'choice', ...at };
          return 'wait';
        }
        return this.go(at, undefined, 'next');
      }
      case 'ask':
        return this.execAsk(node, at);
      case 'listen':
        this.trace.push({ kind: 'node', ...at, nodeKind: 'listen' });
        this.s.wait = { kind: 'listen', ...at };
        return 'wait';
      case 'condition': {
        for (const b of node.branches) {
          let ok = false;
          try {
            ok = Boolean(this.engine.lang.evaluate(b.when, this.scope()));
          } catch (e) {
            this.problem(`branches.${b.id}.when: ${e instanceof Error ? e.message : String(e)} (treated as false)`, at);
          }
          if (ok) return this.go(at, b.next, `branch:${b.id}`);
        }
        return this.go(at, node.else, 'else');
      }
      case 'set': {
        for (const a of node.assign) {
          try {
            this.setVar(a.var, this.engine.lang.evaluate(a.value, this.scope()));
          } catch (e) {
            this.problem(`assign ${a.var}: ${e instanceof Error ? e.message : String(e)} (not set)`, at);
          }
        }
        return this.go(at, node.next, 'next');
      }
      case 'llm':
        return yield* this.execLlm(node, at);
      case 'knowledge':
        return yield* this.execKnowledge(node, at);
      case 'api':
        return yield* this.execApi(node, at);
      case 'guardrail': {
        const r = yield { type: 'guardrail', text: this.s.last.input, checks: node.checks, topics: node.topics ?? [] };
        let findings: GuardrailFinding[] = [];
        if (r.ok) findings = r.value as GuardrailFinding[];
        else this.problem(`guardrail failed: ${errorText(r.error)} (treated as flagged)`, at);
        this.trace.push({ kind: 'guardrail', ...at, findings });
        return findings.length || !r.ok ? this.go(at, node.flagged, 'flagged') : this.go(at, node.next, 'next');
      }
      case 'handoff': {
        const queue = node.queue ?? 'general';
        const r = yield { type: 'handoff', queue };
        const available = r.ok ? Boolean(r.value) : false;
        if (!available) {
          if (node.unavailable) return this.go(at, node.unavailable, 'unavailable');
          this.builtin(this.copy.noAgents, at);
        }
        if (node.say) this.say(node.say, at);
        const summary = node.summary !== undefined ? this.render(node.summary, at, 'summary') : undefined;
        this.outputs.push({ type: 'handoff', queue, ...(node.reason ? { reason: node.reason } : {}), ...(summary !== undefined ? { summary } : {}), ...at });
        this.trace.push({ kind: 'node', ...at, nodeKind: 'handoff', exit: available ? 'agent' : 'no agent' });
        this.s.ended = { outcome: 'escalated', at };
        this.s.stack = [];
        this.s.wait = { kind: 'idle' };
        return 'wait';
      }
      case 'jump': {
        const target = node.node ? { flow: node.flow, node: node.node } : this.flowStart(node.flow);
        this.trace.push({ kind: 'node', ...at, nodeKind: 'jump', exit: node.flow });
        if (!target) {
          this.error(`jump to flow "${node.flow}", which does not exist`, at);
          return 'end';
        }
        return target;
      }
      case 'call': {
        const target = node.node ? { flow: node.flow, node: node.node } : this.flowStart(node.flow);
        this.trace.push({ kind: 'node', ...at, nodeKind: 'call', exit: node.flow });
        if (!target) {
          this.error(`call of flow "${node.flow}", which does not exist`, at);
          return node.next ? { flow: at.flow, node: node.next } : 'end';
        }
        this.s.stack.push({ kind: 'call', flow: at.flow, node: at.node, ...(node.next ? { next: node.next } : {}) });
        return target;
      }
      case 'end': {
        if (node.say) this.say(node.say, at);
        this.trace.push({ kind: 'node', ...at, nodeKind: 'end', exit: node.outcome ?? 'resolved' });
        if (this.s.stack.length) return 'end';
        const outcome = node.outcome ?? 'resolved';
        this.outputs.push({ type: 'end', outcome, ...at });
        this.s.ended = { outcome, at };
        this.s.wait = { kind: 'idle' };
        return 'wait';
      }
    }
  }

  execAsk(node: NodeOf<'ask'>, at: At): Step {
    if (node.skipIfFilled !== false) {
      const have = getPath(this.s.vars, node.slot);
      if (have !== undefined && have !== null && have !== '') {
        this.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: have, reason: 'already filled' });
        return this.go(at, node.next, 'next');
      }
      // fill from what the user just said ("I lost my credit card" answers "which card?")
      if (this.utterance && node.type !== 'text') {
        const got = this.extract(node, this.prefillText(node));
        if (got.ok && this.validate(node, got.value, at) === undefined) {
          this.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: got.value, reason: 'from the last message' });
          this.setVar(node.slot, got.value);
          return this.go(at, node.next, 'next');
        }
      }
    }
    this.say(node.prompt, at, undefined, undefined, undefined, 'prompt');
    this.trace.push({ kind: 'node', ...at, nodeKind: 'ask' });
    this.s.wait = { kind: 'ask', ...at, retries: 0 };
    return 'wait';
  }

  *execLlm(node: NodeOf<'llm'>, at: At): Run<Step> {
    const m = this.engine.model.manifest;
    const mode = node.mode ?? 'reply';
    // The data/instruction rule: the system prompt is the designer's instructions only; conversation data goes
    // in a labelled block at the top of the user turn (shared/llm/promptData.ts).
    const instructions = node.system !== undefined ? this.renderInstructions(node.system, at) : { text: '', named: [] };
    let system = instructions.text;
    const prompt = this.render(node.prompt, at, 'prompt');
    const data = this.dataSections(instructions.named);
    if (data.length) system = withDataRule(system);
    if (mode === 'extract') {
      const fields = (node.extract ?? []).map((e) => `- "${e.var}" (${e.type ?? 'string'}): ${e.description}`).join('\n');
      system += `\n\nReply with one JSON object and nothing else. Its keys:\n${fields}\nUse null for a value the text does not give.`;
    }
    const messages: LlmMessage[] = mode === 'reply' ? historyMessages(this.s.transcript.slice(0, -1), this.engine.options.transcriptLimit) : [];
    pushMessage(messages, { role: 'user', content: neutralise(prompt) });
    const last = messages[messages.length - 1] as LlmMessage;
    last.content = withDataBlock(data, last.content);
    const request: LlmRequest = {
      flow: at.flow,
      node: at.node,
      ...(system ? { system } : {}),
      messages,
      ...(node.model ?? m.llm?.model ? { model: node.model ?? m.llm?.model } : {}),
      ...(node.temperature ?? m.llm?.temperature) !== undefined ? { temperature: node.temperature ?? m.llm?.temperature } : {},
      ...(node.maxTokens ?? m.llm?.maxTokens) !== undefined ? { maxTokens: node.maxTokens ?? m.llm?.maxTokens } : {},
      ...(m.llm?.timeoutMs !== undefined ? { timeoutMs: m.llm.timeoutMs } : {}),
    };
    const r = yield { type: 'llm', request };
    if (!r.ok) {
      const partial = r.error instanceof LlmError ? r.error.partialText : undefined;
      const message = `LLM: ${errorText(r.error)}`;
      this.trace.push({ kind: 'llm', ...at, request, error: message, ...(partial ? { reply: partial, partial: true } : {}) });
      this.problem(message, at);
      if (node.error) return this.go(at, node.error, 'error');
      this.builtin(this.copy.somethingWrong, at);
      return this.go(at, node.next, 'next');
    }
    const res = r.value as LlmResponse;
    this.trace.push({ kind: 'llm', ...at, request, reply: res.text, model: res.model, usage: res.usage, ttftMs: res.ttftMs, totalMs: res.totalMs, ...(res.partial ? { partial: true } : {}) });
    if (mode === 'reply') {
      this.emitText(res.text, at, `${at.flow}/${at.node}`, undefined, { llm: true, ...(res.partial ? { partial: true } : {}) });
      if (res.partial) this.problem('the model stopped mid-reply (stream cut): the reply is partial', at, 'warning');
      if (node.saveAs) this.setVar(node.saveAs, res.text);
      return this.go(at, node.next, 'next');
    }
    const parsed = parseJsonObject(res.text);
    if (!parsed) {
      this.problem('LLM extract: the reply is not a JSON object', at);
      return node.error ? this.go(at, node.error, 'error') : this.go(at, node.next, 'next');
    }
    for (const e of node.extract ?? []) {
      const v = coerce(parsed[e.var] ?? parsed[e.var.split('.').pop() as string], e.type ?? 'string');
      if (v !== undefined) this.setVar(e.var, v);
    }
    return this.go(at, node.next, 'next');
  }

  *execKnowledge(node: NodeOf<'knowledge'>, at: At): Run<Step> {
    const query = this.render(node.query ?? '{{input}}', at, 'query');
    const r = yield { type: 'retrieve', query, sources: node.sources ?? [], limit: 3 };
    if (!r.ok) {
      this.problem(`retrieval failed: ${errorText(r.error)}`, at);
      this.trace.push({ kind: 'retrieval', ...at, query, hits: [], grounded: false });
      return this.go(at, node.notSure, 'notSure');
    }
    const hits = r.value as RetrievalHit[];
    const best = hits[0];
    const grounded = Boolean(best && best.score >= (node.minScore ?? 0.35));
    this.trace.push({ kind: 'retrieval', ...at, query, hits, grounded });
    if (!grounded || !best) return this.go(at, node.notSure, 'notSure');
    this.s.fallbacks = 0;
    // with saveAs the flow decides what to say (e.g. an llm node that phrases the passage); else say it
    if (node.saveAs) this.setVar(node.saveAs, { answer: best.text, source: best.source, score: best.score });
    else this.emitText(best.text, at, `${at.flow}/${at.node}`);
    return this.go(at, node.next, 'next');
  }

  /**
   * An API request from the node's templates, each in its context: URL values percent-encoded as one segment
   * or query value, header values without line breaks or control characters, a JSON body built as data and
   * serialised (a value can never add a field). `refused` says why the call must not be made.
   */
  buildRequest(node: NodeOf<'api'>, at: At): HttpRequest | { refused: string; url: string } {
    const scope = this.scope();
    const report = (field: string, problems: readonly { placeholder: string; message: string }[]) => {
      for (const p of problems) this.problem(`${field}: {{${p.placeholder}}}: ${p.message}`, at, 'warning');
    };
    const u = renderTemplate(this.engine.template(node.url), scope, urlComponent);
    report('url', u.problems);
    const url = u.text;
    if (hasDotSegment(url)) return { refused: 'url: a value makes a "." or ".." path segment', url };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(node.headers ?? {})) {
      const h = renderTemplate(this.engine.template(v), scope);
      report(`headers.${k}`, h.problems);
      // CR/LF would start a new header line; other control characters are refused too (a tab is allowed)
      if (hasControlChar(h.text)) return { refused: `header ${k}: the value contains a line break or a control character`, url };
      headers[k] = h.text;
    }
    const request: HttpRequest = { operation: node.operation, method: node.method ?? 'GET', url, headers, timeoutMs: node.timeoutMs ?? 5000 };
    if (node.body === undefined) return request;
    const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    const setType = (type: string) => {
      if (contentType === undefined) headers['Content-Type'] = type;
    };
    const compile = (text: string) => this.engine.template(text);
    let json: { value: unknown; problems: BodyProblem[] } | undefined;
    if (typeof node.body === 'string') {
      const t = compile(node.body);
      json = renderJsonText(t, compile, scope);
      if (!json) {
        // not JSON: text
        if (contentType && /json/i.test(contentType)) return { refused: `body: the content type is ${contentType} but the body template is not valid JSON; write the body as a YAML mapping`, url };
        const form = contentType !== undefined && /^application\/x-www-form-urlencoded/i.test(contentType);
        const b = renderTemplate(t, scope, form ? urlComponent : display);
        report('body', b.problems);
        setType('text/plain; charset=utf-8');
        return { ...request, body: b.text };
      }
    } else json = renderJsonTemplate(node.body as JsonTemplate, compile, scope);
    for (const p of json.problems) this.problem(`${p.field}: {{${p.placeholder}}}: ${p.message}`, at, 'warning');
    setType('application/json');
    return { ...request, body: JSON.stringify(json.value) };
  }

  *execApi(node: NodeOf<'api'>, at: At): Run<Step> {
    const built = this.buildRequest(node, at);
    if ('refused' in built) {
      // the call is not made: a value would have changed the request's shape
      this.trace.push({ kind: 'api', ...at, operation: node.operation, method: node.method ?? 'GET', url: built.url, outcome: 'error', ms: 0, message: built.refused, failure: 'refused' });
      this.problem(`API call ${node.operation} not made: ${built.refused}`, at);
      return this.go(at, node.error, 'error');
    }
    const request = built;
    const r = yield { type: 'http', request };
    const base = { kind: 'api' as const, ...at, operation: request.operation, method: request.method, url: request.url };
    if (!r.ok) {
      this.trace.push({ ...base, outcome: 'error', ms: 0, message: errorText(r.error) });
      return this.go(at, node.error, 'error');
    }
    const res = r.value as HttpResult;
    if (!res.ok) {
      this.trace.push({ ...base, outcome: res.reason === 'timeout' ? 'timeout' : 'error', ms: res.ms, message: res.message, failure: res.reason });
      if (res.reason === 'timeout') return this.go(at, node.timeout ?? node.error, node.timeout ? 'timeout' : 'error');
      return this.go(at, node.error, 'error');
    }
    const ok = res.status >= 200 && res.status < 300;
    this.trace.push({ ...base, status: res.status, outcome: ok ? 'success' : 'error', ms: res.ms, ...(res.body !== undefined ? { response: res.body } : {}) });
    if (!ok) return this.go(at, node.error, 'error');
    for (const a of node.assign ?? []) {
      const v = getPath(typeof res.body === 'object' && res.body !== null ? (res.body as Vars) : {}, a.path);
      if (v === undefined) this.problem(`assign ${a.var}: the response has no "${a.path}"`, at, 'warning');
      else this.setVar(a.var, v);
    }
    return this.go(at, node.next, 'next');
  }
}

// ---- small pure helpers ------------------------------------------------------------------------------------

function matchQuickReply(offered: QuickReply[], input: UserInput): QuickReply | undefined {
  if (!offered.length) return undefined;
  if (input.type === 'button') return offered.find((q) => q.payload === input.payload);
  if (input.type === 'text') {
    const t = norm(input.text);
    return offered.find((q) => norm(q.label) === t || norm(q.payload) === t);
  }
  return undefined;
}

const norm = (s: string) => s.trim().toLowerCase().replace(/[.!?]+$/, '');

function hashUnit(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 4294967296;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged into `base`, objects key by key (a profile that sets `customer.tier` keeps `customer.name`). */
function mergeDeep(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlain(v) && isPlain(base[k]) ? mergeDeep(base[k], v) : v;
  return out;
}

/** The conversation's variables as JSON (stable key order), passages left out: they have their own sections. */
function knownFacts(vars: Vars, passages: readonly string[]): string {
  let picked: Vars = Object.fromEntries(Object.keys(vars).sort().map((k) => [k, vars[k]]));
  for (const p of passages) if (getPath(picked, p) !== undefined) picked = setPath(picked, p, undefined);
  const json = JSON.stringify(picked);
  return json === '{}' ? '' : json;
}

/** A control character other than tab (CR and LF included): never in a header value. */
function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function pushMessage(messages: LlmMessage[], m: LlmMessage): void {
  const last = messages[messages.length - 1];
  if (last && last.role === m.role) last.content += `\n\n${m.content}`;
  else messages.push({ ...m });
}

function historyMessages(transcript: SessionState['transcript'], limit: number): LlmMessage[] {
  const out: LlmMessage[] = [];
  for (const t of transcript.slice(-limit)) pushMessage(out, { role: t.role === 'user' ? 'user' : 'assistant', content: neutralise(t.text) });
  while (out[0]?.role === 'assistant') out.shift();
  return out;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const v: unknown = JSON.parse(text.slice(start, end + 1));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function coerce(v: unknown, type: 'string' | 'number' | 'boolean'): unknown {
  if (v === null || v === undefined) return undefined;
  if (type === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === 'boolean') return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// ---- drivers ----------------------------------------------------------------------------------------------

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
}

function begin(engine: Engine, state: SessionState, input: UserInput, ports: EnginePorts): { turn: Turn; gen: Run<void> } {
  const turn = new Turn(engine, state, ports.clock?.now(), ports.random);
  turn.s.turn = state.turn + 1;
  turn.trace.push({ kind: 'input', input });
  const gen = input.type === 'start' ? turn.start() : turn.input(input);
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
  const which = { llm: 'no LLM is configured', retrieve: 'no knowledge base is available', http: 'HTTP calls are not available here', guardrail: 'no guardrail is available', handoff: 'no agent queue is available' }[effect.type];
  return new Error(which);
}

/** Fulfils one effect with the ports; returns a value or a promise of one. */
function perform(effect: Effect, ports: EnginePorts, options: TurnOptions): EffectResult | Promise<EffectResult> {
  const wrap = (f: () => unknown): EffectResult | Promise<EffectResult> => {
    try {
      const v = f();
      if (v instanceof Promise) return v.then((value: unknown) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
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
      return wrap(() =>
        llm.complete(effect.request, {
          ...(options.onToken ? { onToken: (d: string) => options.onToken?.(at, d) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    }
    case 'retrieve':
      return ports.retrieval ? wrap(() => ports.retrieval!.search(effect.query, { sources: effect.sources, limit: effect.limit })) : { ok: false, error: missingPort(effect) };
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
  const { turn, gen } = begin(engine, state, input, ports);
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

export type { NodeKind };
