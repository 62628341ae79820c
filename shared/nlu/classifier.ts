// The embedded intent classifier: TF-IDF over character and word n-grams (features.ts), a Crammer-Singer
// multi-class linear SVM (svm.ts), and calibrated probabilities (calibration.ts): softmax over the scores with a
// temperature fitted on held-out predictions — one stratified 10% slice for large training sets (then the final
// model is retrained on everything, warm-started), 5-fold cross-validation for small ones.
// Out of scope without labelled out-of-scope examples: generic sentences shipped with the package
// (data/background.ts) join the rows labelled `oos`, if any, as a background class of their own, and a threshold
// on the top in-scope probability is chosen on the same held-out predictions so that at most `maxAccuracyLoss`
// of them are correct predictions rejected. `predict` rejects when the background class wins or the confidence
// is below it. Pure TypeScript, deterministic for a given seed, no I/O.

import type { IntentScore } from '../engine/ports';
import { chooseRejectThreshold, fitTemperature, softmaxInto } from './calibration';
import { BACKGROUND_EN } from './data/background';
import { DEFAULT_FEATURES, fitVectorizer, Vectorizer, Vocabulary, type FeatureOptions } from './features';
import { combinedScore, scopeFeatures, WordCounts, wordKeysOf } from './scope';
import { fitScope, type ScopeModelData } from './scopeFit';
import { normalizeText } from './text';
import { seededRandom, shuffleInPlace } from '../util/random';
import { scoreRow, scoreRows, selectRows, trainCrammerSinger, type LinearModel, type SvmOptions } from './svm';

export interface IntentExample {
  text: string;
  intent: string;
}

export interface TrainIntentOptions {
  features?: Partial<FeatureOptions>;
  svm?: Partial<SvmOptions>;
  /** Label of out-of-scope rows (default `oos`). */
  oosLabel?: string;
  /**
   * Generic out-of-scope sentences added to the out-of-scope class (default BACKGROUND_EN; `[]` for none), at
   * most twice the median intent's examples (and at least 20), chosen with the seed. Sentences equal to an
   * example of an intent are left out.
   */
  background?: readonly string[];
  /**
   * Share of held-out in-scope predictions that may be correct and still rejected as out of scope: the budget
   * the confidence threshold is chosen for (default 0.015).
   */
  maxAccuracyLoss?: number;
  /** Share of each class held out to fit the temperature and threshold, for large training sets (default 0.1). */
  heldOutFraction?: number;
  /** Below this many examples, calibrate by k-fold cross-validation instead of one held-out slice (default 2000). */
  crossValidateBelow?: number;
  /** Folds of that cross-validation (default 5). */
  folds?: number;
  /** Fixed temperature: skips fitting it (and the held-out training). */
  temperature?: number;
  /** Fixed out-of-scope threshold instead of the chosen one (no combined score then: a version-1 model). */
  threshold?: number;
  /**
   * Fit the combined out-of-scope score (scope.ts; default true): a version-2 model. Without it, or when the
   * training set cannot support it (fewer than 4 intents), the threshold is on the top probability (version 1).
   */
  scope?: boolean;
  seed?: number;
}

/** Classifier settings that are also what `parley nlu evaluate` and the bench run. */
export const DEFAULT_CLASSIFIER_SVM: SvmOptions = { C: 1, eps: 0.3, maxIter: 40, bias: 1, balance: 0, seed: 1 };

/** Default budget of correct in-scope predictions rejected as out of scope (TrainIntentOptions.maxAccuracyLoss). */
export const DEFAULT_MAX_ACCURACY_LOSS = 0.018;

/** Temperature used when there is too little data to fit one (fewer than two examples in two classes). */
export const FALLBACK_TEMPERATURE = 0.3;

export type { ScopeModelData } from './scopeFit';

/**
 * Everything a trained model is: plain data and typed arrays, so it can be cached (see serializeIntentModel).
 * Version 1: out of scope when the out-of-scope class wins or the top probability is below `threshold`. Version 2
 * adds `scope`, the combined score (scope.ts) and its own threshold; models of either version load.
 */
export interface IntentModelData {
  format: 'parley-intent-model';
  version: 1 | 2;
  /** Class labels; scores and weights follow this order. */
  labels: string[];
  /** The out-of-scope label when it is one of the classes, else null. */
  oosLabel: string | null;
  features: FeatureOptions;
  /** Feature key of each column, and its IDF. */
  keys: Int32Array;
  idf: Float32Array;
  /** IDF of a feature the vocabulary does not know (it counts in a row's norm). */
  unknownIdf: number;
  /** Feature-major weights, `weights[col * labels.length + k]`, and a bias per class. */
  weights: Float32Array;
  bias: Float32Array;
  temperature: number;
  /** Top probability below which a prediction is out of scope (0: never). */
  threshold: number;
  /** Training rows, and rows used for calibration (0 when the temperature was given or could not be fitted). */
  trainedOn: number;
  calibratedOn: number;
  /** Version 2 only. */
  scope?: ScopeModelData;
}

export interface IntentPrediction {
  /** The predicted label: `oosLabel` (default `oos`) when rejected. */
  intent: string;
  /** Top class probability (also when rejected: how sure the model was of its best class). */
  confidence: number;
  /** Out of scope: the out-of-scope class won, or the confidence was below the threshold. */
  outOfScope: boolean;
}

export class IntentModel {
  readonly labels: readonly string[];
  private readonly vectorizer: Vectorizer;
  private readonly linear: LinearModel;
  private readonly scratchScores: Float64Array;
  private readonly scratchProbs: Float64Array;
  private readonly oosIndex: number;
  private readonly words: WordCounts | undefined;

  constructor(readonly data: IntentModelData) {
    const K = data.labels.length;
    if (K === 0) throw new Error('intent model: no labels');
    if (data.weights.length !== data.keys.length * K || data.bias.length !== K || data.idf.length !== data.keys.length) {
      throw new Error('intent model: weights, keys and labels do not match');
    }
    this.labels = data.labels;
    this.vectorizer = new Vectorizer(data.features, Vocabulary.fromKeys(data.keys), data.idf, data.unknownIdf);
    this.linear = { classes: K, cols: data.keys.length, weights: data.weights, bias: data.bias };
    this.scratchScores = new Float64Array(K);
    this.scratchProbs = new Float64Array(K);
    this.oosIndex = data.oosLabel === null ? -1 : data.labels.indexOf(data.oosLabel);
    if ((data.version === 2) !== (data.scope !== undefined)) throw new Error('intent model: a version-2 model has a scope, a version-1 model none');
    if (data.scope) {
      if (data.scope.words.offsets.length !== K + 1 || data.scope.weights.length !== 4) throw new Error('intent model: scope does not match the labels');
      this.words = new WordCounts(data.scope.words);
    }
  }

  /**
   * How far inside the model's scope a text is, given its class probabilities: negative exactly when it is out of
   * scope (the out-of-scope class beats the best class `best`, or a threshold rejects it).
   */
  private scopeMargin(text: string, p: Float64Array, best: number): number {
    const top = best >= 0 ? p[best]! : 0;
    const oos = this.oosIndex >= 0 ? p[this.oosIndex]! : 0;
    if (best < 0) return -1;
    let m = Math.min(top - oos, top - this.data.threshold);
    if (this.data.scope && this.words) {
      // the words were hashed for the row the probabilities came from (predict and classify transform first)
      const keys = this.vectorizer.wordKeysOfLast(text) ?? wordKeysOf(text);
      const s = combinedScore(this.data.scope.weights, scopeFeatures(top, this.words.typicality(keys, best)));
      m = Math.min(m, s - this.data.scope.threshold);
    }
    return m; // the rules reject on oos > top and top < threshold: a tie on either is in scope
  }

  private bestInScope(p: Float64Array): number {
    let best = -1;
    for (let k = 0; k < p.length; k++) if (k !== this.oosIndex && (best < 0 || p[k]! > p[best]!)) best = k;
    return best;
  }

  /** Raw scores per class (labels order), into `out` when given. */
  scores(text: string, out: Float64Array = new Float64Array(this.labels.length)): Float64Array {
    const row = this.vectorizer.transform(text);
    return scoreRow(this.linear, row.idx, row.val, row.length, out);
  }

  /** Calibrated probabilities per class (labels order), into `out` when given. They sum to 1. */
  probabilities(text: string, out: Float64Array = new Float64Array(this.labels.length)): Float64Array {
    const K = this.labels.length;
    const s = this.scores(text, this.scratchScores);
    if (K === 1) {
      // One class: its weights are the normalised centroid, the score a cosine similarity.
      out[0] = Math.min(1, Math.max(0, s[0]!));
      return out;
    }
    return softmaxInto(s, 0, K, this.data.temperature, out);
  }

  /** In-scope intents, best first, with calibrated confidences (they sum to at most 1). */
  rank(text: string, limit = Infinity): IntentScore[] {
    const p = this.probabilities(text, this.scratchProbs);
    const out: IntentScore[] = [];
    for (let k = 0; k < p.length; k++) if (k !== this.oosIndex) out.push({ intent: this.labels[k]!, confidence: p[k]! });
    out.sort((a, b) => b.confidence - a.confidence || (a.intent < b.intent ? -1 : 1));
    return limit < out.length ? out.slice(0, limit) : out;
  }

  /**
   * The best label, or the out-of-scope label when that class wins or the confidence is below the threshold.
   * The class probabilities are left in `probabilities` when given.
   */
  predict(text: string, probabilities?: Float64Array): IntentPrediction {
    const p = this.probabilities(text, probabilities ?? this.scratchProbs);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    const confidence = p[best]!;
    const outOfScope = best === this.oosIndex || this.scopeMargin(text, p, best) < 0;
    return { intent: outOfScope ? (this.data.oosLabel ?? 'oos') : this.labels[best]!, confidence, outOfScope };
  }

  /**
   * `rank` and `predict` in one pass: the in-scope ranking (best first, at most `limit`), whether the text is out
   * of scope, the probability of the out-of-scope class (0 when the model has none), and how far inside the scope
   * the text is (`margin`: negative exactly when out of scope).
   */
  classify(text: string, limit = Infinity): { ranking: IntentScore[]; outOfScope: boolean; oosProbability: number; margin: number } {
    const p = this.probabilities(text, this.scratchProbs);
    const margin = this.scopeMargin(text, p, this.bestInScope(p));
    const oosProbability = this.oosIndex >= 0 ? p[this.oosIndex]! : 0;
    const ranking: IntentScore[] = [];
    for (let k = 0; k < p.length; k++) if (k !== this.oosIndex) ranking.push({ intent: this.labels[k]!, confidence: p[k]! });
    ranking.sort((a, b) => b.confidence - a.confidence || (a.intent < b.intent ? -1 : 1));
    const outOfScope = ranking.length === 0 || margin < 0;
    return { ranking: limit < ranking.length ? ranking.slice(0, limit) : ranking, outOfScope, oosProbability, margin };
  }
}

// ---- training ----------------------------------------------------------------------------------------------

/** Assigns each row a fold in [0, folds) stratified by class; rows of classes with fewer than 2 examples get -1. */
function stratifiedFolds(y: Int32Array, K: number, folds: number, rand: () => number): Int32Array {
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i);
  const fold = new Int32Array(y.length).fill(-1);
  let offset = 0;
  for (const rows of byClass) {
    if (rows.length < 2) continue;
    shuffleInPlace(rows, rand);
    rows.forEach((i, r) => (fold[i] = (r + offset) % folds));
    offset += rows.length;
  }
  return fold;
}

/** Trains an intent model from example utterances. Deterministic for the same examples and options. */
export function trainIntentModel(examples: readonly IntentExample[], options: TrainIntentOptions = {}): IntentModel {
  const texts: string[] = [];
  const intents: string[] = [];
  for (const e of examples) {
    if (typeof e.text !== 'string' || typeof e.intent !== 'string' || !e.intent) throw new Error('trainIntentModel: every example needs a text and an intent');
    if (!e.text.trim()) continue;
    texts.push(e.text);
    intents.push(e.intent);
  }
  if (texts.length === 0) throw new Error('trainIntentModel: no examples');
  const oos = options.oosLabel ?? 'oos';
  const seed = options.seed ?? 1;
  addBackground(texts, intents, oos, options.background ?? BACKGROUND_EN, seed);
  const labels = [...new Set(intents)].sort();
  const K = labels.length;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(intents, (l) => labelIndex.get(l)!);
  const features: FeatureOptions = { ...DEFAULT_FEATURES, ...options.features };
  const svm: SvmOptions = { ...DEFAULT_CLASSIFIER_SVM, ...options.svm };
  const rand = seededRandom(seed);
  const { vectorizer, matrix: X } = fitVectorizer(texts, features);
  const n = texts.length;
  const oosIndex = labelIndex.get(oos) ?? -1;

  const finish = (linear: LinearModel, temperature: number, threshold: number, calibratedOn: number, scope?: ScopeModelData): IntentModel =>
    new IntentModel({
      format: 'parley-intent-model',
      version: scope ? 2 : 1,
      labels,
      oosLabel: oosIndex >= 0 ? oos : null,
      features,
      keys: vectorizer.vocab.keys(),
      idf: vectorizer.idf,
      unknownIdf: vectorizer.unknownIdf,
      weights: linear.weights,
      bias: linear.bias,
      temperature,
      threshold,
      trainedOn: n,
      calibratedOn,
      ...(scope ? { scope } : {}),
    });

  if (K === 1) {
    // Nothing to tell apart: the normalised centroid, whose score is the cosine similarity to the examples.
    const w = new Float64Array(X.cols);
    for (let p = 0; p < X.idx.length; p++) w[X.idx[p]!]! += X.val[p]!;
    let norm = 0;
    for (const v of w) norm += v * v;
    const weights = Float32Array.from(w, (v) => v / (Math.sqrt(norm) || 1));
    return finish({ classes: 1, cols: X.cols, weights, bias: new Float32Array(1) }, 1, options.threshold ?? 0, 0);
  }

  // Held-out scores for calibration: one slice (large sets) or k folds (small ones).
  const heldRows: number[] = [];
  let heldScores = new Float64Array(0);
  let warm: ((i: number, out: Float64Array) => boolean) | undefined;
  let fold: Int32Array | undefined;
  if (options.temperature === undefined) {
    if (n >= (options.crossValidateBelow ?? 2000)) {
      const frac = options.heldOutFraction ?? 0.1;
      const folds = (fold = stratifiedFolds(y, K, Math.max(2, Math.round(1 / frac)), rand));
      const trainRows: number[] = [];
      for (let i = 0; i < n; i++) (folds[i] === 0 ? heldRows : trainRows).push(i);
      const sub = trainCrammerSinger(
        selectRows(X, trainRows),
        Int32Array.from(trainRows, (i) => y[i]!),
        K,
        svm,
      );
      heldScores = new Float64Array(heldRows.length * K);
      scoreRows(sub, X, heldRows, heldScores, 0);
      const pos = new Int32Array(n).fill(-1);
      trainRows.forEach((i, r) => (pos[i] = r));
      warm = (i, out) => {
        if (pos[i]! < 0) return false;
        out.set(sub.alpha.subarray(pos[i]! * K, pos[i]! * K + K));
        return true;
      };
    } else {
      const k = options.folds ?? 5;
      const folds = (fold = stratifiedFolds(y, K, k, rand));
      const parts: number[][] = Array.from({ length: k }, () => []);
      for (let i = 0; i < n; i++) if (folds[i]! >= 0) parts[folds[i]!]!.push(i);
      const scored: Float64Array[] = [];
      for (let f = 0; f < k; f++) {
        const test = parts[f]!;
        if (!test.length) continue;
        const trainRows: number[] = [];
        for (let i = 0; i < n; i++) if (folds[i] !== f) trainRows.push(i);
        const m = trainCrammerSinger(
          selectRows(X, trainRows),
          Int32Array.from(trainRows, (i) => y[i]!),
          K,
          svm,
        );
        const s = new Float64Array(test.length * K);
        scoreRows(m, X, test, s, 0);
        scored.push(s);
        heldRows.push(...test);
      }
      heldScores = new Float64Array(heldRows.length * K);
      let at = 0;
      for (const s of scored) {
        heldScores.set(s, at);
        at += s.length;
      }
    }
  }

  let temperature = options.temperature ?? FALLBACK_TEMPERATURE;
  let threshold = options.threshold ?? 0;
  let scope: ScopeModelData | undefined;
  if (heldRows.length > 0) {
    const heldY = Int32Array.from(heldRows, (i) => y[i]!);
    temperature = fitTemperature(heldScores, heldY, K);
    const maxLoss = options.maxAccuracyLoss ?? DEFAULT_MAX_ACCURACY_LOSS;
    if (options.threshold === undefined && options.scope !== false && fold) {
      scope = fitScope({
        X,
        y,
        K,
        labels,
        oosIndex,
        rowWords: texts.map(wordKeysOf),
        fold,
        heldRows,
        heldScores,
        temperature,
        svm,
        warm,
        maxLoss,
        rand,
      });
    }
    if (options.threshold === undefined && !scope) {
      // the in-scope held-out rows: top in-scope probability, whether right, whether the oos class won
      const top: number[] = [];
      const correct: boolean[] = [];
      const rejected: boolean[] = [];
      const p = new Float64Array(K);
      for (let r = 0; r < heldRows.length; r++) {
        if (heldY[r] === oosIndex) continue;
        softmaxInto(heldScores, r * K, K, temperature, p);
        let best = -1;
        for (let c = 0; c < K; c++) if (c !== oosIndex && (best < 0 || p[c]! > p[best]!)) best = c;
        top.push(p[best]!);
        correct.push(best === heldY[r]);
        rejected.push(oosIndex >= 0 && p[oosIndex]! > p[best]!);
      }
      threshold = chooseRejectThreshold(top, correct, maxLoss, rejected);
    }
  }
  const final = trainCrammerSinger(X, y, K, svm, warm);
  return finish(final, temperature, threshold, heldRows.length, scope);
}

/**
 * Appends the background sentences to the rows as out-of-scope examples: at most twice the median intent's
 * examples (at least 20), a seeded choice, leaving out those equal (normalised) to an in-scope example.
 */
function addBackground(texts: string[], intents: string[], oos: string, background: readonly string[], seed: number): void {
  if (background.length === 0) return;
  const counts = new Map<string, number>();
  const known = new Set<string>();
  for (let i = 0; i < texts.length; i++) {
    if (intents[i] === oos) continue;
    counts.set(intents[i]!, (counts.get(intents[i]!) ?? 0) + 1);
    known.add(normalizeText(texts[i]!).trim());
  }
  if (counts.size === 0) return;
  const sizes = [...counts.values()].sort((a, b) => a - b);
  const cap = Math.max(20, 2 * sizes[Math.floor(sizes.length / 2)]!);
  const pool = background.filter((t) => t.trim() && !known.has(normalizeText(t).trim()));
  if (pool.length > cap) shuffleInPlace(pool, seededRandom(seed ^ 0x9e3779b9));
  for (const t of pool.slice(0, cap)) {
    texts.push(t);
    intents.push(oos);
  }
}
