// Fitting the out-of-scope combination of an intent model (scope.ts) at training time, from the training rows only:
// leave-intents-out (a model trained without a share of the known intents; their rows are the out-of-scope
// examples) fits the logistic weights, and the calibration's held-out in-scope rows choose the threshold for the
// accuracy budget, as for the top-confidence threshold of version 1.

import { chooseScoreThreshold, fitTemperature, softmaxInto } from './calibration';
import type { SparseMatrix } from './features';
import { combinedScore, fitLogistic, leaveIntentsOut, scopeFeatures, WordCounts, type WordCountsData } from './scope';
import { scoreRows, selectRows, trainCrammerSinger, type SvmOptions } from './svm';

/** The out-of-scope combination a version-2 model carries. */
export interface ScopeModelData {
  /** Hashed word counts of each class (labels order; the out-of-scope class has none). */
  words: WordCountsData;
  /** Out-of-scope log-odds: [bias, log top probability, mean typicality, min typicality] (scope.ts). */
  weights: number[];
  /** Rejected when the in-scope score (minus those log-odds) is below this. */
  threshold: number;
  /** The intents hidden to fit the weights (known intents, for the record). */
  hiddenIntents: string[];
}

export interface ScopeFitInput {
  X: SparseMatrix;
  y: Int32Array;
  K: number;
  labels: readonly string[];
  /** -1 when there is no out-of-scope class. */
  oosIndex: number;
  /** Hashed words of each row (scope.wordKeysOf). */
  rowWords: readonly Int32Array[];
  /** Calibration fold of each row (-1: always trained on); `heldRows` are the rows that were held out. */
  fold: Int32Array;
  heldRows: readonly number[];
  /** Scores of heldRows (row-major, K a row) by the models that did not train on them, and the fitted temperature. */
  heldScores: Float64Array;
  temperature: number;
  svm: SvmOptions;
  /** Dual variables of the calibration model for a row it trained on (original index, K values): a warm start. */
  warm?: ((i: number, out: Float64Array) => boolean) | undefined;
  maxLoss: number;
  rand: () => number;
}

/** Best in-scope class of a probability row and its probability, and whether the out-of-scope class beats it. */
function topOf(p: Float64Array, K: number, oosIndex: number): { best: number; top: number; oosWins: boolean } {
  let best = -1;
  for (let k = 0; k < K; k++) if (k !== oosIndex && (best < 0 || p[k]! > p[best]!)) best = k;
  return { best, top: p[best]!, oosWins: oosIndex >= 0 && p[oosIndex]! > p[best]! };
}

/** In-scope word counts of the rows for which `keep(i)` holds. */
function countWords(inp: ScopeFitInput, keep: (i: number) => boolean, classOf: (i: number) => number = (i) => inp.y[i]!): WordCounts {
  const classes = Int32Array.from(inp.y, (c, i) => (c === inp.oosIndex || !keep(i) ? -1 : classOf(i)));
  return WordCounts.count(inp.rowWords, classes, inp.K);
}

/**
 * Fits the combination and its threshold, or returns undefined when the training set cannot support it (fewer than
 * 4 intents, no split with rows on both sides, or too few held-out rows for the budget to reject any); the model
 * then keeps the version-1 rule.
 */
export function fitScope(inp: ScopeFitInput): ScopeModelData | undefined {
  const { X, y, K, oosIndex, fold } = inp;
  const heldFold = fold[inp.heldRows[0] ?? -1] ?? -1;
  if (heldFold < 0) return undefined;
  // the threshold is chosen on the held-out in-scope rows: with fewer than 1 / maxLoss it could reject none
  const heldInScope = inp.heldRows.filter((i) => y[i] !== oosIndex).length;
  if (Math.floor(inp.maxLoss * heldInScope + 1e-9) < 1) return undefined;
  const held = Array.from(fold, (f) => f === heldFold);
  const split = leaveIntentsOut(y, K, oosIndex, held, inp.rand);
  if (!split) return undefined;

  // the leave-intents-out model: the visible classes renumbered 0..V-1
  const isHidden = new Uint8Array(K);
  for (const k of split.hidden) isHidden[k] = 1;
  const map = new Int32Array(K).fill(-1);
  const back: number[] = [];
  for (let k = 0; k < K; k++) if (!isHidden[k]) map[k] = back.push(k) - 1;
  const V = back.length;
  // warm-started from the calibration model, which trained on the same rows: the hidden classes' (non-positive)
  // dual variables dropped and the true class's set to keep their sum at 0, which stays feasible
  const full = new Float64Array(K);
  const warm = inp.warm;
  const lioWarm = warm
    ? (r: number, out: Float64Array): boolean => {
        const i = split.train[r]!;
        if (!warm(i, full)) return false;
        let sum = 0;
        for (let k = 0; k < K; k++) {
          if (isHidden[k] || k === y[i]) continue;
          out[map[k]!] = full[k]!;
          sum += full[k]!;
        }
        out[map[y[i]!]!] = -sum;
        return true;
      }
    : undefined;
  const lio = trainCrammerSinger(
    selectRows(X, split.train),
    Int32Array.from(split.train, (i) => map[y[i]!]!),
    V,
    inp.svm,
    lioWarm,
  );
  const rows = [...split.inScope, ...split.outOfScope];
  const scores = new Float64Array(rows.length * V);
  scoreRows(lio, X, rows, scores, 0);
  const inLabels = Int32Array.from(split.inScope, (i) => map[y[i]!]!);
  const T = fitTemperature(scores.subarray(0, split.inScope.length * V), inLabels, V);
  const trained = new Uint8Array(y.length);
  for (const i of split.train) trained[i] = 1;
  // counts in the visible classes' numbering, from the rows the model trained on
  const lioWords = countWords(
    inp,
    (i) => trained[i] === 1 && !isHidden[y[i]!],
    (i) => map[y[i]!]!,
  );
  const lioOos = oosIndex >= 0 ? map[oosIndex]! : -1;
  const X2: number[][] = [];
  const isOut: boolean[] = [];
  const p = new Float64Array(V);
  rows.forEach((i, r) => {
    softmaxInto(scores, r * V, V, T, p);
    const t = topOf(p, V, lioOos);
    if (t.oosWins) return; // the background class rejects it anyway
    X2.push(scopeFeatures(t.top, lioWords.typicality(inp.rowWords[i]!, t.best)));
    isOut.push(r >= split.inScope.length);
  });
  if (!isOut.some(Boolean) || isOut.every(Boolean)) return undefined;
  const weights = fitLogistic(X2, isOut);

  // the threshold: the calibration's held-out rows, each with the word counts of the rows its model trained on
  const countsByFold = new Map<number, WordCounts>();
  const q = new Float64Array(K);
  const heldScore: number[] = [];
  const correct: boolean[] = [];
  const rejected: boolean[] = [];
  inp.heldRows.forEach((i, r) => {
    if (y[i] === oosIndex) return;
    const f = fold[i]!;
    let counts = countsByFold.get(f);
    if (!counts) countsByFold.set(f, (counts = countWords(inp, (j) => fold[j] !== f)));
    softmaxInto(inp.heldScores, r * K, K, inp.temperature, q);
    const t = topOf(q, K, oosIndex);
    heldScore.push(combinedScore(weights, scopeFeatures(t.top, counts.typicality(inp.rowWords[i]!, t.best))));
    correct.push(t.best === y[i]);
    rejected.push(t.oosWins);
  });
  const threshold = chooseScoreThreshold(heldScore, correct, inp.maxLoss, rejected);
  if (threshold === -Number.MAX_VALUE) return undefined; // too few held-out rows for the budget: it would reject nothing
  return {
    words: countWords(inp, () => true).data,
    weights,
    threshold,
    hiddenIntents: split.hidden.map((k) => inp.labels[k]!),
  };
}
