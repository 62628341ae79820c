// Retrieval evaluation: a questions file (each question with the document or passage that answers it, or
// `unanswerable: true`) run against a search, scored with recall@1, recall@5, MRR and nDCG@10 over the answerable
// questions, and the share of unanswerable questions sent to not-sure (the top hit's score under the threshold, as
// the knowledge node decides).
//
// One answer per question: a hit answers it when it is in the named document (`source`) and, when `passage` is
// given, is that passage (its id `fees.md#2`, its heading path `Fees › ATMs`, or the last heading of the path
// `ATMs`, case-insensitive; a list of them means any). So recall@k is the share of answerable questions with an
// answering hit in the top k; MRR the mean of 1/rank of the first answering hit in the top 10 (0 without one);
// nDCG@10 the mean of 1/log2(1 + that rank) (the ideal ranking has the answer first, so its DCG is 1).
import { z } from 'zod';
import type { RetrievalHit } from '../engine/ports';
import { HEADING_SEPARATOR } from './chunk';

const Passage = z.string().min(1).max(500);

export const KnowledgeQuestion = z
  .strictObject({
    question: z.string().min(1).max(2000),
    /** The document (file name under knowledge/) that answers it. */
    source: z.string().min(1).max(500).optional(),
    /** The passage that answers it: an id (`fees.md#2`), a heading path, or its last heading; or a list of them. */
    passage: z.union([Passage, z.array(Passage).min(1)]).optional(),
    /** The documents do not answer it: the knowledge node should take its not-sure exit. */
    unanswerable: z.literal(true).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.unanswerable && (q.source || q.passage))
      ctx.addIssue({ code: 'custom', path: ['unanswerable'], message: 'an unanswerable question names no source or passage' });
    if (!q.unanswerable && !q.source && !q.passage)
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'name the document (source) or passage that answers it, or set unanswerable: true' });
  });
export type KnowledgeQuestion = z.infer<typeof KnowledgeQuestion>;

export const KnowledgeQuestionsFile = z.strictObject({ questions: z.array(KnowledgeQuestion).min(1).max(100_000) });

export interface QuestionResult {
  question: string;
  unanswerable: boolean;
  /** 1-based rank of the first hit that answers it, in the top 10 (answerable questions). */
  rank?: number;
  bestScore: number;
  notSure: boolean;
  top: { id: string; heading: string; score: number }[];
  expected?: string;
}

export interface RetrievalEvaluation {
  questions: number;
  answerable: number;
  unanswerable: number;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  ndcgAt10: number;
  /** Unanswerable questions whose top hit scores under minScore (the not-sure exit), over all unanswerable ones. */
  unanswerableNotSure: number;
  /** Answerable questions that would take the not-sure exit, over all answerable ones. */
  answerableNotSure: number;
  minScore: number;
  results: QuestionResult[];
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** Whether a hit answers the question. */
export function answers(q: KnowledgeQuestion, hit: RetrievalHit): boolean {
  if (q.source && hit.source !== q.source) return false;
  if (!q.passage) return true;
  const heading = norm(hit.heading ?? '');
  const last = heading.split(HEADING_SEPARATOR.trim()).pop()?.trim() ?? '';
  return (Array.isArray(q.passage) ? q.passage : [q.passage]).some((p) => {
    const want = norm(p);
    return hit.id === p || want === heading || want === last || (want.includes('›') && heading.endsWith(want));
  });
}

const expectedOf = (q: KnowledgeQuestion): string =>
  [q.source, ...(q.passage === undefined ? [] : Array.isArray(q.passage) ? [q.passage.join(' | ')] : [q.passage])].filter(Boolean).join(' › ');

/** Runs the questions through `search` (top 10 of every document) and scores the ranking. */
export function evaluateRetrieval(
  questions: readonly KnowledgeQuestion[],
  search: (question: string) => readonly RetrievalHit[],
  minScore: number,
): RetrievalEvaluation {
  const results: QuestionResult[] = questions.map((q) => {
    const hits = search(q.question).slice(0, 10);
    const bestScore = hits[0]?.score ?? 0; // the top hit's, as the knowledge node reads it
    const at = q.unanswerable ? -1 : hits.findIndex((h) => answers(q, h));
    return {
      question: q.question,
      unanswerable: Boolean(q.unanswerable),
      ...(at >= 0 ? { rank: at + 1 } : {}),
      bestScore,
      notSure: bestScore < minScore,
      top: hits.slice(0, 5).map((h) => ({ id: h.id ?? h.source, heading: h.heading ?? '', score: h.score })),
      ...(q.unanswerable ? {} : { expected: expectedOf(q) }),
    };
  });
  const answerable = results.filter((r) => !r.unanswerable);
  const unanswerable = results.filter((r) => r.unanswerable);
  const share = (n: number, of: number) => (of ? n / of : 0);
  const mean = (f: (r: QuestionResult) => number) =>
    share(
      answerable.reduce((s, r) => s + f(r), 0),
      answerable.length,
    );
  return {
    questions: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt1: mean((r) => (r.rank === 1 ? 1 : 0)),
    recallAt5: mean((r) => (r.rank !== undefined && r.rank <= 5 ? 1 : 0)),
    mrr: mean((r) => (r.rank ? 1 / r.rank : 0)),
    ndcgAt10: mean((r) => (r.rank ? 1 / Math.log2(1 + r.rank) : 0)),
    unanswerableNotSure: share(unanswerable.filter((r) => r.notSure).length, unanswerable.length),
    answerableNotSure: share(answerable.filter((r) => r.notSure).length, answerable.length),
    minScore,
    results,
  };
}
