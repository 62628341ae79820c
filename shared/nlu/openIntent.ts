// The open-intent evaluation of out-of-scope detection (`parley nlu evaluate --open-intents 0.75 --seeds 5`):
// for each seed, train on a random share of the intents (their training rows only), then treat the test rows of
// the other intents as out of scope, and separately a generated set of gibberish and off-topic lines
// (offTopic.ts). The rejection threshold is the model's own, chosen on held-out folds of its training rows.

import { trainIntentModel, type IntentModel, type TrainIntentOptions } from './classifier';
import type { LabelledText } from './evaluate';
import { generateOffTopic } from './offTopic';
import { seededRandom, shuffleInPlace } from '../util/random';

/** Out-of-scope detection on one out-of-scope set, pooled with the known intents' test rows. */
export interface DetectionReport {
  rows: number;
  /** Out-of-scope rows rejected. */
  recall: number;
  /** Rejected rows (of this set and the known intents' rows) that were out of scope. */
  precision: number;
  /** Area under the ROC curve of the rejection score (in scope against this set; 0.5 is chance). */
  auroc: number;
}

export interface OpenIntentSeedReport {
  seed: number;
  knownIntents: number;
  unseenIntents: number;
  trainRows: number;
  /** Known intents' test rows. */
  inScopeRows: number;
  /** In-scope accuracy without rejection (the top intent), with it, and the difference. */
  accuracyNoReject: number;
  inScopeAccuracy: number;
  accuracyLost: number;
  unseen: DetectionReport;
  gibberish: DetectionReport;
  /**
   * Today's model (no background class, no chosen threshold) with a threshold on its top confidence chosen
   * optimistically on the test rows: the highest losing at most `baselineLoss` of in-scope accuracy, and the
   * unseen intents' recall at it. Present when asked for.
   */
  baseline?: { threshold: number; accuracyLost: number; unseenRecall: number };
  trainSeconds: number;
}

export interface OpenIntentReport {
  knownShare: number;
  seeds: OpenIntentSeedReport[];
  /** Means over the seeds. */
  mean: Omit<OpenIntentSeedReport, 'seed' | 'knownIntents' | 'unseenIntents' | 'trainRows' | 'inScopeRows'>;
}

export interface OpenIntentOptions {
  /** Share of the intents trained on (default 0.75). */
  knownShare?: number;
  /** Seeds, one run each (default 1..5). */
  seeds?: readonly number[];
  /** Generated gibberish and off-topic lines per seed (default 1,000). */
  offTopicRows?: number;
  train?: TrainIntentOptions;
  /** Also measure today's model with an optimistic threshold (trains a second model per seed). */
  baselineLoss?: number;
  now?: () => number;
}

/** Probability that a random in-scope score is above a random out-of-scope one (ties count half). */
export function auroc(inScope: ArrayLike<number>, outOfScope: ArrayLike<number>): number {
  const all: [number, number][] = [];
  for (let i = 0; i < inScope.length; i++) all.push([inScope[i]!, 1]);
  for (let i = 0; i < outOfScope.length; i++) all.push([outOfScope[i]!, 0]);
  if (inScope.length === 0 || outOfScope.length === 0) return NaN;
  all.sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]![0] === all[i]![0]) j++;
    const mid = (i + 1 + j) / 2; // average rank of a run of ties
    for (let k = i; k < j; k++) if (all[k]![1]) rankSum += mid;
    i = j;
  }
  const n = inScope.length;
  return (rankSum - (n * (n + 1)) / 2) / (n * outOfScope.length);
}

/**
 * How far a text is inside the model's scope (IntentModel.classify's margin: with top the best in-scope
 * probability, the least of top − P(out-of-scope class), top − threshold and, for a version-2 model, the combined
 * score minus its threshold). The model rejects a text exactly when this is below 0, so it is the score whose
 * AUROC is reported.
 */
export function scopeScore(model: IntentModel, text: string): { score: number; top: string | undefined; outOfScope: boolean } {
  const c = model.classify(text, 1);
  return { score: c.margin, top: c.ranking[0]?.intent, outOfScope: c.outOfScope };
}

function detection(
  inRejected: readonly boolean[],
  inScores: readonly number[],
  outRejected: readonly boolean[],
  outScores: readonly number[],
): DetectionReport {
  const caught = outRejected.filter(Boolean).length;
  const falseAlarms = inRejected.filter(Boolean).length;
  return {
    rows: outRejected.length,
    recall: outRejected.length ? caught / outRejected.length : 0,
    precision: caught + falseAlarms ? caught / (caught + falseAlarms) : 0,
    auroc: auroc(inScores, outScores),
  };
}

/** Runs the protocol for one seed. */
export function openIntentRun(
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  seed: number,
  options: OpenIntentOptions = {},
): OpenIntentSeedReport {
  const now = options.now ?? Date.now;
  const intents = [...new Set(train.map((r) => r.label))].sort();
  shuffleInPlace(intents, seededRandom(seed));
  const knownCount = Math.max(2, Math.min(intents.length - 1, Math.round(intents.length * (options.knownShare ?? 0.75))));
  const known = new Set(intents.slice(0, knownCount));
  const trainRows = train.filter((r) => known.has(r.label)).map((r) => ({ text: r.text, intent: r.label }));
  const t0 = now();
  const model = trainIntentModel(trainRows, { seed, ...options.train });
  const trainSeconds = (now() - t0) / 1000;

  const inScope = test.filter((r) => known.has(r.label));
  const unseen = test.filter((r) => !known.has(r.label)).map((r) => r.text);
  const offTopic = generateOffTopic(seed, options.offTopicRows ?? 1000);
  const scored = (texts: readonly string[]) => texts.map((t) => scopeScore(model, t));
  const ins = scored(inScope.map((r) => r.text));
  let rightTop = 0;
  let rightKept = 0;
  ins.forEach((s, i) => {
    if (s.top !== inScope[i]!.label) return;
    rightTop++;
    if (!s.outOfScope) rightKept++;
  });
  const n = Math.max(1, inScope.length);
  const inRejected = ins.map((s) => s.outOfScope);
  const inScores = ins.map((s) => s.score);
  const report = (out: ReturnType<typeof scored>) =>
    detection(
      inRejected,
      inScores,
      out.map((s) => s.outOfScope),
      out.map((s) => s.score),
    );
  const result: OpenIntentSeedReport = {
    seed,
    knownIntents: known.size,
    unseenIntents: intents.length - known.size,
    trainRows: trainRows.length,
    inScopeRows: inScope.length,
    accuracyNoReject: rightTop / n,
    inScopeAccuracy: rightKept / n,
    accuracyLost: (rightTop - rightKept) / n,
    unseen: report(scored(unseen)),
    gibberish: report(scored(offTopic)),
    trainSeconds,
  };
  if (options.baselineLoss !== undefined) result.baseline = optimisticBaseline(trainRows, inScope, unseen, seed, options.baselineLoss);
  return result;
}

/** Today's model: no background class, a threshold on its top confidence chosen on the test rows themselves. */
function optimisticBaseline(
  trainRows: { text: string; intent: string }[],
  inScope: readonly LabelledText[],
  unseen: readonly string[],
  seed: number,
  loss: number,
) {
  const model = trainIntentModel(trainRows, { seed, background: [], threshold: 0 });
  const top = (t: string) => model.classify(t, 1).ranking[0]!;
  const right = inScope.map((r) => top(r.text)).flatMap((s, i) => (s.intent === inScope[i]!.label ? [s.confidence] : []));
  right.sort((a, b) => a - b);
  // the highest threshold rejecting at most `loss` of the in-scope rows among the right ones
  const budget = Math.floor(loss * inScope.length + 1e-9);
  const threshold = budget < right.length ? right[budget]! : 1;
  const rejectedRight = right.filter((c) => c < threshold).length;
  const unseenRecall = unseen.length ? unseen.filter((t) => top(t).confidence < threshold).length / unseen.length : 0;
  return { threshold, accuracyLost: rejectedRight / Math.max(1, inScope.length), unseenRecall };
}

/** Runs the protocol for every seed and averages. */
export function evaluateOpenIntents(train: readonly LabelledText[], test: readonly LabelledText[], options: OpenIntentOptions = {}): OpenIntentReport {
  const seeds = options.seeds ?? [1, 2, 3, 4, 5];
  if (seeds.length === 0) throw new Error('evaluateOpenIntents: no seeds');
  const runs = seeds.map((s) => openIntentRun(train, test, s, options));
  const avg = (f: (r: OpenIntentSeedReport) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  const avgDetection = (f: (r: OpenIntentSeedReport) => DetectionReport): DetectionReport => ({
    rows: avg((r) => f(r).rows),
    recall: avg((r) => f(r).recall),
    precision: avg((r) => f(r).precision),
    auroc: avg((r) => f(r).auroc),
  });
  const mean: OpenIntentReport['mean'] = {
    accuracyNoReject: avg((r) => r.accuracyNoReject),
    inScopeAccuracy: avg((r) => r.inScopeAccuracy),
    accuracyLost: avg((r) => r.accuracyLost),
    unseen: avgDetection((r) => r.unseen),
    gibberish: avgDetection((r) => r.gibberish),
    trainSeconds: avg((r) => r.trainSeconds),
  };
  if (runs.every((r) => r.baseline)) {
    mean.baseline = {
      threshold: avg((r) => r.baseline!.threshold),
      accuracyLost: avg((r) => r.baseline!.accuracyLost),
      unseenRecall: avg((r) => r.baseline!.unseenRecall),
    };
  }
  return { knownShare: options.knownShare ?? 0.75, seeds: runs, mean };
}
