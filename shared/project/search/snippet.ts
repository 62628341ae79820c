import { toSource } from './fold';
import { GROUPS } from './groups';
import { foldedOf, type NodeDoc, type Segment } from './segments';
import { spans } from './terms';
import type { Snippet } from './types';

// Which text of a matched node to show, and the window of it with the matching words highlighted.

/** The query term a matched document term stands for: the one it equals or extends, else the closest (a typo). */
function queryTermOf(term: string, queryTerms: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const q of queryTerms) {
    if (term.startsWith(q)) return q;
    const d = editDistance(term, q);
    if (d < bestDistance) [best, bestDistance] = [q, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The segment that shows most of the query's words (copy first on a tie), with the ranges of the matching
 * terms in its text: a node matched by its copy and its flow's name shows the copy.
 */
export function bestSegment(doc: NodeDoc, matched: readonly string[], queryTerms: readonly string[]): { seg: Segment; ranges: [number, number][] } {
  const want = new Map<string, string | undefined>(matched.map((t) => [t, queryTermOf(t, queryTerms)]));
  let best: { seg: Segment; count: number; ranges: [number, number][] } | undefined;
  for (const group of GROUPS) {
    for (const seg of doc.segments) {
      if (seg.group !== group) continue;
      const f = foldedOf(seg);
      const covered = new Set<string | undefined>();
      const ranges: [number, number][] = [];
      for (const s of spans(f.text)) {
        if (!want.has(s.term)) continue;
        covered.add(want.get(s.term));
        ranges.push([toSource(f, s.start), toSource(f, s.end)]);
      }
      if (covered.size > (best?.count ?? 0)) best = { seg, count: covered.size, ranges };
    }
  }
  const seg = best?.seg ?? doc.segments[0] ?? { group: 'ids' as const, field: 'id', label: 'Node id', text: doc.node.id };
  return { seg, ranges: mergeRanges(best?.ranges ?? []) };
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

const SNIPPET_MAX = 140;
const SNIPPET_LEAD = 40;

/** A window of the segment's text around the first range; ranges are moved into the window. */
export function snippetOf(seg: Segment, ranges: [number, number][]): Snippet {
  const full = seg.text.replace(/\s/g, ' ');
  const valid = mergeRanges(ranges);
  if (full.length <= SNIPPET_MAX) return { text: full, ranges: valid };
  const [first0, first1] = valid[0] ?? [0, 0];
  let start = Math.max(0, first0 - SNIPPET_LEAD);
  if (start > 0) {
    const space = full.indexOf(' ', start);
    if (space >= 0 && space < first0) start = space + 1;
  }
  let end = Math.min(full.length, Math.max(start + SNIPPET_MAX, first1));
  if (end < full.length) {
    const space = full.lastIndexOf(' ', end);
    if (space > first1) end = space;
  }
  const lead = start > 0 ? '…' : '';
  const text = `${lead}${full.slice(start, end)}${end < full.length ? '…' : ''}`;
  const shift = lead.length - start;
  const moved = valid.filter(([a, b]) => b > start && a < end).map(([a, b]): [number, number] => [Math.max(a, start) + shift, Math.min(b, end) + shift]);
  return { text, ranges: moved };
}
