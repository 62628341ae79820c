import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, fitTemperature, negativeLogLikelihood, softmaxInto, tuneOosThreshold } from './calibration';
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

  it('oos threshold: between the in-scope and out-of-scope confidences, 0 without oos rows', () => {
    const top = [0.95, 0.9, 0.85, 0.3, 0.25, 0.2];
    const isOos = [false, false, false, true, true, true];
    const predictedOos = Array<boolean>(6).fill(false);
    const correct = [true, true, true, false, false, false];
    const t = tuneOosThreshold(top, predictedOos, isOos, correct);
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThan(0.85);
    expect(tuneOosThreshold(top, predictedOos, Array<boolean>(6).fill(false), correct)).toBe(0);
  });
});
