// One turn's working context: the state it changes (a copy; the state it was given is never changed), what it
// says and traces, and what it was given to run with: the compiled engine (shared, read-only), the locale's
// formatting and built-in copy, the clock read once at the start, the random port. Nothing a turn writes lives
// anywhere else, so turns of different sessions can run interleaved at their await points.
import type { LocalizedText } from '../../schema/common';
import type { FlowNode } from '../../schema/nodes';
import type { BuiltinKey } from '../../schema/builtinCopy';
import { defaultLine, hasDefaultLines, humanize } from '../copy';
import { FORMAT_KEY, type FormatContext } from '../expressions';
import type { IntentScore, NluPort, NluResult, RandomPort } from '../ports';
import { renderTemplate } from '../templates';
import type { At, Citation, Output, QuickReply, SessionState, TraceEntry } from '../types';
import { setPath, type Vars } from '../vars';
import { formView } from './formView';
import { MEMORY_LIMIT } from './slots';
import type { Engine } from './compile';
import type { Step } from './effects';

const DEFAULT_NLU: NluPort = { parse: () => ({ ranking: [], entities: [] }) };

export type Decision = { kind: 'accept'; intent: string } | { kind: 'clarify'; top: [IntentScore, IntentScore] } | { kind: 'no_match' };

export class Turn {
  readonly outputs: Output[] = [];
  readonly trace: TraceEntry[] = [];
  readonly path: At[] = [];
  s: SessionState;
  /** Nodes entered this turn (the loop guard). */
  steps = 0;
  /** The last NLU parse of this turn (a listen and an ask may both hear the same text). */
  nluCache?: { text: string; result: NluResult };
  /** The user's words this turn, once a listen or trigger consumed them: ask nodes may fill slots from it. */
  utterance?: string;
  private scopeCache?: { vars: Vars; last: SessionState['last']; wait: SessionState['wait']; frames: number; scope: Record<string, unknown> };
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
    this.fmt = Object.freeze({ locale: state.locale });
  }

  get settings() {
    const n = this.engine.model.manifest.nlu ?? {};
    return { accept: n.accept ?? 0.7, clarify: n.clarify ?? 0.4, fallbackLimit: n.fallbackLimit ?? 3 };
  }

  /** What expressions see: the variables, the built-ins (`input`, `intent`, `form`, ...) and this turn's format. */
  scope(extra?: Record<string, unknown>): Record<string, unknown> {
    const { vars, last, wait } = this.s;
    const frames = this.s.stack.length;
    let c = this.scopeCache;
    if (!c || c.vars !== vars || c.last !== last || c.wait !== wait || c.frames !== frames) {
      const form = formView(this);
      const scope = { ...vars, input: last.input, intent: last.intent, confidence: last.confidence, entities: last.entities, form, [FORMAT_KEY]: this.fmt };
      this.scopeCache = c = { vars, last, wait, frames, scope };
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

  emitText(text: string, at: At, copyId: string, quickReplies?: QuickReply[], extra?: { partial?: boolean; llm?: boolean; citations?: Citation[] }): void {
    const o: Output = { type: 'text', text, flow: at.flow, node: at.node, copyId, ...extra };
    if (quickReplies?.length) o.quickReplies = quickReplies.map((q) => ({ id: q.id, label: q.label, payload: q.payload }));
    this.outputs.push(o);
    this.s.transcript.push({ role: 'bot', text });
  }

  /**
   * One of the engine's own lines (shared/schema/builtinCopy.ts) where `at` speaks: the node's wording, else the
   * project's (parley.yaml `builtinCopy`, when it has the conversation's locale or the engine lacks that language),
   * else the engine's (copy.ts), with `vars` for its placeholders. Undefined when the node removed the line.
   */
  line(key: BuiltinKey, at?: At, vars?: Record<string, unknown>): { text: string; copyId: string } | undefined {
    const where = at ?? { flow: '', node: '' };
    const own = at ? this.node(at)?.builtinCopy?.[key] : undefined;
    if (own === false) return undefined;
    const field = `builtinCopy.${key}`;
    if (own) return { text: this.render(this.pick(own, where), where, field, vars), copyId: `${where.flow}/${where.node}.${field}` };
    const project = this.engine.model.manifest.builtinCopy?.[key];
    const engine = defaultLine(key, this.s.locale);
    const useProject = project && (project[this.s.locale] !== undefined || !hasDefaultLines(this.s.locale));
    return { text: this.render(useProject ? this.pick(project, where) : engine, where, field, vars), copyId: `builtin/${key}` };
  }

  /** Says one of the engine's own lines (`line`), unless the node speaking removed it. */
  builtin(key: BuiltinKey, at?: At, vars?: Record<string, unknown>): void {
    const l = this.line(key, at, vars);
    if (!l) return;
    this.outputs.push({ type: 'text', text: l.text, flow: at?.flow ?? '', node: at?.node ?? '', copyId: l.copyId });
    this.s.transcript.push({ role: 'bot', text: l.text });
  }

  /** A built-in line's words, for a quick reply's label. */
  lineText(key: BuiltinKey, at: At): string {
    return this.line(key, at)?.text ?? defaultLine(key, this.s.locale);
  }

  /** Offers quick replies on the last output and remembers them for the next input. */
  offer(replies: QuickReply[]): void {
    (this.outputs[this.outputs.length - 1] as Extract<Output, { type: 'text' }>).quickReplies = replies.map(({ id, label, payload }) => ({
      id,
      label,
      payload,
    }));
    this.s.quickReplies = replies;
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

  /** Leaves a node by one of its exits: traced, then the target node or the end of the flow. */
  go(at: At, target: string | undefined, exit: string): Step {
    this.trace.push({ kind: 'node', ...at, nodeKind: this.node(at)?.kind ?? '?', exit });
    return target ? { flow: at.flow, node: target } : 'end';
  }

  /** The NLU's parse of `text` in this turn's locale and clock; sets `last` (input, intent, entities). */
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
    this.remember(text, result);
    const entities: Record<string, unknown> = {};
    for (const e of result.entities) if (!(e.entity in entities)) entities[e.entity] = e.value;
    const top = result.ranking[0];
    this.s.last = { input: text, entities, ...(top ? { intent: top.intent, confidence: top.confidence } : {}) };
    return result;
  }

  /** Keeps what this message mentioned (not numbers or yes/no: too vague) for later questions (`fromEarlier`). */
  private remember(text: string, result: NluResult): void {
    const add = result.entities.filter((e) => e.entity !== 'number' && e.entity !== 'yes_no');
    if (!add.length) return;
    const kept = (this.s.memory ?? []).filter((m) => m.turn !== this.s.turn);
    const now = add.map((e) => ({ entity: e.entity, text: text.slice(e.start, e.end) || e.text, turn: this.s.turn }));
    this.s.memory = [...kept, ...now].slice(-MEMORY_LIMIT);
  }

  /** The listen rule: accept above `nlu.accept`, ask which of two between `clarify` and `accept`, else no match. */
  decide(ranking: IntentScore[]): Decision {
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
}

function hashUnit(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 4294967296;
}
