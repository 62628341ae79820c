import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  type Edge,
  type NodeChange,
  type NodeMouseHandler,
  type OnNodeDrag,
} from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';
import { editFlow, selectNode, useStudio } from '../store/studioStore';
import { NodeCard, type CardNode } from './NodeCard';

const nodeTypes = { card: NodeCard };

function toCards(flow: Flow, locale: string, errorNodes: Set<string>, selected: string | undefined): CardNode[] {
  return flow.nodes.map((node, i) => ({
    id: node.id,
    type: 'card',
    // A node without a position (hand-written YAML) gets a grid slot instead of piling up at 0,0.
    position: node.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
    data: { node, locale, hasError: errorNodes.has(node.id) },
    selected: node.id === selected,
  }));
}

/**
 * The nodes to frame when a flow opens: its start and what follows it, breadth first. Fitting the whole of a
 * large flow would shrink the cards until no copy can be read; a writer starts reading at the start.
 */
function openingNodes(flow: Flow, count = 8): { id: string }[] {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const start = flow.nodes.find((n) => n.kind === 'start') ?? flow.nodes[0];
  if (!start) return [];
  const seen = new Set([start.id]);
  const queue = [start];
  while (queue.length && seen.size < count) {
    const node = queue.shift()!;
    for (const exit of exitsOf(node)) {
      const next = exit.target ? byId.get(exit.target) : undefined;
      if (next && !seen.has(next.id) && seen.size < count) {
        seen.add(next.id);
        queue.push(next);
      }
    }
  }
  return [...seen].map((id) => ({ id }));
}

function toEdges(flow: Flow): Edge[] {
  const ids = new Set(flow.nodes.map((n) => n.id));
  const edges: Edge[] = [];
  for (const node of flow.nodes) {
    for (const exit of exitsOf(node)) {
      if (!exit.target || !ids.has(exit.target)) continue;
      edges.push({ id: `${node.id}:${exit.port}`, source: node.id, sourceHandle: exit.port, target: exit.target, label: exit.port === 'next' ? undefined : exit.label });
    }
  }
  return edges;
}

export function FlowCanvas({ flowId }: { flowId: string }) {
  const flow = useStudio((s) => s.flows[flowId]?.flow);
  const locale = useStudio((s) => s.project?.manifest.defaultLocale ?? 'en');
  const selected = useStudio((s) => s.selectedNodeId);
  const problems = useStudio((s) => s.problems);
  const theme = useStudio((s) => s.theme);
  const errorNodes = useMemo(
    () => new Set(problems.filter((p) => p.flowId === flowId && p.severity === 'error' && p.nodeId).map((p) => p.nodeId as string)),
    [problems, flowId],
  );
  const [nodes, setNodes] = useState<CardNode[]>([]);
  useEffect(() => {
    if (flow) setNodes(toCards(flow, locale, errorNodes, selected));
  }, [flow, locale, errorNodes, selected]);
  const edges = useMemo(() => (flow ? toEdges(flow) : []), [flow]);
  // Computed once per flow (App keys the canvas by flow id), so edits do not move the viewport.
  const [fitViewOptions] = useState(() => ({ nodes: flow ? openingNodes(flow) : [], maxZoom: 1, minZoom: 0.5, padding: 0.15 }));

  const onNodesChange = useCallback((changes: NodeChange<CardNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onNodeDragStop: OnNodeDrag<CardNode> = useCallback(
    (_e, _node, dragged) => editFlow(flowId, dragged.map((n) => ({ type: 'node.move' as const, id: n.id, position: n.position }))),
    [flowId],
  );
  const onNodeClick: NodeMouseHandler<CardNode> = useCallback((_e, node) => selectNode(node.id), []);

  if (!flow) return null;
  return (
    <ReactFlow<CardNode>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onNodeDragStop={onNodeDragStop}
      onNodeClick={onNodeClick}
      onPaneClick={() => selectNode(undefined)}
      colorMode={theme}
      fitView
      fitViewOptions={fitViewOptions}
      minZoom={0.1}
      onlyRenderVisibleElements
      proOptions={{ hideAttribution: true }}
      aria-label={`Canvas of flow ${flow.name}`}
    >
      <Background gap={20} />
      <Controls />
      <MiniMap pannable zoomable />
    </ReactFlow>
  );
}
