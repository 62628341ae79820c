// Static checks of a project's expressions and templates, run by the validator (and so by the editor after
// each edit and by `parley validate`): syntax errors, unknown filters or functions, and variables that no
// node sets and parley.yaml does not define. A typo like {{acount.balance}} is found before any conversation.
import { BUILTIN_PLACEHOLDERS, type BuiltinKey } from '../schema/builtinCopy';
import { questionsOf, validationRules, type FlowNode } from '../schema/nodes';
import type { ProjectModel } from '../project/validate';
import { conversationData, isDataRef } from './dataRefs';
import { ExpressionError, ExpressionLanguage } from './expressions';
import { readsSecrets, REDIRECT_KEPT_HEADERS, secretRefOf } from './secrets';
import { compileTemplate } from './templates';

export interface ExpressionProblem {
  severity: 'error' | 'warning';
  flowId: string;
  nodeId: string;
  /** Path of the field inside the node, e.g. ['branches', 0, 'when']. */
  path: (string | number)[];
  message: string;
}

/** Variables every turn has: the user's last message, its intent and entities, the form it is in. */
// `null` is no variable: it is never set, so it reads as nothing (a set node clears a variable with it)
const BUILTINS = new Set(['input', 'intent', 'confidence', 'entities', 'form', 'null']);

const lang = new ExpressionLanguage();

/**
 * A node's expression problems, kept with the node object while the set of written variables stays the same: nodes
 * are immutable (an edit replaces the objects it changes), so after a drag on a flow of 10,000 nodes only the moved
 * node is checked again (checking every node's expressions cost 40 ms there). Without the flow's id, which is added
 * when they are reported (a node object may sit in two flows).
 */
const nodeMemo = new WeakMap<FlowNode, { written: string; problems: Omit<ExpressionProblem, 'flowId'>[] }>();

function leafPaths(value: unknown, prefix: string, out: Set<string>): void {
  if (prefix) out.add(prefix);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leafPaths(v, prefix ? `${prefix}.${k}` : k, out);
  }
}

/** Every variable path the project defines or some node writes. */
export function knownVariables(model: ProjectModel): Set<string> {
  const known = new Set<string>();
  leafPaths(model.manifest.variables ?? {}, '', known);
  const add = (p: string | undefined) => p && known.add(p);
  for (const flow of Object.values(model.flows)) {
    for (const n of flow.nodes) {
      switch (n.kind) {
        case 'ask':
          add(n.slot);
          break;
        case 'form':
          n.fields.forEach((f) => add(f.slot));
          break;
        case 'set':
          n.assign.forEach((a) => add(a.var));
          break;
        case 'llm':
          add(n.saveAs);
          (n.extract ?? []).forEach((e) => add(e.var));
          break;
        case 'api':
          (n.assign ?? []).forEach((a) => add(a.var));
          break;
        case 'knowledge':
          if (n.saveAs) ['answer', 'source', 'score'].forEach((f) => add(`${n.saveAs}.${f}`));
          break;
        case 'handoff':
          (n.ticket?.assign ?? []).forEach((a) => add(a.var));
          // what an out-of-hours exit's copy reads (nodes/handoff.ts)
          if (n.outOfHours || n.unavailable) ['queue', 'reason', 'opensAt', 'opensAtText', 'recorded'].forEach((f) => add(`handoff.${f}`));
          break;
        default:
          break;
      }
    }
  }
  return known;
}

/** Known paths plus all their parents (`account` when `account.balance` is set). */
function withParents(known: ReadonlySet<string>): Set<string> {
  const out = new Set(known);
  for (const k of known) {
    let i = k.lastIndexOf('.');
    while (i > 0) {
      out.add(k.slice(0, i));
      i = k.lastIndexOf('.', i - 1);
    }
  }
  return out;
}

interface Known {
  /** Known paths and all their parents. */
  all: ReadonlySet<string>;
  /** Paths stored whole, whose inside is not known statically (an API response, a list). */
  opaque: ReadonlySet<string>;
}

function isKnown(ref: string, known: Known, extra: readonly string[]): boolean {
  const root = ref.split('.')[0] as string;
  if (BUILTINS.has(root) || extra.includes(root)) return true;
  if (known.all.has(ref)) return true;
  const parts = ref.split('.');
  for (let i = parts.length - 1; i > 0; i--) if (known.opaque.has(parts.slice(0, i).join('.'))) return true;
  return false;
}

/** The variables a project knows, for checking references; `sorted`: the written paths, sorted. */
function knownOf(model: ProjectModel): { known: Known; sorted: string[] } {
  const written = knownVariables(model);
  const all = withParents(written);
  // sorted, a path's children come right after it ('.' sorts before the characters of names)
  const sorted = [...written].sort();
  const opaque = new Set(sorted.filter((k, i) => !(sorted[i + 1] ?? '').startsWith(`${k}.`)));
  return { known: { all, opaque }, sorted };
}

/** Whether a variable reference (`account.balance`) is one the project knows, as the validator decides it. */
export function variableChecker(model: ProjectModel): (ref: string, extra?: readonly string[]) => boolean {
  const { known } = knownOf(model);
  return (ref, extra = []) => isKnown(ref, known, extra);
}

export function checkExpressions(model: ProjectModel): ExpressionProblem[] {
  const { known, sorted } = knownOf(model);
  const declared = new Set(Object.keys(model.manifest.secrets ?? {}));
  // the declared secrets decide what a header may name: a change re-checks every node
  const signature = `${sorted.join('\n')}\u0000${[...declared].sort().join('\n')}`;
  const out: ExpressionProblem[] = [];
  for (const [flowId, flow] of Object.entries(model.flows)) {
    for (const node of flow.nodes) {
      const kept = nodeMemo.get(node);
      if (kept && kept.written === signature) {
        for (const p of kept.problems) out.push({ ...p, flowId });
        continue;
      }
      const mine: Omit<ExpressionProblem, 'flowId'>[] = [];
      const report = (severity: 'error' | 'warning', path: (string | number)[], message: string) => mine.push({ severity, nodeId: node.id, path, message });
      const refsOk = (refs: readonly string[], path: (string | number)[], extra: readonly string[] = []) => {
        for (const r of refs)
          if (!isKnown(r, known, extra)) report('warning', path, `unknown variable "${r}": no node sets it and parley.yaml does not define it`);
      };
      const expr = (source: string, path: (string | number)[], extra: readonly string[] = []) => {
        const c = lang.compile(source);
        if (c instanceof ExpressionError) report('error', path, `expression: ${c.message}`);
        else if (c.refs.some(readsSecrets)) report('error', path, `expression: ${SECRETS_ELSEWHERE}`);
        else refsOk(c.refs, path, extra);
      };
      const template = (text: string | undefined, path: (string | number)[], extra: readonly string[] = [], header = false) => {
        if (text === undefined || !text.includes('{{')) return;
        const t = compileTemplate(lang, text);
        for (const e of t.errors) report('error', path, `placeholder {{${e.source}}}: ${e.message}`);
        const refs: string[] = [];
        for (const part of t.parts) {
          if (typeof part === 'string' || part.expr instanceof ExpressionError) continue;
          const secret = header ? secretRefOf(part.source) : undefined;
          if (secret !== undefined) {
            if (!declared.has(secret))
              report(
                'error',
                path,
                `placeholder {{${part.source}}}: no secret "${secret}" is declared; add it under secrets in parley.yaml with the hosts it may be sent to`,
              );
          } else if (part.expr.refs.some(readsSecrets)) {
            report(
              'error',
              path,
              header
                ? `placeholder {{${part.source}}}: a secret is sent as it is, alone in its placeholder ({{ secrets.NAME }}), without filters or expressions`
                : `placeholder {{${part.source}}}: ${SECRETS_ELSEWHERE}`,
            );
          } else refs.push(...part.expr.refs);
        }
        refsOk(refs, path, extra);
      };
      const copy = (text: Record<string, string | string[]> | undefined, path: (string | number)[], extra: readonly string[] = []) => {
        for (const [loc, v] of Object.entries(text ?? {}))
          (Array.isArray(v) ? v : [v]).forEach((s, i) => template(s, Array.isArray(v) ? [...path, loc, i] : [...path, loc], extra));
      };
      checkNode(node, { expr, template, copy });
      nodeMemo.set(node, { written: signature, problems: mine });
      for (const p of mine) out.push({ ...p, flowId });
    }
  }
  return [...out, ...checkTemplateContexts(model)];
}

/**
 * Templates whose context makes a value dangerous: a system prompt that names conversation data (the engine
 * moves such values to the data block of the user turn), and an API body written as a string with
 * placeholders (the old form; a YAML mapping is data by construction).
 */
export function checkTemplateContexts(model: ProjectModel): ExpressionProblem[] {
  const data = conversationData(model, (src) => {
    const c = lang.compile(src);
    return c instanceof ExpressionError ? undefined : c.refs;
  });
  const out: ExpressionProblem[] = [];
  for (const [flowId, flow] of Object.entries(model.flows)) {
    for (const node of flow.nodes) {
      if (node.kind === 'llm') {
        // the node's system prompt and each A/B variant's
        const systems: [string | undefined, (string | number)[]][] = [[node.system, ['system']]];
        (node.variants ?? []).forEach((v, i) => systems.push([v.system, ['variants', i, 'system']]));
        for (const [system, path] of systems) {
          if (!system?.includes('{{')) continue;
          const named = compileTemplate(lang, system).refs.filter((r) => isDataRef(r, data));
          if (named.length)
            out.push({
              severity: 'warning',
              flowId,
              nodeId: node.id,
              path,
              message: `the system prompt names conversation data (${named.join(', ')}): it is not substituted there but moved to the data block of the user turn; refer to it in words ("the passage in the conversation data") or use it in prompt`,
            });
        }
      }
      if (node.kind === 'api' && typeof node.body === 'string' && node.body.includes('{{'))
        out.push({
          severity: 'warning',
          flowId,
          nodeId: node.id,
          path: ['body'],
          message:
            'the body is a string with placeholders: write it as a YAML mapping (body: { amount: "{{slots.amount}}" }), whose values are sent as JSON values',
        });
    }
  }
  return out;
}

/** Each string leaf of a body written as YAML data, with its path (`['body', 'items', 0]`). */
function bodyLeaves(v: unknown, path: (string | number)[], fn: (text: string, path: (string | number)[]) => void): void {
  if (typeof v === 'string') fn(v, path);
  else if (Array.isArray(v)) v.forEach((x, i) => bodyLeaves(x, [...path, i], fn));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) bodyLeaves(x, [...path, k], fn);
}

const SECRETS_ELSEWHERE =
  "secrets can only be sent in an api node's header values ({{ secrets.NAME }}), not in Accept, Content-Type or another header a redirect keeps; no copy, prompt, URL, body or expression can read them";

interface Checkers {
  expr(source: string, path: (string | number)[], extra?: readonly string[]): void;
  /** `header`: an api node's header value, the one place `{{ secrets.NAME }}` may appear. */
  template(text: string | undefined, path: (string | number)[], extra?: readonly string[], header?: boolean): void;
  copy(text: Record<string, string | string[]> | undefined, path: (string | number)[], extra?: readonly string[]): void;
}

function checkNode(node: FlowNode, c: Checkers): void {
  for (const [key, line] of Object.entries(node.builtinCopy ?? {})) if (line) c.copy(line, ['builtinCopy', key], BUILTIN_PLACEHOLDERS[key as BuiltinKey] ?? []);
  switch (node.kind) {
    case 'message':
      c.copy(node.say, ['say']);
      (node.variants ?? []).forEach((v, i) => c.copy(v.say, ['variants', i, 'say']));
      (node.buttons ?? []).forEach((b, i) => c.copy(b.label, ['buttons', i, 'label']));
      break;
    case 'ask':
    case 'form':
      for (const { path, q } of questionsOf(node)) {
        c.copy(q.prompt, [...path, 'prompt']);
        c.copy(q.reprompt, [...path, 'reprompt']);
        const rules = validationRules(q.validation);
        rules.forEach((v, i) => {
          const at = Array.isArray(q.validation) ? [...path, 'validation', i] : [...path, 'validation'];
          c.expr(v.expr, [...at, 'expr'], ['value']);
          c.copy(v.message, [...at, 'message'], ['value']);
        });
        (q.buttons ?? []).forEach((b, i) => c.copy(b.label, [...path, 'buttons', i, 'label']));
        if (node.kind === 'form' && 'when' in q && typeof q.when === 'string') c.expr(q.when, [...path, 'when']);
      }
      break;
    case 'condition':
      node.branches.forEach((b, i) => c.expr(b.when, ['branches', i, 'when']));
      break;
    case 'set':
      node.assign.forEach((a, i) => c.expr(a.value, ['assign', i, 'value']));
      break;
    case 'llm':
      c.template(node.system, ['system']);
      c.template(node.prompt, ['prompt']);
      (node.variants ?? []).forEach((v, i) => {
        c.template(v.system, ['variants', i, 'system']);
        c.template(v.prompt, ['variants', i, 'prompt']);
      });
      break;
    case 'knowledge':
      c.template(node.query, ['query']);
      break;
    case 'api':
      c.template(node.url, ['url']);
      for (const [env, u] of Object.entries(node.urls ?? {})) c.template(u, ['urls', env]);
      bodyLeaves(node.body, ['body'], (text, path) => c.template(text, path));
      for (const [k, v] of Object.entries(node.headers ?? {})) c.template(v, ['headers', k], [], !REDIRECT_KEPT_HEADERS.has(k.toLowerCase()));
      break;
    case 'handoff': {
      if (typeof node.summary === 'string') c.template(node.summary, ['summary']);
      c.copy(node.say, ['say']);
      c.copy(node.outOfHoursSay, ['outOfHoursSay'], ['opensAt']);
      const tk = node.ticket;
      if (tk) {
        // the ticket's templates see the payload as `handoff`
        c.template(tk.url, ['ticket', 'url'], ['handoff']);
        for (const [env, u] of Object.entries(tk.urls ?? {})) c.template(u, ['ticket', 'urls', env], ['handoff']);
        bodyLeaves(tk.body, ['ticket', 'body'], (text, path) => c.template(text, path, ['handoff']));
        for (const [k, v] of Object.entries(tk.headers ?? {}))
          c.template(v, ['ticket', 'headers', k], ['handoff'], !REDIRECT_KEPT_HEADERS.has(k.toLowerCase()));
      }
      break;
    }
    case 'end':
      c.copy(node.say, ['say']);
      break;
    default:
      break;
  }
}
