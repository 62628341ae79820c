// The graphs the canvas bench opens: one generated flow per size, as a Parley project folder (what the studio
// opens) and as the JSON the stock React Flow page fetches (same node positions, same edges, a label per node).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeSummary } from '../../../shared/project/describe';
import { serializeFlow } from '../../../shared/project/serialize';
import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';
import { GENERATED_MANIFEST, generateFlow } from '../../fixtures/generateFlow';
import { TINY_NLU } from '../../fixtures/tinyProject';

export interface StockGraph {
  nodes: { id: string; position: { x: number; y: number }; data: { label: string } }[];
  edges: { id: string; source: string; target: string; label?: string }[];
}

/**
 * The flow as stock React Flow gets it. Edges are built like FlowCanvas's `toEdges` (one per connected exit, with
 * the exit's label unless it is `next`), but without `sourceHandle`: the default node has one unnamed source handle,
 * and an edge naming a handle it lacks would not be drawn at all, which would flatter the baseline.
 */
export function toStockGraph(flow: Flow): StockGraph {
  const ids = new Set(flow.nodes.map((n) => n.id));
  const nodes = flow.nodes.map((node, i) => ({
    id: node.id,
    position: node.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
    data: { label: node.title ?? (nodeSummary(node, 'en').text || node.id) },
  }));
  const edges: StockGraph['edges'] = [];
  for (const node of flow.nodes) {
    for (const exit of exitsOf(node)) {
      if (!exit.target || !ids.has(exit.target)) continue;
      edges.push({ id: `${node.id}:${exit.port}`, source: node.id, target: exit.target, ...(exit.port === 'next' ? {} : { label: exit.label }) });
    }
  }
  return { nodes, edges };
}

/** A project folder whose start flow is `generateFlow(size)`. */
export function writeProject(dir: string, flow: Flow): string {
  mkdirSync(path.join(dir, 'flows'), { recursive: true });
  // startFlow: main; no problem to show (1,000 warnings would be work the stock pages do not do)
  writeFileSync(path.join(dir, 'parley.yaml'), GENERATED_MANIFEST);
  writeFileSync(path.join(dir, 'nlu.yaml'), TINY_NLU);
  writeFileSync(path.join(dir, 'flows', 'main.yaml'), serializeFlow(flow));
  return dir;
}

export interface Fixture {
  size: number;
  projectDir: string;
  nodes: number;
  edges: number;
}

/** Writes the project folder under `root/project-<size>` and `graph-<size>.json` into `stockDir`. */
export function makeFixture(size: number, root: string, stockDir: string): Fixture {
  const flow = generateFlow(size);
  const graph = toStockGraph(flow);
  writeFileSync(path.join(stockDir, `graph-${size}.json`), JSON.stringify(graph));
  const projectDir = writeProject(path.join(root, `project-${size}`), flow);
  return { size, projectDir, nodes: graph.nodes.length, edges: graph.edges.length };
}
