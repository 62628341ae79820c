import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readLabelledCsv, type LabelledRow } from '../../shared/nlu/csv';
import { trainAndEvaluate, type EvaluationDetail, type EvaluationReport } from '../../shared/nlu/evaluate';
import { evaluateOpenIntents, type OpenIntentReport } from '../../shared/nlu/openIntent';

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

// ---- open intents: `parley nlu evaluate --open-intents 0.75 --seeds 5` -------------------------------------------

export interface OpenIntentCliOptions {
  /** Share of the intents trained on. */
  knownShare: number;
  /** Seeds 1..seeds. */
  seeds: number;
  /** The rejection budget (TrainIntentOptions.maxAccuracyLoss); the model's default when absent. */
  maxAccuracyLoss?: number;
  /** Also today's model with a threshold chosen on the test rows at this accuracy loss (default 0.01). */
  baselineLoss?: number;
  /** False: without the combined out-of-scope score (TrainIntentOptions.scope). */
  scope?: boolean;
}

export interface OpenIntentEvaluation {
  report: OpenIntentReport;
  train: { file: string; rows: number; intents: number };
  test: { file: string; rows: number };
}

/** Runs the open-intent protocol (shared/nlu/openIntent.ts) on two CSVs. */
export async function evaluateOpenIntentFiles(trainFile: string, testFile: string, o: OpenIntentCliOptions): Promise<OpenIntentEvaluation> {
  const [train, test] = await Promise.all([readLabelledFile(trainFile, 'train'), readLabelledFile(testFile, 'test')]);
  const intents = new Set(train.map((r) => r.label)).size;
  if (intents < 3) throw new NluInputError(`--train file ${trainFile} has ${intents} intents: the open-intent evaluation needs at least 3`);
  const report = evaluateOpenIntents(train, test, {
    knownShare: o.knownShare,
    seeds: Array.from({ length: o.seeds }, (_, i) => i + 1),
    baselineLoss: o.baselineLoss ?? 0.01,
    train: { ...(o.maxAccuracyLoss !== undefined ? { maxAccuracyLoss: o.maxAccuracyLoss } : {}), ...(o.scope === false ? { scope: false } : {}) },
    now: () => performance.now(),
  });
  return { report, train: { file: trainFile, rows: train.length, intents }, test: { file: testFile, rows: test.length } };
}

/** The `--json` object of the open-intent evaluation: the means, and each seed's figures, rounded. */
export function openIntentJson(r: OpenIntentReport): unknown {
  return JSON.parse(JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? round(v, 4) : v)));
}

export function formatOpenIntents(e: OpenIntentEvaluation): string {
  const r = e.report;
  const m = r.mean;
  const f = (v: number) => v.toFixed(3);
  const pts = (v: number) => `${(v * 100).toFixed(1)} points`;
  const seeds = r.seeds.map((s) => s.seed).join(', ');
  const first = r.seeds[0]!;
  const lines = [
    `train: ${e.train.rows.toLocaleString('en-US')} rows, ${e.train.intents} intents (${path.basename(e.train.file)}); test: ${e.test.rows.toLocaleString('en-US')} rows (${path.basename(e.test.file)})`,
    `open intents: trained on ${first.knownIntents} intents (${Math.round(r.knownShare * 100)}%), the other ${first.unseenIntents} out of scope; seeds ${seeds}; means:`,
    `in-scope accuracy     ${f(m.inScopeAccuracy)} (${f(m.accuracyNoReject)} without rejection: ${pts(m.accuracyLost)} lost)`,
    `                      recall  precision  AUROC`,
    `unseen intents        ${f(m.unseen.recall)}   ${f(m.unseen.precision)}      ${f(m.unseen.auroc)}   (${Math.round(m.unseen.rows)} rows a seed)`,
    `gibberish, off-topic  ${f(m.gibberish.recall)}   ${f(m.gibberish.precision)}      ${f(m.gibberish.auroc)}   (${Math.round(m.gibberish.rows)} rows a seed)`,
  ];
  if (m.baseline) {
    lines.push(
      `without the detector  unseen recall ${f(m.baseline.unseenRecall)} at ${pts(m.baseline.accuracyLost)} lost (top-confidence threshold chosen on the test rows)`,
    );
  }
  lines.push(`training              ${m.trainSeconds.toFixed(2)} s a seed`);
  lines.push('per seed (unseen recall / gibberish recall / accuracy lost):');
  for (const s of r.seeds) lines.push(`  seed ${s.seed}: ${f(s.unseen.recall)} / ${f(s.gibberish.recall)} / ${pts(s.accuracyLost)}`);
  return lines.join('\n');
}
