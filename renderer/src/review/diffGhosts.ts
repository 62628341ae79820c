// A diff on the canvas shows what was removed too: the removed nodes as ghosts where they stood, and the removed
// edges dashed, beside the nodes and edges added and changed. Drawing only: the flow in the store is untouched.
import type { Edge } from '@xyflow/react';
import type { FlowDiff } from '../../../shared/project/projectDiff';
import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';

/** The flow with its removed nodes put back as they were (ids of removed nodes are free in the flow as it is). */
export function withRemovedNodes(flow: Flow, diff: FlowDiff | undefined): Flow {
  const ids = new Set(flow.nodes.map((n) => n.id));
  const ghosts = (diff?.nodes ?? []).flatMap((n) => (n.status === 'removed' && n.removedNode && !ids.has(n.id) ? [n.removedNode] : []));
  return ghosts.length ? { ...flow, nodes: [...flow.nodes, ...ghosts] } : flow;
}

/**
 * The removed edges: those leaving a removed node are drawn from its ghost's exits (their ids, `node:port`, are
 * returned to be marked); those leaving a node that is still there become extra edges from the same exit, when the
 * node still has it.
 */
export function removedEdges(flow: Flow, diff: FlowDiff | undefined): { fromGhosts: Set<string>; extra: Edge[] } {
  const fromGhosts = new Set<string>();
  const extra: Edge[] = [];
  if (!diff) return { fromGhosts, extra };
  const ghosts = new Set(diff.nodes.filter((n) => n.status === 'removed').map((n) => n.id));
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  for (const e of diff.edges) {
    if (e.status !== 'removed') continue;
    if (ghosts.has(e.from)) fromGhosts.add(`${e.from}:${e.port}`);
    else {
      const node = byId.get(e.from);
      if (node && byId.has(e.to) && exitsOf(node).some((x) => x.port === e.port))
        extra.push({
          id: `removed:${e.from}:${e.port}:${e.to}`,
          source: e.from,
          sourceHandle: e.port,
          target: e.to,
          className: 'diff-removed',
          selectable: false,
        });
    }
  }
  return { fromGhosts, extra };
}
