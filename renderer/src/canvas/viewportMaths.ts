import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { cardSize } from './geometry';

/** The size of the canvas on the page (a default before it is laid out). */
export const canvasSize = () => {
  const r = document.querySelector('.canvas-area .react-flow')?.getBoundingClientRect();
  return { width: r?.width || 800, height: r?.height || 600 };
};

export interface Frame {
  /** Nodes to frame; all when undefined. */
  nodes?: string[];
  minZoom: number;
  maxZoom: number;
}

/**
 * What to frame when a flow opens: the whole flow when it fits at a zoom where copy is still readable,
 * otherwise the start and what follows it.
 */
export function openingFrame(flow: Flow, presentation: boolean, canvas: { width: number; height: number }): Frame {
  const b = boundsOf(flow, undefined, presentation);
  const fitsReadable = b.width * 0.6 <= canvas.width && b.height * 0.6 <= canvas.height;
  return fitsReadable ? { minZoom: 0.5, maxZoom: 1 } : { nodes: openingNodes(flow).map((n) => n.id), minZoom: 0.7, maxZoom: 1 };
}

/** Bounds of some nodes (all by default) from the cards' known geometry: culled cards count too. */
function boundsOf(flow: Flow, ids: readonly string[] | undefined, presentation: boolean) {
  const wanted = ids ? new Set(ids) : undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  flow.nodes.forEach((n, i) => {
    if (wanted && !wanted.has(n.id)) return;
    const p = n.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 };
    const size = cardSize(n, presentation);
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + size.width);
    y1 = Math.max(y1, p.y + size.height);
  });
  return x0 === Infinity ? { x: 0, y: 0, width: 1, height: 1 } : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The viewport that shows a frame. React Flow's own fitView only counts cards that have been drawn, and culled
 * cards never are; this works from the known geometry. When the frame is too big at the smallest allowed zoom,
 * its top-left is shown (where a flow starts) rather than its middle.
 */
export function viewportFor(flow: Flow, frame: Frame, presentation: boolean, canvas: { width: number; height: number }) {
  const b = boundsOf(flow, frame.nodes, presentation);
  const pad = 40;
  const fit = Math.min((canvas.width - 2 * pad) / b.width, (canvas.height - 2 * pad) / b.height);
  const zoom = Math.min(frame.maxZoom, Math.max(frame.minZoom, fit));
  const w = b.width * zoom;
  const h = b.height * zoom;
  const x = w <= canvas.width - 2 * pad ? (canvas.width - w) / 2 - b.x * zoom : pad - b.x * zoom;
  const y = h <= canvas.height - 2 * pad ? (canvas.height - h) / 2 - b.y * zoom : pad - b.y * zoom;
  return { x, y, zoom };
}

/**
 * The nodes to frame when a flow opens: its start and what follows it, breadth first. Fitting the whole of a
 * large flow would shrink the cards until no copy can be read; a writer starts reading at the start.
 */
function openingNodes(flow: Flow, count = 5): { id: string }[] {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const start = flow.nodes.find((n) => n.kind === 'start') ?? flow.nodes[0];
  if (!start) return [];
  const seen = new Set([start.id]);
  const queue = [start];
  while (queue.length && seen.size < count) {
    const node = queue.shift() as FlowNode;
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

/**
 * Where the dot grid's layer goes for view `[x, y, zoom]`: the grid repeats every `gap · zoom` pixels, so a layer
 * one repeat larger than the pane, moved by the view's offset modulo one repeat (less one repeat, so that it always
 * covers the pane), shows the same dots as a grid drawn across the whole flow. Whole pixels, so the dots stay crisp.
 */
export function gridOffset(x: number, y: number, zoom: number, gap: number): { x: number; y: number } {
  const step = gap * zoom;
  const mod = (v: number) => ((v % step) + step) % step;
  return { x: Math.round(mod(x) - step), y: Math.round(mod(y) - step) };
}
