// What both stock pages share: the graph written by ../fixtures.ts (`graph-<n>.json`) and the canvas size, both
// from the query (`n`, `w`, `h`), so each page shows the same area of the same graph as Parley's canvas.
import type { Edge, Node } from '@xyflow/react';

export interface Graph {
  nodes: Node[];
  edges: Edge[];
}

export const params = new URLSearchParams(location.search);

/** The element React renders into, sized like Parley's canvas. */
export function sizedRoot(): HTMLElement {
  const root = document.getElementById('root') as HTMLElement;
  root.style.width = `${Number(params.get('w') ?? 1440)}px`;
  root.style.height = `${Number(params.get('h') ?? 900)}px`;
  return root;
}

export async function loadGraph(): Promise<Graph> {
  return (await (await fetch(`./graph-${params.get('n') ?? '500'}.json`)).json()) as Graph;
}
