import { setIn } from '../util/setIn';
import type { FlowNode } from './nodes';

/**
 * An exit of a node: a labelled port that may lead to another node of the same flow.
 * `port` is stable across edits (built from ids, never from list positions), so the canvas
 * can key handles and edges on it; `field` is the path of the field that holds the target.
 */
export interface Exit {
  port: string;
  label: string;
  /** Target node id, or undefined when the exit is not connected yet. */
  target: string | undefined;
  field: (string | number)[];
}

/** The exits of a node, in the order the canvas shows them (top to bottom). */
export function exitsOf(node: FlowNode): Exit[] {
  const out: Exit[] = [];
  const add = (port: string, label: string, target: string | undefined, field: (string | number)[]) => out.push({ port, label, target, field });
  switch (node.kind) {
    case 'start':
    case 'set':
    case 'call':
      add('next', 'next', node.next, ['next']);
      break;
    case 'message':
      (node.buttons ?? []).forEach((b, i) => add(`button:${b.id}`, b.id, b.next, ['buttons', i, 'next']));
      add('next', 'next', node.next, ['next']);
      break;
    case 'ask':
      add('next', 'filled', node.next, ['next']);
      add('failed', 'failed', node.failed, ['failed']);
      break;
    case 'form':
      add('next', 'complete', node.next, ['next']);
      add('failed', 'failed', node.failed, ['failed']);
      add('abandoned', 'abandoned', node.abandoned, ['abandoned']);
      break;
    case 'listen':
      (node.routes ?? []).forEach((r, i) => add(`intent:${r.intent}`, r.intent, r.next, ['routes', i, 'next']));
      add('lowConfidence', 'unsure', node.lowConfidence, ['lowConfidence']);
      add('noMatch', 'no match', node.noMatch, ['noMatch']);
      break;
    case 'condition':
      node.branches.forEach((b, i) => add(`branch:${b.id}`, b.id, b.next, ['branches', i, 'next']));
      add('else', 'else', node.else, ['else']);
      break;
    case 'llm':
      add('next', 'next', node.next, ['next']);
      add('error', 'error', node.error, ['error']);
      break;
    case 'knowledge':
      add('next', 'answered', node.next, ['next']);
      add('notSure', 'not sure', node.notSure, ['notSure']);
      break;
    case 'api':
      add('next', 'success', node.next, ['next']);
      add('error', 'error', node.error, ['error']);
      add('timeout', 'timeout', node.timeout, ['timeout']);
      break;
    case 'guardrail':
      add('next', 'pass', node.next, ['next']);
      add('flagged', 'flagged', node.flagged, ['flagged']);
      break;
    case 'handoff':
      add('unavailable', 'no agent', node.unavailable, ['unavailable']);
      add('outOfHours', 'out of hours', node.outOfHours, ['outOfHours']);
      add('ticketFailed', 'ticket failed', node.ticketFailed, ['ticketFailed']);
      break;
    case 'jump':
    case 'end':
      break;
    default:
      return exhaustive(node);
  }
  return out;
}

/** Compile-time proof that a switch handles every kind; throws if reached with unexpected data. */
export function exhaustive(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** Returns a copy of `node` with the exit on `port` leading to `target` (or disconnected when undefined). */
export function setExit<N extends FlowNode>(node: N, port: string, target: string | undefined): N {
  const exit = exitsOf(node).find((e) => e.port === port);
  if (!exit) return node;
  return setIn(node, exit.field, target) as N;
}
