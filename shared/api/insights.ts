// The Insights panel's calls (listed in contract.ts's `methods`): transcripts imported into the project's analytics
// store (kept in the user's data folder, never in the project), the canvas overlay and the failure paths of a range
// of days, the conversations behind a path, utterances the bot did not understand clustered into candidate intents,
// and the intent made from a cluster.
import { z } from 'zod';
import { Id, Locale } from '../schema/common';
import { Rating, RatingTag } from '../schema/ratings';

const project = z.string().min(1).max(1000);
const LocalPath = z.string().min(1).max(1000);

/** A UTC day, YYYY-MM-DD. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a day of the calendar');

/** Whole UTC days, both included. */
export const DayRange = z
  .object({ from: Day, to: Day })
  .strict()
  .refine((r) => r.from <= r.to, { message: '`from` must not be after `to`', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 3660 * 86_400_000, { message: 'a range is at most ten years', path: ['to'] });
export type DayRange = z.infer<typeof DayRange>;

const count = z.number().int().min(0);
const Interval = z.object({ low: z.number(), high: z.number() });

export const InsightsStatus = z.object({
  /** Where the store is (the user's data folder). */
  db: z.string(),
  conversations: count,
  turns: count,
  abandoned: count,
  feedback: count,
  /** The first and last day with turns, or null when there are none. */
  firstDay: Day.nullable(),
  lastDay: Day.nullable(),
  retentionDays: z.number().int().nullable(),
});
export type InsightsStatus = z.infer<typeof InsightsStatus>;

export const ImportReportView = z.object({
  files: count,
  lines: count,
  events: count,
  added: z.object({ turns: count, abandoned: count, feedback: count }),
  malformed: z.object({ count, first: z.array(z.object({ file: z.string(), line: count, reason: z.string() })) }),
  readLineByLine: count,
});
export type ImportReportView = z.infer<typeof ImportReportView>;

export const NodeStatsView = z.object({
  /** `flow/node`. */
  node: z.string(),
  visits: count,
  /** Visits in turns that fell back, were not sure or were handed over (any of them). */
  failing: count,
  fallback: count,
  notSure: count,
  handoff: count,
  guardrail: count,
  abandoned: count,
});
export type NodeStatsView = z.infer<typeof NodeStatsView>;

export const OverlayView = z.object({
  range: DayRange,
  turns: count,
  conversations: count,
  nodes: z.array(NodeStatsView),
  /** Turns that went straight from one node to the other, and of them those that fell back, were not sure or were handed over. */
  edges: z.array(z.object({ from: z.string(), to: z.string(), turns: count, failing: count })),
});
export type OverlayView = z.infer<typeof OverlayView>;

export const FailureEnding = z.enum(['fallback', 'handoff', 'abandoned']);
export type FailureEnding = z.infer<typeof FailureEnding>;

export const FailurePathView = z.object({
  path: z.array(z.string()),
  ending: FailureEnding,
  count,
  base: count,
  rate: z.number(),
  interval: Interval,
  previous: z.object({ count, base: count, rate: z.number() }).nullable(),
  change: z.number().nullable(),
});
export type FailurePathView = z.infer<typeof FailurePathView>;

export const ConversationView = z.object({
  conversation: z.string(),
  bundle: z.object({ name: z.string(), version: z.string() }).optional(),
  turns: z.array(
    z.object({
      turn: count,
      at: z.string(),
      input: z.object({ type: z.string(), text: z.string().optional() }),
      says: z.array(z.object({ text: z.string(), copyId: z.string().optional() })),
      path: z.array(z.string()),
      intent: z.string().optional(),
      confidence: z.number().optional(),
      outcomes: z.array(z.string()),
      ended: z.string().optional(),
      variants: z.record(z.string(), z.string()).optional(),
    }),
  ),
  abandoned: z.object({ at: z.string(), lastTurn: count, waitingAt: z.string().optional() }).optional(),
  feedback: z.array(z.object({ at: z.string(), score: z.number().int(), comment: z.string().optional() })),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const ClusterView = z.object({
  id: z.string(),
  size: count,
  distinct: count,
  samples: z.array(z.string()),
  topTerms: z.array(z.string()),
  suggestedName: z.string(),
  cohesion: z.number(),
  nearestIntent: z.object({ id: z.string(), similarity: z.number() }).optional(),
  /** Every distinct utterance of the cluster with how often it was said, most often first (at most 200). */
  utterances: z.array(z.object({ text: z.string(), count })),
  /** Where the cluster's utterances were said most (`flow/node` of the node that took them), with the share said there. */
  at: z.object({ node: z.string(), share: z.number() }).nullable(),
});
export type ClusterView = z.infer<typeof ClusterView>;

const ConversationId = z.string().min(1).max(200);

const RateSummary = z.object({ count, rate: z.number().nullable(), interval: Interval });
export const AbMetric = z.enum(['escalation', 'completion', 'csat']);
export type AbMetric = z.infer<typeof AbMetric>;
/** One node's experiment (shared/insights/abtest.ts's AbTestResult, with the node and the days it covers). */
export const AbExperimentView = z.object({
  node: z.string(),
  days: count,
  metric: AbMetric,
  direction: z.enum(['lower_is_better', 'higher_is_better']),
  alpha: z.number(),
  mde: z.number(),
  control: z.string(),
  variants: z.array(
    z.object({
      id: z.string(),
      conversations: count,
      escalation: RateSummary,
      completion: RateSummary,
      csat: z.object({ responses: count, mean: z.number().nullable(), sd: z.number().nullable(), interval: Interval.nullable() }),
    }),
  ),
  comparisons: z.array(
    z.object({
      variant: z.string(),
      control: z.string(),
      ready: z.boolean(),
      difference: z.number().nullable(),
      interval: Interval.nullable(),
      alwaysValidPValue: z.number().nullable(),
      fixedHorizonPValue: z.number().nullable(),
      better: z.boolean(),
      worse: z.boolean(),
    }),
  ),
  verdict: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('winner'),
      variant: z.string(),
      over: z.array(z.string()),
      difference: z.number(),
      interval: Interval,
      alwaysValidPValue: z.number(),
    }),
    z.object({ kind: z.literal('equivalent'), margin: z.number() }),
    z.object({
      kind: z.literal('no_difference_yet'),
      reason: z.enum(['single_variant', 'no_data', 'too_few', 'inconclusive']),
      moreConversationsNeeded: z.number().nullable(),
    }),
  ]),
});
export type AbExperimentView = z.infer<typeof AbExperimentView>;

export const SampleStratum = z.enum(['handoff', 'abandoned', 'fallback', 'resolved', 'other']);
export type SampleStratum = z.infer<typeof SampleStratum>;
export const SampledConversation = z.object({ conversation: z.string(), stratum: SampleStratum, turns: count, started: z.string() });
export type SampledConversation = z.infer<typeof SampledConversation>;

export const insightsMethods = {
  /** What the open project's analytics store holds. */
  'insights.status': { input: z.object({}).strict(), output: InsightsStatus },
  /** Imports transcript files or folders of them (JSONL, from the runtime) on this computer into the store. */
  'insights.import': {
    input: z.object({ project, paths: z.array(LocalPath).min(1).max(100) }).strict(),
    output: ImportReportView,
  },
  /** Per node and edge: visits and outcomes over a range of days (the canvas overlay). */
  'insights.overlay': { input: z.object({ range: DayRange }).strict(), output: OverlayView },
  /** The paths that end in fallback, handoff or abandonment, most frequent first, against the period before. */
  'insights.failurePaths': {
    input: z.object({ range: DayRange, limit: z.number().int().min(1).max(500).optional() }).strict(),
    output: z.object({ paths: z.array(FailurePathView) }),
  },
  /** The conversations that took a failure path. */
  'insights.pathConversations': {
    input: z
      .object({
        range: DayRange,
        path: z.array(z.string().max(500)).min(1).max(500),
        ending: FailureEnding,
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    output: z.object({ conversations: z.array(z.string()) }),
  },
  /** One conversation, turn by turn. */
  'insights.conversation': { input: z.object({ id: ConversationId }).strict(), output: ConversationView.nullable() },
  /**
   * The customers' words the bot did not understand in a range (no match, not sure, or an intent under
   * `maxConfidence`), clustered into candidate new intents, each with the existing intent it is nearest to.
   */
  'insights.discover': {
    input: z.object({ range: DayRange, maxConfidence: z.number().min(0).max(1).optional(), locale: Locale.optional() }).strict(),
    output: z.object({ clusters: z.array(ClusterView), noise: count, total: count }),
  },
  /** Adds examples to an intent of nlu.yaml, creating it when `create` (a cluster made an intent, or added to one). */
  'insights.addExamples': {
    input: z
      .object({
        project,
        intent: Id,
        create: z.boolean(),
        description: z.string().max(1000).optional(),
        locale: Locale,
        examples: z.array(z.string().min(1).max(1000)).min(1).max(500),
      })
      .strict(),
    output: z.object({ intent: z.string(), created: z.boolean(), added: count }),
  },
  /**
   * A random sample of the range's conversations to read and rate (the same for the same seed): of one kind, or
   * of all, stratified so that handoffs, abandonments, fallbacks, resolved and other conversations get equal shares.
   */
  'insights.sample': {
    input: z
      .object({
        range: DayRange,
        size: z.number().int().min(1).max(500),
        only: SampleStratum.optional(),
        stratify: z.boolean().optional(),
        seed: z.number().int().optional(),
      })
      .strict(),
    output: z.object({ conversations: z.array(SampledConversation) }),
  },
  /** The ratings saved with the project (insights/ratings.yaml), or why that file does not load. */
  'insights.ratings': { input: z.object({}).strict(), output: z.object({ ratings: z.array(Rating), problem: z.string().optional() }) },
  /** Rates a conversation (the user's earlier rating of it is replaced), saved with the project. */
  'insights.rate': {
    input: z
      .object({
        project,
        conversation: ConversationId,
        rating: z.enum(['good', 'bad']),
        tags: z.array(RatingTag).max(20).optional(),
        note: z.string().max(2000).optional(),
      })
      .strict(),
    output: Rating,
  },
  /**
   * A story made from a conversation, redacted again, for the user to review before it is written (with
   * `file.write`): the suggested file and its YAML, and how many redactions were made.
   */
  'insights.storyDraft': {
    input: z.object({ id: ConversationId, name: z.string().min(1).max(200).optional() }).strict(),
    output: z.object({ file: z.string(), text: z.string(), redactions: count }),
  },
  /**
   * A/B results over a range: per node with variants, per variant conversations, escalation, completion and CSAT
   * with intervals, and a verdict on `metric` from a sequential test that stays valid however often it is looked at.
   */
  'insights.ab': {
    input: z.object({ range: DayRange, metric: AbMetric, mde: z.number().positive().max(4).optional() }).strict(),
    output: z.object({ experiments: z.array(AbExperimentView) }),
  },
  /** Containment, escalation, resolution (with Wilson intervals) and CSAT (with a t interval) over a range. */
  'insights.metrics': {
    input: z.object({ range: DayRange }).strict(),
    output: z.object({
      conversations: count,
      containment: RateSummary,
      escalation: RateSummary,
      resolution: RateSummary,
      csat: z.object({ responses: count, mean: z.number().nullable(), interval: Interval.nullable() }),
    }),
  },
  /**
   * Multi-turn coherence of a sample of the range's conversations, judged by the project's model with a rubric
   * (shared/insights/coherence.ts): the rate with its interval, and the judge's agreement (Cohen's kappa) with the
   * reviewers' ratings on the conversations they rated (those in the range come first in the sample).
   */
  'insights.coherence': {
    input: z.object({ project, range: DayRange, size: z.number().int().min(1).max(200), seed: z.number().int().optional() }).strict(),
    output: z.object({
      judged: count,
      coherent: count,
      rate: z.number().nullable(),
      interval: Interval,
      failed: count,
      agreement: z.object({ rated: count, kappa: z.number().nullable(), observed: z.number().nullable() }),
      verdicts: z.array(z.object({ conversation: z.string(), coherent: z.boolean(), reason: z.string(), human: z.enum(['good', 'bad']).optional() })),
      error: z.string().optional(),
    }),
  },
  /** Erases conversations from the store for good (a later import does not bring them back). */
  'insights.erase': { input: z.object({ project, conversations: z.array(ConversationId).min(1).max(10_000) }).strict(), output: z.object({ erased: count }) },
  /** How long the store keeps transcripts (null: for ever); what is older goes at once. */
  'insights.retention': {
    input: z.object({ project, days: z.number().int().min(1).max(36_500).nullable() }).strict(),
    output: z.object({ deleted: count }),
  },
} as const;
