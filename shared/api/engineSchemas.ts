// Zod schemas of the engine and story-runner values the contract returns (TurnView, StoryRunView, StoriesReport).
// They mirror TS types owned elsewhere (shared/engine/types.ts, shared/stories/*); the `Same` checks at the end
// fail the typecheck when the two drift apart.
import { z } from 'zod';
import type {
  At as AtT,
  Frame as FrameT,
  Output as OutputT,
  SessionState,
  TraceEntry as TraceEntryT,
  UserInput as UserInputT,
  Wait as WaitT,
} from '../engine/types';
import type { PiiKind as PiiKindT } from '../runtime/pii';
import type { Coverage as CoverageT } from '../stories/coverage';
import type { Failure as FailureT, TurnReport as TurnReportT } from '../stories/run';

const flowNode = { flow: z.string(), node: z.string() };

export const At = z.object(flowNode);

export const Wait = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('listen'), ...flowNode }),
  z.object({ kind: z.literal('ask'), ...flowNode, retries: z.number() }),
  z.object({
    kind: z.literal('form'),
    ...flowNode,
    field: z.string(),
    retries: z.number(),
    leave: z.object({ action: z.enum(['abandon', 'switch']), intent: z.string() }).optional(),
  }),
  z.object({ kind: z.literal('choice'), ...flowNode }),
  z.object({ kind: z.literal('clarify'), ...flowNode, intents: z.array(z.string()) }),
  z.object({ kind: z.literal('idle') }),
]);

export const Frame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), ...flowNode, next: z.string().optional() }),
  z.object({ kind: z.literal('digress'), wait: Wait, handler: z.string() }),
]);

export const UserInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('button'), payload: z.string(), label: z.string().optional() }),
  z.object({ type: z.literal('event'), name: z.string() }),
]);

const QuickReplyView = z.object({ id: z.string(), label: z.string(), payload: z.string() });
const Offsets = { start: z.number().optional(), end: z.number().optional() };
const Citation = z.object({ n: z.number(), source: z.string(), id: z.string().optional(), heading: z.string().optional(), text: z.string(), ...Offsets });

export const Output = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string(),
    ...flowNode,
    copyId: z.string(),
    quickReplies: z.array(QuickReplyView).optional(),
    partial: z.boolean().optional(),
    llm: z.boolean().optional(),
    citations: z.array(Citation).optional(),
  }),
  z.object({
    type: z.literal('handoff'),
    queue: z.string(),
    reason: z.string().optional(),
    summary: z.string().optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    ...flowNode,
  }),
  z.object({ type: z.literal('end'), outcome: z.string(), ...flowNode }),
  z.object({ type: z.literal('error'), message: z.string(), flow: z.string().optional(), node: z.string().optional() }),
]);

const IntentScore = z.object({ intent: z.string(), confidence: z.number() });
const ExtractedEntity = z.object({ entity: z.string(), value: z.unknown(), text: z.string(), start: z.number(), end: z.number() });
const LlmRequest = z.object({
  ...flowNode,
  system: z.string().optional(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
  model: z.string().optional(),
  temperature: z.number().optional(),
  maxTokens: z.number().optional(),
  timeoutMs: z.number().optional(),
});
const LlmUsage = z.object({ inputTokens: z.number(), outputTokens: z.number() });
const RetrievalHit = z.object({
  source: z.string(),
  text: z.string(),
  score: z.number(),
  id: z.string().optional(),
  heading: z.string().optional(),
  ...Offsets,
});
const GuardrailFinding = z.object({ check: z.string(), detail: z.string() });
const VarChange = z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });
const Vars = z.record(z.string(), z.unknown());

export const TraceEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('input'), input: UserInput }),
  z.object({ kind: z.literal('node'), ...flowNode, nodeKind: z.string(), exit: z.string().optional() }),
  z.object({
    kind: z.literal('nlu'),
    ...flowNode,
    text: z.string(),
    ranking: z.array(IntentScore),
    entities: z.array(ExtractedEntity),
    decision: z.enum(['accept', 'clarify', 'no_match', 'quick_reply']),
    intent: z.string().optional(),
  }),
  z.object({ kind: z.literal('slot'), ...flowNode, slot: z.string(), ok: z.boolean(), value: z.unknown().optional(), reason: z.string().optional() }),
  z.object({ kind: z.literal('global'), handler: z.string(), intent: z.string(), action: z.string(), flow: z.string().optional() }),
  z.object({ kind: z.literal('return'), to: z.union([At, z.literal('waiting'), z.literal('left')]), from: z.string() }),
  z.object({
    kind: z.literal('llm'),
    ...flowNode,
    request: LlmRequest,
    reply: z.string().optional(),
    model: z.string().optional(),
    usage: LlmUsage.optional(),
    ttftMs: z.number().optional(),
    totalMs: z.number().optional(),
    partial: z.boolean().optional(),
    error: z.string().optional(),
  }),
  z.object({ kind: z.literal('retrieval'), ...flowNode, query: z.string(), hits: z.array(RetrievalHit), grounded: z.boolean() }),
  z.object({
    kind: z.literal('api'),
    ...flowNode,
    operation: z.string(),
    method: z.string(),
    url: z.string(),
    status: z.number().optional(),
    outcome: z.enum(['success', 'error', 'timeout']),
    ms: z.number(),
    message: z.string().optional(),
    failure: z.enum(['timeout', 'network', 'blocked', 'too_large', 'refused']).optional(),
    request: z.object({ headers: z.record(z.string(), z.string()), body: z.string().optional() }).optional(),
    response: z.unknown().optional(),
  }),
  z.object({
    kind: z.literal('guardrail'),
    ...flowNode,
    findings: z.array(GuardrailFinding),
    rule: z.string().optional(),
    action: z.enum(['block', 'redact', 'route', 'escalate']).optional(),
    direction: z.enum(['input', 'output']).optional(),
  }),
  z.object({
    kind: z.literal('handoff'),
    ...flowNode,
    queue: z.string(),
    reason: z.string(),
    reasonFrom: z.enum(['node', 'inferred']),
    summary: z.string(),
    summaryBy: z.enum(['llm', 'extract', 'template']),
    hours: z.enum(['open', 'closed', 'none']),
    opensAt: z.string().optional(),
    payload: z.record(z.string(), z.unknown()),
  }),
  z.object({ kind: z.literal('variant'), ...flowNode, variant: z.string(), assigned: z.boolean() }),
  z.object({ kind: z.literal('vars'), changes: z.array(VarChange) }),
  z.object({ kind: z.literal('fallback'), count: z.number(), limit: z.number(), escalated: z.boolean() }),
  z.object({
    kind: z.literal('problem'),
    severity: z.enum(['error', 'warning']),
    message: z.string(),
    flow: z.string().optional(),
    node: z.string().optional(),
  }),
]);

/** The part of `SessionState` the simulator panel shows. */
export const StateView = z.object({
  locale: z.string(),
  wait: Wait.nullable(),
  stack: z.array(Frame),
  vars: Vars,
  fallbacks: z.number(),
  ended: z.object({ outcome: z.enum(['resolved', 'unresolved', 'abandoned', 'escalated']), at: At }).optional(),
});

export const Failure = z.object({ check: z.string(), expected: z.unknown(), actual: z.unknown(), node: z.string().optional() });

export const TurnReport = z.object({
  index: z.number(),
  input: UserInput,
  says: z.array(z.string()),
  path: z.array(z.string()),
  waitsAt: z.string().optional(),
  failures: z.array(Failure),
  line: z.number().optional(),
  trace: z.array(TraceEntry).optional(),
});

const FlowCoverage = z.object({
  flow: z.string(),
  nodes: z.number(),
  visitedNodes: z.number(),
  exits: z.number(),
  coveredExits: z.number(),
  unvisited: z.array(z.string()),
  uncovered: z.array(z.string()),
});
export const Coverage = z.object({ flows: z.array(FlowCoverage), nodes: z.number(), visitedNodes: z.number(), exits: z.number(), coveredExits: z.number() });

/** A kind of personal data (shared/runtime/pii.ts). */
export const PiiKind = z.enum(['card', 'email', 'phone', 'iban', 'uk_bank_account', 'uk_nino', 'secret']);

// Type-level checks: each schema's output is the TS type it mirrors (mutually assignable), or tsc fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type StateViewT = Pick<SessionState, 'locale' | 'wait' | 'stack' | 'vars' | 'fallbacks' | 'ended'>;
type _SameTypes = [
  Assert<Same<z.output<typeof At>, AtT>>,
  Assert<Same<z.output<typeof Wait>, WaitT>>,
  Assert<Same<z.output<typeof Frame>, FrameT>>,
  Assert<Same<z.output<typeof UserInput>, UserInputT>>,
  Assert<Same<z.output<typeof Output>, OutputT>>,
  Assert<Same<z.output<typeof TraceEntry>, TraceEntryT>>,
  Assert<Same<z.output<typeof StateView>, StateViewT>>,
  Assert<Same<z.output<typeof Failure>, FailureT>>,
  Assert<Same<z.output<typeof TurnReport>, TurnReportT>>,
  Assert<Same<z.output<typeof Coverage>, CoverageT>>,
  Assert<Same<z.output<typeof PiiKind>, PiiKindT>>,
];
