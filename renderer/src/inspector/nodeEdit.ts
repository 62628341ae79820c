import { unionIssues } from '../../../shared/schema/issues';
import type { FlowChange } from '../../../shared/project/changes';
import { fieldPath, type Problem } from '../../../shared/project/problems';
import type { CopyText, LocalizedText } from '../../../shared/schema/common';
import { exitsOf } from '../../../shared/schema/exits';
import { NODE_SCHEMAS, type FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';

/**
 * Pure helpers of the inspector: immutable edits by path, copy variants, renaming a node with everything that
 * points to it, and the validation issues of one node. No React here, so they are unit-tested directly.
 */

export type Path = readonly (string | number)[];

/** `['buttons', 0, 'label']` → `buttons[0].label` (the same form as `Problem.field`, relative to the node). */
export const pathKey = (path: Path): string => fieldPath(path);

export function getIn(value: unknown, path: Path): unknown {
  let cur = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/**
 * Returns a copy of `value` with `path` set to `next`. `undefined` removes the key (an optional field left
 * empty is left out of the file, never written as an empty string). Untouched branches keep their identity.
 */
export function setIn<T>(value: T, path: Path, next: unknown): T {
  if (path.length === 0) return next as T;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const src = (value ?? (typeof head === 'number' ? [] : {})) as Record<string | number, unknown> | unknown[];
  const child = rest.length ? setIn((src as Record<string | number, unknown>)[head], rest, next) : next;
  if (Array.isArray(src)) {
    const copy = src.slice();
    copy[head as number] = child;
    return copy as T;
  }
  const copy: Record<string | number, unknown> = { ...src };
  if (child === undefined) delete copy[head];
  else copy[head] = child;
  return copy as T;
}

/** Moves an item of a list; returns the same list when the move is out of range. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return list.slice();
  const copy = list.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

export const removeItem = <T>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index);

/** `base`, `base_2`, `base_3`… : the first that is not taken. */
export function uniqueId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

// ---------------------------------------------------------------------------------------------------------
// Copy: localized text with variants

/** The variants of one locale: `"Hi"` → `["Hi"]`, missing → `[]`. */
export const variantsOf = (text: LocalizedText | undefined, locale: string): string[] => {
  const t: CopyText | undefined = text?.[locale];
  return t === undefined ? [] : Array.isArray(t) ? t.slice() : [t];
};

/** Writes the variants of one locale back: one variant is a plain string, none removes the locale. */
export function withVariants(text: LocalizedText | undefined, locale: string, variants: readonly string[]): LocalizedText {
  const out: Record<string, CopyText> = { ...(text ?? {}) };
  if (variants.length === 0) delete out[locale];
  else out[locale] = variants.length === 1 ? (variants[0] as string) : variants.slice();
  return out;
}

export interface CopyRules {
  /** The field must have copy (message `say`, ask `prompt`, a button label, a validation message). */
  required: boolean;
  defaultLocale: string;
}

/**
 * Sets variant `index` of `locale` (index = count appends). Clearing the only variant removes the locale,
 * except the default locale of a required field, which keeps `""` so that the node stays in the store and the
 * schema reports "copy cannot be empty" under that very textarea. A cleared variant among several stays `""`
 * (the writer is probably retyping it; the remove button deletes it). Returns `undefined` for an optional field
 * that no longer has any copy (the field is left out).
 */
export function setCopyVariant(text: LocalizedText | undefined, locale: string, index: number, value: string, rules: CopyRules): LocalizedText | undefined {
  const variants = variantsOf(text, locale);
  if (index >= variants.length) {
    if (value === '') return text;
    variants.push(value);
  } else variants[index] = value;
  let next: LocalizedText;
  if (variants.length === 1 && value === '') {
    next = rules.required && locale === rules.defaultLocale ? withVariants(text, locale, ['']) : withVariants(text, locale, []);
  } else next = withVariants(text, locale, variants);
  return finishCopy(next, rules);
}

export function removeCopyVariant(text: LocalizedText | undefined, locale: string, index: number, rules: CopyRules): LocalizedText | undefined {
  return finishCopy(withVariants(text, locale, removeItem(variantsOf(text, locale), index)), rules);
}

export function moveCopyVariant(text: LocalizedText | undefined, locale: string, from: number, to: number): LocalizedText | undefined {
  return text && withVariants(text, locale, moveItem(variantsOf(text, locale), from, to));
}

/** A required field keeps `{}` (reported by the schema, safe for every reader); an optional one is removed. */
const finishCopy = (text: LocalizedText, rules: CopyRules): LocalizedText | undefined => (Object.keys(text).length === 0 && !rules.required ? undefined : text);

/** Locales of the project with no copy while another locale has some: shown as "missing". */
export function missingLocales(text: LocalizedText | undefined, locales: readonly string[]): string[] {
  if (!text || Object.values(text).every((t) => (Array.isArray(t) ? t.every((s) => !s) : !t))) return [];
  return locales.filter((l) => variantsOf(text, l).every((s) => s === ''));
}

// ---------------------------------------------------------------------------------------------------------
// Renaming a node

export interface RenamePlan {
  changes: FlowChange[];
  /** Exits of other nodes (and of the node itself) that now point to the new id. */
  exits: number;
  /** Groups whose membership was updated. */
  groups: number;
}

/**
 * The changes that rename node `oldId` to `newId` in `flow`, for one `editFlow` call (one undo step): a
 * `node.update` for the node and for every node with an exit (or a jump or call into this flow) to it, and a
 * `group.update` for every group that lists it.
 */
export function planRename(flow: Flow, flowId: string, oldId: string, newId: string): RenamePlan {
  const changes: FlowChange[] = [];
  let exits = 0;
  for (const node of flow.nodes) {
    let next: FlowNode = node.id === oldId ? ({ ...node, id: newId } as FlowNode) : node;
    for (const exit of exitsOf(node)) {
      if (exit.target === oldId) {
        next = setIn(next, exit.field, newId);
        exits++;
      }
    }
    // A jump or call into this very flow that names the node.
    if ((next.kind === 'jump' || next.kind === 'call') && next.flow === flowId && next.node === oldId) {
      next = { ...next, node: newId };
      exits++;
    }
    if (next !== node) changes.push({ type: 'node.update', id: node.id, node: next });
  }
  let groups = 0;
  for (const g of flow.groups ?? []) {
    if (!g.nodes.includes(oldId)) continue;
    groups++;
    changes.push({ type: 'group.update', group: { ...g, nodes: g.nodes.map((n) => (n === oldId ? newId : n)) } });
  }
  return { changes, exits, groups };
}

/** Optional lists and maps of each kind: left out of the file when an edit empties them. */
const OPTIONAL_CONTAINERS: Partial<Record<FlowNode['kind'], readonly string[]>> = {
  start: ['triggers'],
  message: ['buttons', 'variants'],
  ask: ['validation'],
  listen: ['routes'],
  llm: ['extract', 'variants'],
  knowledge: ['sources'],
  api: ['headers', 'assign'],
  guardrail: ['topics'],
};

const isEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/**
 * After an edit: an optional list or map that the edit emptied is removed (`buttons: []`, a `validation` with
 * neither expression nor message). Only fields the edit touched, so a hand-written `routes: []` stays as it is.
 */
export function tidyNode(before: FlowNode, after: FlowNode): FlowNode {
  let out = after;
  for (const f of [...(OPTIONAL_CONTAINERS[after.kind] ?? []), 'builtinCopy']) {
    const v = (after as Record<string, unknown>)[f];
    if (v !== (before as Record<string, unknown>)[f] && isEmpty(v)) out = setIn(out, [f], undefined);
  }
  return out;
}

/** The node without `position`, compared shallowly: moving the node does not concern the inspector. */
export function sameButPosition(a: FlowNode, b: FlowNode): boolean {
  const ka = Object.keys(a).filter((k) => k !== 'position');
  const kb = Object.keys(b).filter((k) => k !== 'position');
  return ka.length === kb.length && ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

// ---------------------------------------------------------------------------------------------------------
// Validation issues of one node

export interface FieldIssue {
  severity: 'error' | 'warning';
  /** Path relative to the node, as `pathKey` writes it (`buttons[0].id`); `''` for the node as a whole. */
  path: string;
  message: string;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  expected?: string;
}

/** Zod's generic messages, in the words the rest of the studio uses. Custom messages of the schema are kept. */
export function friendlyMessage(issue: ZodIssueLike): string {
  const m = issue.message;
  if (issue.code === 'invalid_type' && /received undefined$/.test(m)) return 'required';
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'must be a whole number';
  if (issue.code === 'too_small' && m.startsWith('Too small')) {
    if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'cannot be empty';
    if (issue.origin === 'array') return `needs at least ${issue.minimum}`;
    if (issue.origin === 'number') return `must be at least ${issue.minimum}`;
  }
  if (issue.code === 'too_big' && m.startsWith('Too big')) {
    if (issue.origin === 'number') return `must be at most ${issue.maximum}`;
    if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
  }
  if (issue.code === 'invalid_value' && m.startsWith('Invalid option')) return m.replace(/^Invalid option: /, '');
  return m;
}

/** The node's own schema issues (`NODE_SCHEMAS[kind].safeParse`). */
export function schemaIssues(node: FlowNode): FieldIssue[] {
  const schema = NODE_SCHEMAS[node.kind] as unknown as { safeParse(v: unknown): { success: boolean; error?: { issues: ZodIssueLike[] } } };
  const res = schema.safeParse(node);
  if (res.success || !res.error) return [];
  return unionIssues(res.error.issues).map((i) => ({
    severity: 'error' as const,
    path: pathKey(i.path.filter((p): p is string | number => typeof p !== 'symbol')),
    message: friendlyMessage(i),
  }));
}

/** A project problem of this node, with its field made relative to the node (`nodes[3].next` → `next`). */
export function problemIssue(p: Pick<Problem, 'severity' | 'field' | 'message'>): FieldIssue {
  const m = /^nodes\[\d+\]\.?(.*)$/.exec(p.field);
  return { severity: p.severity, path: m ? (m[1] ?? '') : '', message: p.message };
}

/** Encodes a problem as one string, so a zustand selector can return a shallow-comparable list. */
export const encodeProblem = (p: Problem): string => `${p.severity}\u0001${p.field}\u0001${p.message}`;
export function decodeProblem(s: string): FieldIssue {
  const [severity, field, message] = s.split('\u0001') as [Problem['severity'], string, string];
  return problemIssue({ severity, field, message });
}

/** Groups issues by path; the same message twice at one path is shown once. */
export function indexIssues(issues: readonly FieldIssue[]): Map<string, FieldIssue[]> {
  const map = new Map<string, FieldIssue[]>();
  for (const i of issues) {
    const list = map.get(i.path) ?? [];
    if (!list.some((x) => x.message === i.message)) list.push(i);
    map.set(i.path, list);
  }
  return map;
}
