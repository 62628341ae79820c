import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from './calibration';
import { trainIntentModel, type IntentExample } from './classifier';
import { readLabelledCsv } from './csv';
import { evaluateModel, scorePredictions } from './evaluate';
import { seededRandom } from '../util/random';
import { deserializeIntentModel, serializeIntentModel } from './serialize';

/** BANKING77's first 20 categories (alphabetically), kept in the repository so this runs everywhere. */
const BANKING20 = path.resolve(import.meta.dirname, '../../test/fixtures/banking77-20');

function bankingSubset() {
  const train = readLabelledCsv(readFileSync(path.join(BANKING20, 'train.csv'), 'utf8'));
  const test = readLabelledCsv(readFileSync(path.join(BANKING20, 'test.csv'), 'utf8'));
  return { train, test };
}

// A synthetic task: each intent has its own content words, mixed with shared filler and some words of other
// intents, so it is learnable but not trivially separable.
const TOPICS: Record<string, string[]> = {
  balance: ['balance', 'money', 'funds', 'account', 'left', 'available'],
  transfer: ['transfer', 'send', 'wire', 'move', 'payee', 'recipient'],
  card_lost: ['lost', 'stolen', 'missing', 'card', 'wallet', 'freeze'],
  hours: ['open', 'hours', 'close', 'branch', 'saturday', 'time'],
  loan: ['loan', 'mortgage', 'borrow', 'interest', 'rate', 'apply'],
  agent: ['human', 'agent', 'person', 'representative', 'someone', 'talk'],
};
const FILLER = ['i', 'want', 'to', 'please', 'my', 'the', 'can', 'you', 'how', 'do', 'what', 'is', 'a', 'me', 'need', 'help'];
const OOS = ['weather', 'football', 'recipe', 'movie', 'pizza', 'guitar', 'holiday', 'song', 'cat', 'rain', 'game', 'poem'];

function synthetic(perIntent: number, seed: number, withOos = 0): IntentExample[] {
  const rand = seededRandom(seed);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
  const names = Object.keys(TOPICS);
  const out: IntentExample[] = [];
  const sentence = (content: string[]) => {
    const words: string[] = [];
    for (let i = 0; i < 6; i++) words.push(rand() < 0.45 ? pick(content) : pick(FILLER));
    if (rand() < 0.3) words.push(pick(TOPICS[pick(names)]!)); // a confusing word from any intent
    return words.join(' ');
  };
  for (const name of names) for (let i = 0; i < perIntent; i++) out.push({ text: sentence(TOPICS[name]!), intent: name });
  for (let i = 0; i < withOos; i++) out.push({ text: sentence(OOS), intent: 'oos' });
  return out;
}

describe('intent classifier', () => {
  it('learns a synthetic task and ranks with calibrated confidences that sum to at most 1', () => {
    const model = trainIntentModel(synthetic(40, 1));
    const test = synthetic(30, 2);
    const ok = test.filter((e) => model.predict(e.text).intent === e.intent).length;
    expect(ok / test.length).toBeGreaterThanOrEqual(0.97); // measured 0.978 (176 of 180)
    const ranking = model.rank('I lost my card, please freeze it');
    expect(ranking[0]!.intent).toBe('card_lost');
    expect(ranking).toHaveLength(6);
    const sum = ranking.reduce((s, r) => s + r.confidence, 0);
    expect(sum).toBeLessThanOrEqual(1 + 1e-9);
    for (let i = 1; i < ranking.length; i++) expect(ranking[i]!.confidence).toBeLessThanOrEqual(ranking[i - 1]!.confidence);
    expect(model.data.calibratedOn).toBeGreaterThan(0);
  });

  it('is deterministic: the same examples and seed give the same model', () => {
    const data = synthetic(20, 3);
    const a = trainIntentModel(data);
    const b = trainIntentModel(data);
    expect(Array.from(a.data.weights)).toEqual(Array.from(b.data.weights));
    expect(a.data.temperature).toBe(b.data.temperature);
    const c = trainIntentModel(data, { seed: 99 });
    expect(c.rank('transfer money to a payee')[0]!.intent).toBe('transfer');
  });

  it('serialises to JSON and back with identical predictions, and rejects other JSON', () => {
    const model = trainIntentModel(synthetic(20, 4));
    const json = serializeIntentModel(model);
    const copy = deserializeIntentModel(json);
    for (const text of ['what time do you open on saturday', 'borrow money for a house', 'zzz', 'who won the rugby']) {
      expect(copy.rank(text)).toEqual(model.rank(text));
      expect(copy.classify(text)).toEqual(model.classify(text)); // the out-of-scope decision too
    }
    expect(copy.classify('who won the rugby').outOfScope).toBe(true);
    expect(copy.data.labels).toEqual(model.data.labels);
    expect(copy.data.labels).toContain('oos'); // the background class, in the same format as before
    expect(copy.data.version).toBe(2); // six intents: the combined out-of-scope score (scope.ts)
    expect(copy.data.scope?.weights).toEqual(model.data.scope?.weights);
    expect(() => deserializeIntentModel('{"format":"other"}')).toThrow(/not a parley intent model/);
    expect(() => deserializeIntentModel(json.replace('"weights":"', '"weights":"!'))).toThrow(/base64/);
  });

  it('rejects out of scope: an oos class plus a confidence threshold chosen on held-out in-scope rows', () => {
    const model = trainIntentModel(synthetic(40, 5, 120));
    expect(model.data.oosLabel).toBe('oos');
    expect(model.data.threshold).toBeGreaterThanOrEqual(0);
    expect(model.data.threshold).toBeLessThan(1);
    // the oos class is never ranked
    expect(model.rank('what is the weather like').map((r) => r.intent)).not.toContain('oos');
    const test = synthetic(30, 6, 180);
    const pred = test.map((e) => model.predict(e.text).intent);
    const s = scorePredictions(
      test.map((e) => e.intent),
      pred,
    );
    // measured: recall 0.978, precision 0.967, in-scope accuracy 0.944 (180 rows each)
    expect(s.oosRecall).toBeGreaterThanOrEqual(0.96);
    expect(s.oosPrecision).toBeGreaterThanOrEqual(0.95);
    expect(s.inScopeAccuracy).toBeGreaterThanOrEqual(0.93);
    expect(model.predict('football pizza guitar song').intent).toBe('oos');
    // a forced high threshold rejects by confidence alone
    const strict = trainIntentModel(synthetic(40, 5), { threshold: 0.999 });
    const p = strict.predict('i want to transfer money to my payee please');
    expect(p.outOfScope).toBe(true);
    expect(p.intent).toBe('oos');
    expect(p.confidence).toBeLessThan(0.999);
  });

  it('gives unfamiliar text low confidence', () => {
    const model = trainIntentModel(synthetic(40, 7));
    expect(model.rank('qwxz vbnm')[0]!.confidence).toBeLessThan(0.35); // measured 0.332
    expect(model.rank('balance money funds account')[0]!.confidence).toBeGreaterThan(0.99);
  });

  it('handles one intent (cosine similarity to its examples without a background class) and refuses no examples', () => {
    const examples = [
      { text: 'check my balance', intent: 'balance' },
      { text: 'how much money do I have', intent: 'balance' },
    ];
    const model = trainIntentModel(examples, { background: [] });
    expect(model.labels).toEqual(['balance']);
    expect(model.rank('check my balance please')[0]!.confidence).toBeGreaterThan(0.45); // measured 0.506
    expect(model.rank('sing me a song')[0]!.confidence).toBeLessThan(0.05); // measured 0
    // with the background class (the default), one intent is a two-class problem: in scope or not
    const withBackground = trainIntentModel(examples);
    expect(withBackground.labels).toEqual(['balance', 'oos']);
    expect(withBackground.predict('check my balance please')).toMatchObject({ intent: 'balance', outOfScope: false });
    expect(withBackground.predict('who won the rugby match')).toMatchObject({ intent: 'oos', outOfScope: true });
    expect(() => trainIntentModel([])).toThrow(/no examples/);
  });

  it('adds the background sentences to the out-of-scope class: at most twice the median intent, none equal to an example', () => {
    const examples = synthetic(10, 3);
    const model = trainIntentModel(examples, {
      background: ['alpha beta', 'gamma delta', 'Balance Money', ...Array.from({ length: 40 }, (_, i) => `filler ${i}`)],
    });
    expect(model.data.oosLabel).toBe('oos');
    expect(model.data.trainedOn).toBe(examples.length + 20); // median 10 per intent: 20 background rows
    const none = trainIntentModel(examples, { background: [] });
    expect(none.data.oosLabel).toBeNull();
    expect(none.data.trainedOn).toBe(examples.length);
    // an example equal to a background sentence (after normalising) keeps it out of the background
    const clash = trainIntentModel([...examples, { text: 'Balance money', intent: 'balance' }], { background: ['balance money', 'gamma delta'] });
    expect(clash.data.trainedOn).toBe(examples.length + 1 + 1);
  });

  it('BANKING77, 20 intents: accurate, and the fitted temperature lowers the calibration error', { timeout: 30_000 }, () => {
    const { train, test } = bankingSubset();
    expect(new Set(train.map((r) => r.label)).size).toBe(20);
    // training time is measured by `npm run bench -- nlu`, not asserted here
    const model = trainIntentModel(train.map((r) => ({ text: r.text, intent: r.label })));
    const report = evaluateModel(model, test, 0);
    // measured: accuracy 0.975 (780 of 800), macro-F1 0.975, ECE 0.019 (0.817 at temperature 1)
    expect(report.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.macroF1).toBeGreaterThanOrEqual(0.97);
    expect(report.oosRecall).toBeNull();
    // Uncalibrated: the same scores through a plain softmax (temperature 1).
    const raw = trainIntentModel(
      train.map((r) => ({ text: r.text, intent: r.label })),
      { temperature: 1 },
    );
    const top: number[] = [];
    const correct: boolean[] = [];
    for (const r of test) {
      const p = raw.predict(r.text);
      top.push(p.confidence);
      correct.push(p.intent === r.label);
    }
    const rawEce = expectedCalibrationError(top, correct);
    expect(report.ece).toBeLessThan(rawEce / 10);
    expect(report.ece).toBeLessThan(0.03);
  });
});
