// What a recognised intent does while the conversation waits somewhere: the listen node's route, else a
// global handler (digress / goto / cancel / restart), else the flow whose start node lists it as a trigger.
// And what an unrecognised input does: the no-match exit, a built-in "didn't understand", or, at
// `nlu.fallbackLimit`, escalation.
import type { GlobalHandler } from '../../schema/project';
import type { At } from '../types';
import { setPath } from '../vars';
import type { Run } from './effects';
import { endFlow, follow, runFrom, startConversation } from './runNodes';
import { mergeDeep } from './state';
import type { Turn } from './turn';

/** An intent was recognised (or chosen) while waiting at `at`. */
export function* acceptIntent(t: Turn, intent: string, at: At | undefined): Run<void> {
  t.s.fallbacks = 0;
  t.s.last = { ...t.s.last, intent, confidence: t.s.last.intent === intent ? t.s.last.confidence : 1 };
  t.utterance = t.s.last.input;
  const node = at && t.node(at);
  if (at && node?.kind === 'listen') {
    const route = node.routes?.find((x) => x.intent === intent);
    if (route) {
      t.trace.push({ kind: 'node', ...at, nodeKind: 'listen', exit: `intent:${intent}` });
      return route.next ? yield* runFrom(t, { flow: at.flow, node: route.next }) : yield* endFlow(t, at.flow);
    }
  }
  if (yield* globalOrTrigger(t, intent, at)) return;
  // recognised, but nothing here handles it
  if (at) return yield* noMatch(t, at);
  return yield* startConversation(t);
}

/** Global handlers and flow triggers interrupt from anywhere. True when one took the turn. */
export function* globalOrTrigger(t: Turn, intent: string, at: At | undefined): Run<boolean> {
  const g = t.engine.globals.get(intent);
  if (g) {
    yield* runGlobal(t, g);
    return true;
  }
  const flow = t.engine.triggers.get(intent);
  if (flow && flow !== at?.flow) {
    const start = t.flowStart(flow);
    if (start) {
      t.trace.push({ kind: 'global', handler: `trigger:${flow}`, intent, action: 'goto', flow });
      yield* runFrom(t, start);
      return true;
    }
  }
  return false;
}

function* runGlobal(t: Turn, g: GlobalHandler): Run<void> {
  t.trace.push({ kind: 'global', handler: g.id, intent: g.intent, action: g.action, ...(g.flow ? { flow: g.flow } : {}) });
  const sayAt = { flow: '', node: `globals.${g.id}` };
  if (g.say) {
    const text = t.render(t.pick(g.say, sayAt), sayAt, `globals.${g.id}.say`);
    t.emitText(text, sayAt, `globals/${g.id}`);
  }
  const m = t.engine.model.manifest;
  switch (g.action) {
    case 'digress': {
      const target = g.flow ? t.flowStart(g.flow) : undefined;
      if (!target) return t.error(`global "${g.id}": flow "${g.flow ?? ''}" not found`);
      const wait = t.s.wait ?? { kind: 'idle' };
      t.s.stack.push({ kind: 'digress', wait, handler: g.id });
      return yield* runFrom(t, target);
    }
    case 'goto': {
      const target = g.flow ? t.flowStart(g.flow) : undefined;
      if (!target) return t.error(`global "${g.id}": flow "${g.flow ?? ''}" not found`);
      t.s.stack = [];
      return yield* runFrom(t, target);
    }
    case 'restart':
      t.s.vars = setPath(mergeDeep(m.variables ?? {}, t.s.profile ?? {}), 'slots', undefined);
      t.s.fallbacks = 0;
      return yield* startConversation(t);
    case 'cancel':
      t.s.vars = setPath(t.s.vars, 'slots', undefined);
      t.s.stack = [];
      if (g.flow) {
        const target = t.flowStart(g.flow);
        if (target) return yield* runFrom(t, target);
      }
      if (t.engine.home) {
        t.s.wait = { kind: 'listen', ...t.engine.home };
        return;
      }
      return yield* startConversation(t);
  }
}

export function* noMatch(t: Turn, at: At): Run<void> {
  const limit = t.settings.fallbackLimit;
  const count = ++t.s.fallbacks;
  const escalate = count >= limit;
  t.trace.push({ kind: 'fallback', count, limit, escalated: escalate });
  if (escalate) {
    t.s.fallbacks = 0;
    t.builtin('escalating', at);
    const target = t.engine.escalation ? t.flowStart(t.engine.escalation) : undefined;
    t.s.stack = [];
    if (target) return yield* runFrom(t, target);
    t.outputs.push({ type: 'handoff', queue: 'general', reason: 'fallback_limit', flow: at.flow, node: at.node });
    t.s.ended = { outcome: 'escalated', at };
    t.s.wait = { kind: 'idle' };
    return;
  }
  const node = t.node(at);
  if (node?.kind === 'listen' && node.noMatch) return yield* follow(t, at, node.noMatch, 'noMatch');
  t.builtin('didNotUnderstand', at);
  if (node?.kind === 'listen') t.s.wait = { kind: 'listen', ...at };
}
