import { describe, expect, it } from 'vitest';
import { chooseRejectThreshold, expectedCalibrationError, MAX_REJECT_THRESHOLD, fitTemperature, negativeLogLikelihood, softmaxInto } from './calibration';
import { seededRandom } from '../util/random';

describe('calibration', () => {
  it('ECE: 0 when confidence matches accuracy in every bin, the gap otherwise', () => {
    // 10 predictions at 0.8 confidence, 8 right: calibrated
    const probs = Array<number>(10).fill(0.8);
    const correct = [...Array<boolean>(8).fill(true), false, false];
    expect(expectedCalibrationError(probs, correct)).toBeCloseTo(0, 12);
    // all at 0.9, half right: gap 0.4
    expect(expectedCalibrationError(Array<number>(4).fill(0.9), [true, false, true, false])).toBeCloseTo(0.4, 12);
    // two bins, weighted by their share: 0.95 all right (gap 0.05, 1/2), 0.35 none right (gap 0.35, 1/2)
    expect(expectedCalibrationError([0.95, 0.95, 0.35, 0.35], [true, true, false, false])).toBeCloseTo(0.2, 12);
    expect(expectedCalibrationError([1], [true])).toBe(0);
    expect(expectedCalibrationError([], [])).toBe(0);
    expect(() => expectedCalibrationError([0.5], [])).toThrow(/length/);
  });

  it('fits the temperature that generated the labels', () => {
    const rand = seededRandom(1);
    const K = 5;
    const n = 4000;
    const trueT = 0.5;
    const scores = new Float64Array(n * K);
    const labels = new Int32Array(n);
    const p = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) scores[i * K + k] = rand() * 2;
      softmaxInto(scores, i * K, K, trueT, p);
      let u = rand();
      let y = 0;
      while (y < K - 1 && u > p[y]!) u -= p[y++]!;
      labels[i] = y;
    }
    const T = fitTemperature(scores, labels, K);
    expect(T).toBeGreaterThan(0.4);
    expect(T).toBeLessThan(0.6);
    expect(negativeLogLikelihood(scores, labels, K, T)).toBeLessThanOrEqual(negativeLogLikelihood(scores, labels, K, 1));
  });

  it('softmax sums to 1 and is stable for large scores', () => {
    const out = softmaxInto([1000, 1001, 999], 0, 3, 0.1, new Float64Array(3));
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(out[1]).toBeGreaterThan(0.99);
  });

  it('reject threshold: the highest rejecting at most the budget of correct rows; wrong rows are free', () => {
    // 10 rows, budget 20%: two correct rows may be rejected
    const top = [0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.3, 0.2, 0.1];
    const correct = [true, true, true, true, true, true, true, false, true, false];
    // correct confidences sorted: 0.2, 0.4, 0.45, ...: reject 0.2 and 0.4, keep 0.45 (halfway: 0.425)
    const t = chooseRejectThreshold(top, correct, 0.2);
    expect(t).toBeCloseTo(0.425, 12);
    const rejectedCorrect = top.filter((c, i) => correct[i] && c < t).length;
    expect(rejectedCorrect).toBe(2);
    // the wrong rows below it (0.3, 0.1) are rejected at no cost
    expect(top.filter((c, i) => !correct[i] && c < t)).toEqual([0.3, 0.1]);
    // rows already rejected (the out-of-scope class won) spend the budget: one left, so only 0.2 goes
    const rejected = Array<boolean>(10).fill(false);
    rejected[0] = true;
    expect(chooseRejectThreshold(top, correct, 0.2, rejected)).toBeCloseTo(0.3, 12);
    // a budget of no row (fewer than 1 / maxLoss rows), or spent: reject nothing by confidence
    expect(chooseRejectThreshold(top, correct, 0.05)).toBe(0);
    expect(chooseRejectThreshold(top, correct, 0.1, [true, ...Array<boolean>(9).fill(false)])).toBe(0);
    expect(chooseRejectThreshold([], [], 0.1)).toBe(0);
    expect(() => chooseRejectThreshold([0.5], [], 0.1)).toThrow(/length/);
  });

  it('reject threshold: at most MAX_REJECT_THRESHOLD, also when held-out confidences all sit near 1', () => {
    const saturated = Array.from({ length: 100 }, (_, i) => 1 - i * 1e-9);
    expect(chooseRejectThreshold(saturated, Array<boolean>(100).fill(true), 0.02)).toBe(MAX_REJECT_THRESHOLD);
    expect(MAX_REJECT_THRESHOLD).toBe(0.5);
  });

  it('reject threshold: ties move together, never past the budget', () => {
    const top = [0.5, 0.5, 0.5, 0.9];
    const correct = [true, true, true, true];
    // budget of one row (25%), but three rows tie at 0.5: none of them can go alone
    const t = chooseRejectThreshold(top, correct, 0.25);
    expect(top.filter((c) => c < t).length).toBeLessThanOrEqual(1);
  });
});
