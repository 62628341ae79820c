// The NLU bench's baseline, the strongest classical text classifier: word 1-2-gram plus character 2-5-gram
// TF-IDF (scikit-learn's `char_wb`, sublinear TF, each block L2-normalised) with one-vs-rest linear SVMs
// (liblinear `-s 1`, its default tolerance and iteration limit), C chosen on a held-out slice of the training
// set, and confidences from a softmax whose temperature is fitted on that slice exactly as Parley's are
// (calibration.ts). No npm package offers liblinear, so the SVM is svm.ts's port of `-s 1`; on this data it
// agrees with liblinear 2.3's own `-s 1` on 99.8% of BANKING77's test rows.
import { fitTemperature, softmaxInto } from '../../shared/nlu/calibration';
import { DEFAULT_FEATURES, fitVectorizer, type FeatureOptions, type SparseMatrix } from '../../shared/nlu/features';
import { scoreRow, trainOvrSvm, type LinearModel, type SvmOptions } from '../../shared/nlu/svm';
import { seededRandom, shuffleInPlace } from '../../shared/util/random';

export const BASELINE_FEATURES: FeatureOptions = { ...DEFAULT_FEATURES, charMin: 2, charMax: 5, wordMax: 2, charSpan: 'word', sublinearTf: true, minDf: 1 };
/** liblinear's defaults for `-s 1`: tolerance 0.1, at most 1,000 passes; bias feature 1 (`-B 1`). */
export const BASELINE_SVM: Omit<SvmOptions, 'C'> = { eps: 0.1, maxIter: 1000, bias: 1, balance: 0, seed: 1 };
export const C_GRID = [0.1, 0.3, 1, 3, 10];

/** Row indices split into (train, held) with `1/folds` of each class held out, seeded. */
export function stratifiedSplit(labels: Int32Array, K: number, folds: number, seed: number): { train: number[]; held: number[] } {
  const rand = seededRandom(seed);
  const byClass: number[][] = Array.from({ length: K }, () => []);
  labels.forEach((y, i) => byClass[y]!.push(i));
  const train: number[] = [];
  const held: number[] = [];
  let offset = 0;
  for (const rows of byClass) {
    shuffleInPlace(rows, rand);
    rows.forEach((i, r) => ((r + offset) % folds === 0 && rows.length > 1 ? held : train).push(i));
    offset += rows.length;
  }
  return { train: train.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
}

function selectRows(X: SparseMatrix, rows: readonly number[]): SparseMatrix {
  const offsets = new Int32Array(rows.length + 1);
  for (let r = 0; r < rows.length; r++) offsets[r + 1] = offsets[r]! + X.offsets[rows[r]! + 1]! - X.offsets[rows[r]!]!;
  const idx = new Int32Array(offsets[rows.length]!);
  const val = new Float32Array(offsets[rows.length]!);
  rows.forEach((i, r) => {
    idx.set(X.idx.subarray(X.offsets[i]!, X.offsets[i + 1]!), offsets[r]!);
    val.set(X.val.subarray(X.offsets[i]!, X.offsets[i + 1]!), offsets[r]!);
  });
  return { rows: rows.length, cols: X.cols, offsets, idx, val };
}

function scoreMatrixRows(m: LinearModel, X: SparseMatrix, rows: readonly number[]): Float64Array {
  const K = m.classes;
  const out = new Float64Array(rows.length * K);
  const s = new Float64Array(K);
  rows.forEach((i, r) => {
    const a = X.offsets[i]!;
    out.set(scoreRow(m, X.idx.subarray(a), X.val.subarray(a), X.offsets[i + 1]! - a, s), r * K);
  });
  return out;
}

export interface Baseline {
  labels: string[];
  C: number;
  temperature: number;
  /** Held-out accuracy of each C tried. */
  grid: { C: number; accuracy: number; seconds: number }[];
  /** Features, the held-out model at the chosen C (for the temperature) and the final model: what training it costs. */
  trainSeconds: number;
  /** The other values of C tried. */
  searchSeconds: number;
  /** Class index and calibrated top probability of a text. */
  predict(text: string): { index: number; confidence: number };
  /** Class index only (no softmax), for throughput. */
  top(text: string): number;
}

/** Trains the baseline on labelled texts; `now` in milliseconds; C chosen from `cGrid` by held-out accuracy. */
export function trainBaseline(texts: readonly string[], labelOf: readonly string[], now: () => number, cGrid: readonly number[] = C_GRID): Baseline {
  const labels = [...new Set(labelOf)].sort();
  const K = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(labelOf, (l) => index.get(l)!);
  let t0 = now();
  const { vectorizer, matrix: X } = fitVectorizer(texts, BASELINE_FEATURES);
  const featureSeconds = (now() - t0) / 1000;

  // the same 10% stratified slice Parley holds out for its temperature
  const { train, held } = stratifiedSplit(y, K, 10, 1);
  const Xtrain = selectRows(X, train);
  const ytrain = Int32Array.from(train, (i) => y[i]!);
  const heldY = Int32Array.from(held, (i) => y[i]!);
  const grid: Baseline['grid'] = [];
  const heldScores = new Map<number, Float64Array>();
  for (const C of cGrid) {
    t0 = now();
    const m = trainOvrSvm(Xtrain, ytrain, K, { ...BASELINE_SVM, C });
    const seconds = (now() - t0) / 1000;
    const s = scoreMatrixRows(m, X, held);
    let ok = 0;
    for (let r = 0; r < held.length; r++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (s[r * K + k]! > s[r * K + best]!) best = k;
      if (best === heldY[r]) ok++;
    }
    grid.push({ C, accuracy: ok / held.length, seconds });
    heldScores.set(C, s);
  }
  // the best held-out accuracy; ties go to the smaller C (more regularised)
  const chosen = grid.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const temperature = fitTemperature(heldScores.get(chosen.C)!, heldY, K);
  t0 = now();
  const model = trainOvrSvm(X, y, K, { ...BASELINE_SVM, C: chosen.C });
  const finalSeconds = (now() - t0) / 1000;

  const scores = new Float64Array(K);
  const probs = new Float64Array(K);
  const top = (text: string): number => {
    const row = vectorizer.transform(text);
    scoreRow(model, row.idx, row.val, row.length, scores);
    let best = 0;
    for (let k = 1; k < K; k++) if (scores[k]! > scores[best]!) best = k;
    return best;
  };
  return {
    labels,
    C: chosen.C,
    temperature,
    grid,
    trainSeconds: featureSeconds + chosen.seconds + finalSeconds,
    searchSeconds: grid.reduce((s, g) => s + g.seconds, 0) - chosen.seconds,
    top,
    predict(text) {
      const i = top(text);
      softmaxInto(scores, 0, K, temperature, probs);
      return { index: i, confidence: probs[i]! };
    },
  };
}
