// Benchmark of the embedded intent classifier on BANKING77 (77 intents, 10,003 training and 3,080 test
// utterances): training time, accuracy, macro-F1, calibration (ECE) and prediction throughput, next to a
// baseline measured in the same run — word 1-2-gram TF-IDF with one-vs-rest linear SVMs (liblinear `-s 1`), the
// classic reference the dataset's README quotes at about 89.4% — printed as ratios, so the figures mean
// something on any machine. Also the acme-bank sample's training time. It reports; it does not gate.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { expectedCalibrationError, softmaxInto } from '../../shared/nlu/calibration';
import { trainIntentModel } from '../../shared/nlu/classifier';
import { readLabelledCsv, type LabelledRow } from '../../shared/nlu/csv';
import { evaluateModel, scorePredictions } from '../../shared/nlu/evaluate';
import { DEFAULT_FEATURES, fitVectorizer } from '../../shared/nlu/features';
import { buildProjectNlu } from '../../shared/nlu/project';
import { DEFAULT_SVM, scoreRow, trainOvrSvm } from '../../shared/nlu/svm';
import { NluFile } from '../../shared/schema/project';

const root = path.resolve(import.meta.dirname, '../..');
const data = process.env.PARLEY_BANKING77 ?? path.resolve(root, '../shared/data/banking77');
if (!existsSync(path.join(data, 'train.csv'))) {
  console.log(`\nnlu: BANKING77 not found in ${data} (set PARLEY_BANKING77 to its folder); skipped`);
  process.exit(0);
}
const train = readLabelledCsv(readFileSync(path.join(data, 'train.csv'), 'utf8'));
const test = readLabelledCsv(readFileSync(path.join(data, 'test.csv'), 'utf8'));

/** Utterances per second of `predict` over the test set, repeated for at least `minMs`. */
function throughput(predict: (text: string) => unknown, rows: readonly LabelledRow[], minMs = 500): number {
  for (const r of rows.slice(0, 200)) predict(r.text); // warm up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    for (const r of rows) predict(r.text);
    n += rows.length;
  }
  return n / ((performance.now() - t0) / 1000);
}

// ---- Parley's classifier -------------------------------------------------------------------------------------
let t0 = performance.now();
const model = trainIntentModel(train.map((r) => ({ text: r.text, intent: r.label })));
const ours = evaluateModel(model, test, (performance.now() - t0) / 1000, 'oos', () => performance.now());
const oursPerSecond = throughput((t) => model.predict(t), test);

// ---- baseline: word 1-2-gram TF-IDF + one-vs-rest linear SVM ----------------------------------------------------
t0 = performance.now();
const labels = [...new Set(train.map((r) => r.label))].sort();
const index = new Map(labels.map((l, i) => [l, i]));
const { vectorizer, matrix } = fitVectorizer(
  train.map((r) => r.text),
  { ...DEFAULT_FEATURES, charMin: 1, charMax: 0, wordMax: 2 },
);
const svm = trainOvrSvm(matrix, Int32Array.from(train, (r) => index.get(r.label)!), labels.length, DEFAULT_SVM);
const baseSeconds = (performance.now() - t0) / 1000;
const scores = new Float64Array(labels.length);
const basePredict = (text: string): number => {
  const row = vectorizer.transform(text);
  scoreRow(svm, row.idx, row.val, row.length, scores);
  let best = 0;
  for (let k = 1; k < scores.length; k++) if (scores[k]! > scores[best]!) best = k;
  return best;
};
const basePred = test.map((r) => labels[basePredict(r.text)]!);
const base = scorePredictions(
  test.map((r) => r.label),
  basePred,
);
// the baseline's "confidence": a plain softmax of its scores, uncalibrated
const probs = new Float64Array(labels.length);
const baseTop = test.map((r) => {
  basePredict(r.text);
  softmaxInto(scores, 0, labels.length, 1, probs);
  return Math.max(...probs);
});
const baseEce = expectedCalibrationError(
  baseTop,
  basePred.map((p, i) => p === test[i]!.label),
);
const basePerSecond = throughput(basePredict, test);

// ---- the sample project -----------------------------------------------------------------------------------------
const sample = NluFile.parse(parse(readFileSync(path.join(root, 'examples/acme-bank/nlu.yaml'), 'utf8')));
buildProjectNlu(sample); // warm up
t0 = performance.now();
const runs = 20;
for (let i = 0; i < runs; i++) buildProjectNlu(sample);
const sampleMs = (performance.now() - t0) / runs;

const f4 = (v: number) => v.toFixed(4);
const rows: string[][] = [
  ['', 'parley', 'baseline', 'ratio'],
  ['accuracy', f4(ours.accuracy), f4(base.accuracy), (ours.accuracy / base.accuracy).toFixed(3) + 'x'],
  ['errors', String(Math.round((1 - ours.accuracy) * test.length)), String(Math.round((1 - base.accuracy) * test.length)), ((1 - ours.accuracy) / (1 - base.accuracy)).toFixed(2) + 'x'],
  ['macro-F1', f4(ours.macroF1), f4(base.macroF1), (ours.macroF1 / base.macroF1).toFixed(3) + 'x'],
  ['ECE (15 bins)', f4(ours.ece), f4(baseEce) + ' (softmax, T=1)', (ours.ece / baseEce).toFixed(2) + 'x'],
  ['training s', ours.trainSeconds.toFixed(2), baseSeconds.toFixed(2), (ours.trainSeconds / baseSeconds).toFixed(2) + 'x'],
  ['utterances/s', Math.round(oursPerSecond).toLocaleString('en-US'), Math.round(basePerSecond).toLocaleString('en-US'), (oursPerSecond / basePerSecond).toFixed(2) + 'x'],
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`\nnlu: BANKING77 (${train.length.toLocaleString('en-US')} train, ${test.length.toLocaleString('en-US')} test, ${labels.length} intents)`);
console.log('parley: char 3-5 + word 1-2 gram TF-IDF, Crammer-Singer SVM, fitted temperature; baseline: word 1-2 gram TF-IDF + one-vs-rest SVM');
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
console.log(`targets: accuracy >= 0.91 ${ours.accuracy >= 0.91 ? 'ok' : 'MISSED'}, training < 10 s ${ours.trainSeconds < 10 ? 'ok' : 'MISSED'}`);
console.log(`acme-bank sample (en + es, ${sample.intents.length} intents): ${sampleMs.toFixed(1)} ms to train`);
