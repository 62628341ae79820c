// Turning classifier scores into calibrated probabilities: softmax with a temperature fitted on held-out
// predictions by minimising the negative log-likelihood (Guo et al., "On Calibration of Modern Neural
// Networks", 2017), the expected calibration error, and the out-of-scope confidence threshold.

/** Softmax of `scores[from, from + K)` / temperature into `out[0, K)`. */
export function softmaxInto(scores: ArrayLike<number>, from: number, K: number, temperature: number, out: Float64Array): Float64Array {
  const inv = 1 / temperature;
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (scores[from + k]! > max) max = scores[from + k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((scores[from + k]! - max) * inv);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) out[k]! /= sum;
  return out;
}

/** Mean negative log-likelihood of `labels` under softmax(scores / T); scores are row-major n × K. */
export function negativeLogLikelihood(scores: Float64Array, labels: Int32Array, K: number, temperature: number): number {
  const n = labels.length;
  const inv = 1 / temperature;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (scores[base + k]! > max) max = scores[base + k]!;
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp((scores[base + k]! - max) * inv);
    total += Math.log(sum) - (scores[base + labels[i]!]! - max) * inv;
  }
  return n ? total / n : 0;
}

export const MIN_TEMPERATURE = 0.02;
export const MAX_TEMPERATURE = 20;

/**
 * The temperature in [MIN_TEMPERATURE, MAX_TEMPERATURE] minimising the NLL of held-out scores (row-major n × K)
 * and their true labels. The NLL is convex in 1/T, so a golden-section search over log T finds the minimum.
 */
export function fitTemperature(scores: Float64Array, labels: Int32Array, K: number): number {
  if (labels.length === 0 || K < 2) return 1;
  const f = (logT: number) => negativeLogLikelihood(scores, labels, K, Math.exp(logT));
  let a = Math.log(MIN_TEMPERATURE);
  let b = Math.log(MAX_TEMPERATURE);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 60 && b - a > 1e-4; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * Expected calibration error: predictions are put in `bins` equal-width bins by confidence, and the gaps between
 * each bin's accuracy and mean confidence are averaged, weighted by the bin's share of predictions.
 * `probs[i]` is the confidence of prediction i (its top probability), `correct[i]` whether it was right.
 */
export function expectedCalibrationError(probs: ArrayLike<number>, correct: ArrayLike<boolean>, bins = 15): number {
  const n = probs.length;
  if (n !== correct.length) throw new Error('expectedCalibrationError: probs and correct differ in length');
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const p = Math.min(1, Math.max(0, probs[i]!));
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]!++;
    conf[b]! += p;
    if (correct[i]) acc[b]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(acc[b]! - conf[b]!) / n;
  return ece;
}

/**
 * Highest threshold chooseRejectThreshold gives: above 0.5 it would reject predictions more likely right than
 * wrong, and on small, easily separated training sets the held-out confidences all sit near 1, where a quantile
 * says nothing about new text.
 */
export const MAX_REJECT_THRESHOLD = 0.5;

/**
 * The out-of-scope threshold on the top in-scope probability, chosen on held-out in-scope predictions without
 * any out-of-scope example: as high as it can be while rejecting at most `maxLoss` of the rows as correct
 * predictions. `topProb[i]` is row i's top in-scope probability, `correct[i]` whether that class is its label,
 * and `rejected[i]` (optional) whether it is rejected anyway (the out-of-scope class won): a correct row rejected
 * that way spends the budget too. Wrong predictions cost nothing to reject. Returns the threshold (reject
 * strictly below it): halfway between the last correct row rejected and the first kept, at most
 * MAX_REJECT_THRESHOLD; 0 (reject nothing more) when the budget allows no row (fewer than 1 / maxLoss rows) or
 * is already spent.
 */
export function chooseRejectThreshold(topProb: ArrayLike<number>, correct: ArrayLike<boolean>, maxLoss: number, rejected?: ArrayLike<boolean>): number {
  const n = topProb.length;
  if (correct.length !== n || (rejected && rejected.length !== n)) throw new Error('chooseRejectThreshold: arrays differ in length');
  let budget = Math.floor(maxLoss * n + 1e-9);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!correct[i]) continue;
    if (rejected?.[i]) budget--;
    else kept.push(topProb[i]!);
  }
  if (budget <= 0 || kept.length === 0) return 0;
  kept.sort((a, b) => a - b);
  // rows below the threshold are at most kept[0..budget): halfway between the last one rejected and the first kept
  const t = budget >= kept.length ? kept[kept.length - 1]! : (kept[budget - 1]! + kept[budget]!) / 2;
  return Math.min(t, MAX_REJECT_THRESHOLD);
}

/**
 * The threshold on any in-scope score (reject strictly below it), chosen as chooseRejectThreshold does, without
 * its cap: halfway between the last correct held-out row rejected and the first kept, so that at most `maxLoss`
 * of the rows are correct predictions rejected (counting those `rejected` anyway). −Number.MAX_VALUE (reject
 * nothing more) when the budget allows no row or is already spent.
 */
export function chooseScoreThreshold(score: ArrayLike<number>, correct: ArrayLike<boolean>, maxLoss: number, rejected?: ArrayLike<boolean>): number {
  const n = score.length;
  if (correct.length !== n || (rejected && rejected.length !== n)) throw new Error('chooseScoreThreshold: arrays differ in length');
  let budget = Math.floor(maxLoss * n + 1e-9);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!correct[i]) continue;
    if (rejected?.[i]) budget--;
    else kept.push(score[i]!);
  }
  if (budget <= 0 || kept.length === 0) return -Number.MAX_VALUE;
  kept.sort((a, b) => a - b);
  return budget >= kept.length ? kept[kept.length - 1]! + 1e-9 : (kept[budget - 1]! + kept[budget]!) / 2;
}
