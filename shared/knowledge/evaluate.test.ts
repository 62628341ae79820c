import { describe, expect, it } from 'vitest';
import type { RetrievalHit } from '../engine/ports';
import { answers, evaluateRetrieval, KnowledgeQuestionsFile, type KnowledgeQuestion } from './evaluate';

const hit = (id: string, heading: string, score: number): RetrievalHit => ({ id, source: id.split('#')[0] as string, heading, text: '', score });
const filler = (n: number) => Array.from({ length: n }, (_, i) => hit(`z.md#${i}`, 'Z', 0.1));

// hand-computed: ranks 1, 3, none, 6 for the answerable ones; unanswerable tops 0.2 and 0.5 against 0.35
const QUESTIONS: KnowledgeQuestion[] = [
  { question: 'q1', source: 'a.md' },
  { question: 'q2', source: 'b.md', passage: 'B' },
  { question: 'q3', source: 'c.md' },
  { question: 'q4', passage: 'a.md#2' },
  { question: 'q5', unanswerable: true },
  { question: 'q6', unanswerable: true },
];
const HITS: Record<string, RetrievalHit[]> = {
  q1: [hit('a.md#0', 'A', 0.9)],
  q2: [hit('a.md#0', 'A', 0.3), hit('b.md#0', 'Doc › Other', 0.3), hit('b.md#1', 'Doc › B', 0.3)],
  q3: filler(12),
  q4: [hit('a.md#0', 'A', 0.8), ...filler(4), hit('a.md#2', 'A › C', 0.5)],
  q5: [hit('a.md#0', 'A', 0.2)],
  q6: [hit('a.md#0', 'A', 0.5), hit('a.md#1', 'A', 0.9)],
};

describe('evaluateRetrieval', () => {
  const e = evaluateRetrieval(QUESTIONS, (q) => HITS[q] ?? [], 0.35);

  it('computes recall@1, recall@5, MRR and nDCG@10 over the answerable questions', () => {
    expect(e.results.map((r) => r.rank)).toEqual([1, 3, undefined, 6, undefined, undefined]);
    expect(e).toMatchObject({ questions: 6, answerable: 4, unanswerable: 2, recallAt1: 0.25, recallAt5: 0.5 });
    expect(e.mrr).toBeCloseTo((1 + 1 / 3 + 0 + 1 / 6) / 4, 12);
    expect(e.ndcgAt10).toBeCloseTo((1 + 1 / Math.log2(4) + 0 + 1 / Math.log2(7)) / 4, 12);
    expect(e.ndcgAt10).toBeCloseTo(0.464051796777, 10);
  });

  it('counts a question as sent to not-sure when its top hit scores under the threshold', () => {
    expect(e.unanswerableNotSure).toBe(0.5); // q5 (0.2); q6's top hit is 0.5
    expect(e.answerableNotSure).toBe(0.5); // q2 (0.3) and q3 (0.1)
  });

  it('a passage is named by id, heading path or last heading, case-insensitive', () => {
    const h = hit('fees.md#1', 'Fees › ATMs', 1);
    expect(answers({ question: '', passage: 'fees.md#1' }, h)).toBe(true);
    expect(answers({ question: '', passage: 'fees › atms' }, h)).toBe(true);
    expect(answers({ question: '', source: 'fees.md', passage: 'ATMs' }, h)).toBe(true);
    expect(answers({ question: '', source: 'hours.md', passage: 'ATMs' }, h)).toBe(false);
    expect(answers({ question: '', passage: ['Cards', 'ATMs'] }, h)).toBe(true);
    expect(answers({ question: '', passage: 'Fees' }, h)).toBe(false);
  });

  it('the file schema names what is wrong', () => {
    const r = KnowledgeQuestionsFile.safeParse({ questions: [{ question: 'q' }, { question: 'q', unanswerable: true, source: 'a.md' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['questions.0.source', 'name the document (source) or passage that answers it, or set unanswerable: true'],
      ['questions.1.unanswerable', 'an unanswerable question names no source or passage'],
    ]);
  });
});
