import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IntentModelJson } from '../bundle/schema';
import { chooseScoreThreshold } from './calibration';
import { trainIntentModel } from './classifier';
import { readLabelledCsv } from './csv';
import { auroc } from './openIntent';
import { combinedScore, fitLogistic, leaveIntentsOut, scopeFeatures, WordCounts, wordKeysOf } from './scope';
import { deserializeIntentModel, serializeIntentModel } from './serialize';
import { DEFAULT_FEATURES, fitVectorizer } from './features';
import { seededRandom } from '../util/random';

/** BANKING77's first 20 categories; the last 5 (alphabetically) play the unseen intents. */
function banking() {
  const dir = path.resolve(import.meta.dirname, '../../test/fixtures/banking77-20');
  const train = readLabelledCsv(readFileSync(path.join(dir, 'train.csv'), 'utf8'));
  const test = readLabelledCsv(readFileSync(path.join(dir, 'test.csv'), 'utf8'));
  const intents = [...new Set(train.map((r) => r.label))].sort();
  const known = new Set(intents.slice(0, 15));
  return { train, test, known };
}

describe('word typicality', () => {
  const rows = ['my card has not arrived', 'when will my card arrive', 'exchange rate for euros', 'what rate do you use to exchange'];
  const counts = WordCounts.count(rows.map(wordKeysOf), [0, 0, 1, 1], 2);

  it('is positive for the class’s own words, negative for words only another class uses or no class knows', () => {
    const [mean, min] = counts.typicality(wordKeysOf('card arrived'), 0);
    expect(mean).toBeGreaterThan(0);
    expect(min).toBeGreaterThan(0);
    expect(counts.typicality(wordKeysOf('exchange rate'), 0)[0]).toBeLessThan(0);
    expect(counts.typicality(wordKeysOf('exchange rate'), 1)[0]).toBeGreaterThan(0);
    // one word the class never used pulls the minimum down, the mean less
    const mixed = counts.typicality(wordKeysOf('my card arrived exchange'), 0);
    expect(mixed[1]).toBeLessThan(0);
    expect(mixed[0]).toBeGreaterThan(mixed[1]);
    expect(counts.typicality(new Int32Array(0), 0)).toEqual([0, 0]);
  });

  it('reads the words a vectoriser hashed for the text it transformed last, and only for that text', () => {
    const { vectorizer } = fitVectorizer(rows, DEFAULT_FEATURES);
    const text = 'Where is my CARD? It has not arrived, my card';
    vectorizer.transform(text);
    expect([...vectorizer.wordKeysOfLast(text)!]).toEqual([...wordKeysOf(text)]);
    expect(vectorizer.wordKeysOfLast('where is my card')).toBeUndefined();
    vectorizer.transform('exchange rate');
    expect(vectorizer.wordKeysOfLast(text)).toBeUndefined();
    expect([...vectorizer.wordKeysOfLast('exchange rate')!]).toEqual([...wordKeysOf('exchange rate')]);
    // a text without words
    vectorizer.transform('?!');
    expect(vectorizer.wordKeysOfLast('?!')!.length).toBe(0);
    // a vectoriser without word features still has the words
    const charsOnly = fitVectorizer(rows, { ...DEFAULT_FEATURES, wordMax: 0 }).vectorizer;
    charsOnly.transform(text);
    expect([...charsOnly.wordKeysOfLast(text)!]).toEqual([...wordKeysOf(text)]);
  });

  it('rejects counts that do not match their offsets', () => {
    expect(() => new WordCounts({ offsets: Int32Array.from([0, 2]), keys: Int32Array.from([1]), counts: Float32Array.from([1]) })).toThrow(/do not match/);
  });
});

describe('logistic combination', () => {
  it('finds the feature that separates the classes and its sign', () => {
    const rand = seededRandom(3);
    const X: number[][] = [];
    const out: boolean[] = [];
    for (let i = 0; i < 400; i++) {
      const o = i % 2 === 0;
      X.push([(o ? -1 : 1) + rand() * 0.8, rand()]); // feature 0 low when out of scope, feature 1 noise
      out.push(o);
    }
    const w = fitLogistic(X, out);
    expect(w).toHaveLength(3);
    expect(w[1]).toBeLessThan(-1);
    expect(Math.abs(w[2]!)).toBeLessThan(Math.abs(w[1]!) / 5);
    // in-scope rows score higher than out-of-scope ones
    expect(
      auroc(
        X.filter((_, i) => !out[i]).map((x) => combinedScore(w, x)),
        X.filter((_, i) => out[i]).map((x) => combinedScore(w, x)),
      ),
    ).toBeGreaterThan(0.95);
    expect(() => fitLogistic([[1], [2]], [false, false])).toThrow(/both classes/);
  });

  it('threshold on a score: at most the budget of correct rows rejected, rejected rows spend it', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i);
    const correct = scores.map(() => true);
    expect(chooseScoreThreshold(scores, correct, 0.02)).toBe(1.5); // rows 0 and 1 rejected
    expect(chooseScoreThreshold(scores, correct, 0.005)).toBe(-Number.MAX_VALUE);
    const rejected = scores.map((i) => i === 50);
    expect(chooseScoreThreshold(scores, correct, 0.02, rejected)).toBe(0.5);
    // wrong predictions cost nothing
    expect(
      chooseScoreThreshold(
        scores,
        scores.map((i) => i >= 10),
        0.02,
      ),
    ).toBe(11.5);
  });
});

describe('leave-intents-out split', () => {
  it('hides a share of the in-scope classes, never the out-of-scope one, and returns only the rows it is given', () => {
    const K = 9;
    const oos = 4;
    const y = Int32Array.from({ length: 180 }, (_, i) => i % K);
    const held = Array.from(y, (_, i) => i % 10 === 0);
    const s = leaveIntentsOut(y, K, oos, held, seededRandom(1))!;
    expect(s.hidden).toHaveLength(2); // a quarter of 8
    expect(s.hidden).not.toContain(oos);
    const all = [...s.train, ...s.inScope, ...s.outOfScope];
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((i) => i >= 0 && i < y.length)).toBe(true);
    expect(s.outOfScope.every((i) => s.hidden.includes(y[i]!))).toBe(true);
    expect(y.filter((c) => s.hidden.includes(c)).length).toBe(s.outOfScope.length);
    expect(s.train.every((i) => !held[i] && !s.hidden.includes(y[i]!))).toBe(true);
    expect(s.inScope.every((i) => held[i] && !s.hidden.includes(y[i]!) && y[i] !== oos)).toBe(true);
    expect(s.train.some((i) => y[i] === oos)).toBe(true); // the background class stays in training
    expect(leaveIntentsOut(Int32Array.from([0, 1, 2, 0, 1, 2]), 3, -1, [false, false, false, true, true, true], seededRandom(1))).toBeUndefined();
  });

  it('a model hides only intents it was trained on: the unseen intents of an open-intent split never take part', () => {
    const { train, known } = banking();
    const rows = train.filter((r) => known.has(r.label)).map((r) => ({ text: r.text, intent: r.label }));
    expect(rows.length).toBeGreaterThanOrEqual(2000); // the held-out slice path, its leave-intents-out model warm-started
    const model = trainIntentModel(rows);
    expect(model.data.version).toBe(2);
    const hidden = model.data.scope!.hiddenIntents;
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.every((h) => known.has(h))).toBe(true);
  });
});

describe('small training sets', () => {
  it('stay version 1 when the held-out rows are too few for the budget to reject any', () => {
    const { train, known } = banking();
    const seen = new Map<string, number>();
    const few = train.filter((r) => known.has(r.label) && (seen.set(r.label, (seen.get(r.label) ?? 0) + 1).get(r.label) ?? 0) <= 3);
    expect(few).toHaveLength(45); // 45 held-out rows: floor(0.018 × 45) = 0 may be rejected
    const model = trainIntentModel(few.map((r) => ({ text: r.text, intent: r.label })));
    expect(model.data.version).toBe(1);
    expect(model.data.scope).toBeUndefined();
  });

  it('are version 2 from a few hundred examples (calibrated by 5-fold cross-validation)', () => {
    const { train, known } = banking();
    const seen = new Map<string, number>();
    const some = train.filter((r) => known.has(r.label) && (seen.set(r.label, (seen.get(r.label) ?? 0) + 1).get(r.label) ?? 0) <= 40);
    const model = trainIntentModel(some.map((r) => ({ text: r.text, intent: r.label })));
    expect(model.data.version).toBe(2);
    expect(model.data.calibratedOn).toBeGreaterThanOrEqual(some.length); // every row held out once
    expect(model.data.scope!.weights[1]).toBeLessThan(0); // a higher top confidence: less likely out of scope
  });
});

describe('version-2 model', () => {
  const { train, test, known } = banking();
  const model = trainIntentModel(train.filter((r) => known.has(r.label)).map((r) => ({ text: r.text, intent: r.label })));

  it('scores rows of unseen intents lower than in-scope rows, and rejects many more of them', () => {
    const inScope = test.filter((r) => known.has(r.label)).map((r) => r.text);
    const unseen = test.filter((r) => !known.has(r.label)).map((r) => r.text);
    const margin = (t: string) => model.classify(t).margin;
    expect(auroc(inScope.map(margin), unseen.map(margin))).toBeGreaterThan(0.9);
    // and rejects more of them than of the in-scope rows
    const rate = (ts: string[]) => ts.filter((t) => model.classify(t).outOfScope).length / ts.length;
    expect(rate(unseen)).toBeGreaterThan(3 * rate(inScope));
  });

  it('serialises with its scope, passes the bundle schema, and a version-1 model still loads', () => {
    const json = serializeIntentModel(model);
    expect(IntentModelJson.safeParse(JSON.parse(json)).success).toBe(true);
    const copy = deserializeIntentModel(json);
    expect(copy.data.version).toBe(2);
    for (const t of ['my card has not come yet', 'xkcd foo bar', 'can I change my PIN at an ATM']) expect(copy.classify(t)).toEqual(model.classify(t));
    const v1 = trainIntentModel(
      train.filter((r) => known.has(r.label)).map((r) => ({ text: r.text, intent: r.label })),
      { scope: false },
    );
    expect(v1.data.version).toBe(1);
    expect(v1.data.scope).toBeUndefined();
    const v1json = serializeIntentModel(v1);
    expect(JSON.parse(v1json)).not.toHaveProperty('scope');
    expect(IntentModelJson.safeParse(JSON.parse(v1json)).success).toBe(true);
    expect(deserializeIntentModel(v1json).classify('xkcd foo bar')).toEqual(v1.classify('xkcd foo bar'));
    // a version 2 without its scope, or a version 1 with one, is refused
    const raw = JSON.parse(json) as Record<string, unknown>;
    expect(() => deserializeIntentModel(JSON.stringify({ ...raw, scope: undefined }))).toThrow(/scope/);
    expect(IntentModelJson.safeParse({ ...raw, version: 1 }).success).toBe(false);
    expect(() => deserializeIntentModel(JSON.stringify({ ...raw, scope: { ...(raw.scope as object), weights: [1, 2] } }))).toThrow(/scope.weights/);
  });

  it('combines the log top probability with the word typicality of the predicted intent', () => {
    expect(scopeFeatures(1, [0.5, -2])).toEqual([0, 0.5, -2]);
    expect(combinedScore([1, 2, 3, 4], [1, 1, 1])).toBe(-10);
  });
});
