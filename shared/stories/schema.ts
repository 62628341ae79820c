// Stories: scripted conversations with expectations, Parley's regression tests (`stories/*.yaml`).
// The format is documented in docs/FORMAT.md ("Stories"). Objects are strict: a misspelt expectation must be
// an error, never a check that silently does nothing.
import { z } from 'zod';
import { Id, Locale } from '../schema/common';
import { ApiMockResponse } from '../schema/nodes';
import { checkPattern } from '../util/regex';

/** A node, as `flow/node`. */
export const NodeAddress = z.string().regex(/^[a-z][a-z0-9_]{0,63}\/[a-z][a-z0-9_]{0,63}$/, 'must be flow/node, e.g. card_lost/ask_last4');

/**
 * A copy id: a line's stable id (`c_0k3f9x2m1p`, shared/project/copyIds.ts), or its readable alias: `flow/node`,
 * `flow/node@variant` (an A/B variant's copy) or `flow/node.field`, or `globals/<handler>`.
 */
export const CopyId = z
  .string()
  .regex(
    /^(c_[0-9a-z]{10}|[a-z][a-z0-9_]{0,63}\/[a-z][a-zA-Z0-9_]{0,63}(@[a-z][a-z0-9_]{0,63})?(\.[a-zA-Z0-9_.]+)?)$/,
    'must be a copy id such as c_0k3f9x2m1p, card_lost/ask_last4, card_lost/ask_last4@short, card_lost/ask_last4.reprompt or builtin/back',
  );

/** A regular expression in RE2's dialect (linear time, see docs/FORMAT.md): the message names what it lacks. */
const regex = z
  .string()
  .min(1)
  .superRefine((s, ctx) => {
    const c = checkPattern(s);
    if (!c.ok) ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${c.message}` });
  });

/** One check on what the bot says this turn (any of its messages). Strings may use {{ }} (see `memory`). */
export const SaysCheck = z.union([
  z.strictObject({ contains: z.string().min(1) }),
  z.strictObject({ not_contains: z.string().min(1) }),
  z.strictObject({ matches: regex }),
  /** The bot said this copy (by copy id), whatever its current wording. */
  z.strictObject({ copy: CopyId }),
]);
export type SaysCheck = z.infer<typeof SaysCheck>;

export const Judge = z.strictObject({
  /** What a good reply does, in plain words; scored by the LLM with the transcript. */
  rubric: z.string().min(1).max(2000),
  /** Pass at or above this score in [0, 1] (default 0.7). */
  threshold: z.number().min(0).max(1).optional(),
});

export const Expect = z.strictObject({
  /** The intent the NLU accepted (or the quick reply chose) this turn. */
  intent: Id.optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  /** Nodes visited this turn, in this order (others may come between). */
  path: z.array(NodeAddress).min(1).optional(),
  /** A node visited this turn. */
  visits: NodeAddress.optional(),
  /** Nodes not visited this turn. */
  avoids: z.array(NodeAddress).min(1).optional(),
  /** Where the conversation waits after the turn. */
  waits_at: NodeAddress.optional(),
  says: z.array(SaysCheck).min(1).optional(),
  /** Variable values after the turn, by path (`slots.card_last4: "4821"`); null means unset. Strings may use {{ }}. */
  vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'must be a variable path'), z.unknown()).optional(),
  /** Handed off to a person this turn: true/false, or what the handoff must be (`summary`: text the agent's summary contains). */
  handoff: z
    .union([z.boolean(), z.strictObject({ queue: z.string().optional(), reason: z.string().optional(), summary: z.string().min(1).optional() })])
    .optional(),
  /** A guardrail flagged the input this turn: true/false, or the check that must fire. */
  guardrail: z.union([z.boolean(), z.enum(['profanity', 'pii', 'jailbreak', 'sensitive_topic'])]).optional(),
  /**
   * The turn's replies cite the knowledge base (`true`: some reply has citations; a file name: some reply cites
   * a passage of that file; `false`: no reply cites anything).
   */
  citations: z.union([z.boolean(), z.string().min(1).max(300)]).optional(),
  /** A knowledge node found a passage that answers (its best score reached the node's minimum, and the model did not say the sources lack the answer). */
  grounded: z.boolean().optional(),
  /** Text no request sent to the model this turn contains (after the guardrails' redaction: what the model read). */
  llm_excludes: z.array(z.string().min(1).max(500)).min(1).optional(),
  /** Text the conversation as stored after this turn (its transcript, and the turn's trace) does not contain. */
  stored_excludes: z.array(z.string().min(1).max(500)).min(1).optional(),
  /** The quick replies the bot offers when the turn ends, by label in the conversation's locale, in order. */
  offers: z.array(z.string().min(1).max(500)).min(1).max(20).optional(),
  /** The conversation ended with this outcome. */
  ended: z.enum(['resolved', 'unresolved', 'abandoned', 'escalated']).optional(),
  judge: z.union([z.string().min(1).max(2000), Judge]).optional(),
});
export type Expect = z.infer<typeof Expect>;

export const StoryTurn = z
  .strictObject({
    user: z.string().max(4000).optional(),
    /** A quick reply, by its payload (a button id, or `intent:<id>`). */
    button: z.string().min(1).max(500).optional(),
    /** A channel event such as `timeout` (a silence). */
    event: Id.optional(),
    /** Values to remember for later expectations (`{{ memory.last4 }}`): expressions over the variables after this turn. */
    remember: z.record(Id, z.string().min(1)).optional(),
    expect: Expect.optional(),
  })
  .refine((t) => [t.user, t.button, t.event].filter((x) => x !== undefined).length === 1, {
    message: 'a turn has exactly one of user, button or event',
  });
export type StoryTurn = z.infer<typeof StoryTurn>;

/**
 * An API response for a story: written out (status, body, or a failure, as a mock), or `mock: <name>`, one of the
 * operation's design-time mocks in parley.yaml (`mocks.<operation>.<name>`) instead of repeating its body.
 */
export const ApiFixture = ApiMockResponse.extend({ mock: Id.optional() }).refine(
  (f) => f.mock === undefined || (f.status === undefined && f.body === undefined && f.fail === undefined),
  { message: 'a fixture names a mock or gives status/body/fail, not both', path: ['mock'] },
);
export type ApiFixture = z.infer<typeof ApiFixture>;

export const LlmFixture = z.strictObject({
  /** Which requests it answers; all when empty. */
  node: NodeAddress.optional(),
  prompt: regex.optional(),
  reply: z.string().optional(),
  /** Fail the call instead (the node's error exit runs). */
  fail: z.enum(['timeout', 'overloaded', 'server']).optional(),
});

export const Story = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  tags: z.array(Id).optional(),
  setup: z
    .strictObject({
      locale: Locale.optional(),
      /** Preset variables merged over parley.yaml's (a customer profile). */
      vars: z.record(z.string(), z.unknown()).optional(),
      /** Reference time for dates ("tomorrow"), ISO 8601; default 2026-01-15T12:00:00Z. */
      now: z.iso.datetime({ offset: true }).optional(),
      /** Play the bot's opening turn first (default true). */
      greet: z.boolean().optional(),
      /**
       * A/B variants pinned for this story (`flow/node` → variant id). The nodes it does not pin get the variant a
       * runtime gives a conversation seeded with the story's file (shared/stories/pins.ts), locally and on a target.
       */
      variants: z
        .record(z.string(), Id)
        .superRefine((pins, ctx) => {
          // (zod's own message for a bad record key does not say what a key must be)
          for (const k of Object.keys(pins))
            if (!NodeAddress.safeParse(k).success) ctx.addIssue({ code: 'custom', path: [k], message: 'must be flow/node, e.g. hours/answer_hours' });
        })
        .optional(),
    })
    .optional(),
  fixtures: z
    .strictObject({
      /** API responses by operation: one response, or a list used in order (the last one repeats). */
      api: z.record(Id, z.union([ApiFixture, z.array(ApiFixture).min(1)])).optional(),
      /** LLM replies (first match wins); requests no fixture answers go to the cassette or the live model. */
      llm: z.array(LlmFixture).optional(),
      /** Whether a human agent is available (default true). */
      agents: z.boolean().optional(),
    })
    .optional(),
  /** Share of runs that must pass with `--repeat` (default 1 for one run, 0.8 with `--repeat`; see docs/FORMAT.md). */
  passRate: z.number().min(0).max(1).optional(),
  turns: z.array(StoryTurn).min(1, 'a story needs at least one turn'),
});
export type Story = z.infer<typeof Story>;
