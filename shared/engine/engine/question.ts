// Hearing the answer to a question (an ask node, or a field of a form): whether the words are an answer,
// a valid one, or an intent that takes the turn instead. Per question: `notIntents` and `notEntities` refuse
// what is not an answer (Rasa's not_intent), `intents` says whether a confident intent interrupts before or
// after the words are tried as an answer (or never), and `clarify` asks which of two intents was meant.
import type { LocalizedText } from '../../schema/common';
import type { AnswerButton, IntentHandling, Question } from '../../schema/nodes';
import type { At, QuickReply } from '../types';
import type { Run } from './effects';
import { extract, validate } from './slots';
import type { Turn } from './turn';

export type Heard =
  | { kind: 'answer'; value: unknown }
  | { kind: 'invalid'; value: unknown; message: LocalizedText; field: string }
  /** An intent took the turn (it interrupted, or the bot asked which of two was meant). */
  | { kind: 'taken' }
  /** Not an answer; `refused` when the question refuses what was said (its `notIntents`, `notEntities`). */
  | { kind: 'none'; reason: string; refused?: boolean };

export interface HearOptions {
  /** The words came from one of the question's buttons: an answer as they are, never an intent. */
  button?: boolean;
  /** Whether an intent would do something here (a global handler, a trigger, a form's leave intents). */
  handles: (intent: string) => boolean;
  /** Runs an intent the customer said; true when it took the turn. */
  onIntent: (intent: string) => Run<boolean>;
}

/** Quick replies' payload prefix for a question's buttons: the rest is the answer. */
export const ANSWER_PAYLOAD = 'answer:';

export const intentHandling = (q: Question): IntentHandling => q.intents ?? (q.type === 'text' ? 'interrupt' : 'answer-first');

export function* hearAnswer(t: Turn, q: Question, at: At, text: string, o: HearOptions): Run<Heard> {
  if (o.button) return judge(t, q, at, text);
  const handling = intentHandling(q);
  const r = t.nlu(text);
  const d = t.decide(r.ranking);
  const top = r.ranking[0];
  const refusedIntent = top && q.notIntents?.includes(top.intent) && top.confidence >= t.settings.clarify ? top.intent : undefined;
  const refusedEntity = r.entities.find((e) => q.notEntities?.includes(e.entity))?.entity;
  const traced = { done: false };
  const trace = () => {
    if (traced.done) return;
    traced.done = true;
    const decision = d.kind === 'accept' || !refusedIntent ? d.kind : 'accept';
    const intent = d.kind === 'accept' ? d.intent : refusedIntent;
    t.trace.push({ kind: 'nlu', ...at, text, ranking: r.ranking.slice(0, 5), entities: r.entities, decision, ...(intent ? { intent } : {}) });
  };
  const interrupt = function* (intent: string): Run<boolean> {
    trace();
    t.utterance = text;
    return yield* o.onIntent(intent);
  };

  if (handling === 'interrupt' && d.kind === 'accept' && o.handles(d.intent) && (yield* interrupt(d.intent))) return { kind: 'taken' };
  if (!refusedIntent && !refusedEntity) {
    const heard = judge(t, q, at, text);
    if (heard.kind !== 'none') {
      // an answer, not an intent: `intent` is not what the NLU made of "debit"
      t.s.last = { input: t.s.last.input, entities: t.s.last.entities };
      return heard;
    }
  }
  trace();
  // not an answer: maybe a question of its own ("what are your opening hours?"); a refused intent is heard as one
  const intent = d.kind === 'accept' ? d.intent : refusedIntent;
  if (intent && (handling !== 'ignore' || refusedIntent) && o.handles(intent) && (yield* interrupt(intent))) return { kind: 'taken' };
  if (q.clarify && d.kind === 'clarify' && d.top.every((x) => o.handles(x.intent))) {
    const replies: QuickReply[] = d.top.map((x) => ({ id: x.intent, label: t.intentLabel(x.intent), payload: `intent:${x.intent}`, ...at }));
    t.builtin('clarify', at, { first: replies[0]!.label, second: replies[1]!.label });
    t.offer(replies);
    return { kind: 'taken' };
  }
  if (refusedIntent) return { kind: 'none', reason: `not an answer: intent ${refusedIntent}`, refused: true };
  if (refusedEntity) return { kind: 'none', reason: `not an answer: entity ${refusedEntity}`, refused: true };
  return { kind: 'none', reason: `not a ${q.type === 'entity' ? (q.entity ?? 'entity') : q.type}` };
}

/** The words as an answer: extracted and validated, or none. */
function judge(t: Turn, q: Question, at: At, text: string): Heard {
  const got = extract(t, q, text);
  if (!got.ok) return { kind: 'none', reason: `not a ${q.type === 'entity' ? (q.entity ?? 'entity') : q.type}` };
  const bad = validate(t, q, got.value, at);
  return bad ? { kind: 'invalid', value: got.value, ...bad } : { kind: 'answer', value: got.value };
}

/** A question's buttons as quick replies (labels in the conversation's locale; the answer in the payload). */
export function answerButtons(t: Turn, buttons: readonly AnswerButton[] | undefined, at: At): QuickReply[] {
  const m = t.engine.model.manifest;
  return (buttons ?? []).map((b) => {
    const label = t.pick(b.label, at);
    const value = b.value ?? (typeof b.label[m.defaultLocale] === 'string' ? (b.label[m.defaultLocale] as string) : label);
    return { id: b.id, label, payload: `${ANSWER_PAYLOAD}${value}`, ...at };
  });
}

/** Asks a question: its prompt (or `text`, a re-prompt or a validation message), with its buttons on offer. */
export function askQuestion(t: Turn, q: Question, at: At, copy: { text: LocalizedText; field?: string; mainField?: string; value?: unknown }): void {
  const replies = answerButtons(t, q.buttons, at);
  t.say(copy.text, at, copy.field, undefined, copy.value === undefined ? undefined : { value: copy.value }, copy.mainField ?? 'prompt');
  if (replies.length) t.offer(replies);
}
