import { z } from 'zod';
import { Expression, Id, Locale, LocalizedText, NodeRef, Position, StableCopyId, Template, VarPath } from './common';
import { NodeBuiltinCopy } from './builtinCopy';
import { questionFields, type Question } from './question';

export { AnswerButton, IntentHandling, SlotType, validationRules, type Question } from './question';

/**
 * Node kinds of a dialogue flow. Every node lives in `flows/<flowId>.yaml`; its exits are fields of the node
 * itself (`next`, `error`, `routes[].next`, ...), so one node is one block of YAML and moving or rewiring it
 * changes one hunk. `exits.ts` lists the exits of each kind for the canvas, the validator and the engine.
 *
 * Objects are loose: a field this version does not know is kept (and reported as a warning), never dropped.
 */

const base = {
  id: Id,
  title: z.string().max(200).optional(),
  notes: z.string().max(20000).optional(),
  position: Position.optional(),
  /** The engine's own lines where this node speaks: its wording, or `false` for none (shared/schema/builtinCopy.ts). */
  builtinCopy: NodeBuiltinCopy.optional(),
  /**
   * The stable id of each line of copy the node holds, by where it sits (`say`, `buttons.yes.label`):
   * shared/project/copyIds.ts. Written by Parley; a line without one gets one when the project loads.
   */
  copyIds: z.record(z.string().max(300), StableCopyId).optional(),
  /**
   * Translations waiting for review, by stable copy id and locale: the default-locale text each was written for,
   * before the studio changed it (shared/project/staleTranslations.ts).
   */
  staleTranslations: z.record(StableCopyId, z.record(Locale, z.string().max(20000))).optional(),
};

export const Button = z.looseObject({
  id: Id,
  label: LocalizedText,
  /** Sent as the user's input when clicked; defaults to the button id. */
  payload: z.string().max(500).optional(),
  next: NodeRef.optional(),
});
export type Button = z.infer<typeof Button>;

export const StartNode = z.looseObject({
  ...base,
  kind: z.literal('start'),
  /** Intents that enter this flow from anywhere in the project. */
  triggers: z.array(Id).optional() /* default [] */,
  next: NodeRef.optional(),
});

/**
 * A/B variants of a node (an experiment): each conversation gets one of them, by weight, and keeps it. Ids are
 * the variant's identity (results are counted by id, and a conversation's pick is found by id), so reordering
 * the list or editing one variant never moves a conversation to another. Unique within the node (the validator).
 */
const VariantId = Id.describe('Stable id of the variant, lower_snake_case. Results are counted by it: keep it when editing the copy.');
const VariantWeight = z
  .number()
  .positive('must be more than 0')
  .max(1000000, 'must be at most 1000000')
  .describe("Share of the conversations this variant gets: its weight over the sum of the node's weights (default 1).");
const variantList = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item)
    .min(2, 'an experiment needs at least two variants')
    .max(20, 'at most 20 variants')
    .describe(
      `A/B variants: each conversation gets one, by weight, and keeps it. A variant's fields replace the node's ${what}; a variant without them is the control (the node's own).`,
    );

export const MessageVariant = z.looseObject({
  id: VariantId,
  weight: VariantWeight.optional() /* default 1 */,
  /** Replaces the node's `say` for the conversations that get this variant; left out, the node's (a control). */
  say: LocalizedText.optional(),
});
export type MessageVariant = z.infer<typeof MessageVariant>;

export const MessageNode = z.looseObject({
  ...base,
  kind: z.literal('message'),
  say: LocalizedText,
  /** A/B variants of `say` (example: `[{ id: control }, { id: short, weight: 2, say: { en: Hi! } }]`). */
  variants: variantList(MessageVariant, '`say`').optional(),
  buttons: z.array(Button).optional(),
  next: NodeRef.optional(),
});

export const AskNode = z.looseObject({
  ...base,
  kind: z.literal('ask'),
  ...questionFields,
  maxRetries: z.number().int().min(0).max(10).optional() /* default 2 */,
  /** Skip the question when the slot already has a value (filled earlier in the conversation). */
  skipIfFilled: z.boolean().optional() /* default true */,
  next: NodeRef.optional(),
  /** Taken when the user failed `maxRetries` times. */
  failed: NodeRef.optional(),
});

export const FormField = z.looseObject({
  /** The field's id in the form (copy ids, the trace, `form.requested`). */
  id: Id,
  ...questionFields,
  /** Ask only when this is true (evaluated when the form gets to the field). */
  when: Expression.optional(),
});
export type FormField = z.infer<typeof FormField>;

/**
 * A form: asks for each field's slot in order, skipping those already filled (this message, an earlier one, or a
 * slot set before), fills any field from any answer (out of order), lets the customer correct an earlier answer,
 * survives digressions, and can be left (abandoned, or switched to another flow) after a confirmation.
 */
export const FormNode = z.looseObject({
  ...base,
  kind: z.literal('form'),
  fields: z.array(FormField).min(1, 'needs at least one field').max(30, 'at most 30 fields'),
  /** Tries per field before `failed` (default 2). */
  maxRetries: z.number().int().min(0).max(10).optional() /* default 2 */,
  /** Intents that leave the form (default: the intents of the project's `cancel` global handlers). */
  abandonOn: z.array(Id).max(50).optional(),
  /** Ask before leaving the form for another flow or abandoning it (default true). */
  confirmLeave: z.boolean().optional() /* default true */,
  /** Clear the fields' slots when the form is abandoned (default true). */
  clearOnAbandon: z.boolean().optional() /* default true */,
  /** Taken when every field is filled. */
  next: NodeRef.optional(),
  /** Taken when a field failed `maxRetries` times. */
  failed: NodeRef.optional(),
  /** Taken when the customer abandons the form (else the `cancel` handler runs as usual). */
  abandoned: NodeRef.optional(),
});

export const Route = z.looseObject({
  intent: Id,
  next: NodeRef.optional(),
});

export const ListenNode = z.looseObject({
  ...base,
  kind: z.literal('listen'),
  routes: z.array(Route).optional() /* default [] */,
  /** Taken when no intent reaches the project's `clarify` threshold. */
  noMatch: NodeRef.optional(),
  /** Taken when the best intent is between `clarify` and `accept` (the bot asks which one was meant). */
  lowConfidence: NodeRef.optional(),
});

export const Branch = z.looseObject({
  id: Id,
  when: Expression,
  next: NodeRef.optional(),
});

export const ConditionNode = z.looseObject({
  ...base,
  kind: z.literal('condition'),
  branches: z.array(Branch).min(1, 'needs at least one branch'),
  else: NodeRef.optional(),
});

export const Assignment = z.looseObject({
  var: VarPath,
  value: Expression,
});

export const SetNode = z.looseObject({
  ...base,
  kind: z.literal('set'),
  assign: z.array(Assignment).min(1, 'needs at least one assignment'),
  next: NodeRef.optional(),
});

export const Extraction = z.looseObject({
  var: VarPath,
  description: z.string().max(500),
  type: z.enum(['string', 'number', 'boolean']).optional() /* default 'string' */,
});

const LlmModel = z.string().max(200);
const LlmTemperature = z.number().min(0).max(2);

export const LlmVariant = z.looseObject({
  id: VariantId,
  weight: VariantWeight.optional() /* default 1 */,
  /** Each replaces the node's field for the conversations that get this variant; a field left out is the node's. */
  system: Template.optional(),
  prompt: Template.optional(),
  model: LlmModel.optional(),
  temperature: LlmTemperature.optional(),
});
export type LlmVariant = z.infer<typeof LlmVariant>;

export const LlmNode = z.looseObject({
  ...base,
  kind: z.literal('llm'),
  mode: z.enum(['reply', 'extract']).optional() /* default 'reply' */,
  system: Template.optional(),
  prompt: Template,
  model: LlmModel.optional(),
  temperature: LlmTemperature.optional(),
  maxTokens: z.number().int().min(1).max(200000).optional(),
  /** A/B variants of the prompt (`system`, `prompt`, `model`, `temperature`). */
  variants: variantList(LlmVariant, '`system`, `prompt`, `model` and `temperature`').optional(),
  /** In `reply` mode the answer may also be stored in a variable. */
  saveAs: VarPath.optional(),
  extract: z.array(Extraction).optional(),
  next: NodeRef.optional(),
  error: NodeRef.optional(),
});

export const KnowledgeNode = z.looseObject({
  ...base,
  kind: z.literal('knowledge'),
  /** What to search for; defaults to the user's last message. */
  query: Template.optional() /* default '{{input}}' */,
  /** Files under `knowledge/` to search; all of them when empty. */
  sources: z.array(z.string().max(300)).optional() /* default [] */,
  /** Below this retrieval score the answer is not grounded: take `notSure`. */
  minScore: z.number().min(0).max(1).optional() /* default 0.35 */,
  /** How many passages to retrieve and give the model (the best first). */
  limit: z.number().int().min(1).max(8).optional() /* default 3 */,
  /**
   * How the node answers: `llm`, the model writes the answer from the passages only, citing them (`[1]`), and
   * the node answers extractively when there is no model or its reply cites nothing; `extractive`, the sentences
   * of the best passage that match the question, cited. Without `answer`, a node with `saveAs` only saves the
   * best passage for the flow to use, and one without answers with the model.
   */
  answer: z.enum(['llm', 'extractive']).optional(),
  /** The designer's instructions for the model's answer (tone, length), before the grounding rules. */
  system: Template.optional(),
  saveAs: VarPath.optional(),
  next: NodeRef.optional(),
  notSure: NodeRef.optional(),
});

export const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** A JSON body written as YAML data; its string leaves are templates (see `ApiNode.body`). */
export type JsonBody = string | number | boolean | null | JsonBody[] | { [key: string]: JsonBody };

/** Where `v` is not JSON data whose strings fit a template (or nests too deep), and why. */
function notJsonData(v: unknown, path: (string | number)[] = [], depth = 0): { path: (string | number)[]; message: string } | undefined {
  if (depth > 32) return { path, message: 'nested too deep (at most 32 levels)' };
  if (typeof v === 'string') return v.length > 20000 ? { path, message: 'too long (at most 20000 characters)' } : undefined;
  if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = notJsonData(v[i], [...path, i], depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) {
      const bad = notJsonData(x, [...path, k], depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  return { path, message: 'must be JSON data: text, a number, true/false, null, a list or a mapping' };
}

// Not a recursive zod schema: the flow's JSON Schema (for the source view) stays free of $ref; the leaves are
// checked by the refinement.
export const JsonBody = z
  .union([Template, z.number().finite(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .superRefine((v, ctx) => {
    const bad = notJsonData(v);
    if (bad) ctx.addIssue({ code: 'custom', path: bad.path, message: bad.message });
  }) as unknown as z.ZodType<JsonBody>;

/**
 * Retries of a call that failed in a way a retry may cure: a timeout, a network error, a 5xx or 429 response.
 * Idempotent methods (GET, PUT, DELETE) retry by default; `false` never retries; an object tunes them, and on a POST
 * or PATCH opts in (when the backend makes the call safe to repeat, e.g. with an idempotency key).
 */
export const ApiRetry = z.union([
  z.boolean(),
  z.strictObject({
    /** Attempts in all, the first included (default 2). */
    attempts: z.number().int().min(1).max(5).optional(),
    /** The wait before the first retry; each later one doubles it, with jitter (default 250). */
    backoffMs: z.number().int().min(0).max(10000).optional(),
    /** The longest wait between attempts; a Retry-After asking for more is not retried (default 2000). */
    maxDelayMs: z.number().int().min(0).max(30000).optional(),
  }),
]);

/**
 * One answer of an API operation without calling it: a design-time mock (parley.yaml `mocks`) or a story's
 * fixture. A response (status, default 200, and body), or a failure.
 */
export const ApiMockResponse = z.strictObject({
  status: z.number().int().min(100).max(599).optional() /* default 200 */,
  body: z.unknown().optional(),
  /** Simulate a timeout or a network failure instead of a response. */
  fail: z.enum(['timeout', 'network']).optional(),
});
export type ApiMockResponse = z.infer<typeof ApiMockResponse>;

/** parley.yaml `mocks`: named answers per API operation (`mocks.get_balance.success`); the first is the default. */
export const ApiMocks = z.record(
  Id,
  z.record(Id, ApiMockResponse).refine((m) => Object.keys(m).length > 0, 'an operation needs at least one mock'),
);
export type ApiMocks = z.infer<typeof ApiMocks>;

export const ApiNode = z.looseObject({
  ...base,
  kind: z.literal('api'),
  /** Operation name, used by stories to give fixture responses. */
  operation: Id,
  method: HttpMethod.optional() /* default 'GET' */,
  /** The URL; in an environment `urls` lists, that one instead. */
  url: Template,
  /** URLs per environment of parley.yaml (`environments`), by its id; the chosen environment's, else `url`. */
  urls: z.record(Id, Template).optional(),
  headers: z.record(z.string(), Template).optional(),
  /**
   * A mapping or list is the JSON body as data: a string leaf that is exactly one placeholder takes the value
   * itself (number, object, ...), text around placeholders makes a string; sent as JSON. A string is the old
   * form: JSON text whose placeholders are substituted as values, never spliced (or plain text if not JSON).
   */
  body: JsonBody.optional(),
  /** Per attempt. */
  timeoutMs: z.number().int().min(1).max(120000).optional() /* default 5000 */,
  retry: ApiRetry.optional() /* default: GET, PUT and DELETE retry once */,
  /** Variables set from the JSON response, by a dot path (`data.balance`) or a JSONPath (`$.data.accounts[0].balance`, script off). */
  assign: z.array(z.looseObject({ var: VarPath, path: z.string().max(300) })).optional(),
  next: NodeRef.optional(),
  error: NodeRef.optional(),
  timeout: NodeRef.optional(),
});

export const GuardrailCheck = z.enum(['profanity', 'pii', 'jailbreak', 'sensitive_topic']);

export const GuardrailNode = z.looseObject({
  ...base,
  kind: z.literal('guardrail'),
  checks: z.array(GuardrailCheck).min(1, 'needs at least one check'),
  /** Sensitive topics for the `sensitive_topic` check (e.g. self_harm, bereavement). */
  topics: z.array(Id).optional(),
  next: NodeRef.optional(),
  flagged: NodeRef.optional(),
});

/** Why a conversation goes to a person: the codes a handoff's `reason` may give (or the engine infers). */
export const HANDOFF_REASONS = ['user_request', 'fallback_limit', 'sensitive_topic', 'api_failure', 'guardrail', 'out_of_scope', 'policy'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** How the summary for the agent is written: by the model (an extractive one when it cannot) or extracted. */
export const HandoffSummarySettings = z.strictObject({
  /** llm: the model writes it from the facts and the last turns, the extractive summary if it fails; extract: no model call. */
  by: z.enum(['llm', 'extract']).optional() /* default llm */,
  /** How many of the last messages go in (default 6). */
  turns: z.number().int().min(0).max(40).optional(),
  /** Extra instructions for the model (tone, what the team needs first). */
  instructions: z.string().max(4000).optional(),
});

/**
 * The request that records a handoff in a ticketing or live-chat system: an `api` call (same fields and
 * machinery), whose templates see the payload as `handoff` (`{{handoff}}` as a body leaf sends all of it).
 */
export const HandoffTicket = z.looseObject({
  operation: Id,
  method: HttpMethod.optional() /* default POST */,
  url: Template,
  urls: z.record(Id, Template).optional(),
  headers: z.record(z.string(), Template).optional(),
  body: JsonBody.optional(),
  timeoutMs: z.number().int().min(1).max(120000).optional() /* default 5000 */,
  retry: ApiRetry.optional(),
  /** Variables set from the response (a ticket number), by path. */
  assign: z.array(z.looseObject({ var: VarPath, path: z.string().max(300) })).optional(),
  /** always: on every handoff (a live-chat system); outOfHours: only to record a request out of hours. */
  when: z.enum(['always', 'outOfHours']).optional() /* default always */,
});

export const HandoffNode = z.looseObject({
  ...base,
  kind: z.literal('handoff'),
  queue: z.string().max(100).optional() /* default 'general' */,
  /** A reason code (HANDOFF_REASONS) or a project's own; inferred from how the conversation got here when absent. */
  reason: z.string().max(200).optional(),
  /** For the human agent: a template (written as given), or how to write it; an extractive summary when absent. */
  summary: z.union([Template, HandoffSummarySettings]).optional(),
  say: LocalizedText.optional(),
  /** Taken when no agent is available. */
  unavailable: NodeRef.optional(),
  /** Which business hours apply: parley.yaml's `businessHours` for the queue (default), a named queue's, or none (false). */
  hours: z.union([z.boolean(), z.string().max(100)]).optional(),
  /** Taken out of business hours (after the ticket call); without it `unavailable`, else the node says `outOfHoursSay` and ends. */
  outOfHours: NodeRef.optional(),
  /** Said out of hours when there is no `outOfHours` exit; `{{opensAt}}` is the next opening time. */
  outOfHoursSay: LocalizedText.optional(),
  ticket: HandoffTicket.optional(),
  /** Out of hours, taken when the ticket call failed (the request was not recorded). */
  ticketFailed: NodeRef.optional(),
});

export const JumpNode = z.looseObject({
  ...base,
  kind: z.literal('jump'),
  flow: Id,
  /** Entry node in the target flow; its start node when omitted. */
  node: Id.optional(),
});

export const CallNode = z.looseObject({
  ...base,
  kind: z.literal('call'),
  flow: Id,
  node: Id.optional(),
  /** Where the conversation goes when the called flow ends. */
  next: NodeRef.optional(),
});

export const EndNode = z.looseObject({
  ...base,
  kind: z.literal('end'),
  outcome: z.enum(['resolved', 'unresolved', 'abandoned', 'escalated']).optional() /* default 'resolved' */,
  say: LocalizedText.optional(),
  /** In a digression: `false` ends it without going back to what it interrupted (default true). */
  resume: z.boolean().optional() /* default true */,
});

export const FlowNode = z.discriminatedUnion('kind', [
  StartNode,
  MessageNode,
  AskNode,
  FormNode,
  ListenNode,
  ConditionNode,
  SetNode,
  LlmNode,
  KnowledgeNode,
  ApiNode,
  GuardrailNode,
  HandoffNode,
  JumpNode,
  CallNode,
  EndNode,
]);
export type FlowNode = z.infer<typeof FlowNode>;
export type NodeKind = FlowNode['kind'];
export type NodeOf<K extends NodeKind> = Extract<FlowNode, { kind: K }>;

export const NODE_SCHEMAS = {
  start: StartNode,
  message: MessageNode,
  ask: AskNode,
  form: FormNode,
  listen: ListenNode,
  condition: ConditionNode,
  set: SetNode,
  llm: LlmNode,
  knowledge: KnowledgeNode,
  api: ApiNode,
  guardrail: GuardrailNode,
  handoff: HandoffNode,
  jump: JumpNode,
  call: CallNode,
  end: EndNode,
} as const;

export const NODE_KINDS = Object.keys(NODE_SCHEMAS) as NodeKind[];

/** The questions a node asks, with the path of each inside the node: an `ask` node's own, a `form`'s fields. */
export function questionsOf(node: FlowNode): { path: (string | number)[]; q: Question }[] {
  if (node.kind === 'ask') return [{ path: [], q: node }];
  if (node.kind === 'form') return node.fields.map((f, i) => ({ path: ['fields', i], q: f }));
  return [];
}

/** Canonical field order of each kind when written to disk; unknown fields follow, sorted. */
export const NODE_FIELD_ORDER: Record<NodeKind, readonly string[]> = Object.fromEntries(
  NODE_KINDS.map((k) => {
    const own = Object.keys(NODE_SCHEMAS[k].shape).filter((f) => f !== 'id' && f !== 'kind' && f !== 'copyIds' && f !== 'staleTranslations');
    // translations to review right after the position, before the copy (an edit of the copy that marks them is one
    // hunk); the stable copy ids last: written by Parley, not read by a person
    const at = own.indexOf('position') + 1;
    return [k, ['id', 'kind', ...own.slice(0, at), 'staleTranslations', ...own.slice(at), 'copyIds']];
  }),
) as unknown as Record<NodeKind, readonly string[]>;
