// Evaluation of an intent model on labelled rows: what `parley nlu evaluate` and the bench report.

import { expectedCalibrationError } from './calibration';
import { trainIntentModel, type IntentModel, type TrainIntentOptions } from './classifier';

export interface LabelledText {
  text: string;
  label: string;
}

export interface EvaluationReport {
  /** Share of all test rows whose prediction (out of scope included) equals the label. */
  accuracy: number;
  /** The same over the rows whose label is not out of scope. */
  inScopeAccuracy: number;
  /** Unweighted mean F1 over the labels of the test set (out of scope included when present). */
  macroF1: number;
  /** Out-of-scope rows caught, and out-of-scope predictions that were right; null when the test set has none. */
  oosRecall: number | null;
  oosPrecision: number | null;
  /** Expected calibration error (15 bins) of the top probability against whether the top class was right. */
  ece: number;
  trainSeconds: number;
}

export interface EvaluationDetail extends EvaluationReport {
  rows: number;
  labels: number;
  predictSeconds: number;
}

/** Scores predictions: the metrics of EvaluationReport except ECE and timing. */
export function scorePredictions(gold: readonly string[], predicted: readonly string[], oosLabel = 'oos') {
  const n = gold.length;
  let ok = 0;
  let inScope = 0;
  let inScopeOk = 0;
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let i = 0; i < n; i++) {
    const g = gold[i]!;
    const p = predicted[i]!;
    if (g === p) {
      ok++;
      inc(tp, g);
    } else {
      inc(fp, p);
      inc(fn, g);
    }
    if (g !== oosLabel) {
      inScope++;
      if (g === p) inScopeOk++;
    }
  }
  const goldLabels = [...new Set(gold)];
  let f1Sum = 0;
  for (const l of goldLabels) {
    const t = tp.get(l) ?? 0;
    const denom = 2 * t + (fp.get(l) ?? 0) + (fn.get(l) ?? 0);
    f1Sum += denom ? (2 * t) / denom : 0;
  }
  const hasOos = goldLabels.includes(oosLabel);
  const oosTp = tp.get(oosLabel) ?? 0;
  const oosPredicted = oosTp + (fp.get(oosLabel) ?? 0);
  return {
    accuracy: n ? ok / n : 0,
    inScopeAccuracy: inScope ? inScopeOk / inScope : 0,
    macroF1: goldLabels.length ? f1Sum / goldLabels.length : 0,
    oosRecall: hasOos ? oosTp / (oosTp + (fn.get(oosLabel) ?? 0)) : null,
    oosPrecision: hasOos ? (oosPredicted ? oosTp / oosPredicted : 0) : null,
  };
}

/**
 * Runs a trained model over test rows. When the test set has out-of-scope rows, each prediction is `predict`'s
 * (the out-of-scope label when rejected); when it has none, the top in-scope intent, as a closed-set benchmark
 * counts it (how much rejection costs there is the open-intent evaluation's, openIntent.ts).
 */
export function evaluateModel(
  model: IntentModel,
  test: readonly LabelledText[],
  trainSeconds: number,
  oosLabel = 'oos',
  now: () => number = Date.now,
): EvaluationDetail {
  const open = test.some((r) => r.label === oosLabel);
  const oosIndex = model.labels.indexOf(model.data.oosLabel ?? oosLabel);
  const predicted: string[] = [];
  const top = new Float64Array(test.length);
  const correct: boolean[] = [];
  const p = new Float64Array(model.labels.length);
  const t0 = now();
  for (let i = 0; i < test.length; i++) {
    const row = test[i]!;
    const prediction = model.predict(row.text, p);
    let best = -1;
    for (let k = 0; k < p.length; k++) if ((open || k !== oosIndex) && (best < 0 || p[k]! > p[best]!)) best = k;
    predicted.push(open ? prediction.intent : model.labels[best]!);
    top[i] = p[best]!;
    correct.push(model.labels[best] === row.label);
  }
  const predictSeconds = (now() - t0) / 1000;
  return {
    ...scorePredictions(
      test.map((r) => r.label),
      predicted,
      oosLabel,
    ),
    ece: expectedCalibrationError(top, correct),
    trainSeconds,
    rows: test.length,
    labels: model.labels.length,
    predictSeconds,
  };
}

/** Trains on `train`, evaluates on `test`, timing the training with `now` (milliseconds; default Date.now). */
export function trainAndEvaluate(
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  options: TrainIntentOptions = {},
  now: () => number = Date.now,
): { model: IntentModel; report: EvaluationDetail } {
  const t0 = now();
  const model = trainIntentModel(
    train.map((r) => ({ text: r.text, intent: r.label })),
    options,
  );
  const trainSeconds = (now() - t0) / 1000;
  return { model, report: evaluateModel(model, test, trainSeconds, options.oosLabel ?? 'oos', now) };
}
