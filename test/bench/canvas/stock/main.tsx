// The baseline of the canvas bench: stock React Flow, as its quick start writes it (controlled nodes and edges with
// applyNodeChanges / applyEdgeChanges, `fitView`, the default node and edge types, no other options) on the same
// graph as Parley's canvas. The one deviation is `minZoom={0.1}` (Parley's own value): the default of 0.5 could not
// reach the zoom 0.25 the bench pans at. The canvas is sized like Parley's (query `w` and `h`), so both show the
// same area. The graph comes from `graph.json?n=…`, written by test/bench/canvas/fixtures.ts.
import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ReactFlow, applyEdgeChanges, applyNodeChanges, type Edge, type EdgeChange, type Node, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';

interface Graph {
  nodes: Node[];
  edges: Edge[];
}

function StockFlow({ graph }: { graph: Graph }) {
  const [nodes, setNodes] = useState(graph.nodes);
  const [edges, setEdges] = useState(graph.edges);
  const onNodesChange = useCallback((changes: NodeChange[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es)), []);
  return <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} fitView minZoom={0.1} />;
}

const params = new URLSearchParams(location.search);
const root = document.getElementById('root') as HTMLElement;
root.style.width = `${Number(params.get('w') ?? 1440)}px`;
root.style.height = `${Number(params.get('h') ?? 900)}px`;
const graph = (await (await fetch(`./graph-${params.get('n') ?? '500'}.json`)).json()) as Graph;
createRoot(root).render(
  <StrictMode>
    <StockFlow graph={graph} />
  </StrictMode>,
);
