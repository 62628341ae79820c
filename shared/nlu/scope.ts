// Out-of-scope scores beyond the top confidence, for intent models of version 2 (classifier.ts):
// - word typicality: how much more often the text's words occur in the predicted intent's examples than in all the
//   intents' examples (a naive-Bayes log-likelihood ratio per word, smoothed; the mean and the minimum over the
//   words). A text from an intent the model never saw borrows the predicted intent's n-grams but brings words
//   that intent does not use, which the top confidence of a linear model barely sees;
// - a logistic combination of the log top confidence and the two typicalities, fitted on leave-intents-out
//   held-out data: inside the training set, a share of the known intents is hidden, a model is trained on the
//   others, and the hidden intents' rows are the out-of-scope examples (only training intents, never test rows).
// Measured on BANKING77 open intents in README (Benchmarks), with the scores that did not help.

import { wordKey } from './features';
import { normalizeText, words } from './text';
import { shuffleInPlace } from '../util/random';

/** Additive smoothing of the word counts. */
export const TYPICALITY_ALPHA = 0.02;

/** Hashed word counts per in-scope class, in compressed rows (class k's words are `keys[offsets[k], offsets[k+1])`, sorted). */
export interface WordCountsData {
  offsets: Int32Array;
  keys: Int32Array;
  counts: Float32Array;
}

/** The hashed words of a text (with repeats), as WordCounts keys them. */
export function wordKeysOf(text: string): Int32Array {
  const ws = words(normalizeText(text));
  const out = new Int32Array(ws.length);
  for (let i = 0; i < ws.length; i++) out[i] = wordKey(ws[i]!);
  return out;
}

/** Word counts per class, and the typicality of a text's words for a class. */
export class WordCounts {
  private readonly total = new Map<number, number>();
  /** log(n(w) + α) − log(N + αV) per word seen in training (the shared part of every typicality). */
  private readonly logShare = new Map<number, number>();
  private readonly unseenLogShare: number;
  private readonly classTotals: Float64Array;

  constructor(readonly data: WordCountsData) {
    const K = data.offsets.length - 1;
    if (K < 0 || data.offsets[K] !== data.keys.length || data.keys.length !== data.counts.length)
      throw new Error('word counts: offsets, keys and counts do not match');
    this.classTotals = new Float64Array(K);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      for (let p = data.offsets[k]!; p < data.offsets[k + 1]!; p++) {
        this.total.set(data.keys[p]!, (this.total.get(data.keys[p]!) ?? 0) + data.counts[p]!);
        this.classTotals[k]! += data.counts[p]!;
      }
      sum += this.classTotals[k]!;
    }
    const allNorm = Math.log(sum + TYPICALITY_ALPHA * this.total.size);
    for (const [key, n] of this.total) this.logShare.set(key, Math.log(n + TYPICALITY_ALPHA) - allNorm);
    this.unseenLogShare = Math.log(TYPICALITY_ALPHA) - allNorm;
  }

  /** Counts the words of `rows` (texts with a class in [0, K), or -1 to skip) into per-class sorted rows. */
  static count(keysOfRows: readonly Int32Array[], classes: ArrayLike<number>, K: number): WordCounts {
    const maps: Map<number, number>[] = Array.from({ length: K }, () => new Map());
    keysOfRows.forEach((keys, i) => {
      const k = classes[i]!;
      if (k < 0) return;
      for (const key of keys) maps[k]!.set(key, (maps[k]!.get(key) ?? 0) + 1);
    });
    const offsets = new Int32Array(K + 1);
    maps.forEach((m, k) => (offsets[k + 1] = offsets[k]! + m.size));
    const keys = new Int32Array(offsets[K]!);
    const counts = new Float32Array(offsets[K]!);
    maps.forEach((m, k) => {
      const sorted = [...m.keys()].sort((a, b) => a - b);
      sorted.forEach((key, j) => {
        keys[offsets[k]! + j] = key;
        counts[offsets[k]! + j] = m.get(key)!;
      });
    });
    return new WordCounts({ offsets, keys, counts });
  }

  private countIn(k: number, key: number): number {
    let lo = this.data.offsets[k]!;
    let hi = this.data.offsets[k + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.data.keys[mid]!;
      if (v === key) return this.data.counts[mid]!;
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /**
   * [mean, min] over the words of log((n_k(w) + α) / (N_k + αV)) − log((n(w) + α) / (N + αV)): positive for words
   * class k uses more than the intents as a whole, negative for words it does not use. [0, 0] for no words.
   */
  typicality(keys: Int32Array, k: number): [number, number] {
    if (keys.length === 0 || k < 0 || k >= this.classTotals.length) return [0, 0];
    const a = TYPICALITY_ALPHA;
    const classNorm = Math.log(this.classTotals[k]! + a * this.total.size);
    let sum = 0;
    let min = Infinity;
    for (const key of keys) {
      const l = Math.log(this.countIn(k, key) + a) - classNorm - (this.logShare.get(key) ?? this.unseenLogShare);
      sum += l;
      if (l < min) min = l;
    }
    return [sum / keys.length, min];
  }
}

/** The scores the combination reads: log top in-scope probability, mean and minimum word typicality. */
export function scopeFeatures(topProbability: number, typicality: readonly [number, number]): [number, number, number] {
  return [Math.log(Math.max(topProbability, 1e-12)), typicality[0], typicality[1]];
}

/** In-scope score of a combination: minus the out-of-scope log-odds (higher is more in scope). */
export function combinedScore(weights: readonly number[], features: readonly number[]): number {
  let z = weights[0]!;
  for (let j = 0; j < features.length; j++) z += weights[j + 1]! * features[j]!;
  return -z;
}

/**
 * Logistic regression of `outOfScope` on the features, classes weighted to count equally, L2 penalty `l2` on the
 * standardised weights (not the bias), by Newton's method. Returns [bias, w1, ..., wd] on the raw features: the
 * out-of-scope log-odds. Throws when a class has no rows.
 */
export function fitLogistic(X: readonly (readonly number[])[], outOfScope: readonly boolean[], l2 = 1e-2): number[] {
  const n = X.length;
  const d = X[0]?.length ?? 0;
  const n1 = outOfScope.filter(Boolean).length;
  if (n1 === 0 || n1 === n) throw new Error('fitLogistic: needs rows of both classes');
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const x of X) for (let j = 0; j < d; j++) mu[j]! += x[j]! / n;
  for (const x of X) for (let j = 0; j < d; j++) sd[j]! += (x[j]! - mu[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const cw = [n / (2 * (n - n1)), n / (2 * n1)];
  const w = new Float64Array(d + 1); // standardised weights, bias last
  const z = new Float64Array(d + 1);
  for (let it = 0; it < 50; it++) {
    const g = new Float64Array(d + 1);
    const H = Array.from({ length: d + 1 }, () => new Float64Array(d + 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) z[j] = (X[i]![j]! - mu[j]!) / sd[j]!;
      z[d] = 1;
      let t = 0;
      for (let j = 0; j <= d; j++) t += w[j]! * z[j]!;
      const p = 1 / (1 + Math.exp(-t));
      const c = cw[outOfScope[i] ? 1 : 0]! / n;
      const e = (p - (outOfScope[i] ? 1 : 0)) * c;
      const h = p * (1 - p) * c;
      for (let a = 0; a <= d; a++) {
        g[a]! += e * z[a]!;
        for (let b = 0; b <= d; b++) H[a]![b]! += h * z[a]! * z[b]!;
      }
    }
    for (let j = 0; j < d; j++) {
      g[j]! += l2 * w[j]!;
      H[j]![j]! += l2;
    }
    const step = solve(H, g);
    let change = 0;
    for (let j = 0; j <= d; j++) {
      w[j]! -= step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    if (change < 1e-8) break;
  }
  const out = [w[d]!];
  for (let j = 0; j < d; j++) {
    out.push(w[j]! / sd[j]!);
    out[0]! -= (w[j]! * mu[j]!) / sd[j]!;
  }
  return out;
}

/** Solves H x = g by Gaussian elimination with partial pivoting (H is small and positive definite). */
function solve(H: Float64Array[], g: Float64Array): Float64Array {
  const m = g.length;
  const A = H.map((row, i) => Float64Array.from([...row, g[i]!]));
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    const piv = A[c]![c]! || 1e-12;
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / piv;
      if (f) for (let j = c; j <= m; j++) A[r]![j]! -= f * A[c]![j]!;
    }
  }
  return Float64Array.from(A, (row, i) => row[m]! / (row[i]! || 1e-12));
}

/** Share of the known intents a leave-intents-out split hides. */
export const HIDDEN_INTENT_SHARE = 0.25;

export interface LeaveIntentsOutSplit {
  /** The hidden intents (class indices). */
  hidden: number[];
  /** Rows to train on: not held out, not of a hidden intent (out-of-scope rows included). */
  train: number[];
  /** Held-out rows of the visible intents: in-scope examples. */
  inScope: number[];
  /** Every row of the hidden intents: out-of-scope examples. */
  outOfScope: number[];
}

/**
 * Splits the rows of a training set (`y[i]` the class of row i, `held[i]` whether it is in the calibration
 * slice) for leave-intents-out calibration: a seeded share of the in-scope classes (all but `oosIndex`) is hidden.
 * It sees only the rows it is given, by index, so the rows it returns are training rows. Undefined when fewer than
 * 4 in-scope classes (nothing would be left to learn from) or when a side would be empty.
 */
export function leaveIntentsOut(y: Int32Array, K: number, oosIndex: number, held: ArrayLike<boolean>, rand: () => number): LeaveIntentsOutSplit | undefined {
  const classes: number[] = [];
  for (let k = 0; k < K; k++) if (k !== oosIndex) classes.push(k);
  if (classes.length < 4) return undefined;
  shuffleInPlace(classes, rand);
  const hidden = classes.slice(0, Math.max(1, Math.round(classes.length * HIDDEN_INTENT_SHARE))).sort((a, b) => a - b);
  const isHidden = new Uint8Array(K);
  for (const k of hidden) isHidden[k] = 1;
  const split: LeaveIntentsOutSplit = { hidden, train: [], inScope: [], outOfScope: [] };
  for (let i = 0; i < y.length; i++) {
    if (isHidden[y[i]!]) split.outOfScope.push(i);
    else if (!held[i]) split.train.push(i);
    else if (y[i] !== oosIndex) split.inScope.push(i);
  }
  return split.train.length && split.inScope.length && split.outOfScope.length ? split : undefined;
}
