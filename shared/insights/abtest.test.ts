import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { seededRandom } from '../util/random';
import {
  AbTestInput,
  analyzeAbTest,
  crossingProbability,
  msprtHalfWidth,
  msprtLogLikelihoodRatio,
  normalQuantile,
  studentTQuantile,
  wilsonInterval,
  type AbMetric,
  type AbTestResult,
  type VariantCounts,
} from './abtest';

// ---------------------------------------------------------------- a simulated experiment, peeked at daily

interface SimArm {
  /** the chance a conversation escalates (metric escalation) or completes (metric completion) */
  p: number;
  perDay: number;
  /** CSAT: the chance of each score 1..5 among the 30% of conversations that answer */
  scores?: number[];
}
interface Sim {
  arms: SimArm[];
  days: number;
  experiments: number;
  seed: number;
  metric?: AbMetric;
}
interface SimResult {
  /** experiments in which some day's verdict was a winner, by the first winner named */
  winners: Record<string, number>;
  winnerShare: number;
  /** experiments in which some day's fixed-horizon p-value (Bonferroni over the comparisons) was below 0.05 */
  naiveShare: number;
}

const ids = 'ABCDEFGH';
const empty = (i: number): VariantCounts => ({ id: ids[i]!, conversations: 0, escalated: 0, completed: 0, csat: { count: 0, sum: 0, sumOfSquares: 0 } });

function addDay(v: VariantCounts, arm: SimArm, rand: () => number): VariantCounts {
  let { conversations, escalated, completed } = v;
  const csat = { ...v.csat! };
  for (let k = 0; k < arm.perDay; k++) {
    conversations++;
    const hit = rand() < arm.p;
    escalated += hit ? 1 : 0;
    completed += hit ? 1 : 0;
    if (arm.scores && rand() < 0.3) {
      let [u, score] = [rand(), 1];
      for (const w of arm.scores.slice(0, 4)) {
        if (u < w) break;
        u -= w;
        score++;
      }
      csat.count++;
      csat.sum += score;
      csat.sumOfSquares += score * score;
    }
  }
  return { id: v.id, conversations, escalated, completed, csat };
}

function simulate(sim: Sim): SimResult {
  const rand = seededRandom(sim.seed);
  const metric = sim.metric ?? 'escalation';
  const winners: Record<string, number> = {};
  let [won, naive] = [0, 0];
  for (let e = 0; e < sim.experiments; e++) {
    let variants = sim.arms.map((_, i) => empty(i));
    let [winner, naiveHit] = [undefined as string | undefined, false];
    for (let day = 0; day < sim.days; day++) {
      variants = variants.map((v, i) => addDay(v, sim.arms[i]!, rand));
      const r = analyzeAbTest({ variants, metric });
      if (!winner && r.verdict.kind === 'winner') winner = r.verdict.variant;
      naiveHit ||= r.comparisons.some((c) => (c.fixedHorizonPValue ?? 1) < 0.05 / r.comparisons.length);
    }
    if (winner) {
      won++;
      winners[winner] = (winners[winner] ?? 0) + 1;
    }
    if (naiveHit) naive++;
  }
  return { winners, winnerShare: won / sim.experiments, naiveShare: naive / sim.experiments };
}

const CSAT = [0.1, 0.1, 0.2, 0.3, 0.3];

// ---------------------------------------------------------------- the sequential verdict

describe('A/A experiments peeked at every day for 30 days', () => {
  // The measured shares (seeded, so they are exactly reproducible) are in the comments; the limit is the spec's 5%.
  it('escalation 20% in both arms, 100 conversations per arm a day: false winners ≤ 5% (measured 1.5%, 15 of 1000)', () => {
    const r = simulate({
      arms: [
        { p: 0.2, perDay: 100 },
        { p: 0.2, perDay: 100 },
      ],
      days: 30,
      experiments: 1000,
      seed: 1,
    });
    expect(r.winnerShare).toBeLessThanOrEqual(0.05);
    // the same data judged by a fixed-horizon z-test every day: why the sequential test is needed (measured 29.6%)
    expect(r.naiveShare).toBeGreaterThan(0.2);
  });

  it('a rare outcome (3%) and an uneven 70/30 split: false winners ≤ 5% (measured 1.0%; naive 28.4%)', () => {
    const r = simulate({
      arms: [
        { p: 0.03, perDay: 70 },
        { p: 0.03, perDay: 30 },
      ],
      days: 30,
      experiments: 500,
      seed: 2,
    });
    expect(r.winnerShare).toBeLessThanOrEqual(0.05);
    expect(r.naiveShare).toBeGreaterThan(0.15);
  });

  it('three arms on completion (Bonferroni over two comparisons): false winners ≤ 5% (measured 0 of 300; naive 25.3%)', () => {
    const arm = { p: 0.6, perDay: 50 };
    const r = simulate({ arms: [arm, arm, arm], days: 30, experiments: 300, seed: 4, metric: 'completion' });
    expect(r.winnerShare).toBeLessThanOrEqual(0.05);
    expect(r.naiveShare).toBeGreaterThan(0.15);
  });

  it('CSAT, 30% of conversations answering: false winners ≤ 5% (measured 1.7%; naive 29.7%)', () => {
    const arm = { p: 0.2, perDay: 100, scores: CSAT };
    const r = simulate({ arms: [arm, arm], days: 30, experiments: 300, seed: 5, metric: 'csat' });
    expect(r.winnerShare).toBeLessThanOrEqual(0.05);
    expect(r.naiveShare).toBeGreaterThan(0.15);
  });
});

describe('a real difference', () => {
  it('escalation 20% vs 12%, 50 conversations per arm a day for 20 days: B wins in ≥ 93% (measured 97.2%), A never', () => {
    const r = simulate({
      arms: [
        { p: 0.2, perDay: 50 },
        { p: 0.12, perDay: 50 },
      ],
      days: 20,
      experiments: 500,
      seed: 6,
    });
    expect(r.winners.B ?? 0).toBeGreaterThanOrEqual(0.93 * 500);
    expect(r.winners.A).toBeUndefined();
  });

  it('CSAT 3.6 vs 4.05 points, 100 conversations per arm a day for 10 days: B wins in ≥ 90% (measured 95.7%)', () => {
    const better = [0.05, 0.05, 0.15, 0.3, 0.45];
    const r = simulate({
      arms: [
        { p: 0.2, perDay: 100, scores: CSAT },
        { p: 0.2, perDay: 100, scores: better },
      ],
      days: 10,
      experiments: 300,
      seed: 7,
      metric: 'csat',
    });
    expect(r.winners.B ?? 0).toBeGreaterThanOrEqual(0.9 * 300);
    expect(r.winners.A).toBeUndefined();
  });

  it('"more conversations needed" delivers its 80% power when the true difference is the MDE (3563 more; measured 81%)', () => {
    // from 200 conversations per arm with no difference yet, the truth is 20% vs 15% (the 5-point MDE); 50 conversations
    // per arm a day, a look each day; each experiment runs until a winner or the promised number of conversations
    const start = [0, 1].map((i) => ({ ...empty(i), conversations: 200, escalated: 40 }));
    const first = analyzeAbTest({ variants: start, metric: 'escalation', looksEvery: 100 }).verdict;
    expect(first).toMatchObject({ kind: 'no_difference_yet', reason: 'inconclusive' });
    const more = first.kind === 'no_difference_yet' ? first.moreConversationsNeeded! : NaN;
    expect(more).toBeGreaterThan(3000);
    expect(more).toBeLessThan(4000);
    const rand = seededRandom(8);
    const experiments = 400;
    let won = 0;
    for (let e = 0; e < experiments; e++) {
      let variants = start;
      for (let added = 0; added < more; added += 100) {
        variants = variants.map((v, i) => addDay(v, { p: i ? 0.15 : 0.2, perDay: 50 }, rand));
        if (analyzeAbTest({ variants, metric: 'escalation' }).verdict.kind === 'winner') {
          won++;
          break;
        }
      }
    }
    expect(won / experiments).toBeGreaterThan(0.72);
    expect(won / experiments).toBeLessThan(0.9);
  });

  it('the crossing probability behind the estimate matches a Monte-Carlo Brownian motion (formula 0.508, simulated 0.51)', () => {
    const [tau2, alpha, drift, horizon, steps, paths] = [0.0025, 0.05, 0.05, 3000, 1000, 2000];
    const g = (i: number) => Math.sqrt(((1 + tau2 * i) / tau2) * (Math.log1p(tau2 * i) - 2 * Math.log(alpha)));
    const rand = seededRandom(9);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    let crossed = 0;
    for (let p = 0; p < paths; p++) {
      let z = 0;
      for (let s = 1; s <= steps; s++) {
        z += (drift * horizon) / steps + Math.sqrt(horizon / steps) * gauss();
        if (z >= g((s * horizon) / steps)) {
          crossed++;
          break;
        }
      }
    }
    const formula = crossingProbability(0, 0, drift, horizon, tau2, alpha);
    expect(formula).toBeCloseTo(0.508, 3);
    expect(Math.abs(crossed / paths - formula)).toBeLessThan(0.04);
  });
});

// ---------------------------------------------------------------- reference values

describe('reference values', () => {
  it('Wilson intervals match Newcombe (1998, Stat Med 17:857, Table II, method 3) and R prop.test(correct = FALSE)', () => {
    // Newcombe's four examples to his 4 decimals; the 6-decimal values are scipy.stats.binomtest(k, n).proportion_ci(method='wilson')
    const cases: [number, number, number, number][] = [
      [81, 263, 0.255289, 0.36621], // Newcombe 0.2553–0.3662
      [15, 148, 0.062386, 0.160487], // 0.0624–0.1605
      [0, 20, 0, 0.161125], // 0.0000–0.1611
      [1, 29, 0.006113, 0.171755], // 0.0061–0.1718
      [23, 60, 0.270883, 0.509824],
      [5, 5, 0.565518, 1],
    ];
    for (const [k, n, low, high] of cases) {
      const ci = wilsonInterval(k, n);
      expect(ci.low).toBeCloseTo(low, 5);
      expect(ci.high).toBeCloseTo(high, 5);
    }
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('normal and Student t quantiles (R qnorm, qt)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361341, 5);
    expect(() => normalQuantile(1)).toThrow(RangeError);
    const qt: [number, number][] = [
      [1, 12.706205],
      [2, 4.302653],
      [3, 3.182446],
      [5, 2.570582],
      [10, 2.228139],
      [30, 2.042272],
    ];
    for (const [df, q] of qt) expect(Math.abs(studentTQuantile(0.975, df) - q) / q).toBeLessThan(0.0015);
  });

  it('CSAT mean, SD and t interval (scipy.stats.t.interval for 5,4,4,3,5,2,4,5,1,5: 2.79964–4.80036)', () => {
    const r = analyzeAbTest({
      variants: [{ id: 'A', conversations: 20, escalated: 0, completed: 0, csat: { count: 10, sum: 38, sumOfSquares: 162 } }],
      metric: 'csat',
    });
    const c = r.variants[0]!.csat;
    expect(c.mean).toBeCloseTo(3.8, 10);
    expect(c.sd).toBeCloseTo(1.398412, 6);
    expect(c.interval!.low).toBeCloseTo(2.79964, 3);
    expect(c.interval!.high).toBeCloseTo(4.80036, 3);
  });

  it('the fixed-horizon p-value is the two-proportion z-test (R prop.test(c(40, 60), c(200, 200), correct = FALSE): 0.020921)', () => {
    const r = analyzeAbTest({
      variants: [
        { id: 'A', conversations: 200, escalated: 40, completed: 0 },
        { id: 'B', conversations: 200, escalated: 60, completed: 0 },
      ],
      metric: 'escalation',
    });
    expect(r.comparisons[0]!.fixedHorizonPValue).toBeCloseTo(0.020921, 6);
    expect(r.comparisons[0]!.difference).toBeCloseTo(0.1, 12);
  });

  it('the mSPRT: ln Λ and the confidence sequence by hand (θ̂ = 0.05, V = 0.0004, τ² = 0.0025), and they agree', () => {
    // ln Λ = ½ ln(V/(V+τ²)) + τ²θ̂²/(2V(V+τ²)) = 1.703465; half-width = sqrt(V(V+τ²)/τ² (ln(1+τ²/V) + 2 ln 20)) = 0.060821
    expect(msprtLogLikelihoodRatio(0.05, 0.0004, 0.0025)).toBeCloseTo(1.703465, 6);
    expect(msprtHalfWidth(0.0004, 0.0025, 0.05)).toBeCloseTo(0.060821, 6);
    // p = 1/Λ ≤ α exactly when the confidence sequence leaves out 0
    for (const estimate of [0, 0.01, 0.03, 0.05, 0.0608, 0.0609, 0.1]) {
      for (const variance of [1e-5, 1e-4, 4e-4, 1e-3]) {
        const p = Math.exp(-msprtLogLikelihoodRatio(estimate, variance, 0.0025));
        expect(p <= 0.05).toBe(Math.abs(estimate) > msprtHalfWidth(variance, 0.0025, 0.05));
      }
    }
  });
});

// ---------------------------------------------------------------- verdicts and edge cases

const rates = (a: [number, number], b: [number, number], extra: Partial<AbTestInput> = {}): AbTestResult =>
  analyzeAbTest({
    variants: [
      { id: 'A', conversations: a[0], escalated: a[1], completed: a[0] - a[1] },
      { id: 'B', conversations: b[0], escalated: b[1], completed: b[0] - b[1] },
    ],
    metric: 'escalation',
    ...extra,
  });

describe('verdicts', () => {
  it('a clear winner, with its difference, confidence sequence and p-value', () => {
    const r = rates([2000, 400], [2000, 240]);
    expect(r.direction).toBe('lower_is_better');
    expect(r.verdict).toMatchObject({ kind: 'winner', variant: 'B', over: ['A'] });
    if (r.verdict.kind !== 'winner') return;
    expect(r.verdict.difference).toBeCloseTo(-0.08, 12);
    expect(r.verdict.interval.high).toBeLessThan(0);
    expect(r.verdict.alwaysValidPValue).toBeLessThan(0.05);
    expect(r.comparisons[0]).toMatchObject({ better: true, worse: false, ready: true });
  });

  it('the control wins when it is significantly better; completion counts higher as better', () => {
    expect(rates([2000, 240], [2000, 400]).verdict).toMatchObject({ kind: 'winner', variant: 'A', over: ['B'] });
    const r = rates([2000, 240], [2000, 400], { metric: 'completion' });
    expect(r.direction).toBe('higher_is_better');
    expect(r.verdict).toMatchObject({ kind: 'winner', variant: 'A' });
  });

  it('equivalent once the confidence sequence lies within ±MDE', () => {
    expect(rates([20000, 4000], [20000, 4010]).verdict).toEqual({ kind: 'equivalent', margin: 0.05 });
    expect(rates([20000, 4000], [20000, 4010], { mde: 0.01 }).verdict.kind).toBe('no_difference_yet');
  });

  it('no difference yet, with an estimate that shrinks as evidence of the MDE accumulates', () => {
    const early = rates([300, 60], [300, 45]).verdict;
    const later = rates([900, 180], [900, 135]).verdict;
    expect(early).toMatchObject({ kind: 'no_difference_yet', reason: 'inconclusive' });
    expect(later).toMatchObject({ kind: 'no_difference_yet', reason: 'inconclusive' });
    const more = (v: typeof early) => (v.kind === 'no_difference_yet' ? v.moreConversationsNeeded! : NaN);
    expect(more(later)).toBeLessThan(more(early));
    expect(more(later)).toBeGreaterThan(0);
  });

  it('three variants: each against the control, the best significant one wins', () => {
    const r = analyzeAbTest({
      variants: [
        { id: 'ctl', conversations: 3000, escalated: 600, completed: 0 },
        { id: 'x', conversations: 3000, escalated: 450, completed: 0 },
        { id: 'y', conversations: 3000, escalated: 390, completed: 0 },
        { id: 'z', conversations: 3000, escalated: 610, completed: 0 },
      ],
      metric: 'escalation',
    });
    expect(r.comparisons.map((c) => [c.variant, c.better])).toEqual([
      ['x', true],
      ['y', true],
      ['z', false],
    ]);
    expect(r.verdict).toMatchObject({ kind: 'winner', variant: 'y', over: ['ctl'] });
  });

  it('a named control need not come first', () => {
    const r = rates([2000, 240], [2000, 400], { control: 'B' });
    expect(r.control).toBe('B');
    expect(r.comparisons[0]).toMatchObject({ variant: 'A', control: 'B', better: true });
    expect(r.verdict).toMatchObject({ kind: 'winner', variant: 'A', over: ['B'] });
  });

  it('is deterministic', () => {
    expect(rates([1234, 250], [1200, 220])).toEqual(rates([1234, 250], [1200, 220]));
  });
});

const numbersIn = (v: unknown): number[] => (typeof v === 'number' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(numbersIn) : []);

describe('edge cases', () => {
  it('zero conversations: empty intervals, no test, no estimate', () => {
    const r = rates([0, 0], [0, 0]);
    expect(r.variants[0]!.escalation).toEqual({ count: 0, rate: null, interval: { low: 0, high: 1 } });
    expect(r.variants[0]!.csat).toEqual({ responses: 0, mean: null, sd: null, interval: null });
    expect(r.comparisons[0]).toMatchObject({ ready: false, difference: null, interval: null, alwaysValidPValue: null, fixedHorizonPValue: null });
    expect(r.verdict).toEqual({ kind: 'no_difference_yet', reason: 'no_data', moreConversationsNeeded: null });
  });

  it('every conversation escalated in both arms: no winner, no NaN', () => {
    const r = rates([500, 500], [500, 500]);
    expect(r.variants[1]!.escalation.rate).toBe(1);
    expect(r.variants[1]!.escalation.interval.high).toBe(1);
    expect(r.variants[1]!.escalation.interval.low).toBeCloseTo(0.992375, 5); // Wilson 500/500
    expect(r.comparisons[0]!.alwaysValidPValue).toBe(1);
    expect(r.comparisons[0]!.fixedHorizonPValue).toBe(1);
    expect(r.verdict.kind).not.toBe('winner');
    expect(numbersIn(r).every(Number.isFinite)).toBe(true);
  });

  it('below minPerArm nothing is tested however large the difference, and the estimate covers reaching it', () => {
    const r = rates([20, 0], [20, 15]);
    expect(r.comparisons[0]).toMatchObject({ ready: false, alwaysValidPValue: null, interval: null, better: false, worse: false });
    expect(r.verdict).toMatchObject({ kind: 'no_difference_yet', reason: 'too_few' });
    if (r.verdict.kind === 'no_difference_yet') expect(r.verdict.moreConversationsNeeded).toBeGreaterThanOrEqual(20);
  });

  it('one variant only: summaries, no comparison', () => {
    const r = analyzeAbTest({ variants: [{ id: 'only', conversations: 50, escalated: 5, completed: 40 }], metric: 'completion' });
    expect(r.comparisons).toEqual([]);
    expect(r.variants[0]!.completion.rate).toBe(0.8);
    expect(r.verdict).toEqual({ kind: 'no_difference_yet', reason: 'single_variant', moreConversationsNeeded: null });
  });

  it('CSAT: every score a 5 in both arms gives finite answers; no responses at all gives no estimate', () => {
    const fives = (id: string): VariantCounts => ({ id, conversations: 200, escalated: 0, completed: 0, csat: { count: 60, sum: 300, sumOfSquares: 1500 } });
    const r = analyzeAbTest({ variants: [fives('A'), fives('B')], metric: 'csat' });
    expect(r.variants[0]!.csat).toMatchObject({ mean: 5, sd: 0, interval: { low: 5, high: 5 } });
    expect(r.comparisons[0]!.alwaysValidPValue).toBe(1);
    expect(r.verdict.kind).not.toBe('winner');
    const none = analyzeAbTest({ variants: [empty(0), { ...empty(1), conversations: 10 }], metric: 'csat' });
    expect(none.verdict).toEqual({ kind: 'no_difference_yet', reason: 'no_data', moreConversationsNeeded: null });
  });

  it('rejects bad input', () => {
    const ok: VariantCounts = { id: 'A', conversations: 10, escalated: 2, completed: 5, csat: { count: 3, sum: 12, sumOfSquares: 50 } };
    const bad: [string, unknown][] = [
      ['no variants', { variants: [], metric: 'escalation' }],
      ['unknown metric', { variants: [ok], metric: 'nps' }],
      ['more escalated than conversations', { variants: [{ ...ok, escalated: 11 }], metric: 'escalation' }],
      ['more completed than conversations', { variants: [{ ...ok, completed: 11 }], metric: 'escalation' }],
      ['negative count', { variants: [{ ...ok, conversations: -1 }], metric: 'escalation' }],
      ['fractional count', { variants: [{ ...ok, conversations: 10.5 }], metric: 'escalation' }],
      ['NaN', { variants: [{ ...ok, escalated: NaN }], metric: 'escalation' }],
      ['empty id', { variants: [{ ...ok, id: '' }], metric: 'escalation' }],
      ['duplicate ids', { variants: [ok, ok], metric: 'escalation' }],
      ['unknown control', { variants: [ok], metric: 'escalation', control: 'Z' }],
      ['CSAT sum above 5 × count', { variants: [{ ...ok, csat: { count: 2, sum: 11, sumOfSquares: 61 } }], metric: 'csat' }],
      ['CSAT sum of squares below sum²/count', { variants: [{ ...ok, csat: { count: 3, sum: 12, sumOfSquares: 47 } }], metric: 'csat' }],
      ['CSAT sum of squares beyond scores 1–5', { variants: [{ ...ok, csat: { count: 3, sum: 9, sumOfSquares: 50 } }], metric: 'csat' }],
      ['more CSAT responses than conversations', { variants: [{ ...ok, csat: { count: 11, sum: 44, sumOfSquares: 176 } }], metric: 'csat' }],
      ['MDE beyond the metric', { variants: [ok], metric: 'completion', mde: 1 }],
      ['alpha of 0', { variants: [ok], metric: 'completion', alpha: 0 }],
      ['power of 1', { variants: [ok], metric: 'completion', power: 1 }],
    ];
    for (const [why, input] of bad) {
      expect(AbTestInput.safeParse(input).success, why).toBe(false);
      expect(() => analyzeAbTest(input as AbTestInput), why).toThrow(ZodError);
    }
    expect(AbTestInput.safeParse({ variants: [ok], metric: 'csat' }).success).toBe(true);
  });
});
