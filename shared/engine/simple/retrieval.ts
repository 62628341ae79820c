// A small knowledge-base search for the `knowledge` node: markdown files split into passages (paragraphs and
// list items, each with its section heading), ranked with MiniSearch (BM25), scored for grounding by how
// much of the question the passage covers (idf-weighted share of the query's content words, in [0, 1]).
// A later service may replace it with embeddings; the port stays the same.
import MiniSearch from 'minisearch';
import type { RetrievalHit, RetrievalPort } from '../ports';

export interface KnowledgeDoc {
  /** File name under knowledge/, e.g. `hours.md`. */
  source: string;
  text: string;
}

interface Passage {
  id: number;
  source: string;
  heading: string;
  text: string;
}

const STOP = new Set(
  'a an and are as at be can could did do does for from get got have how i if in is it its me my of on or our please should tell than that the their them then there these they this to was we what when where which who why will with would you your yours about any'.split(
    ' ',
  ),
);

/** Lower-case, strip markdown, crude stemming (opening → open, hours → hour). */
export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => !STOP.has(t)).map(stem);
}

function stem(t: string): string {
  if (t.length > 5 && t.endsWith('ing')) return t.slice(0, -3);
  if (t.length > 4 && t.endsWith('ed')) return t.slice(0, -2);
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) return t.slice(0, -1);
  return t;
}

const plain = (md: string) =>
  md
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/^\s*[-*]\s+/, '')
    .trim();

export function splitPassages(doc: KnowledgeDoc, startId = 0): Passage[] {
  const out: Passage[] = [];
  let heading = '';
  let id = startId;
  for (const block of doc.text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim());
    for (const line of lines) {
      const h = /^#{1,6}\s+(.*)$/.exec(line);
      if (h) heading = (h[1] ?? '').trim();
    }
    const body = lines.filter((l) => !/^#{1,6}\s/.test(l) && !/^\s*\|?\s*-{3,}/.test(l));
    if (!body.length) continue;
    if (body.every((l) => /^\s*[-*]\s+/.test(l))) for (const item of body) out.push({ id: id++, source: doc.source, heading, text: plain(item) });
    else out.push({ id: id++, source: doc.source, heading, text: body.map(plain).join(' ') });
  }
  return out;
}

export function createKnowledgeIndex(docs: KnowledgeDoc[]): RetrievalPort & { size: number } {
  const passages: Passage[] = [];
  for (const d of docs) passages.push(...splitPassages(d, passages.length));
  const df = new Map<string, number>();
  const termSets = passages.map((p) => new Set(terms(`${p.heading} ${p.text}`)));
  for (const set of termSets) for (const t of set) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + passages.length / (df.get(t) ?? 0.5));
  const index = new MiniSearch<Passage>({
    fields: ['heading', 'text'],
    storeFields: ['source'],
    processTerm: (t) => (STOP.has(t.toLowerCase()) ? null : stem(t.toLowerCase())),
    searchOptions: { boost: { heading: 1.5 }, prefix: true, fuzzy: 0.15 },
  });
  index.addAll(passages);
  return {
    size: passages.length,
    search(query, { sources, limit }) {
      const q = [...new Set(terms(query))];
      if (!q.length) return [];
      const total = q.reduce((s, t) => s + idf(t), 0);
      const filter = sources.length ? (r: { source: string }) => sources.includes(r.source) : undefined;
      const results = index.search(query, filter ? { filter: (r) => filter(r as unknown as { source: string }) } : {});
      const hits: RetrievalHit[] = results.slice(0, Math.max(limit * 4, 10)).map((r) => {
        const p = passages[r.id as number] as Passage;
        const have = termSets[p.id] as Set<string>;
        const covered = q.reduce((s, t) => s + (have.has(t) ? idf(t) : 0), 0);
        return { source: p.source, text: p.text, score: Math.round((covered / total) * 1000) / 1000 };
      });
      // coverage first (grounding), BM25 order among equals (sort is stable)
      return hits.sort((a, b) => b.score - a.score).slice(0, limit);
    },
  };
}
