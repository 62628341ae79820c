// The tuned baseline of the canvas bench: stock React Flow as a user who has read its performance guide writes it.
// As the quick start (main.tsx), plus `onlyRenderVisibleElements` (Parley sets it too), a custom node type wrapped
// in `memo` with `nodeTypes` defined outside render, stable callbacks, and no `fitView`: it opens on the viewport
// Parley opened on (query `x`, `y`, `k`), with Parley's zoom limits. The custom node looks like the default one
// (tuned.html styles it), so both stock pages draw the same thing.
import { StrictMode, memo, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Handle, Position, ReactFlow, applyEdgeChanges, applyNodeChanges, type EdgeChange, type Node, type NodeChange, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { loadGraph, params, sizedRoot, type Graph } from './graph';

type CardNode = Node<{ label: string }, 'card'>;

const Card = memo(function Card({ data }: NodeProps<CardNode>) {
  return (
    <>
      <Handle type="target" position={Position.Top} />
      {data.label}
      <Handle type="source" position={Position.Bottom} />
    </>
  );
});
const nodeTypes = { card: Card };

function TunedFlow({ graph }: { graph: Graph }) {
  const [nodes, setNodes] = useState(() => graph.nodes.map((n) => ({ ...n, type: 'card' }) as CardNode));
  const [edges, setEdges] = useState(graph.edges);
  const onNodesChange = useCallback((changes: NodeChange<CardNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es)), []);
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      defaultViewport={VIEWPORT}
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements
    />
  );
}

const VIEWPORT = { x: Number(params.get('x') ?? 0), y: Number(params.get('y') ?? 0), zoom: Number(params.get('k') ?? 1) };
const root = sizedRoot();
const graph = await loadGraph();
createRoot(root).render(
  <StrictMode>
    <TunedFlow graph={graph} />
  </StrictMode>,
);
