// One conversation stepped through on the canvas, turn by turn, for a review on a shared screen: from the
// simulator's conversation or from a story's run. Each step shows what the customer said and what the bot
// answered; the canvas marks the nodes the turn went through and the edges it took.
import type { StoryRunView, TurnView } from '../../../shared/api/contract';
import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';

export interface At {
  flow: string;
  node: string;
}

export interface WalkTurn {
  /** What the customer did, in words: their text, the button they pressed, or the event. */
  user: string;
  says: string[];
  /** The nodes the turn went through, in order, starting at the node the conversation waited at (if any). */
  path: At[];
}

export interface Walk {
  title: string;
  turns: WalkTurn[];
  index: number;
}

type Input = TurnView['input'];
function inputText(input: Input): string {
  switch (input.type) {
    case 'start':
      return '(the conversation starts)';
    case 'text':
      return input.text;
    case 'button':
      return `[${input.label ?? input.payload}]`;
    case 'event':
      return `(event ${input.name})`;
  }
}

/** A path beginning where the previous turn left the conversation waiting, so the edge out of it shows too. */
function fromWait(path: At[], waited: At | undefined): At[] {
  if (!waited || (path[0]?.flow === waited.flow && path[0]?.node === waited.node)) return path;
  return [waited, ...path];
}

const address = (s: string): At | undefined => {
  const i = s.indexOf('/');
  return i > 0 ? { flow: s.slice(0, i), node: s.slice(i + 1) } : undefined;
};

/** The simulator's conversation as steps. */
export function walkFromSimulator(turns: readonly TurnView[]): WalkTurn[] {
  return turns.map((t, i) => {
    const w = i > 0 ? turns[i - 1]!.state.wait : undefined;
    const waited = w && w.kind !== 'idle' ? { flow: w.flow, node: w.node } : undefined;
    return {
      user: inputText(t.input),
      says: t.outputs.flatMap((o) => (o.type === 'text' ? [o.text] : [])),
      path: fromWait(t.path, waited),
    };
  });
}

/** A story's run as steps (the runner reports paths as `flow/node` addresses). */
export function walkFromStory(run: StoryRunView): WalkTurn[] {
  return run.turns.map((t, i) => {
    const before = i > 0 ? run.turns[i - 1]!.waitsAt : undefined;
    return {
      user: inputText(t.input),
      says: t.says,
      path: fromWait(
        t.path.flatMap((p) => address(p) ?? []),
        before ? address(before) : undefined,
      ),
    };
  });
}

/** The edges (`node:port`, as the canvas names them) a path took within one flow: every exit from a node to the next. */
export function walkedEdges(flow: Flow, flowId: string, path: readonly At[]): Set<string> {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const out = new Set<string>();
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    if (a.flow !== flowId || b.flow !== flowId) continue;
    const node = byId.get(a.node);
    for (const e of node ? exitsOf(node) : []) if (e.target === b.node) out.add(`${node!.id}:${e.port}`);
  }
  return out;
}

export type WalkMark = 'visited' | 'walked' | 'current';

/** The marks of a flow's nodes at a step: earlier turns' nodes visited, this turn's walked, its last node current. */
export function walkMarks(walk: Walk, flowId: string): Map<string, WalkMark> {
  const out = new Map<string, WalkMark>();
  walk.turns.slice(0, walk.index).forEach((t) => t.path.forEach((p) => p.flow === flowId && out.set(p.node, 'visited')));
  const path = walk.turns[walk.index]?.path ?? [];
  for (const p of path) if (p.flow === flowId) out.set(p.node, 'walked');
  const last = path[path.length - 1];
  if (last?.flow === flowId) out.set(last.node, 'current');
  return out;
}

/** Where a step ends: the flow to show and the node to centre on. */
export const stepEnd = (turn: WalkTurn | undefined): At | undefined => turn?.path[turn.path.length - 1];
