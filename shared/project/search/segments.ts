import type { LocalizedText } from '../../schema/common';
import { validationRules, type FlowNode } from '../../schema/nodes';
import type { Intent } from '../../schema/project';
import { fieldPath } from '../problems';
import { forEachCopy } from '../copy';
import { fold, type Folded } from './fold';
import type { SearchGroup } from './groups';

// What a node says and refers to: its copy, names, variables, expressions and intents, as labelled segments.

export interface Segment {
  group: SearchGroup;
  /** A variable read here (a placeholder or an expression), not set. */
  use?: boolean;
  field: string;
  label: string;
  text: string;
  folded?: Folded;
}

export interface NodeDoc {
  flowId: string;
  flowName: string;
  node: FlowNode;
  segments: Segment[];
}

const TEMPLATE_VAR = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g;
const EXPR_WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(\s*\()?/g;
const EXPR_KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'in', 'value']);

const COPY_LABEL: Record<string, string> = { say: 'Bot says', prompt: 'Question', reprompt: 'Re-prompt', label: 'Button label', message: 'Validation message' };

/** Variable paths an expression reads (string literals and function names left out). */
function expressionVars(expr: string): string[] {
  const code = expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, ' ');
  const out = new Set<string>();
  for (const m of code.matchAll(EXPR_WORD)) {
    if (m[1] || EXPR_KEYWORDS.has(m[0])) continue;
    out.add(m[0]);
  }
  return [...out];
}

export function segmentsOf(flowId: string, flowName: string, node: FlowNode, intents: ReadonlyMap<string, Intent>): Segment[] {
  const segs: Segment[] = [];
  const add = (group: SearchGroup, path: PropertyKey[], label: string, text: string | undefined) => {
    if (text) segs.push({ group, field: fieldPath(path), label, text });
  };

  forEachCopy(node, (path, text: LocalizedText) => {
    const last = path[path.length - 1];
    const base = COPY_LABEL[String(last)] ?? 'Copy';
    for (const [loc, copy] of Object.entries(text)) {
      if (Array.isArray(copy)) copy.forEach((v, i) => add('copy', [...path, loc, i], `${base} (${loc}, variant ${i + 1})`, v));
      else add('copy', [...path, loc], `${base} (${loc})`, copy);
    }
  });
  add('title', ['title'], 'Title', node.title);
  add('ids', ['id'], 'Node id', node.id);
  add('text', ['notes'], 'Notes', node.notes);

  const exprVars = (path: PropertyKey[], expr: string) =>
    expressionVars(expr).forEach((v) => segs.push({ group: 'vars', use: true, field: fieldPath(path), label: 'Variable used', text: v }));

  switch (node.kind) {
    case 'start':
      (node.triggers ?? []).forEach((t, i) => add('intents', ['triggers', i], 'Started by intent', t));
      break;
    case 'message':
      (node.buttons ?? []).forEach((b, i) => {
        add('ids', ['buttons', i, 'id'], 'Button id', b.id);
        add('text', ['buttons', i, 'payload'], 'Button payload', b.payload);
      });
      break;
    case 'ask':
      add('vars', ['slot'], 'Saves the answer in', node.slot);
      add('text', ['entity'], 'Entity', node.entity);
      add('text', ['type'], 'Answer type', node.type);
      validationRules(node.validation).forEach((v, i) => {
        const path = Array.isArray(node.validation) ? ['validation', i, 'expr'] : ['validation', 'expr'];
        add('code', path, 'Validation rule', v.expr);
        exprVars(path, v.expr);
      });
      break;
    case 'form':
      node.fields.forEach((f, i) => {
        add('vars', ['fields', i, 'slot'], `Field ${f.id} saves the answer in`, f.slot);
        if (f.when) {
          add('code', ['fields', i, 'when'], `Field ${f.id}: asked when`, f.when);
          exprVars(['fields', i, 'when'], f.when);
        }
        validationRules(f.validation).forEach((v, j) => {
          const path = Array.isArray(f.validation) ? ['fields', i, 'validation', j, 'expr'] : ['fields', i, 'validation', 'expr'];
          add('code', path, `Field ${f.id}: validation rule`, v.expr);
          exprVars(path, v.expr);
        });
      });
      break;
    case 'listen':
      (node.routes ?? []).forEach((r, i) => {
        add('intents', ['routes', i, 'intent'], 'Routes intent', r.intent);
        const intent = intents.get(r.intent);
        if (!intent) return;
        add('examples', ['routes', i, 'intent'], `Intent ${intent.id}: description`, intent.description);
        for (const [loc, examples] of Object.entries(intent.examples)) {
          examples.forEach((ex) => add('examples', ['routes', i, 'intent'], `Intent ${intent.id}: example (${loc})`, ex));
        }
      });
      break;
    case 'condition':
      node.branches.forEach((b, i) => {
        add('ids', ['branches', i, 'id'], 'Branch id', b.id);
        add('code', ['branches', i, 'when'], `Condition of ${b.id}`, b.when);
        exprVars(['branches', i, 'when'], b.when);
      });
      break;
    case 'set':
      node.assign.forEach((a, i) => {
        add('vars', ['assign', i, 'var'], 'Sets variable', a.var);
        add('code', ['assign', i, 'value'], `Value of ${a.var}`, a.value);
        exprVars(['assign', i, 'value'], a.value);
      });
      break;
    case 'llm':
      add('text', ['prompt'], 'LLM prompt', node.prompt);
      add('text', ['system'], 'System prompt', node.system);
      add('text', ['model'], 'Model', node.model);
      add('vars', ['saveAs'], 'Saves the reply in', node.saveAs);
      (node.extract ?? []).forEach((x, i) => {
        add('vars', ['extract', i, 'var'], 'Extracts variable', x.var);
        add('text', ['extract', i, 'description'], `Extraction of ${x.var}`, x.description);
      });
      break;
    case 'knowledge':
      add('text', ['query'], 'Knowledge query', node.query);
      (node.sources ?? []).forEach((s, i) => add('text', ['sources', i], 'Knowledge source', s));
      add('vars', ['saveAs'], 'Saves the answer in', node.saveAs);
      break;
    case 'api':
      add('ops', ['operation'], 'API operation', node.operation);
      add('code', ['url'], 'URL', node.url);
      add('code', ['body'], 'Request body', node.body === undefined || typeof node.body === 'string' ? node.body : JSON.stringify(node.body));
      for (const [name, value] of Object.entries(node.headers ?? {})) add('code', ['headers', name], `Header ${name}`, `${name}: ${value}`);
      (node.assign ?? []).forEach((a, i) => {
        add('vars', ['assign', i, 'var'], 'Sets variable from the response', a.var);
        add('code', ['assign', i, 'path'], `Response path for ${a.var}`, a.path);
      });
      break;
    case 'guardrail':
      add('text', ['checks'], 'Checks', node.checks.join(', '));
      (node.topics ?? []).forEach((t, i) => add('text', ['topics', i], 'Sensitive topic', t));
      break;
    case 'handoff':
      add('text', ['queue'], 'Queue', node.queue);
      add('text', ['reason'], 'Reason', node.reason);
      add('text', ['summary'], 'Summary for the agent', typeof node.summary === 'string' ? node.summary : node.summary?.instructions);
      add('text', ['ticket', 'operation'], 'Ticket call', node.ticket?.operation);
      break;
    case 'jump':
    case 'call':
      add('text', ['flow'], node.kind === 'jump' ? 'Jumps to flow' : 'Calls flow', node.flow);
      add('text', ['node'], 'Entry node', node.node);
      break;
    case 'end':
      add('text', ['outcome'], 'Outcome', node.outcome);
      break;
  }

  // Template variables (`{{slots.card_last4 | mask}}`) wherever text is written: copy, prompts, URLs, bodies.
  for (const s of segs.slice()) {
    if (s.group !== 'copy' && s.group !== 'text' && s.group !== 'code') continue;
    const seen = new Set<string>();
    for (const m of s.text.matchAll(TEMPLATE_VAR)) {
      const v = m[1] as string;
      if (seen.has(v)) continue;
      seen.add(v);
      segs.push({ group: 'vars', use: true, field: s.field, label: `Variable in ${s.label.charAt(0).toLowerCase()}${s.label.slice(1)}`, text: v });
    }
  }
  add('flow', [], 'Flow', flowName === flowId ? flowId : `${flowName} (${flowId})`);
  return segs;
}

export const foldedOf = (seg: Segment): Folded => (seg.folded ??= fold(seg.text));
