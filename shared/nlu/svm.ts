// Linear SVMs trained by dual coordinate descent with shrinking, as in liblinear:
// - Crammer-Singer multi-class SVM (`-s 4`), the intent classifier's model;
// - one-vs-rest squared-hinge SVMs (`-s 1`, Hsieh et al., ICML 2008), the benchmark's baseline.
// Weights are feature-major (`W[col * K + k]`) so scoring a sparse row reads contiguous memory. The
// Crammer-Singer solver takes warm-start dual variables, which makes retraining on a superset cheap.

import type { SparseMatrix } from './features';
import { seededRandom } from '../util/random';

export interface SvmOptions {
  /** Regularisation: larger fits the training data more closely. */
  C: number;
  /** Stopping tolerance on the projected gradient (liblinear's default is 0.1). */
  eps: number;
  /** Passes over the active set, at most, per class. */
  maxIter: number;
  /** Value of the constant bias feature (0 = no bias). */
  bias: number;
  /** Scales C for the positive examples of each class by (n / (K * n_k)) ** balance (0 = plain). */
  balance: number;
  seed: number;
}

export interface LinearModel {
  classes: number;
  cols: number;
  /** Feature-major weights: `weights[col * classes + k]`. */
  weights: Float32Array;
  bias: Float32Array;
}

/** Trains K one-vs-rest binary SVMs (liblinear `-s 1`); `labels[i]` in [0, K). The bench's baseline. */
export function trainOvrSvm(X: SparseMatrix, labels: Int32Array, K: number, o: SvmOptions): LinearModel {
  const n = X.rows;
  const D = X.cols;
  const { offsets, idx, val } = X;
  const weights = new Float32Array(D * K);
  const biasOut = new Float32Array(K);
  const w = new Float64Array(D);
  const B = o.bias;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = B * B;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) s += val[p]! * val[p]!;
    sq[i] = s;
  }
  const counts = new Int32Array(K);
  for (let i = 0; i < n; i++) counts[labels[i]!]!++;
  const index = new Int32Array(n);
  const alpha = new Float64Array(n);
  const rand = seededRandom(o.seed);

  for (let k = 0; k < K; k++) {
    w.fill(0);
    let wb = 0;
    const cPos = o.C * (o.balance > 0 && counts[k]! > 0 ? Math.pow(n / (K * counts[k]!), o.balance) : 1);
    const dPos = 0.5 / cPos;
    const dNeg = 0.5 / o.C;
    alpha.fill(0);
    for (let i = 0; i < n; i++) index[i] = i;
    let active = n;
    let pgMaxOld = Infinity;
    for (let iter = 0; iter < o.maxIter; iter++) {
      let pgMax = -Infinity;
      let pgMin = Infinity;
      for (let s = 0; s < active; s++) {
        const j = s + Math.floor(rand() * (active - s));
        const t = index[s]!;
        index[s] = index[j]!;
        index[j] = t;
      }
      for (let s = 0; s < active; s++) {
        const i = index[s]!;
        const yi = labels[i] === k ? 1 : -1;
        const Dii = yi > 0 ? dPos : dNeg;
        const p0 = offsets[i]!;
        const p1 = offsets[i + 1]!;
        let dot = wb * B;
        for (let p = p0; p < p1; p++) dot += w[idx[p]!]! * val[p]!;
        const ai = alpha[i]!;
        const G = yi * dot - 1 + ai * Dii;
        let PG = 0;
        if (ai === 0) {
          if (G > pgMaxOld) {
            active--;
            index[s] = index[active]!;
            index[active] = i;
            s--;
            continue;
          }
          if (G < 0) PG = G;
        } else PG = G;
        if (PG > pgMax) pgMax = PG;
        if (PG < pgMin) pgMin = PG;
        if (Math.abs(PG) > 1e-12) {
          const na = Math.max(ai - G / (sq[i]! + Dii), 0);
          alpha[i] = na;
          const d = (na - ai) * yi;
          for (let p = p0; p < p1; p++) w[idx[p]!]! += d * val[p]!;
          wb += d * B;
        }
      }
      if (pgMax - pgMin <= o.eps) {
        if (active === n) break;
        active = n;
        pgMaxOld = Infinity;
        continue;
      }
      pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
    }
    for (let c = 0; c < D; c++) weights[c * K + k] = w[c]!;
    biasOut[k] = wb * B;
  }
  return { classes: K, cols: D, weights, bias: biasOut };
}

/** Scores of every class for a sparse row, written into `out` (length K). */
export function scoreRow(m: LinearModel, idx: Int32Array, val: Float32Array, length: number, out: Float64Array): Float64Array {
  const K = m.classes;
  const W = m.weights;
  for (let k = 0; k < K; k++) out[k] = m.bias[k]!;
  for (let p = 0; p < length; p++) {
    const base = idx[p]! * K;
    const v = val[p]!;
    for (let k = 0; k < K; k++) out[k]! += v * W[base + k]!;
  }
  return out;
}

/**
 * Crammer-Singer multi-class linear SVM by dual coordinate descent with shrinking (liblinear's `-s 4`,
 * Keerthi et al., "A Sequential Dual Method for Large Scale Multi-Class Linear SVMs", KDD 2008).
 */
export function trainCrammerSinger(
  X: SparseMatrix,
  labels: Int32Array,
  K: number,
  o: SvmOptions,
  warmAlpha?: (i: number, out: Float64Array) => boolean,
): LinearModel & { alpha: Float64Array } {
  const l = X.rows;
  const Dn = X.cols;
  const { offsets, idx, val } = X;
  const W = new Float32Array(Dn * K);
  const wb = new Float64Array(K);
  const B = o.bias;
  const alpha = new Float64Array(l * K);
  const alphaIndex = new Int32Array(l * K);
  const activeSizeI = new Int32Array(l);
  const yIndex = new Int32Array(l);
  const QD = new Float64Array(l);
  const Ci = new Float64Array(l);
  const index = new Int32Array(l);
  const counts = new Int32Array(K);
  for (let i = 0; i < l; i++) counts[labels[i]!]!++;
  for (let i = 0; i < l; i++) {
    let s = B * B;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) s += val[p]! * val[p]!;
    QD[i] = s;
    const yi = labels[i]!;
    Ci[i] = o.C * (o.balance > 0 && counts[yi]! > 0 ? Math.pow(l / (K * counts[yi]!), o.balance) : 1);
    for (let m = 0; m < K; m++) alphaIndex[i * K + m] = m;
    activeSizeI[i] = K;
    yIndex[i] = yi;
    index[i] = i;
  }
  if (warmAlpha) {
    const a = new Float64Array(K);
    for (let i = 0; i < l; i++) {
      if (!warmAlpha(i, a)) continue;
      alpha.set(a, i * K);
      for (let m = 0; m < K; m++) {
        const d = a[m]!;
        if (d === 0) continue;
        for (let p = offsets[i]!; p < offsets[i + 1]!; p++) W[idx[p]! * K + m]! += d * val[p]!;
        wb[m]! += d * B;
      }
    }
  }
  const G = new Float64Array(K);
  const full = new Float64Array(K);
  const Bv = new Float64Array(K);
  const Dv = new Float64Array(K);
  const alphaNew = new Float64Array(K);
  const dInd = new Int32Array(K);
  const dVal = new Float64Array(K);
  const rand = seededRandom(o.seed);
  let activeSize = l;
  // a warm start is near the optimum: shrink hard from the start instead of re-scanning every class
  let epsShrink = warmAlpha ? 2 * o.eps : Math.max(10 * o.eps, 1);
  let startFromAll = true;

  for (let iter = 0; iter < o.maxIter; iter++) {
    let stopping = -Infinity;
    for (let s = 0; s < activeSize; s++) {
      const j = s + Math.floor(rand() * (activeSize - s));
      const t = index[s]!;
      index[s] = index[j]!;
      index[j] = t;
    }
    for (let s = 0; s < activeSize; s++) {
      const i = index[s]!;
      const Ai = QD[i]!;
      const base = i * K;
      const C = Ci[i]!;
      if (Ai <= 0) continue;
      let act = activeSizeI[i]!;
      for (let m = 0; m < act; m++) G[m] = 1;
      if (yIndex[i]! < act) G[yIndex[i]!] = 0;
      for (let m = 0; m < act; m++) G[m]! += wb[alphaIndex[base + m]!]! * B;
      const p0 = offsets[i]!;
      const p1 = offsets[i + 1]!;
      if (act * 3 > K) {
        // most classes active: score all of them reading each weight row contiguously, then pick
        full.fill(0);
        for (let p = p0; p < p1; p++) {
          const fb = idx[p]! * K;
          const v = val[p]!;
          for (let m = 0; m < K; m++) full[m]! += W[fb + m]! * v;
        }
        for (let m = 0; m < act; m++) G[m]! += full[alphaIndex[base + m]!]!;
      } else {
        for (let p = p0; p < p1; p++) {
          const fb = idx[p]! * K;
          const v = val[p]!;
          for (let m = 0; m < act; m++) G[m]! += W[fb + alphaIndex[base + m]!]! * v;
        }
      }
      let minG = Infinity;
      let maxG = -Infinity;
      for (let m = 0; m < act; m++) {
        if (alpha[base + alphaIndex[base + m]!]! < 0 && G[m]! < minG) minG = G[m]!;
        if (G[m]! > maxG) maxG = G[m]!;
      }
      const yi = yIndex[i]!;
      if (yi < act && alpha[base + labels[i]!]! < C && G[yi]! < minG) minG = G[yi]!;
      for (let m = 0; m < act; m++) {
        if (G[m]! < minG && alpha[base + alphaIndex[base + m]!] === (m === yIndex[i] ? C : 0)) {
          act--;
          while (act > m) {
            if (!(G[act]! < minG && alpha[base + alphaIndex[base + act]!] === (act === yIndex[i] ? C : 0))) {
              const ta = alphaIndex[base + m]!;
              alphaIndex[base + m] = alphaIndex[base + act]!;
              alphaIndex[base + act] = ta;
              const tg = G[m]!;
              G[m] = G[act]!;
              G[act] = tg;
              if (yIndex[i] === act) yIndex[i] = m;
              else if (yIndex[i] === m) yIndex[i] = act;
              break;
            }
            act--;
          }
        }
      }
      activeSizeI[i] = act;
      if (act <= 1) {
        activeSize--;
        index[s] = index[activeSize]!;
        index[activeSize] = i;
        s--;
        continue;
      }
      if (maxG - minG <= 1e-12) continue;
      if (maxG - minG > stopping) stopping = maxG - minG;
      for (let m = 0; m < act; m++) Bv[m] = G[m]! - Ai * alpha[base + alphaIndex[base + m]!]!;
      // sub-problem
      const y = yIndex[i]!;
      for (let m = 0; m < act; m++) Dv[m] = Bv[m]!;
      if (y < act) Dv[y]! += Ai * C;
      const Ds = Dv.subarray(0, act).sort().reverse();
      let beta = Ds[0]! - Ai * C;
      let r = 1;
      while (r < act && beta < r * Ds[r]!) {
        beta += Ds[r]!;
        r++;
      }
      beta /= r;
      for (let m = 0; m < act; m++) {
        alphaNew[m] = m === y ? Math.min(C, (beta - Bv[m]!) / Ai) : Math.min(0, (beta - Bv[m]!) / Ai);
      }
      let nz = 0;
      for (let m = 0; m < act; m++) {
        const cls = alphaIndex[base + m]!;
        const d = alphaNew[m]! - alpha[base + cls]!;
        alpha[base + cls] = alphaNew[m]!;
        if (Math.abs(d) >= 1e-12) {
          dInd[nz] = cls;
          dVal[nz] = d;
          nz++;
        }
      }
      for (let p = p0; p < p1; p++) {
        const fb = idx[p]! * K;
        const v = val[p]!;
        for (let m = 0; m < nz; m++) W[fb + dInd[m]!]! += dVal[m]! * v;
      }
      for (let m = 0; m < nz; m++) wb[dInd[m]!]! += dVal[m]! * B;
    }
    if (stopping < epsShrink) {
      if (stopping < o.eps && startFromAll) break;
      activeSize = l;
      for (let i = 0; i < l; i++) activeSizeI[i] = K;
      epsShrink = Math.max(epsShrink / 2, o.eps);
      startFromAll = true;
    } else startFromAll = false;
  }
  const bias = new Float32Array(K);
  for (let k = 0; k < K; k++) bias[k] = wb[k]! * B;
  return { classes: K, cols: Dn, weights: W, bias, alpha };
}

/** The given rows of a sparse matrix, in that order. */
export function selectRows(X: SparseMatrix, rows: ArrayLike<number>): SparseMatrix {
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) nnz += X.offsets[rows[r]! + 1]! - X.offsets[rows[r]!]!;
  const offsets = new Int32Array(rows.length + 1);
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  let p = 0;
  for (let r = 0; r < rows.length; r++) {
    const a = X.offsets[rows[r]!]!;
    const b = X.offsets[rows[r]! + 1]!;
    idx.set(X.idx.subarray(a, b), p);
    val.set(X.val.subarray(a, b), p);
    p += b - a;
    offsets[r + 1] = p;
  }
  return { rows: rows.length, cols: X.cols, offsets, idx, val };
}

/** Scores of `rows` of X into `into`, row-major from row `at` (K values a row). */
export function scoreRows(model: LinearModel, X: SparseMatrix, rows: ArrayLike<number>, into: Float64Array, at: number): void {
  const K = model.classes;
  const out = new Float64Array(K);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const a = X.offsets[i]!;
    scoreRow(model, X.idx.subarray(a), X.val.subarray(a), X.offsets[i + 1]! - a, out);
    into.set(out, (at + r) * K);
  }
}
