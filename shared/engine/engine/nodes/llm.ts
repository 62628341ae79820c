// The llm node: a prompt built by the data/instruction rule (the system prompt holds the designer's
// instructions only; conversation data goes in a labelled block of the user turn, shared/llm/promptData.ts),
// sent to the model port; the reply is said (`reply`) or read as JSON into variables (`extract`). A node with
// A/B variants runs with the conversation's variant's `system`, `prompt`, `model` and `temperature` where it
// sets them (shared/engine/variants.ts); the reply keeps the node's copy id, and the trace records the variant.
import type { NodeOf } from '../../../schema/nodes';
import { dataSection, neutralise, withDataBlock, withDataRule } from '../../../llm/promptData';
import { isDataRef } from '../../dataRefs';
import { ExpressionError } from '../../expressions';
import { LlmError, type LlmMessage, type LlmRequest, type LlmResponse } from '../../ports';
import { display, renderTemplate, type PlaceholderPart } from '../../templates';
import type { At, Citation, SessionState, TraceEntry } from '../../types';
import { variantAt } from '../../variants';
import { getPath, setPath, type Vars } from '../../vars';
import { errorText, type Run, type Step } from '../effects';
import type { Turn } from '../turn';

export function* execLlm(t: Turn, llmNode: NodeOf<'llm'>, at: At): Run<Step> {
  const m = t.engine.model.manifest;
  const variant = variantAt(t, at, llmNode.variants);
  const node = variant ? withVariant(llmNode, variant) : llmNode;
  const field = (name: 'system' | 'prompt') => (variant?.[name] !== undefined ? `variants.${variant.id}.${name}` : name);
  const mode = node.mode ?? 'reply';
  const instructions = node.system !== undefined ? renderInstructions(t, node.system, at, field('system')) : { text: '', named: [] };
  let system = instructions.text;
  const prompt = t.render(node.prompt, at, field('prompt'));
  const data = dataSections(t, instructions.named);
  if (data.length) system = withDataRule(system);
  if (mode === 'extract') {
    const fields = (node.extract ?? []).map((e) => `- "${e.var}" (${e.type ?? 'string'}): ${e.description}`).join('\n');
    system += `\n\nReply with one JSON object and nothing else. Its keys:\n${fields}\nUse null for a value the text does not give.`;
  }
  const messages: LlmMessage[] = mode === 'reply' ? historyMessages(t.s.transcript.slice(0, -1), t.engine.options.transcriptLimit) : [];
  pushMessage(messages, { role: 'user', content: neutralise(prompt) });
  const last = messages[messages.length - 1] as LlmMessage;
  last.content = withDataBlock(data, last.content);
  const request: LlmRequest = {
    flow: at.flow,
    node: at.node,
    ...(system ? { system } : {}),
    messages,
    ...((node.model ?? m.llm?.model) ? { model: node.model ?? m.llm?.model } : {}),
    ...((node.temperature ?? m.llm?.temperature) !== undefined ? { temperature: node.temperature ?? m.llm?.temperature } : {}),
    ...((node.maxTokens ?? m.llm?.maxTokens) !== undefined ? { maxTokens: node.maxTokens ?? m.llm?.maxTokens } : {}),
    ...(m.llm?.timeoutMs !== undefined ? { timeoutMs: m.llm.timeoutMs } : {}),
  };
  const r = yield { type: 'llm', request };
  if (!r.ok) {
    const partial = r.error instanceof LlmError ? r.error.partialText : undefined;
    const message = `LLM: ${errorText(r.error)}`;
    t.trace.push({ kind: 'llm', ...at, request, error: message, ...(partial ? { reply: partial, partial: true } : {}) });
    t.problem(message, at);
    if (node.error) return t.go(at, node.error, 'error');
    t.builtin('somethingWrong', at);
    return t.go(at, node.next, 'next');
  }
  const res = r.value as LlmResponse;
  t.trace.push(llmTraceEntry(at, request, res));
  if (mode === 'reply') {
    const cited = passageCitations(t);
    t.emitText(res.text, at, `${at.flow}/${at.node}`, undefined, {
      llm: true,
      ...(res.partial ? { partial: true } : {}),
      ...(cited.length ? { citations: cited } : {}),
    });
    if (res.partial) t.problem('the model stopped mid-reply (stream cut): the reply is partial', at, 'warning');
    if (node.saveAs) t.setVar(node.saveAs, res.text);
    return t.go(at, node.next, 'next');
  }
  const parsed = parseJsonObject(res.text);
  if (!parsed) {
    t.problem('LLM extract: the reply is not a JSON object', at);
    return node.error ? t.go(at, node.error, 'error') : t.go(at, node.next, 'next');
  }
  for (const e of node.extract ?? []) {
    const v = coerce(parsed[e.var] ?? parsed[e.var.split('.').pop() as string], e.type ?? 'string');
    if (v !== undefined) t.setVar(e.var, v);
  }
  return t.go(at, node.next, 'next');
}

/** The trace entry of a model call that answered: the request, the reply, the model, tokens and times. */
export function llmTraceEntry(at: At, request: LlmRequest, res: LlmResponse): TraceEntry {
  return {
    kind: 'llm',
    ...at,
    request,
    reply: res.text,
    model: res.model,
    usage: res.usage,
    ttftMs: res.ttftMs,
    totalMs: res.totalMs,
    ...(res.partial ? { partial: true } : {}),
  };
}

/**
 * A system prompt template with no conversation data in it: a placeholder that reads data (see dataRefs.ts)
 * becomes a reference, and its value is returned in `named` for the data block.
 */
function renderInstructions(t: Turn, text: string, at: At, field: string): { text: string; named: { label: string; value: string }[] } {
  const named: { label: string; value: string }[] = [];
  const isData = (p: PlaceholderPart) => !(p.expr instanceof ExpressionError) && p.expr.refs.some((r) => isDataRef(r, t.engine.data));
  const r = renderTemplate(t.engine.template(text), t.scope(), (v, p) => {
    if (!isData(p)) return display(v);
    named.push({ label: p.source, value: display(v) });
    return `[${p.source}: see the conversation data]`;
  });
  for (const p of r.problems) t.problem(`${field}: {{${p.placeholder}}}: ${p.message}`, at, 'warning');
  return { text: r.text, named };
}

/** The node as the conversation's variant runs it: the variant's fields where it sets them. */
function withVariant(node: NodeOf<'llm'>, v: NonNullable<NodeOf<'llm'>['variants']>[number]): NodeOf<'llm'> {
  return {
    ...node,
    ...(v.system !== undefined ? { system: v.system } : {}),
    ...(v.prompt !== undefined ? { prompt: v.prompt } : {}),
    ...(v.model !== undefined ? { model: v.model } : {}),
    ...(v.temperature !== undefined ? { temperature: v.temperature } : {}),
  };
}

/** The sections of the data block: known facts, retrieved passages, values the instructions name. */
function dataSections(t: Turn, named: readonly { label: string; value: string }[]): string[] {
  const out: string[] = [];
  const passages = t.engine.data.passages;
  const facts = knownFacts(t.s.vars, passages);
  if (facts) out.push(dataSection('Known facts (JSON)', facts));
  for (const v of passages) {
    const p = getPath(t.s.vars, v) as { answer?: unknown; source?: unknown } | undefined;
    if (p && typeof p === 'object' && typeof p.answer === 'string')
      out.push(dataSection(`Retrieved passage (${v}, from ${display(p.source ?? 'unknown source')})`, p.answer));
  }
  if (named.length) out.push(dataSection('Values named in the instructions', named.map((n) => `- ${n.label}: ${n.value}`).join('\n')));
  return out;
}

/** The retrieved passages the reply was given (knowledge nodes' `saveAs`), as the sources it cites. */
function passageCitations(t: Turn): Citation[] {
  const out: Citation[] = [];
  for (const v of t.engine.data.passages) {
    const p = getPath(t.s.vars, v) as { answer?: unknown; source?: unknown; id?: unknown; heading?: unknown } | undefined;
    if (!p || typeof p !== 'object' || typeof p.answer !== 'string') continue;
    out.push({
      n: out.length + 1,
      source: typeof p.source === 'string' ? p.source : 'unknown source',
      text: p.answer,
      ...(typeof p.id === 'string' ? { id: p.id } : {}),
      ...(typeof p.heading === 'string' ? { heading: p.heading } : {}),
    });
  }
  return out;
}

/** The conversation's variables as JSON (stable key order), passages left out: they have their own sections. */
function knownFacts(vars: Vars, passages: readonly string[]): string {
  let picked: Vars = Object.fromEntries(
    Object.keys(vars)
      .sort()
      .map((k) => [k, vars[k]]),
  );
  for (const p of passages) if (getPath(picked, p) !== undefined) picked = setPath(picked, p, undefined);
  const json = JSON.stringify(picked);
  return json === '{}' ? '' : json;
}

export function pushMessage(messages: LlmMessage[], m: LlmMessage): void {
  const last = messages[messages.length - 1];
  if (last && last.role === m.role) last.content += `\n\n${m.content}`;
  else messages.push({ ...m });
}

export function historyMessages(transcript: SessionState['transcript'], limit: number): LlmMessage[] {
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
