// Hearing an input: a quick reply the last message offered (clicked, or its label typed), an event, or text
// heard where the conversation waits. At a listen node the NLU decides: accept (intents.ts), clarify between
// the top two, or no match.
import type { At, QuickReply, UserInput } from '../types';
import { answerAsk, answerChoice } from './answers';
import type { Run } from './effects';
import { acceptIntent, noMatch } from './intents';
import { answerForm, formIntent } from './nodes/form';
import { ANSWER_PAYLOAD } from './question';
import { follow, runFrom, startConversation } from './runNodes';
import type { Turn } from './turn';

export function* hearInput(t: Turn, input: Exclude<UserInput, { type: 'start' }>): Run<void> {
  const text = input.type === 'text' ? input.text.trim() : input.type === 'button' ? (input.label ?? input.payload) : `[${input.name}]`;
  t.s.transcript.push({ role: 'user', text });
  t.s.last = { input: input.type === 'event' ? '' : text, entities: {} };

  // a quick reply offered by the last bot message (clicked, or its label typed)
  const offered = t.s.quickReplies;
  t.s.quickReplies = [];
  const qr = matchQuickReply(offered, input);
  if (qr) {
    t.trace.push({ kind: 'nlu', flow: qr.flow, node: qr.node, text, ranking: [], entities: [], decision: 'quick_reply', intent: qr.payload });
    const w0 = t.s.wait;
    if (qr.payload.startsWith(ANSWER_PAYLOAD) && (w0?.kind === 'ask' || w0?.kind === 'form')) {
      const answer = qr.payload.slice(ANSWER_PAYLOAD.length);
      return w0.kind === 'ask' ? yield* answerAsk(t, w0, answer, true) : yield* answerForm(t, w0, answer, true);
    }
    if (qr.payload.startsWith('intent:') && w0?.kind === 'form') {
      const form = t.node(w0);
      t.s.last = { ...t.s.last, intent: qr.payload.slice('intent:'.length), confidence: 1 };
      if (form?.kind === 'form' && (yield* formIntent(t, form, w0, qr.payload.slice('intent:'.length)))) return;
    }
    if (qr.payload.startsWith('intent:')) {
      const w = t.s.wait;
      const at = w && w.kind !== 'idle' ? { flow: w.flow, node: w.node } : t.engine.home;
      return yield* acceptIntent(t, qr.payload.slice('intent:'.length), at);
    }
    if (qr.next) {
      t.trace.push({ kind: 'node', flow: qr.flow, node: qr.node, nodeKind: 'message', exit: `button:${qr.id}` });
      return yield* runFrom(t, { flow: qr.flow, node: qr.next });
    }
  }

  const wait = t.s.wait ?? { kind: 'idle' };
  if (input.type === 'event') {
    t.s.last = { input: '', intent: input.name, confidence: 1, entities: {} };
    const at = wait.kind === 'idle' ? t.engine.home : { flow: wait.flow, node: wait.node };
    return yield* acceptIntent(t, input.name, at);
  }
  switch (wait.kind) {
    case 'ask':
      return yield* answerAsk(t, wait, text);
    case 'form':
      return yield* answerForm(t, wait, text);
    case 'listen':
    case 'clarify':
      return yield* hear(t, { flow: wait.flow, node: wait.node }, text);
    case 'choice':
      return yield* answerChoice(t, wait, text);
    case 'idle':
      delete t.s.ended;
      t.s.stack = [];
      if (t.engine.home) return yield* hear(t, t.engine.home, text);
      return yield* startConversation(t);
  }
}

/** A listen node hears the user: globals, routes, triggers; clarification; no-match and escalation. */
function* hear(t: Turn, at: At, text: string): Run<void> {
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
  if (d.kind === 'accept') return yield* acceptIntent(t, d.intent, at);
  const node = t.node(at);
  if (d.kind === 'clarify') {
    if (node?.kind === 'listen' && node.lowConfidence) return yield* follow(t, at, node.lowConfidence, 'lowConfidence');
    const [a, b] = d.top;
    const replies: QuickReply[] = [a, b].map((x) => ({
      id: x.intent,
      label: t.intentLabel(x.intent),
      payload: `intent:${x.intent}`,
      flow: at.flow,
      node: at.node,
    }));
    t.builtin('clarify', at, { first: replies[0]!.label, second: replies[1]!.label });
    t.offer(replies);
    t.s.wait = { kind: 'clarify', flow: at.flow, node: at.node, intents: [a.intent, b.intent] };
    return;
  }
  return yield* noMatch(t, at);
}

function matchQuickReply(offered: QuickReply[], input: UserInput): QuickReply | undefined {
  if (!offered.length) return undefined;
  if (input.type === 'button') return offered.find((q) => q.payload === input.payload);
  if (input.type === 'text') {
    const t = norm(input.text);
    return offered.find((q) => norm(q.label) === t || norm(q.payload) === t);
  }
  return undefined;
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[.!?]+$/, '');
