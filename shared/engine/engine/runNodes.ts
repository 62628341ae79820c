// Running nodes: from a node until the conversation waits. Each node kind's code is in nodes/; here are the
// dispatch, the loop guard (`stepLimit`), and what happens when a flow runs out (return to a caller, or back
// to the wait a digression interrupted).
import type { FlowNode } from '../../schema/nodes';
import type { At, Frame } from '../types';
import type { Run, Step } from './effects';
import { execApi } from './nodes/api';
import { execAsk } from './nodes/ask';
import { execForm, resumeForm } from './nodes/form';
import { askQuestion } from './question';
import { execCall, execEnd, execJump, execListen } from './nodes/control';
import { execKnowledge } from './nodes/knowledge';
import { execLlm } from './nodes/llm';
import { execCondition, execSet } from './nodes/logic';
import { buttonsOf, execMessage, sayMessage } from './nodes/message';
import { execHandoff } from './nodes/handoff';
import { execGuardrail } from './nodes/safety';
import type { Turn } from './turn';

/** A new conversation (or a restart): the start flow from its start node. */
export function* startConversation(t: Turn): Run<void> {
  t.s.stack = [];
  t.s.quickReplies = [];
  delete t.s.ended;
  const at = t.flowStart(t.engine.model.manifest.startFlow);
  if (!at) return t.error(`the start flow "${t.engine.model.manifest.startFlow}" has no nodes`);
  yield* runFrom(t, at);
}

/** Leaves `at` by an exit and runs on: the target node, or what comes after the flow. */
export function* follow(t: Turn, at: At, target: string | undefined, exit: string): Run<void> {
  t.trace.push({ kind: 'node', ...at, nodeKind: t.node(at)?.kind ?? '?', exit });
  if (target) return yield* runFrom(t, { flow: at.flow, node: target });
  return yield* endFlow(t, at.flow);
}

/** Ends the current flow and runs whatever comes after it (a caller's next node). */
export function* endFlow(t: Turn, flow: string): Run<void> {
  const next = continueAfterFlowEnd(t, flow);
  if (next !== 'wait') yield* runFrom(t, next);
}

/** Runs nodes from `start` until the conversation waits. */
export function* runFrom(t: Turn, start: At): Run<void> {
  let at: At | 'wait' = start;
  while (at !== 'wait') {
    if (++t.steps > t.engine.options.stepLimit) {
      const recent = t.path
        .slice(-6)
        .map((p) => p.node)
        .join(' → ');
      t.error(`step limit (${t.engine.options.stepLimit}) reached in one turn: the flow loops (${recent})`, at);
      t.builtin('loop');
      t.s.stack = [];
      t.s.wait = t.engine.home ? { kind: 'listen', ...t.engine.home } : { kind: 'idle' };
      return;
    }
    const node = t.node(at);
    if (!node) {
      t.error(t.engine.flows.has(at.flow) ? `node "${at.node}" not found in flow "${at.flow}"` : `flow "${at.flow}" not found`, at);
      at = continueAfterFlowEnd(t, at.flow);
      continue;
    }
    t.path.push(at);
    const step: Step = yield* exec(t, node, at);
    at = step === 'end' ? continueAfterFlowEnd(t, at.flow) : step;
  }
}

/** The current flow ran out (or ended): return to a caller or a digression, else the conversation idles. */
function continueAfterFlowEnd(t: Turn, flow: string): At | 'wait' {
  for (;;) {
    const frame: Frame | undefined = t.s.stack.pop();
    if (!frame) {
      t.s.wait = { kind: 'idle' };
      return 'wait';
    }
    if (frame.kind === 'call') {
      if (frame.next) {
        t.trace.push({ kind: 'return', to: { flow: frame.flow, node: frame.next }, from: flow });
        t.trace.push({ kind: 'node', flow: frame.flow, node: frame.node, nodeKind: 'call', exit: 'next' });
        return { flow: frame.flow, node: frame.next };
      }
      flow = frame.flow;
      continue;
    }
    // back from a digression: ask again what we were waiting for
    t.trace.push({ kind: 'return', to: 'waiting', from: flow });
    const w = frame.wait;
    t.s.wait = w;
    if (w.kind === 'ask') {
      const n = t.node(w);
      if (n?.kind === 'ask') {
        t.builtin('back', w);
        askQuestion(t, n, w, { text: n.prompt });
      }
    } else if (w.kind === 'form') {
      resumeForm(t, w);
    } else if (w.kind === 'choice') {
      const n = t.node(w);
      if (n?.kind === 'message') {
        const replies = buttonsOf(t, n, w);
        sayMessage(t, n, w, replies);
        t.s.quickReplies = replies;
      }
    }
    return 'wait';
  }
}

function* exec(t: Turn, node: FlowNode, at: At): Run<Step> {
  switch (node.kind) {
    case 'start':
      return t.go(at, node.next, 'next');
    case 'message':
      return execMessage(t, node, at);
    case 'ask':
      return execAsk(t, node, at);
    case 'form':
      return execForm(t, node, at);
    case 'listen':
      return execListen(t, at);
    case 'condition':
      return execCondition(t, node, at);
    case 'set':
      return execSet(t, node, at);
    case 'llm':
      return yield* execLlm(t, node, at);
    case 'knowledge':
      return yield* execKnowledge(t, node, at);
    case 'api':
      return yield* execApi(t, node, at);
    case 'guardrail':
      return yield* execGuardrail(t, node, at);
    case 'handoff':
      return yield* execHandoff(t, node, at);
    case 'jump':
      return execJump(t, node, at);
    case 'call':
      return execCall(t, node, at);
    case 'end':
      return execEnd(t, node, at);
  }
}
