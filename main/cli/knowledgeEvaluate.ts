// `parley knowledge evaluate <projectDir> [--questions file.yaml] [--min-score n] [--json]`: runs a questions file
// against the project's knowledge index (the one the simulator and stories use) and prints recall@1, recall@5, MRR,
// nDCG@10 and the share of unanswerable questions sent to not-sure. The questions file defaults to
// evaluation/knowledge-questions.yaml in the project: outside knowledge/, so it is never indexed.
// Exit 0 with figures, 2 when the project or the questions file cannot be read (the message names the file and field).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluateRetrieval, KnowledgeQuestionsFile, type KnowledgeQuestion, type RetrievalEvaluation } from '../../shared/knowledge/evaluate';
import { parseYaml } from '../../shared/project/parse';
import { knowledgeIndexFor } from '../services/knowledgeIndex';

export const DEFAULT_QUESTIONS = 'evaluation/knowledge-questions.yaml';

export interface KnowledgeEvaluateOptions {
  questions?: string;
  minScore?: number;
  json?: boolean;
  /** Tests: where the persisted index goes. */
  cacheDir?: string;
}

export class QuestionsFileError extends Error {}

/** The questions of a file, validated; a problem names the file and the field. */
export async function readQuestions(file: string, display = file): Promise<{ questions: KnowledgeQuestion[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new QuestionsFileError(`${display}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const parsed = parseYaml(display, text);
  const problem = parsed.problems[0];
  if (problem) throw new QuestionsFileError(`${display}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`);
  const result = KnowledgeQuestionsFile.safeParse(parsed.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    const line = issue ? parsed.lineOf(issue.path as PropertyKey[]) : undefined;
    throw new QuestionsFileError(`${display}${line ? `:${line}` : ''}: ${field || '(top level)'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export interface KnowledgeEvaluateRun {
  evaluation: RetrievalEvaluation;
  documents: number;
  passages: number;
  questionsFile: string;
}

export async function evaluateKnowledge(projectDir: string, o: KnowledgeEvaluateOptions = {}): Promise<KnowledgeEvaluateRun> {
  const dir = path.resolve(projectDir);
  const questionsFile = o.questions ? path.resolve(o.questions) : path.join(dir, DEFAULT_QUESTIONS);
  const display = o.questions ?? DEFAULT_QUESTIONS;
  const { questions } = await readQuestions(questionsFile, display);
  const index = await knowledgeIndexFor(dir, o.cacheDir ? { cacheDir: o.cacheDir } : {});
  if (!index.docs.length) throw new QuestionsFileError(`${projectDir}: no documents in knowledge/ to evaluate`);
  const sources = new Set(index.docs.map((d) => d.source));
  questions.forEach((q, i) => {
    if (q.source && !sources.has(q.source))
      throw new QuestionsFileError(`${display}: questions.${i}.source: ${q.source} is not a document in knowledge/ (${[...sources].join(', ')})`);
  });
  const evaluation = evaluateRetrieval(questions, (q) => index.search(q, { sources: [], limit: 10 }), o.minScore ?? index.minScore);
  return { evaluation, documents: index.docs.length, passages: index.docs.reduce((n, d) => n + d.chunks, 0), questionsFile: display };
}

const f3 = (v: number) => v.toFixed(3);

export function formatKnowledgeEvaluation(run: KnowledgeEvaluateRun): string {
  const e = run.evaluation;
  const unanswerableRight = e.results.filter((r) => r.unanswerable && r.notSure).length;
  const answerableNotSure = e.results.filter((r) => !r.unanswerable && r.notSure).length;
  const lines = [
    `${run.questionsFile}: ${e.questions} questions (${e.answerable} answerable, ${e.unanswerable} unanswerable) against ${run.documents} documents, ${run.passages} passages`,
    `  recall@1   ${f3(e.recallAt1)}`,
    `  recall@5   ${f3(e.recallAt5)}`,
    `  MRR        ${f3(e.mrr)}`,
    `  nDCG@10    ${f3(e.ndcgAt10)}`,
    `  unanswerable sent to not-sure  ${f3(e.unanswerableNotSure)} (${unanswerableRight} of ${e.unanswerable}, top score under ${e.minScore})`,
    `  answerable sent to not-sure    ${f3(e.answerableNotSure)} (${answerableNotSure} of ${e.answerable})`,
  ];
  const misses = e.results.filter((r) => (!r.unanswerable && (r.rank === undefined || r.rank > 5)) || (r.unanswerable && !r.notSure));
  if (misses.length) {
    lines.push('misses:');
    for (const r of misses) {
      const top = r.top[0] ? `${r.top[0].id} (${r.top[0].heading}, ${r.top[0].score})` : 'nothing';
      lines.push(
        r.unanswerable ? `  unanswerable, answered: "${r.question}" → ${top}` : `  not in the top 5: "${r.question}" (expected ${r.expected}) → ${top}`,
      );
    }
  }
  return lines.join('\n');
}

export function knowledgeEvaluationJson(run: KnowledgeEvaluateRun): Record<string, unknown> {
  const { results, ...figures } = run.evaluation;
  return { ...figures, documents: run.documents, passages: run.passages, questionsFile: run.questionsFile, results };
}

export async function runKnowledgeEvaluate(
  projectDir: string,
  o: KnowledgeEvaluateOptions,
  io: { write(s: string): void; err(s: string): void },
): Promise<number> {
  try {
    const run = await evaluateKnowledge(projectDir, o);
    io.write((o.json ? JSON.stringify(knowledgeEvaluationJson(run)) : formatKnowledgeEvaluation(run)) + '\n');
    return 0;
  } catch (e) {
    io.err(`parley knowledge evaluate: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}
