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
  /** Positions from the flow, for cards React Flow does not hold (outside the node window). */
  sp: { x: number; y: number };
  tp: { x: number; y: number };
}

/** How blocks are drawn when the canvas draws the cards too (far zoomed out on a large flow). */
export interface BlockStyle {
  selected: ReadonlySet<string>;
  errors: ReadonlySet<string>;
  /** Simulator and coverage marks by node id. */
  marks?: ReadonlyMap<string, 'current' | 'visited' | 'uncovered'>;
}

/** The kind colours of styles.css (`--kind` of `.kind-<kind>`), read once from the page. */
function kindColors(): Map<string, string> {
  const out = new Map<string, string>();
  const probe = document.createElement('div');
  probe.style.display = 'none';
  document.body.appendChild(probe);
  for (const k of ['start', 'message', 'ask', 'listen', 'condition', 'set', 'llm', 'knowledge', 'api', 'guardrail', 'handoff', 'jump', 'call', 'end']) {
    probe.className = `kind-${k}`;
    out.set(k, getComputedStyle(probe).getPropertyValue('--kind').trim() || '#8892a6');
  }
  probe.remove();
  return out;
}

/**
 * Edges when zoomed out, drawn on one canvas instead of hundreds of SVG elements: while panning a large flow
 * at low zoom, mounting and painting edge elements was most of each frame. Positions come from React Flow's
 * store, so edges follow a dragged card; only edges crossing the view are drawn, once per animation frame.
 *
 * With `blocks`, the cards are drawn here too, as coloured boxes: far zoomed out, hundreds of card elements
 * in the page cost the browser more per frame (hit-testing, layerizing) than drawing them, so the canvas shows
 * them and the page keeps only the cards a user is pointing at, has selected or is dragging.
 */
export function CompactEdges({ flow, presentation, blocks }: { flow: Flow; presentation: boolean; blocks?: BlockStyle | undefined }) {
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
        out.push({
          source: node.id,
          target: target.id,
          sx: size.width,
          sy: h.y + (h.height ?? 0) / 2,
          tx: 0,
          ty: tSize.height / 2,
          sp: node.position ?? { x: 0, y: 0 },
          tp: target.position ?? { x: 0, y: 0 },
        });
      }
    }
    return out;
  }, [flow, presentation]);

  const cards = useMemo(
    () =>
      flow.nodes.map((n, i) => ({
        id: n.id,
        kind: n.kind,
        pos: n.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
        size: cardSize(n, presentation),
      })),
    [flow, presentation],
  );

  useEffect(() => {
    let frame = 0;
    const canvas = ref.current;
    if (!canvas) return;
    const color = getComputedStyle(canvas).color || '#8892a6';
    const root = getComputedStyle(document.documentElement);
    const cardBg = root.getPropertyValue('--card').trim() || '#fff';
    const border = root.getPropertyValue('--border').trim() || '#d9dde5';
    const accent = root.getPropertyValue('--accent').trim() || '#3056d3';
    const errorColor = root.getPropertyValue('--error').trim() || '#c62828';
    const kinds = blocks ? kindColors() : new Map<string, string>();
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
      if (blocks) {
        const px = 1 / zoom; // one screen pixel, in flow units
        for (const c of cards) {
          const p = nodeLookup.get(c.id)?.internals.positionAbsolute ?? c.pos;
          if (p.x > right || p.y > bottom || p.x + c.size.width < left || p.y + c.size.height < top) continue;
          const kind = kinds.get(c.kind) ?? color;
          ctx.fillStyle = cardBg;
          ctx.fillRect(p.x, p.y, c.size.width, c.size.height);
          ctx.globalAlpha = 0.22;
          ctx.fillStyle = kind;
          ctx.fillRect(p.x, p.y, c.size.width, c.size.height);
          ctx.globalAlpha = 1;
          ctx.fillRect(p.x, p.y, c.size.width, 4);
          const mark = blocks.marks?.get(c.id);
          const outline = blocks.selected.has(c.id) ? accent : blocks.errors.has(c.id) ? errorColor : mark === 'current' || mark === 'visited' ? '#8b5cf6' : mark === 'uncovered' ? '#d97706' : border;
          const width = blocks.selected.has(c.id) || mark === 'current' ? 3 : mark ? 2 : 1;
          ctx.setLineDash(mark === 'uncovered' ? [6 * px, 4 * px] : []);
          ctx.lineWidth = width * px;
          ctx.strokeStyle = outline;
          ctx.strokeRect(p.x, p.y, c.size.width, c.size.height);
        }
        ctx.setLineDash([]);
      }
      ctx.beginPath();
      for (const s of segments) {
        const a = nodeLookup.get(s.source)?.internals.positionAbsolute ?? s.sp;
        const b = nodeLookup.get(s.target)?.internals.positionAbsolute ?? s.tp;
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
  }, [store, segments, cards, blocks]);

  return <canvas ref={ref} className="compact-edges" aria-hidden="true" />;
}
