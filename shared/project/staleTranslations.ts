// Translations to review. When the studio changes a line's default-locale text, its translations were written
// for the old text: each one becomes stale until a writer reviews it, kept on the node as
// `staleTranslations: { <stable copy id>: { <locale>: <the default text it was written for> } }` (so it travels
// with the node through renames, moves and git, and an undo takes it back with the edit). Editing the translation,
// or marking it reviewed, ends it; so does the default text going back to what the translation was written for.
// Edits outside the studio (a text editor, a merge) mark nothing.
import type { LocalizedText } from '../schema/common';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';
import { copyKeyOf, forEachCopy } from './copy';

type Text = LocalizedText[string];

const same = (a: Text | undefined, b: Text | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const hasText = (t: Text | undefined) => t !== undefined && (Array.isArray(t) ? t.some((x) => x.trim() !== '') : t.trim() !== '');
/** The default text as a reviewer reads it: variants one per line. */
const asSource = (t: Text) => (Array.isArray(t) ? t.join('\n') : t);

/** A node's lines by stable copy id. */
function linesOf(node: FlowNode): Map<string, LocalizedText> {
  const out = new Map<string, LocalizedText>();
  forEachCopy(node, (path, text) => {
    const id = node.copyIds?.[copyKeyOf(node, path)];
    if (id) out.set(id, text);
  });
  return out;
}

/**
 * `next`, an edit of node `prev`, with its stale translations brought up to date: a line whose default text the
 * edit changed makes its other translations stale (recording the text they were written for, the oldest one if
 * already stale); a translation the edit changed, or one whose default text is back to what it was written for,
 * is no longer stale; lines the node no longer has are dropped. The same object when nothing changes.
 */
export function withStaleTranslations(prev: FlowNode, next: FlowNode, defaultLocale: string): FlowNode {
  const before = linesOf(prev);
  const after = linesOf(next);
  const stale: Record<string, Record<string, string>> = {};
  for (const [id, text] of after) {
    const old = before.get(id);
    const was = next.staleTranslations?.[id] ?? {};
    const marks: Record<string, string> = {};
    for (const loc of Object.keys(text)) {
      if (loc === defaultLocale || !hasText(text[loc])) continue;
      const source = text[defaultLocale];
      const recorded = was[loc];
      const translationEdited = old !== undefined && !same(old[loc], text[loc]);
      if (translationEdited) continue;
      if (recorded !== undefined) {
        if (source === undefined || recorded !== asSource(source)) marks[loc] = recorded;
      } else if (old !== undefined && old[defaultLocale] !== undefined && !same(old[defaultLocale], source)) marks[loc] = asSource(old[defaultLocale]!);
    }
    if (Object.keys(marks).length) stale[id] = marks;
  }
  const unchanged = JSON.stringify(next.staleTranslations ?? {}) === JSON.stringify(stale);
  if (unchanged) return next;
  const { staleTranslations: _old, ...rest } = next;
  return (Object.keys(stale).length ? { ...rest, staleTranslations: stale } : rest) as FlowNode;
}

/** `after`, an edit of flow `before`, with the stale translations of the nodes the edit changed brought up to date. */
export function withFlowStaleTranslations(before: Flow, after: Flow, defaultLocale: string): Flow {
  if (after === before) return after;
  const prevById = new Map(before.nodes.map((n) => [n.id, n]));
  const old = new Set(before.nodes);
  let changed = false;
  const nodes = after.nodes.map((n) => {
    if (old.has(n)) return n;
    const prev = prevById.get(n.id);
    if (!prev) return n;
    const next = withStaleTranslations(prev, n, defaultLocale);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...after, nodes } : after;
}

/** The node with the translation of line `copyId` into `locale` reviewed: no longer stale. */
export function markReviewed<N extends FlowNode>(node: N, copyId: string, locale: string): N {
  const marks = node.staleTranslations?.[copyId];
  if (!marks || !Object.hasOwn(marks, locale)) return node;
  const { [locale]: _done, ...restMarks } = marks;
  const { [copyId]: _line, ...restLines } = node.staleTranslations!;
  const lines = Object.keys(restMarks).length ? { ...restLines, [copyId]: restMarks } : restLines;
  const { staleTranslations: _old, ...rest } = node;
  return (Object.keys(lines).length ? { ...rest, staleTranslations: lines } : rest) as N;
}
