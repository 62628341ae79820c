// Answers to what the conversation waits for other than a listen: a question (ask; question.ts hears it) and a
// choice of buttons. A confident global intent or trigger interrupts either, as the question's `intents` says; an
// answer that is not one is asked again, up to the node's retries (then its `failed` exit) or the fallback limit.
import type { LocalizedText } from '../../schema/common';
import type { NodeOf } from '../../schema/nodes';
import type { At, Wait } from '../types';
import type { Run } from './effects';
import { globalOrTrigger, noMatch } from './intents';
import { buttonsOf } from './nodes/message';
import { askQuestion, hearAnswer } from './question';
import { endFlow, follow } from './runNodes';
import { useUp } from './slots';
import type { Turn } from './turn';

export function* answerAsk(t: Turn, wait: Extract<Wait, { kind: 'ask' }>, text: string, button = false): Run<void> {
  const at = { flow: wait.flow, node: wait.node };
  const node = t.node(at);
  if (node?.kind !== 'ask') {
    t.error(`the question "${at.node}" is no longer in flow "${at.flow}"`, at);
    return yield* endFlow(t, at.flow);
  }
  const heard = yield* hearAnswer(t, node, at, text, {
    button,
    handles: (intent) => t.engine.globals.has(intent) || (t.engine.triggers.has(intent) && t.engine.triggers.get(intent) !== at.flow),
    onIntent: (intent) => globalOrTrigger(t, intent, at),
  });
  if (heard.kind === 'taken') return;
  if (heard.kind === 'answer') {
    t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: true, value: heard.value });
    t.setVar(node.slot, heard.value);
    useUp(t, node);
    t.s.fallbacks = 0;
    return yield* follow(t, at, node.next, 'next');
  }
  if (heard.kind === 'invalid') {
    t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: false, value: heard.value, reason: 'failed validation' });
    return yield* retryAsk(t, node, wait, at, heard);
  }
  t.trace.push({ kind: 'slot', ...at, slot: node.slot, ok: false, reason: heard.reason });
  return yield* retryAsk(t, node, wait, at);
}

function* retryAsk(
  t: Turn,
  node: NodeOf<'ask'>,
  wait: Extract<Wait, { kind: 'ask' }>,
  at: At,
  invalid?: { message: LocalizedText; field: string; value: unknown },
): Run<void> {
  const retries = wait.retries + 1;
  if (retries > (node.maxRetries ?? 2)) return yield* follow(t, at, node.failed, 'failed');
  if (invalid) askQuestion(t, node, at, { text: invalid.message, field: invalid.field, value: invalid.value });
  else if (node.reprompt) askQuestion(t, node, at, { text: node.reprompt, field: 'reprompt' });
  else askQuestion(t, node, at, { text: node.prompt });
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
  t.builtin('chooseOption', at);
  t.offer(replies);
  t.s.wait = wait;
}
