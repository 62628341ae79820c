// The quick-start baseline of the canvas bench: stock React Flow, as its quick start writes it (controlled nodes and
// edges with applyNodeChanges / applyEdgeChanges, `fitView`, the default node and edge types, no other options) on
// the same graph as Parley's canvas. The one deviation is `minZoom={0.1}`: the default of 0.5 could not reach the
// zoom 0.25 the bench pans at. The tuned baseline is tuned.tsx.
import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ReactFlow, applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { loadGraph, sizedRoot, type Graph } from './graph';

function StockFlow({ graph }: { graph: Graph }) {
  const [nodes, setNodes] = useState(graph.nodes);
  const [edges, setEdges] = useState(graph.edges);
  const onNodesChange = useCallback((changes: NodeChange[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es)), []);
  return <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} fitView minZoom={0.1} />;
}

const root = sizedRoot();
const graph = await loadGraph();
createRoot(root).render(
  <StrictMode>
    <StockFlow graph={graph} />
  </StrictMode>,
);
