// Where a turn parted from an expectation about a node: the last node of the turn's path from which that node
// could still have been reached in the same turn (through exits, calls and jumps, without waiting for the
// user). That is the node whose choice of exit took the conversation elsewhere; the story panel links to it.
import type { ProjectModel } from '../project/validate';
import { exitsOf } from '../schema/exits';
import type { FlowNode } from '../schema/nodes';

/** A node the conversation stops at within a turn: reached, but the turn goes no further through it. */
const waits = (n: FlowNode): boolean => n.kind === 'listen' || n.kind === 'ask' || (n.kind === 'message' && Boolean(n.buttons?.length) && !n.next);

export interface PartingFinder {
  /**
   * The last node of `path` (addresses `flow/node`) from which `target` was reachable in the turn; else the node
   * the turn stopped at, if the target lies beyond it; else the node from which the path jumped to a node that
   * comes after the target; else `heard` (the node that heard the user's message) if it could reach it.
   */
  partedAt(path: readonly string[], target: string, heard?: string): string | undefined;
}

const cache = new WeakMap<ProjectModel, PartingFinder>();

export function partingFinder(model: ProjectModel): PartingFinder {
  let f = cache.get(model);
  if (!f) cache.set(model, (f = createFinder(model)));
  return f;
}

function createFinder(model: ProjectModel): PartingFinder {
  const nodes = new Map<string, Map<string, FlowNode>>();
  const nodeAt = (flow: string, id: string | undefined): FlowNode | undefined => {
    const fl = model.flows[flow];
    if (!fl || id === undefined) return undefined;
    let m = nodes.get(flow);
    if (!m) nodes.set(flow, (m = new Map(fl.nodes.map((n) => [n.id, n]))));
    return m.get(id);
  };
  const entryOf = (flow: string, node?: string): string | undefined =>
    node ?? model.flows[flow]?.nodes.find((n) => n.kind === 'start')?.id ?? model.flows[flow]?.nodes[0]?.id;

  // Whether a flow entered at a node can run to its end (and so return to its caller) without waiting.
  const finishing = new Map<string, boolean>();
  const finishes = (flow: string, entry: string | undefined): boolean => {
    if (entry === undefined) return false;
    const key = `${flow}/${entry}`;
    const known = finishing.get(key);
    if (known !== undefined) return known;
    finishing.set(key, false); // a call cycle does not finish
    const seen = new Set<string>();
    const todo = [entry];
    let done = false;
    while (todo.length && !done) {
      const id = todo.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const n = nodeAt(flow, id);
      if (!n || waits(n)) continue;
      const next = local(flow, n);
      if (n.kind === 'end' || (n.kind !== 'jump' && next.length === 0)) done = true;
      todo.push(...next);
    }
    finishing.set(key, done);
    return done;
  };
  // Exits within the flow; a call continues at `next` only if the called flow can finish in the same turn.
  const local = (flow: string, n: FlowNode): string[] => {
    const out = exitsOf(n).flatMap((e) => (e.target && e.port !== 'next' ? [e.target] : []));
    const next = exitsOf(n).find((e) => e.port === 'next')?.target;
    if (next && (n.kind !== 'call' || finishes(n.flow, entryOf(n.flow, n.node)))) out.push(next);
    return out;
  };
  const successors = (flow: string, n: FlowNode): string[] => {
    const out = local(flow, n).map((id) => `${flow}/${id}`);
    if (n.kind === 'call' || n.kind === 'jump') {
      const entry = entryOf(n.flow, n.node);
      if (entry) out.push(`${n.flow}/${entry}`);
    }
    return out;
  };
  /** `passed`: the conversation went on from `from` this turn (so a waiting node there had heard the user). */
  const reaches = (from: string, target: string, passed: boolean): boolean => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length) {
      const at = todo.pop() as string;
      if (at === target) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      const [flow = '', id] = at.split('/');
      const n = nodeAt(flow, id);
      if (!n || ((at !== from || !passed) && waits(n))) continue;
      todo.push(...successors(flow, n));
    }
    return false;
  };
  // Everything that comes after a node, over any number of turns (questions and menus answered).
  const after = new Map<string, Set<string>>();
  const beyond = (target: string): Set<string> => {
    let seen = after.get(target);
    if (seen) return seen;
    after.set(target, (seen = new Set()));
    const todo = [target];
    while (todo.length) {
      const at = todo.pop() as string;
      const [flow = '', id] = at.split('/');
      const n = nodeAt(flow, id);
      if (!n) continue;
      const next = successors(flow, n);
      if (n.kind === 'call' && n.next) next.push(`${flow}/${n.next}`);
      for (const x of next) if (!seen.has(x)) todo.push((seen.add(x), x));
    }
    return seen;
  };
  return {
    partedAt(path, target, heard) {
      // every node of the path but the last was passed through (an ask filled from the same message included)
      for (let i = path.length - 1; i >= 0; i--) if (reaches(path[i] as string, target, i < path.length - 1)) return path[i];
      // the turn stopped short: at a question or menu on the way to the target (reached in a later turn)
      const stop = path[path.length - 1];
      if (stop !== undefined && reaches(stop, target, true)) return stop;
      // no node of the path leads there any more (an exit was pointed elsewhere): the conversation skipped past
      // the target where the path first lands on a node that normally comes after it
      const past = beyond(target);
      const skipped = path.findIndex((a) => a !== target && past.has(a));
      if (skipped > 0) return path[skipped - 1];
      return heard !== undefined && (skipped === 0 || reaches(heard, target, true)) ? heard : undefined;
    },
  };
}
