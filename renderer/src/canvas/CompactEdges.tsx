import { useEffect, useMemo, useRef } from 'react';
import { useStoreApi } from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';
import { cardHandles, cardSize } from './geometry';

interface Segment {
  source: string;
  target: string;
  /** Offsets of the exit handle from the source card's corner, and of the input from the target's. */
  sx: number;
  sy: number;
  tx: number;
  ty: number;
}

/**
 * Edges when zoomed out, drawn on one canvas instead of hundreds of SVG elements: while panning a large flow
 * at low zoom, mounting and painting edge elements was most of each frame. Positions come from React Flow's
 * store, so edges follow a dragged card; only edges crossing the view are drawn, once per animation frame.
 */
export function CompactEdges({ flow, presentation }: { flow: Flow; presentation: boolean }) {
  const store = useStoreApi();
  const ref = useRef<HTMLCanvasElement>(null);
  const segments = useMemo(() => {
    const byId = new Map(flow.nodes.map((n) => [n.id, n]));
    const out: Segment[] = [];
    for (const node of flow.nodes) {
      const size = cardSize(node, presentation);
      const handles = cardHandles(node, size);
      for (const exit of exitsOf(node)) {
        const target = exit.target ? byId.get(exit.target) : undefined;
        const h = handles.find((x) => x.id === exit.port);
        if (!target || !h) continue;
        const tSize = cardSize(target, presentation);
        out.push({ source: node.id, target: target.id, sx: size.width, sy: h.y + (h.height ?? 0) / 2, tx: 0, ty: tSize.height / 2 });
      }
    }
    return out;
  }, [flow, presentation]);

  useEffect(() => {
    let frame = 0;
    const canvas = ref.current;
    if (!canvas) return;
    const color = getComputedStyle(canvas).color || '#8892a6';
    const draw = () => {
      frame = 0;
      const { transform, nodeLookup, width, height } = store.getState();
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
        canvas.width = Math.round(width * dpr);
        canvas.height = Math.round(height * dpr);
      }
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const [x, y, zoom] = transform;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * x, dpr * y);
      // The view in flow coordinates, for culling.
      const left = -x / zoom;
      const top = -y / zoom;
      const right = left + width / zoom;
      const bottom = top + height / zoom;
      ctx.beginPath();
      for (const s of segments) {
        const a = nodeLookup.get(s.source)?.internals.positionAbsolute;
        const b = nodeLookup.get(s.target)?.internals.positionAbsolute;
        if (!a || !b) continue;
        const x1 = a.x + s.sx;
        const y1 = a.y + s.sy;
        const x2 = b.x + s.tx;
        const y2 = b.y + s.ty;
        if (Math.max(x1, x2) < left || Math.min(x1, x2) > right || Math.max(y1, y2) < top || Math.min(y1, y2) > bottom) continue;
        const dx = Math.max(40, Math.abs(x2 - x1) / 2);
        ctx.moveTo(x1, y1);
        ctx.bezierCurveTo(x1 + dx, y1, x2 - dx, y2, x2, y2);
      }
      ctx.lineWidth = 1.5 / zoom;
      ctx.strokeStyle = color;
      ctx.stroke();
    };
    const unsubscribe = store.subscribe(() => {
      if (!frame) frame = requestAnimationFrame(draw);
    });
    draw();
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [store, segments]);

  return <canvas ref={ref} className="compact-edges" aria-hidden="true" />;
}
