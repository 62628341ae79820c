import type { FlowNode } from '../schema/nodes';
import { carryCopyIds } from './copyIds';
import type { Flow } from '../schema/project';
import type { Position } from '../schema/common';
import { exitsOf, setExit } from '../schema/exits';

export type Group = NonNullable<Flow['groups']>[number];

/**
 * Every edit of a flow is one of these typed changes, applied by one pure function. The canvas, the
 * inspector, the source view and undo all go through `applyChanges`, so there is one way a flow changes.
 */
export type FlowChange =
  | { type: 'node.move'; id: string; position: Position }
  | { type: 'node.update'; id: string; node: FlowNode }
  | { type: 'node.add'; node: FlowNode }
  /** Removes a node, and every exit and group membership that pointed at it (no dangling edges). */
  | { type: 'node.remove'; id: string }
  | { type: 'exit.set'; id: string; port: string; target: string | undefined }
  | { type: 'group.add'; group: Group }
  | { type: 'group.update'; group: Group }
  | { type: 'group.rename'; id: string; label: string }
  | { type: 'group.remove'; id: string }
  | { type: 'flow.rename'; name: string }
  /** Replaces the whole flow (the source view, a paste of YAML). */
  | { type: 'flow.replace'; flow: Flow };

/** Returns a new flow with the changes applied; untouched nodes keep their identity (cheap re-render checks). */
export function applyChanges(flow: Flow, changes: readonly FlowChange[]): Flow {
  let nodes = flow.nodes;
  let groups = flow.groups;
  let next: Flow = flow;
  const replace = (id: string, fn: (n: FlowNode) => FlowNode) => {
    const i = nodes.findIndex((n) => n.id === id);
    if (i < 0) return;
    const updated = fn(nodes[i] as FlowNode);
    if (updated === nodes[i]) return;
    const copy = nodes.slice();
    copy[i] = updated;
    nodes = copy;
  };
  for (const c of changes) {
    switch (c.type) {
      case 'node.move':
        replace(c.id, (n) => ({ ...n, position: { x: Math.round(c.position.x), y: Math.round(c.position.y) } }));
        break;
      case 'node.update':
        // a line keeps its stable copy id through the edit (a button renamed or moved: copyIds.ts)
        replace(c.id, (prev) => carryCopyIds(prev, c.node));
        break;
      case 'node.add':
        nodes = [...nodes, c.node];
        break;
      case 'node.remove': {
        if (!nodes.some((n) => n.id === c.id)) break;
        nodes = nodes
          .filter((n) => n.id !== c.id)
          .map((n) => {
            let out = n;
            for (const exit of exitsOf(n)) if (exit.target === c.id) out = setExit(out, exit.port, undefined);
            return out;
          });
        if (groups?.some((g) => g.nodes.includes(c.id))) {
          groups = groups.map((g) => (g.nodes.includes(c.id) ? { ...g, nodes: g.nodes.filter((id) => id !== c.id) } : g));
        }
        break;
      }
      case 'exit.set':
        replace(c.id, (n) => setExit(n, c.port, c.target));
        break;
      case 'group.add':
        groups = [...(groups ?? []), c.group];
        break;
      case 'group.update':
        groups = (groups ?? []).map((g) => (g.id === c.group.id ? c.group : g));
        break;
      case 'group.rename':
        groups = (groups ?? []).map((g) => (g.id === c.id ? { ...g, label: c.label } : g));
        break;
      case 'group.remove':
        groups = (groups ?? []).filter((g) => g.id !== c.id);
        break;
      case 'flow.rename':
        next = { ...next, name: c.name };
        break;
      case 'flow.replace':
        next = c.flow;
        nodes = c.flow.nodes;
        groups = c.flow.groups;
        break;
    }
  }
  if (nodes === flow.nodes && groups === flow.groups && next === flow) return flow;
  const out: Flow = { ...next, nodes };
  if (groups && groups.length) out.groups = groups;
  else delete out.groups;
  return out;
}
