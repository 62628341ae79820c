// The questions knowledge nodes could not answer: each `retrieval` trace entry that was not grounded (the best
// passage under the node's threshold, or the model said the sources do not hold the answer) is a miss; the
// knowledge panel lists them, the same question asked again counted once, most asked first.
import type { UnansweredQuestion } from '../../shared/api/knowledge';
import type { TraceEntry } from '../../shared/engine/types';

/** One not-sure answer, where it happened. */
export interface RetrievalMiss {
  question: string;
  flow: string;
  node: string;
  from: 'simulator' | 'story';
  /** The story file, or the simulator conversation. */
  where: string;
  turn: number;
  bestScore: number | null;
  bestSource: string | null;
}

/** The misses in some turns' traces (the turns of a conversation or of a story run). */
export function retrievalMisses(
  from: RetrievalMiss['from'],
  where: string,
  turns: readonly { index: number; trace?: readonly TraceEntry[] }[],
): RetrievalMiss[] {
  const out: RetrievalMiss[] = [];
  for (const t of turns)
    for (const e of t.trace ?? []) {
      if (e.kind !== 'retrieval' || e.grounded || !e.query.trim()) continue;
      const best = e.hits[0];
      out.push({ question: e.query, flow: e.flow, node: e.node, from, where, turn: t.index, bestScore: best?.score ?? null, bestSource: best?.source ?? null });
    }
  return out;
}

const key = (q: string) => q.toLowerCase().replace(/\s+/g, ' ').trim();

/** The misses grouped by question (the latest occurrence shown), most asked first, then as they came. */
export function unansweredQuestions(misses: readonly RetrievalMiss[]): UnansweredQuestion[] {
  const groups = new Map<string, UnansweredQuestion>();
  for (const m of misses) {
    const k = key(m.question);
    const seen = groups.get(k);
    groups.set(k, { ...m, question: m.question.trim(), count: (seen?.count ?? 0) + 1 });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
