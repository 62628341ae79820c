/**
 * "A/B results" in Insights: per variant of a node, its conversations, escalation rate, completion rate and CSAT with
 * 95% intervals, a comparison of each variant with the control, and a verdict that stays valid however often the team
 * looks at it.
 *
 * Method (all normal approximations; deterministic, no randomness):
 * - Per variant, for display: rates with Wilson score intervals (Wilson 1927; the interval of R's
 *   `prop.test(x, n, correct = FALSE)`), CSAT as a mean with a Student t interval. These are fixed-horizon intervals.
 * - The verdict is decided on one metric per call (`metric`), each variant against the control (the first variant
 *   unless `control` names another): a many-to-one comparison with a Bonferroni split of alpha over the k − 1
 *   comparisons, so the chance of any false verdict stays at most alpha.
 * - Each comparison is a mixture sequential probability ratio test (mSPRT) with a normal mixing distribution
 *   N(0, τ²) on the difference θ = variant − control (Johari, Koomen, Pekelis & Walsh, "Always valid inference:
 *   continuous monitoring of A/B tests", Operations Research 70(3), 2022, first as Johari, Pekelis & Walsh,
 *   arXiv:1512.04922; Robbins' normal mixture). With the
 *   estimate θ̂ and its variance V:
 *     Λ = sqrt(V / (V + τ²)) · exp(τ² θ̂² / (2 V (V + τ²))),   always-valid p = min(1, 1/Λ),
 *   and the confidence sequence inverts it: θ̂ ± sqrt(V (V + τ²) / τ² · (ln(1 + τ²/V) + 2 ln(1/α))).
 *   Λ is a nonnegative martingale under θ = 0, so by Ville's inequality P(Λ ever ≥ 1/α) ≤ α: looking every day (or
 *   after every conversation) and stopping at the first significant look keeps false verdicts at most α.
 *   τ is the minimum detectable effect (MDE), which puts the test's sharpest point near the sample size at which an
 *   effect of the MDE becomes detectable (the boundary is narrowest where τ²/V ≈ 8 for α = 0.05). τ must be fixed
 *   before the data are seen: changing the MDE mid-test voids the guarantee.
 * - Rates use the Agresti–Caffo adjustment (one success and one failure added to each arm; Agresti & Caffo, The
 *   American Statistician 54(4), 2000) for θ̂ and V, so an arm with no escalations has no zero variance. CSAT uses the
 *   difference of means with each arm's variance shrunk by a weak prior (two pseudo-responses with SD 1 point), so
 *   two arms of all-5 scores do not claim certainty.
 * - No comparison is tested before each of its arms has `minPerArm` units (conversations; CSAT responses), where the
 *   normal approximation is poor. Skipping looks can only lower the false-verdict rate.
 * - Verdict: `winner` when a variant is significantly better than the control (the best such; or the control when it
 *   is significantly better than every variant); `equivalent` when every confidence sequence lies within ±MDE (valid
 *   too: the sequence covers the true difference at all times with probability ≥ 1 − α); else `no_difference_yet`.
 * - "More conversations needed" is the conditional power of the same mSPRT: from where the test stands now (its
 *   z-process Z = θ̂/V at information I = 1/V), if the true difference were the MDE (in the direction seen so far,
 *   the better one while there is none; the other if a rate would leave [0, 1]), how many more conversations until
 *   the boundary is crossed with probability `power`. Z is treated as a Brownian motion with drift in information
 *   time, and the curved boundary is replaced by its tangent line at the horizon, for which the crossing probability has a closed form (the reflection principle). The boundary is
 *   concave in I, so the tangent lies above it and errs towards too many conversations. Looks at intervals
 *   (`looksEvery`, e.g. a day's traffic) rather than continuously raise the line by Siegmund's correction. Each
 *   comparison is planned at its Bonferroni level with the traffic split and CSAT response rate seen so far, and the
 *   largest answer is given.
 */
import { z } from 'zod';

export type AbMetric = 'escalation' | 'completion' | 'csat';

/** +1 when higher is better, −1 when lower is better. */
const DIRECTION: Record<AbMetric, 1 | -1> = { escalation: -1, completion: 1, csat: 1 };

/** The default minimum detectable effect: 5 percentage points for rates, a quarter of a point of CSAT (1–5). */
export const DEFAULT_MDE: Readonly<Record<AbMetric, number>> = { escalation: 0.05, completion: 0.05, csat: 0.25 };

const MIN_SCORE = 1;
const MAX_SCORE = 5;
/** The weak prior on a CSAT arm's variance: PRIOR_RESPONSES pseudo-responses with variance PRIOR_VARIANCE. */
const PRIOR_RESPONSES = 2;
const PRIOR_VARIANCE = 1;
/** Beyond this many more conversations the answer is "not within reach" (null). */
const PLANNING_CAP = 1e9;

// ---------------------------------------------------------------- input

const count = z.number().int().nonnegative();

/** CSAT scores (each from 1 to 5) summarised as their count, sum and sum of squares. */
const CsatSummary = z.object({ count, sum: z.number().finite(), sumOfSquares: z.number().finite() }).superRefine((c, ctx) => {
  const slack = 1e-9 * Math.max(1, c.sumOfSquares, c.count);
  const bad = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (c.sum < MIN_SCORE * c.count - slack || c.sum > MAX_SCORE * c.count + slack)
    bad('sum', 'the sum of count scores from 1 to 5 lies between count and 5 × count');
  // n·Σx² ≥ (Σx)² (Cauchy–Schwarz), and (x − 1)(5 − x) ≥ 0 gives Σx² ≤ 6·Σx − 5·n
  else if (c.count * c.sumOfSquares < c.sum * c.sum - slack * Math.max(1, c.count)) bad('sumOfSquares', 'sumOfSquares is below sum² / count');
  else if (c.sumOfSquares > (MIN_SCORE + MAX_SCORE) * c.sum - MIN_SCORE * MAX_SCORE * c.count + slack)
    bad('sumOfSquares', 'sumOfSquares is larger than scores from 1 to 5 with this sum allow');
});

const VariantCounts = z
  .object({ id: z.string().min(1), conversations: count, escalated: count, completed: count, csat: CsatSummary.optional() })
  .superRefine((v, ctx) => {
    for (const key of ['escalated', 'completed'] as const) {
      if (v[key] > v.conversations) ctx.addIssue({ code: 'custom', path: [key], message: `${key} exceeds conversations` });
    }
    if (v.csat && v.csat.count > v.conversations) ctx.addIssue({ code: 'custom', path: ['csat', 'count'], message: 'more CSAT responses than conversations' });
  });
export type VariantCounts = z.infer<typeof VariantCounts>;

export const AbTestInput = z
  .object({
    /** The variants of one node; the first is the control unless `control` says otherwise. */
    variants: z.array(VariantCounts).min(1).max(26),
    /** The metric the verdict is decided on. */
    metric: z.enum(['escalation', 'completion', 'csat']),
    control: z.string().min(1).optional(),
    /** The chance of any false verdict, over every look, ever. */
    alpha: z.number().gt(0).max(0.2).default(0.05),
    /** The smallest difference worth detecting: a proportion for rates, CSAT points for csat. Default DEFAULT_MDE. */
    mde: z.number().positive().optional(),
    /** The power "more conversations needed" plans for. */
    power: z.number().min(0.5).lt(1).default(0.8),
    /** No comparison is tested before each arm has this many conversations (CSAT: responses). */
    minPerArm: z.number().int().min(1).default(30),
    /**
     * How many conversations (all variants together) pass between looks, e.g. a day's traffic, for "more conversations
     * needed"; 0 (the default) plans for looking continuously, which is slightly optimistic for daily looks.
     */
    looksEvery: z.number().nonnegative().finite().default(0),
  })
  .superRefine((input, ctx) => {
    const ids = input.variants.map((v) => v.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['variants', i, 'id'], message: `duplicate variant id "${id}"` });
    });
    if (input.control !== undefined && !ids.includes(input.control))
      ctx.addIssue({ code: 'custom', path: ['control'], message: `no variant "${input.control}"` });
    if (input.mde !== undefined && input.mde >= (input.metric === 'csat' ? MAX_SCORE - MIN_SCORE : 1))
      ctx.addIssue({ code: 'custom', path: ['mde'], message: 'mde exceeds the range of the metric' });
  });
export type AbTestInput = z.input<typeof AbTestInput>;

// ---------------------------------------------------------------- output

export type Interval = { low: number; high: number };
/** A rate with its Wilson 95% interval ([0, 1] when there are no conversations; rate null then). */
export type RateSummary = { count: number; rate: number | null; interval: Interval };
/** CSAT: mean and SD of the responses, with a Student t 95% interval (null below two responses). */
export type MeanSummary = { responses: number; mean: number | null; sd: number | null; interval: Interval | null };
export type VariantSummary = { id: string; conversations: number; escalation: RateSummary; completion: RateSummary; csat: MeanSummary };
/** One variant against the control, on the chosen metric. */
export interface Comparison {
  variant: string;
  control: string;
  /** Whether both arms have `minPerArm` units, so that the test below was run. */
  ready: boolean;
  /** variant − control (raw proportions or CSAT points); null while an arm has no data. */
  difference: number | null;
  /** The always-valid confidence sequence for the difference at level 1 − alpha/(k − 1); null until ready. */
  interval: Interval | null;
  /** The mSPRT's always-valid p-value (this look's; the running minimum over looks is valid too); null until ready. */
  alwaysValidPValue: number | null;
  /** A fixed-horizon two-sided p-value (pooled two-proportion z-test; Welch z for CSAT): for display, not for verdicts. */
  fixedHorizonPValue: number | null;
  /** Significantly better / worse than the control in the metric's direction. */
  better: boolean;
  worse: boolean;
}
export type NoVerdictReason = 'single_variant' | 'no_data' | 'too_few' | 'inconclusive';
export type AbVerdict =
  /** `variant` is significantly better than each of `over`; difference and interval are against the closest of them. */
  | { kind: 'winner'; variant: string; over: string[]; difference: number; interval: Interval; alwaysValidPValue: number }
  /** Every variant is within ±margin (the MDE) of the control, with the sequential test's confidence. */
  | { kind: 'equivalent'; margin: number }
  /** Null when it cannot be estimated yet (an arm without data) or is beyond reach. */
  | { kind: 'no_difference_yet'; reason: NoVerdictReason; moreConversationsNeeded: number | null };

export interface AbTestResult {
  metric: AbMetric;
  direction: 'lower_is_better' | 'higher_is_better';
  alpha: number;
  mde: number;
  control: string;
  variants: VariantSummary[];
  comparisons: Comparison[];
  verdict: AbVerdict;
}

// ---------------------------------------------------------------- distributions

/** ln erfc(x) for x ≥ 0: Numerical Recipes' erfcc (fractional error < 1.2e-7), in log form so far tails never underflow. */
function logErfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const k = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];
  return Math.log(t) - x * x + k.reduce((acc, v) => acc * t + v, 0);
}

/** ln Φ(x), the standard normal CDF. */
function logNormalCdf(x: number): number {
  return x < 0 ? Math.log(0.5) + logErfc(-x / Math.SQRT2) : Math.log1p(-0.5 * Math.exp(logErfc(x / Math.SQRT2)));
}

function normalCdf(x: number): number {
  return Math.exp(logNormalCdf(x));
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const horner = (k: number[], x: number) => k.reduce((acc, v) => acc * x + v, 0);
  const tail = (q: number) => horner(c, q) / (horner(d, q) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log1p(-p)));
  const q = p - 0.5;
  const r = q * q;
  return (horner(a, r) * q) / (horner(b, r) * r + 1);
}

/** Student's t quantile: exact for 1 and 2 degrees of freedom, else the Cornish–Fisher expansion (A&S 26.7.5). */
export function studentTQuantile(p: number, df: number): number {
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const x = normalQuantile(p);
  const [x3, x5, x7, x9] = [x ** 3, x ** 5, x ** 7, x ** 9];
  return (
    x +
    (x3 + x) / (4 * df) +
    (5 * x5 + 16 * x3 + 3 * x) / (96 * df ** 2) +
    (3 * x7 + 19 * x5 + 17 * x3 - 15 * x) / (384 * df ** 3) +
    (79 * x9 + 776 * x7 + 1482 * x5 - 1920 * x3 - 945 * x) / (92160 * df ** 4)
  );
}

// ---------------------------------------------------------------- per variant

/** The Wilson score interval for `successes` out of `n` ([0, 1] when n = 0). */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const centre = (successes + z2 / 2) / (n + z2);
  const half = (z * Math.sqrt((successes * (n - successes)) / n + z2 / 4)) / (n + z2);
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

function rateSummary(x: number, n: number): RateSummary {
  return { count: x, rate: n === 0 ? null : x / n, interval: wilsonInterval(x, n) };
}

/** The sum of squared deviations from the mean, never negative from rounding. */
const squaredDeviations = (c: { count: number; sum: number; sumOfSquares: number }) => Math.max(0, c.sumOfSquares - (c.sum * c.sum) / c.count);

function csatSummary(c: VariantCounts['csat']): MeanSummary {
  const n = c?.count ?? 0;
  if (!c || n === 0) return { responses: 0, mean: null, sd: null, interval: null };
  const mean = c.sum / n;
  if (n < 2) return { responses: n, mean, sd: null, interval: null };
  const sd = Math.sqrt(squaredDeviations(c) / (n - 1));
  const half = (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { responses: n, mean, sd, interval: { low: Math.max(MIN_SCORE, mean - half), high: Math.min(MAX_SCORE, mean + half) } };
}

// ---------------------------------------------------------------- the sequential test

/** One arm on the chosen metric: units (conversations, or CSAT responses) and the test's estimate and variances. */
interface Arm {
  conversations: number;
  units: number;
  raw: number | null;
  /** The adjusted estimate the test uses, its variance, and the variance of one unit (for planning). */
  estimate: number;
  variance: number;
  unitVariance: number;
}

function armOf(v: VariantCounts, metric: AbMetric): Arm {
  if (metric === 'csat') {
    const c = v.csat ?? { count: 0, sum: 0, sumOfSquares: 0 };
    const n = c.count;
    const unitVariance = ((n > 0 ? squaredDeviations(c) : 0) + PRIOR_RESPONSES * PRIOR_VARIANCE) / (Math.max(n - 1, 0) + PRIOR_RESPONSES);
    const mean = n > 0 ? c.sum / n : (MIN_SCORE + MAX_SCORE) / 2;
    return { conversations: v.conversations, units: n, raw: n > 0 ? mean : null, estimate: mean, variance: unitVariance / Math.max(n, 1), unitVariance };
  }
  const x = metric === 'escalation' ? v.escalated : v.completed;
  const n = v.conversations;
  const p = (x + 1) / (n + 2); // Agresti–Caffo
  return { conversations: n, units: n, raw: n > 0 ? x / n : null, estimate: p, variance: (p * (1 - p)) / (n + 2), unitVariance: p * (1 - p) };
}

/** ln Λ of the normal-mixture SPRT for estimate θ̂ with variance V, mixing variance τ². */
export function msprtLogLikelihoodRatio(estimate: number, variance: number, tau2: number): number {
  return 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * estimate * estimate) / (2 * variance * (variance + tau2));
}

/** The half-width of the mSPRT's confidence sequence at level 1 − alpha. */
export function msprtHalfWidth(variance: number, tau2: number, alpha: number): number {
  return Math.sqrt(((variance * (variance + tau2)) / tau2) * (Math.log1p(tau2 / variance) - 2 * Math.log(alpha)));
}

function fixedHorizonPValue(metric: AbMetric, c: Arm, t: Arm, cv: VariantCounts, tv: VariantCounts): number | null {
  if (c.raw === null || t.raw === null) return null;
  let se: number;
  if (metric === 'csat') {
    if (c.units < 2 || t.units < 2) return null;
    const s2 = (v: VariantCounts) => squaredDeviations(v.csat!) / (v.csat!.count - 1);
    se = Math.sqrt(s2(cv) / c.units + s2(tv) / t.units);
  } else {
    const pooled = (c.raw * c.units + t.raw * t.units) / (c.units + t.units);
    se = Math.sqrt(pooled * (1 - pooled) * (1 / c.units + 1 / t.units));
  }
  const diff = t.raw - c.raw;
  if (se === 0) return diff === 0 ? 1 : 0;
  return Math.min(1, 2 * normalCdf(-Math.abs(diff) / se));
}

/** Siegmund's constant: looking at a Brownian motion every Δ of time raises its effective boundary by ≈ ρ·√Δ. */
const SIEGMUND_RHO = 0.5826;

/**
 * The probability that the mSPRT's z-process, now at `z0` with information `i0` and drifting at `drift` > 0 per unit
 * of information, crosses the upper boundary g(I) = sqrt((1 + τ²I)/τ² · (ln(1 + τ²I) + c)) within `t` more
 * information: the crossing probability of its tangent line at i0 + t, a lower bound (g is concave). Looks every
 * `spacing` of information rather than continuously shift the line up by ρ·√spacing (Siegmund's corrected diffusion
 * approximation; D. Siegmund, Sequential Analysis: Tests and Confidence Intervals, Springer 1985).
 */
export function crossingProbability(i0: number, z0: number, drift: number, t: number, tau2: number, alpha: number, spacing = 0): number {
  const c = -2 * Math.log(alpha);
  const i1 = i0 + t;
  const g = Math.sqrt(((1 + tau2 * i1) / tau2) * (Math.log1p(tau2 * i1) + c));
  const slope = (Math.log1p(tau2 * i1) + c + 1) / (2 * g);
  const a = g - slope * t - z0 + SIEGMUND_RHO * Math.sqrt(spacing);
  if (a <= 0) return 1;
  if (t <= 0) return 0;
  const nu = drift - slope;
  const root = Math.sqrt(t);
  // P(max over [0, t] of W(s) + νs ≥ a) = Φ((νt − a)/√t) + e^{2νa} Φ(−(a + νt)/√t)
  return Math.min(1, normalCdf((nu * t - a) / root) + Math.exp(2 * nu * a + logNormalCdf(-(a + nu * t) / root)));
}

interface Plan {
  metric: AbMetric;
  mde: number;
  alpha: number;
  power: number;
  looksEvery: number;
}

/**
 * More units (of both arms together) until the comparison crosses with probability `power` if |θ| = MDE, looking every
 * `unitsPerLook` units (0: continuously); null if beyond reach.
 */
function moreUnitsNeeded(c: Arm, t: Arm, plan: Plan, unitsPerLook: number): number | null {
  if (c.units === 0 || t.units === 0) return null;
  const tau2 = plan.mde * plan.mde;
  const diff = t.estimate - c.estimate;
  // the alternative: the MDE in the direction seen so far (the better one while there is none), unless a rate would
  // leave [0, 1] that way; the variant's spread there (CSAT: as the control's)
  let sign = Math.sign(diff) || DIRECTION[plan.metric];
  let other = c.unitVariance;
  if (plan.metric !== 'csat') {
    if (Math.abs(c.estimate + sign * plan.mde - 0.5) > 0.5) sign = -sign;
    const alt = Math.min(1, Math.max(0, c.estimate + sign * plan.mde));
    other = alt * (1 - alt);
  }
  const share = t.units / (c.units + t.units);
  const perUnit = c.unitVariance / (1 - share) + other / share; // the variance of θ̂ times the units of both arms
  const variance = c.variance + t.variance;
  const [i0, z0] = [1 / variance, (sign * diff) / variance];
  const enough = (units: number) => crossingProbability(i0, z0, plan.mde, units / perUnit, tau2, plan.alpha, unitsPerLook / perUnit) >= plan.power;
  if (z0 >= Math.sqrt(((1 + tau2 * i0) / tau2) * (Math.log1p(tau2 * i0) - 2 * Math.log(plan.alpha)))) return 0;
  let high = 1;
  while (!enough(high)) {
    high *= 2;
    if (high > PLANNING_CAP) return null;
  }
  let low = high / 2;
  while (high - low > Math.max(1, high * 1e-4)) {
    const mid = (low + high) / 2;
    if (enough(mid)) high = mid;
    else low = mid;
  }
  return high;
}

// ---------------------------------------------------------------- the analysis

/** Everything "A/B results" shows for one node's variants. Throws a ZodError on bad input. */
export function analyzeAbTest(raw: AbTestInput): AbTestResult {
  const input = AbTestInput.parse(raw);
  const { metric, alpha } = input;
  const mde = input.mde ?? DEFAULT_MDE[metric];
  const dir = DIRECTION[metric];
  const controlId = input.control ?? input.variants[0]!.id;
  const controlCounts = input.variants.find((v) => v.id === controlId)!;
  const others = input.variants.filter((v) => v.id !== controlId);
  const level = alpha / Math.max(1, others.length); // Bonferroni over the comparisons with the control
  const minUnits = Math.max(input.minPerArm, metric === 'csat' ? 2 : 1);
  const control = armOf(controlCounts, metric);
  const tau2 = mde * mde;

  const comparisons: Comparison[] = others.map((v) => {
    const arm = armOf(v, metric);
    const ready = control.units >= minUnits && arm.units >= minUnits;
    const diff = arm.estimate - control.estimate;
    const variance = control.variance + arm.variance;
    const pValue = ready ? Math.min(1, Math.exp(-msprtLogLikelihoodRatio(diff, variance, tau2))) : null;
    const half = msprtHalfWidth(variance, tau2, level);
    const range = metric === 'csat' ? MAX_SCORE - MIN_SCORE : 1;
    const significant = pValue !== null && pValue <= level;
    return {
      variant: v.id,
      control: controlId,
      ready,
      difference: arm.raw === null || control.raw === null ? null : arm.raw - control.raw,
      interval: ready ? { low: Math.max(-range, diff - half), high: Math.min(range, diff + half) } : null,
      alwaysValidPValue: pValue,
      fixedHorizonPValue: fixedHorizonPValue(metric, control, arm, controlCounts, v),
      better: significant && diff * dir > 0,
      worse: significant && diff * dir < 0,
    };
  });

  const verdict = decide(comparisons, controlId, dir, mde);
  return {
    metric,
    direction: dir > 0 ? 'higher_is_better' : 'lower_is_better',
    alpha,
    mde,
    control: controlId,
    variants: input.variants.map((v) => ({
      id: v.id,
      conversations: v.conversations,
      escalation: rateSummary(v.escalated, v.conversations),
      completion: rateSummary(v.completed, v.conversations),
      csat: csatSummary(v.csat),
    })),
    comparisons,
    verdict:
      verdict ??
      undecided(comparisons, controlCounts, others, input.variants, { metric, mde, alpha: level, power: input.power, looksEvery: input.looksEvery }, minUnits),
  };
}

function decide(comparisons: Comparison[], controlId: string, dir: number, mde: number): AbVerdict | undefined {
  const better = comparisons.filter((c) => c.better);
  const gain = (c: Comparison) => (c.difference ?? 0) * dir;
  if (better.length > 0) {
    const best = better.reduce((a, b) => (gain(b) > gain(a) ? b : a));
    return {
      kind: 'winner',
      variant: best.variant,
      over: [controlId],
      difference: best.difference!,
      interval: best.interval!,
      alwaysValidPValue: best.alwaysValidPValue!,
    };
  }
  if (comparisons.length > 0 && comparisons.every((c) => c.worse)) {
    const closest = comparisons.reduce((a, b) => (gain(b) > gain(a) ? b : a));
    const { low, high } = closest.interval!;
    return {
      kind: 'winner',
      variant: controlId,
      over: comparisons.map((c) => c.variant),
      difference: -closest.difference!,
      interval: { low: -high, high: -low },
      alwaysValidPValue: Math.max(...comparisons.map((c) => c.alwaysValidPValue!)),
    };
  }
  if (comparisons.length > 0 && comparisons.every((c) => c.interval && c.interval.low > -mde && c.interval.high < mde))
    return { kind: 'equivalent', margin: mde };
  return undefined;
}

/** The `no_difference_yet` verdict: why, and how many more conversations (all variants together) are needed. */
function undecided(
  comparisons: Comparison[],
  controlCounts: VariantCounts,
  others: VariantCounts[],
  all: VariantCounts[],
  plan: Plan,
  minUnits: number,
): AbVerdict {
  if (others.length === 0) return { kind: 'no_difference_yet', reason: 'single_variant', moreConversationsNeeded: null };
  const control = armOf(controlCounts, plan.metric);
  const arms = others.map((v) => armOf(v, plan.metric));
  if ([control, ...arms].some((a) => a.units === 0)) return { kind: 'no_difference_yet', reason: 'no_data', moreConversationsNeeded: null };
  const reason = comparisons.every((c) => c.ready) ? 'inconclusive' : 'too_few';
  const total = all.reduce((s, v) => s + v.conversations, 0);
  let more = 0;
  for (const arm of arms) {
    // conversations of every variant → conversations of this pair → units of this pair
    const pairConversations = control.conversations + arm.conversations;
    const unitsPerConversation = ((control.units + arm.units) / pairConversations) * (pairConversations / total);
    const units = moreUnitsNeeded(control, arm, plan, plan.looksEvery * unitsPerConversation);
    if (units === null) return { kind: 'no_difference_yet', reason, moreConversationsNeeded: null };
    more = Math.max(more, units / unitsPerConversation);
  }
  // …and at least enough for every arm to reach minPerArm at the traffic split so far
  for (const arm of [control, ...arms]) {
    const missing = minUnits - arm.units;
    if (missing > 0) more = Math.max(more, (missing / arm.units) * total);
  }
  return { kind: 'no_difference_yet', reason, moreConversationsNeeded: more > PLANNING_CAP ? null : Math.ceil(more) };
}
