// Answers to what the conversation waits for other than a listen: a question (ask) and a choice of buttons.
// A confident global intent or trigger interrupts either; an answer that is not one is asked again, up to
// the node's retries (then its `failed` exit) or the fallback limit.
import type { LocalizedText } from '../../schema/common';
import type { NodeOf } from '../../schema/nodes';
import type { At, Wait } from '../types';
import type { Run } from './effects';
import { globalOrTrigger, noMatch } from './intents';
import { buttonsOf } from './nodes/message';
import { endFlow, follow } from './runNodes';
import { extract, validate } from './slots';
import type { Turn } from './turn';

export function* answerAsk(t: Turn, wait: Extract<Wait, { kind: 'ask' }>, text: string): Run<void> {
  const at = { flow: wait.flow, node: wait.node };
  const node = t.node(at);
  if (node?.kind !== 'ask') {
    t.error(`the question "${at.node}" is no longer in flow "${at.flow}"`, at);
    return yield* endFlow(t, at.flow);
  }
  if (node.type === 'text') {
    // free text: a global intent said with confidence interrupts; anything else is the answer
    const r = t.nlu(text);
    const d = t.decide(r.ranking);
    if (d.kind === 'accept' && (t.engine.globals.has(d.intent) || (t.engine.triggers.has(d.intent) && t.engine.triggers.get(d.intent) !== at.flow))) {
      t.trace.push({ kind: 'nlu', ...at, text, ranking: r.ranking.slice(0, 5), entities: r.entities, decision: 'accept', intent: d.intent });
      t.utterance = text;
      if (yield* globalOrTrigger(t, d.intent, at)) return;
    }
  }
  const got = extract(t, node, text);
  if (got.ok) {
    const invalid = validate(t, node, got.value, at);
    if (invalid === undefined) {
      t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: got.value });
      t.setVar(node.slot, got.value);
      t.s.fallbacks = 0;
      return yield* follow(t, at, node.next, 'next');
    }
    t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: false, value: got.value, reason: 'failed validation' });
    return yield* retryAsk(t, node, wait, at, invalid, got.value);
  }
  // not an answer: maybe a question of its own ("what are your opening hours?")
  const r = t.nlu(text);
  const d = t.decide(r.ranking);
  t.trace.push({
    kind: 'nlu',
    ...at,
    text,
    ranking: r.ranking.slice(0, 5),
    entities: r.entities,
    decision: d.kind,
    ...(d.kind === 'accept' ? { intent: d.intent } : {}),
  });
  if (d.kind === 'accept') {
    t.utterance = text;
    if (yield* globalOrTrigger(t, d.intent, at)) return;
  }
  t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: false, reason: `not a ${node.type === 'entity' ? (node.entity ?? 'entity') : node.type}` });
  return yield* retryAsk(t, node, wait, at);
}

function* retryAsk(t: Turn, node: NodeOf<'ask'>, wait: Extract<Wait, { kind: 'ask' }>, at: At, validationMessage?: LocalizedText, value?: unknown): Run<void> {
  const retries = wait.retries + 1;
  if (retries > (node.maxRetries ?? 2)) return yield* follow(t, at, node.failed, 'failed');
  if (validationMessage) t.say(validationMessage, at, 'validation.message', undefined, { value });
  else if (node.reprompt) t.say(node.reprompt, at, 'reprompt');
  else t.say(node.prompt, at, undefined, undefined, undefined, 'prompt');
  t.s.wait = { kind: 'ask', ...at, retries };
}

export function* answerChoice(t: Turn, wait: Extract<Wait, { kind: 'choice' }>, text: string): Run<void> {
  const at = { flow: wait.flow, node: wait.node };
  const r = t.nlu(text);
  const d = t.decide(r.ranking);
  t.trace.push({
    kind: 'nlu',
    ...at,
    text,
    ranking: r.ranking.slice(0, 5),
    entities: r.entities,
    decision: d.kind,
    ...(d.kind === 'accept' ? { intent: d.intent } : {}),
  });
  if (d.kind === 'accept') {
    t.utterance = text;
    if (yield* globalOrTrigger(t, d.intent, at)) return;
  }
  const count = ++t.s.fallbacks;
  const limit = t.settings.fallbackLimit;
  t.trace.push({ kind: 'fallback', count, limit, escalated: count >= limit });
  if (count >= limit) return yield* noMatch(t, at); // noMatch escalates at the limit
  const node = t.node(at);
  const replies = node?.kind === 'message' ? buttonsOf(t, node, at) : [];
  t.builtin(t.copy.chooseOption, at);
  t.offer(replies);
  t.s.wait = wait;
}
