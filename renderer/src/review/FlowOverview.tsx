// Review mode's overview map: every flow of the project and how they call each other (jump and call nodes, and
// parley.yaml's global handlers, which reach a flow from anywhere), laid out in columns from the start flow, each
// with its size, its open comments and whether it is approved. Click a flow to open it.
import { useMemo } from 'react';
import { ReactFlow, ReactFlowProvider, type Edge, type Node } from '@xyflow/react';
import { reviewDigest } from '../../../shared/project/reviewDigest';
import { selectFlow, useStudio } from '../store/studioStore';
import { flowsOf } from '../store/studioState';
import { useReview } from './reviewStore';

type FlowCard = Node<{ label: string }, 'default'>;

/** Flows as columns: the start flow first, then each flow one column right of the first flow that reaches it. */
export function overviewLayout(
  ids: readonly string[],
  start: string | undefined,
  calls: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, { x: number; y: number }> {
  const level = new Map<string, number>();
  const queue = start && ids.includes(start) ? [start] : [];
  if (queue[0]) level.set(queue[0], 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const to of calls.get(id) ?? []) {
      if (level.has(to) || !ids.includes(to)) continue;
      level.set(to, level.get(id)! + 1);
      queue.push(to);
    }
  }
  const last = Math.max(-1, ...level.values());
  for (const id of ids) if (!level.has(id)) level.set(id, last + 1); // not reached by a call: a column of their own
  const rows = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const id of ids) {
    const l = level.get(id)!;
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    out.set(id, { x: l * 300, y: row * 110 });
  }
  return out;
}

export function FlowOverview({ onOpen }: { onOpen(): void }) {
  const docs = useStudio((s) => s.flows);
  const manifest = useStudio((s) => s.project?.manifest);
  const reviews = useReview((s) => s.snapshot?.files);
  const { nodes, edges } = useMemo(() => {
    const flows = flowsOf(docs);
    const ids = Object.keys(flows).sort();
    const calls = new Map<string, Set<string>>();
    const edges: Edge[] = [];
    for (const id of ids)
      for (const n of flows[id]!.nodes)
        if ((n.kind === 'jump' || n.kind === 'call') && flows[n.flow] && !calls.get(id)?.has(n.flow)) {
          calls.set(id, (calls.get(id) ?? new Set()).add(n.flow));
          edges.push({ id: `${id}->${n.flow}`, source: id, target: n.flow, label: n.kind, animated: n.kind === 'jump' });
        }
    const start = manifest?.startFlow;
    for (const g of manifest?.globals ?? [])
      if (g.flow && flows[g.flow] && start && g.flow !== start && !calls.get(start)?.has(g.flow))
        edges.push({ id: `global:${g.id}`, source: start, target: g.flow, label: `anywhere: ${g.intent}`, style: { strokeDasharray: '4 4' } });
    const at = overviewLayout(ids, start, calls);
    const nodes: FlowCard[] = ids.map((id) => {
      const flow = flows[id]!;
      const file = reviews?.[id];
      const open = (file?.threads ?? []).filter((t) => !t.resolved).length;
      const approved = file?.approval && file.approval.digest === reviewDigest(flow);
      const label = `${flow.name}\n${flow.nodes.length} nodes${open ? ` · ${open} open comments` : ''}${approved ? ' · ✓ approved' : ''}`;
      return {
        id,
        type: 'default',
        position: at.get(id)!,
        data: { label },
        className: `overview-flow${approved ? ' approved' : ''}${id === start ? ' start' : ''}`,
      };
    });
    return { nodes, edges };
  }, [docs, manifest, reviews]);
  return (
    <div className="flow-overview" aria-label="Overview of the flows">
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodesDraggable={false}
          nodesConnectable={false}
          fitView
          minZoom={0.2}
          onNodeClick={(_, n) => {
            selectFlow(n.id);
            onOpen();
          }}
          proOptions={{ hideAttribution: true }}
        />
      </ReactFlowProvider>
    </div>
  );
}
