import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readLabelledCsv, type LabelledRow } from '../../shared/nlu/csv';
import { trainAndEvaluate, type EvaluationDetail, type EvaluationReport } from '../../shared/nlu/evaluate';

/** A problem with an input file: the message names the file and what is wrong. */
export class NluInputError extends Error {
  override name = 'NluInputError';
}

/** Reads a `text,category` CSV, or throws NluInputError naming the file. */
export async function readLabelledFile(file: string, role: 'train' | 'test'): Promise<LabelledRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new NluInputError(`cannot read --${role} file ${file}: ${why}`);
  }
  if (!text.trim()) throw new NluInputError(`--${role} file ${file} is empty (expected a header "text,category" and rows)`);
  try {
    return readLabelledCsv(text);
  } catch (e) {
    throw new NluInputError(`--${role} file ${file} ${(e as Error).message}`);
  }
}

export interface NluEvaluation {
  report: EvaluationDetail;
  train: { file: string; rows: number; intents: number };
  test: { file: string; rows: number };
}

/** Trains the intent classifier on one CSV and evaluates it on another, as `parley nlu evaluate` does. */
export async function evaluateFiles(trainFile: string, testFile: string): Promise<NluEvaluation> {
  const [train, test] = await Promise.all([readLabelledFile(trainFile, 'train'), readLabelledFile(testFile, 'test')]);
  const { report } = trainAndEvaluate(train, test, {}, () => performance.now());
  return {
    report,
    train: { file: trainFile, rows: train.length, intents: new Set(train.map((r) => r.label)).size },
    test: { file: testFile, rows: test.length },
  };
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** The `--json` object: exactly the EvaluationReport keys. */
export function evaluationJson(r: EvaluationReport): EvaluationReport {
  const opt = (v: number | null) => (v === null ? null : round(v, 4));
  return {
    accuracy: round(r.accuracy, 4),
    inScopeAccuracy: round(r.inScopeAccuracy, 4),
    macroF1: round(r.macroF1, 4),
    oosRecall: opt(r.oosRecall),
    oosPrecision: opt(r.oosPrecision),
    ece: round(r.ece, 4),
    trainSeconds: round(r.trainSeconds, 3),
  };
}

export function formatEvaluation(e: NluEvaluation): string {
  const r = e.report;
  const f = (v: number) => v.toFixed(4);
  const n = (v: number) => v.toLocaleString('en-US');
  const noOos = 'n/a (no oos rows in the test set)';
  const rows: [string, string][] = [
    ['accuracy', f(r.accuracy)],
    ['in-scope accuracy', f(r.inScopeAccuracy)],
    ['macro-F1', f(r.macroF1)],
    ['oos recall', r.oosRecall === null ? noOos : f(r.oosRecall)],
    ['oos precision', r.oosPrecision === null ? noOos : f(r.oosPrecision)],
    ['ECE (15 bins)', f(r.ece)],
    ['training', `${r.trainSeconds.toFixed(2)} s`],
    ['prediction', `${n(Math.round(r.rows / Math.max(r.predictSeconds, 1e-9)))} utterances/s`],
  ];
  return [
    `train: ${n(e.train.rows)} rows, ${e.train.intents} intents (${path.basename(e.train.file)})`,
    `test:  ${n(e.test.rows)} rows (${path.basename(e.test.file)})`,
    ...rows.map(([k, v]) => `${k.padEnd(18)} ${v}`),
  ].join('\n');
}
