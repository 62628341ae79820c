// What changed between two versions of a project, as a product manager reviews it before a release: flows added
// and removed; in each flow, nodes added, removed and changed (where a card sits is no change), edges (exits)
// added and removed, and every line of copy changed, word by word (the `diff` package's word diff); the project's
// own lines (the engine's, global replies, guardrail messages) too. `parley diff` prints it; the studio colours it.
import { diffWordsWithSpace } from 'diff';
import { deckRows, variantsOf, type DeckModel, type DeckRow } from '../copy/deck';
import { exitsOf } from '../schema/exits';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';

export interface WordPart {
  text: string;
  op: 'same' | 'added' | 'removed';
}

export interface CopyChange {
  id: string;
  alias: string;
  field: string;
  locale: string;
  before?: string;
  after?: string;
  words: WordPart[];
}

export interface NodeDiff {
  id: string;
  kind: string;
  title?: string;
  status: 'added' | 'removed' | 'changed';
  /** The node's fields that changed, other than its copy (`next`, `when`, `slot`…). */
  fields: string[];
  copy: CopyChange[];
  /** A removed node as it was, so the canvas can show where it stood. */
  removedNode?: FlowNode;
}

export interface EdgeDiff {
  from: string;
  port: string;
  to: string;
  status: 'added' | 'removed';
}

export interface FlowDiff {
  flowId: string;
  name: string;
  status: 'added' | 'removed' | 'changed';
  nodes: NodeDiff[];
  edges: EdgeDiff[];
}

export interface ProjectDiff {
  flows: FlowDiff[];
  /** The project's own lines (parley.yaml, guardrails.yaml) that changed. */
  projectCopy: CopyChange[];
}

/** What is not the node's content: where it sits, and the bookkeeping of its copy. */
const META = new Set(['position', 'copyIds', 'staleTranslations']);
/** The node's copy fields, compared line by line instead. */
const COPY_FIELDS = new Set(['say', 'prompt', 'reprompt', 'outOfHoursSay', 'builtinCopy']);

function contentFields(a: FlowNode | undefined, b: FlowNode | undefined): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  const out: string[] = [];
  for (const k of keys) {
    if (META.has(k) || COPY_FIELDS.has(k)) continue;
    const va = (a as Record<string, unknown> | undefined)?.[k];
    const vb = (b as Record<string, unknown> | undefined)?.[k];
    if (JSON.stringify(withoutCopy(va)) !== JSON.stringify(withoutCopy(vb))) out.push(k);
  }
  return out;
}

/** A value with the copy inside it left out (buttons' labels, questions' prompts), which the copy diff covers. */
function withoutCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutCopy);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!['label', 'prompt', 'reprompt', 'message', 'say'].includes(k)) out[k] = withoutCopy(x);
    return out;
  }
  return v;
}

const textOf = (row: DeckRow | undefined, locale: string): string | undefined => {
  const v = variantsOf(row?.text[locale]);
  return v.length ? v.join('\n') : undefined;
};

/** The changed lines between two sets of rows (matched by id), each locale on its own. */
function copyChanges(before: readonly DeckRow[], after: readonly DeckRow[]): CopyChange[] {
  const a = new Map(before.map((r) => [r.id, r]));
  const b = new Map(after.map((r) => [r.id, r]));
  const out: CopyChange[] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const ra = a.get(id);
    const rb = b.get(id);
    const row = (rb ?? ra)!;
    for (const locale of new Set([...Object.keys(ra?.text ?? {}), ...Object.keys(rb?.text ?? {})])) {
      const ta = textOf(ra, locale);
      const tb = textOf(rb, locale);
      if (ta === tb) continue;
      const words = diffWordsWithSpace(ta ?? '', tb ?? '').map((p): WordPart => ({ text: p.value, op: p.added ? 'added' : p.removed ? 'removed' : 'same' }));
      out.push({
        id,
        alias: row.alias,
        field: row.field,
        locale,
        ...(ta !== undefined ? { before: ta } : {}),
        ...(tb !== undefined ? { after: tb } : {}),
        words,
      });
    }
  }
  return out;
}

const edgesOf = (flow: Flow | undefined) =>
  new Set((flow?.nodes ?? []).flatMap((n) => exitsOf(n).flatMap((e) => (e.target ? [`${n.id}\u0000${e.port}\u0000${e.target}`] : []))));

function flowDiff(flowId: string, fa: Flow | undefined, fb: Flow | undefined, ra: readonly DeckRow[], rb: readonly DeckRow[]): FlowDiff | undefined {
  const na = new Map((fa?.nodes ?? []).map((n) => [n.id, n]));
  const nb = new Map((fb?.nodes ?? []).map((n) => [n.id, n]));
  const rowsOf = (rows: readonly DeckRow[], nodeId: string) => rows.filter((r) => r.flowId === flowId && r.nodeId === nodeId);
  const nodes: NodeDiff[] = [];
  for (const id of new Set([...na.keys(), ...nb.keys()])) {
    const a = na.get(id);
    const b = nb.get(id);
    const node = (b ?? a)!;
    const copy = copyChanges(rowsOf(ra, id), rowsOf(rb, id));
    const fields = a && b ? contentFields(a, b) : [];
    const status = !a ? 'added' : !b ? 'removed' : fields.length || copy.length ? 'changed' : undefined;
    if (status) nodes.push({ id, kind: node.kind, ...(node.title ? { title: node.title } : {}), status, fields, copy, ...(b ? {} : { removedNode: a! }) });
  }
  const ea = edgesOf(fa);
  const eb = edgesOf(fb);
  const edges: EdgeDiff[] = [];
  const edge = (key: string, status: EdgeDiff['status']) => {
    const [from, port, to] = key.split('\u0000') as [string, string, string];
    edges.push({ from, port, to, status });
  };
  for (const k of eb) if (!ea.has(k)) edge(k, 'added');
  for (const k of ea) if (!eb.has(k)) edge(k, 'removed');
  const renamed = fa && fb && fa.name !== fb.name;
  if (!nodes.length && !edges.length && !renamed && fa && fb) return undefined;
  return { flowId, name: (fb ?? fa)!.name, status: !fa ? 'added' : !fb ? 'removed' : 'changed', nodes, edges };
}

export function diffProjects(before: DeckModel, after: DeckModel): ProjectDiff {
  const ra = deckRows(before);
  const rb = deckRows(after);
  const flows: FlowDiff[] = [];
  for (const id of [...new Set([...Object.keys(before.flows), ...Object.keys(after.flows)])].sort()) {
    const d = flowDiff(id, before.flows[id], after.flows[id], ra, rb);
    if (d) flows.push(d);
  }
  const own = (rows: DeckRow[]) => rows.filter((r) => r.source.type !== 'node');
  return { flows, projectCopy: copyChanges(own(ra), own(rb)) };
}

/** A word diff as text: `[-removed-]{+added+}`, as `git diff --word-diff` prints it. */
export const wordDiffText = (words: readonly WordPart[]): string =>
  words.map((w) => (w.op === 'same' ? w.text : w.op === 'added' ? `{+${w.text}+}` : `[-${w.text}-]`)).join('');

/** The diff as text for a pull request (`parley diff`). */
export function formatDiff(d: ProjectDiff): string {
  const lines: string[] = [];
  const copyLines = (c: CopyChange, indent: string) =>
    lines.push(
      `${indent}${c.field} [${c.locale}] (${c.id}): ${c.before === undefined ? 'added: ' : c.after === undefined ? 'removed: ' : ''}${wordDiffText(c.words).replace(/\n/g, ' / ')}`,
    );
  for (const f of d.flows) {
    lines.push(`${f.status === 'added' ? '+' : f.status === 'removed' ? '-' : '~'} flow ${f.flowId} (${f.name})`);
    if (f.status !== 'changed') continue;
    for (const n of f.nodes) {
      const mark = n.status === 'added' ? '+' : n.status === 'removed' ? '-' : '~';
      lines.push(`  ${mark} node ${n.id} (${n.kind}${n.title ? `: ${n.title}` : ''})${n.fields.length ? `: ${n.fields.join(', ')} changed` : ''}`);
      if (n.status === 'changed') for (const c of n.copy) copyLines(c, '      ');
    }
    for (const e of f.edges) lines.push(`  ${e.status === 'added' ? '+' : '-'} edge ${e.from}.${e.port} → ${e.to}`);
  }
  if (d.projectCopy.length) {
    lines.push('~ project lines');
    for (const c of d.projectCopy) copyLines(c, '      ');
  }
  return lines.length ? lines.join('\n') : 'no changes';
}
