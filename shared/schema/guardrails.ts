// `guardrails.yaml`: the project's guardrail rules (shared/guardrails/, the turn runner's input and output stage).
// Strict objects: a misspelt field is an error naming the file and field, never a rule that silently does nothing.
// Project patterns are RE2 (shared/util/regex.ts): a pattern RE2 cannot run is reported here, not at the first turn.
import { z } from 'zod';
import { checkPattern } from '../util/regex';
import { Id, LocalizedText } from './common';

export const GUARDRAILS_FILE = 'guardrails.yaml';

/** What a rule looks at. `pattern` is the project's own regular expression. */
export const GUARDRAIL_DETECTORS = ['profanity', 'pii', 'jailbreak', 'sensitive_topic', 'pattern'] as const;
export type GuardrailDetector = (typeof GUARDRAIL_DETECTORS)[number];

export const GUARDRAIL_ACTIONS = ['block', 'redact', 'route', 'escalate'] as const;
export type GuardrailAction = (typeof GUARDRAIL_ACTIONS)[number];

/** The categories each built-in detector reports (a rule may pick some; none picks all). */
export const DETECTOR_CATEGORIES: Readonly<Record<Exclude<GuardrailDetector, 'pattern'>, readonly string[]>> = {
  // swearing: strong words not aimed at anyone; abuse: aimed at the bot or staff, or threats; slur: hate terms; sexual
  profanity: ['swearing', 'abuse', 'slur', 'sexual'],
  pii: ['card', 'iban', 'uk_bank_account', 'email', 'phone', 'uk_nino', 'secret'],
  jailbreak: ['injection', 'jailbreak', 'llm_classifier'],
  sensitive_topic: ['self_harm', 'bereavement', 'financial_hardship', 'fraud', 'unrecognised_payment', 'domestic_abuse', 'gambling'],
};

const Pattern = z
  .string()
  .min(1)
  .max(2000)
  .superRefine((s, ctx) => {
    const c = checkPattern(s);
    if (!c.ok) ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${c.message}` });
  });

export const GuardrailRule = z
  .strictObject({
    /** Stable id: the rule's copy id is `guardrails/<id>` (its message), and the trace names it. */
    id: Id,
    description: z.string().max(2000).optional(),
    detector: z.enum(GUARDRAIL_DETECTORS),
    /** Only these of the detector's categories (see DETECTOR_CATEGORIES); all when absent. */
    categories: z.array(Id).min(1).optional(),
    /** `detector: pattern` only: an RE2 regular expression, matched case-insensitively. */
    pattern: Pattern.optional(),
    /** Which messages it screens: the customer's (`input`, default), the bot's (`output`) or both. */
    direction: z.enum(['input', 'output', 'both']).optional(),
    action: z.enum(GUARDRAIL_ACTIONS),
    /** What the bot says: required for `block`; said before the flow for `route` and `escalate`. */
    message: LocalizedText.optional(),
    /** `route`: the flow the conversation goes to. */
    flow: Id.optional(),
    /**
     * `route` and `escalate`: also when the flow is waiting for the answer to a question it asked (an `ask` node,
     * buttons); by default such a rule lets the flow have its answer ("someone used my card" as a dispute's reason).
     */
    interrupts: z.boolean().optional(),
    /** `escalate`: the agent queue (default: the project's escalation flow, else `general`). */
    queue: z.string().min(1).max(100).optional(),
    /** Turn the rule off without deleting it. */
    enabled: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (r.detector === 'pattern' && r.pattern === undefined) issue('pattern', 'a rule with detector: pattern needs a pattern');
    if (r.detector !== 'pattern' && r.pattern !== undefined) issue('pattern', 'only a rule with detector: pattern takes a pattern');
    if (r.detector !== 'pattern' && r.categories) {
      const known = DETECTOR_CATEGORIES[r.detector];
      r.categories.forEach((c, i) => {
        if (!known.includes(c))
          ctx.addIssue({ code: 'custom', path: ['categories', i], message: `unknown ${r.detector} category "${c}"; expected one of ${known.join(', ')}` });
      });
    }
    if (r.action === 'block' && !r.message) issue('message', 'a block rule needs the message the bot says instead');
    if (r.action === 'route' && !r.flow) issue('flow', 'a route rule needs the flow to go to');
    if (r.action !== 'route' && r.flow !== undefined) issue('flow', 'only a route rule goes to a flow');
    if (r.action !== 'escalate' && r.queue !== undefined) issue('queue', 'only an escalate rule names a queue');
    if (r.interrupts !== undefined && r.action !== 'route' && r.action !== 'escalate')
      issue('interrupts', 'only route and escalate rules interrupt a question');
    if (r.action === 'redact' && r.detector !== 'pii' && r.detector !== 'pattern')
      issue('action', 'only pii and pattern rules can redact (they know where the data is)');
    if ((r.action === 'route' || r.action === 'escalate') && r.direction !== undefined && r.direction !== 'input')
      issue('direction', `a ${r.action} rule screens the customer's messages only (direction: input)`);
  });
export type GuardrailRule = z.infer<typeof GuardrailRule>;

export const GuardrailsFile = z.strictObject({
  /** Words never counted as profanity (case-insensitive), in any locale: "useless", "stupid", "damn". */
  allow: z.array(z.string().min(1).max(100)).max(1000).optional(),
  /** Extra words counted as profanity (swearing), for a locale's list or a brand's own. */
  deny: z.array(z.string().min(1).max(100)).max(1000).optional(),
  jailbreak: z
    .strictObject({
      /** Also ask the project's model whether a message tries to manipulate the bot (off by default). */
      llmClassifier: z.boolean().optional(),
    })
    .optional(),
  /** Rules in order: the first `block`, `route` or `escalate` that fires decides the turn; every `redact` applies. */
  rules: z.array(GuardrailRule).max(200),
});
export type GuardrailsFile = z.infer<typeof GuardrailsFile>;
