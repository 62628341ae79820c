import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';
import type { Position } from '../schema/common';

/**
 * Every edit of a flow is one of these typed changes, applied by one pure function. The canvas, the
 * inspector, the source view and undo all go through `applyChanges`, so there is one way a flow changes.
 */
export type FlowChange =
  | { type: 'node.move'; id: string; position: Position }
  | { type: 'node.update'; id: string; node: FlowNode }
  | { type: 'node.add'; node: FlowNode }
  | { type: 'node.remove'; id: string }
  | { type: 'flow.rename'; name: string }
  /** Replaces the whole flow (the source view, a paste of YAML). */
  | { type: 'flow.replace'; flow: Flow };

/** Returns a new flow with the changes applied; untouched nodes keep their identity (cheap re-render checks). */
export function applyChanges(flow: Flow, changes: readonly FlowChange[]): Flow {
  let nodes = flow.nodes;
  let next: Flow = flow;
  const replace = (id: string, fn: (n: FlowNode) => FlowNode) => {
    const i = nodes.findIndex((n) => n.id === id);
    if (i < 0) return;
    const copy = nodes.slice();
    copy[i] = fn(nodes[i] as FlowNode);
    nodes = copy;
  };
  for (const c of changes) {
    switch (c.type) {
      case 'node.move':
        replace(c.id, (n) => ({ ...n, position: { x: Math.round(c.position.x), y: Math.round(c.position.y) } }));
        break;
      case 'node.update':
        replace(c.id, () => c.node);
        break;
      case 'node.add':
        nodes = [...nodes, c.node];
        break;
      case 'node.remove':
        nodes = nodes.filter((n) => n.id !== c.id);
        break;
      case 'flow.rename':
        next = { ...next, name: c.name };
        break;
      case 'flow.replace':
        next = c.flow;
        nodes = c.flow.nodes;
        break;
    }
  }
  if (nodes === flow.nodes && next === flow) return flow;
  return nodes === next.nodes ? next : { ...next, nodes };
}
