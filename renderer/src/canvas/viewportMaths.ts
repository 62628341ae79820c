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
 * The dot grid's rectangle in flow units: the box around the cards and `margin` more on every side, its edges on
 * whole repeats of `gap`, so that its dots fall where a grid across the whole plane has them (and stay there as
 * cards move and the rectangle grows). An empty flow gets the margin around the origin.
 */
export function gridRect(
  cards: readonly { position: { x: number; y: number }; width?: number | undefined; height?: number | undefined }[],
  gap: number,
  margin: number,
): { left: number; top: number; width: number; height: number } {
  let left = 0;
  let top = 0;
  let right = 0;
  let bottom = 0;
  if (cards.length) {
    left = top = Infinity;
    right = bottom = -Infinity;
    for (const c of cards) {
      left = Math.min(left, c.position.x);
      top = Math.min(top, c.position.y);
      right = Math.max(right, c.position.x + (c.width ?? 0));
      bottom = Math.max(bottom, c.position.y + (c.height ?? 0));
    }
  }
  const x0 = Math.floor((left - margin) / gap) * gap;
  const y0 = Math.floor((top - margin) / gap) * gap;
  return { left: x0, top: y0, width: Math.ceil((right + margin - x0) / gap) * gap, height: Math.ceil((bottom + margin - y0) / gap) * gap };
}
