import { memo, useEffect, useMemo, useRef } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { Flow } from '../../../shared/schema/project';
import { buildScene, drawScene, liveBox, movedCards, movedKey, needsDraw, type BlockStyle, type Colors, type Drawn, type View } from './compactScene';

export type { BlockStyle } from './compactScene';

/**
 * Pixels the base canvas is drawn beyond the pane on every side: a pan moves it by up to this much before it is
 * drawn again (at zoom 0.25 a pan of 12 px a frame draws it once in 16 frames).
 */
const MARGIN = 200;

/** The kind colours of styles.css (`--kind` of `.kind-<kind>`), read once from the page. */
export function kindColors(): Map<string, string> {
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

function readColors(canvas: HTMLCanvasElement, withKinds: boolean): Colors {
  const root = getComputedStyle(document.documentElement);
  return {
    edge: getComputedStyle(canvas).color || '#8892a6',
    card: root.getPropertyValue('--card').trim() || '#fff',
    border: root.getPropertyValue('--border').trim() || '#d9dde5',
    accent: root.getPropertyValue('--accent').trim() || '#3056d3',
    error: root.getPropertyValue('--error').trim() || '#c62828',
    kinds: withKinds ? kindColors() : new Map(),
  };
}

/** Sizes a canvas's bitmap for `width` × `height` CSS pixels and returns its context, cleared and untransformed. */
function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  return ctx;
}

/**
 * Edges when zoomed out, drawn on a canvas instead of hundreds of SVG elements: while panning a large flow at low
 * zoom, mounting and painting edge elements was most of each frame. With `blocks`, the cards are drawn here too,
 * as coloured boxes: far zoomed out, hundreds of card elements cost the browser more per frame (hit-testing,
 * layerizing) than drawing them, so the canvas shows them and the page keeps only the cards a user is pointing at,
 * has selected or is dragging.
 *
 * Two canvases. The base one holds everything but the cards being dragged, drawn for a view and MARGIN pixels
 * beyond the pane, on its own compositing layer: a pan only moves it (a transform, no drawing, which in software
 * rendering cost 3 ms a frame), until the view has travelled farther than the margin or the zoom changes. While a
 * zoom changes it is drawn for the pane only, as before. The live one holds the dragged cards and their edges,
 * drawn every frame while a drag lasts and only as large as they are, so a drag draws a few edges a frame, not the
 * whole view.
 * Positions come from React Flow's store (a dragged card's from its node), drawn once per animation frame.
 */
export const CompactEdges = memo(function CompactEdges({ flow, presentation, blocks }: { flow: Flow; presentation: boolean; blocks?: BlockStyle | undefined }) {
  const store = useStoreApi();
  const baseRef = useRef<HTMLCanvasElement>(null);
  const liveRef = useRef<HTMLCanvasElement>(null);
  const scene = useMemo(() => buildScene(flow, presentation), [flow, presentation]);

  useEffect(() => {
    const base = baseRef.current;
    const live = liveRef.current;
    if (!base || !live) return;
    const colors = readColors(base, Boolean(blocks));
    let frame = 0;
    let drawn: Drawn | undefined;
    let liveShown = false;
    let liveSize = { width: 0, height: 0 };
    let baseShift = '';
    let livePlace = '';
    const draw = () => {
      frame = 0;
      const { transform, nodeLookup, width, height } = store.getState();
      const view: View = { x: transform[0], y: transform[1], zoom: transform[2], width, height };
      const moved = movedCards(scene, nodeLookup);
      const key = movedKey(moved);
      if (needsDraw(drawn, view, key)) {
        // Zooming: drawn for the pane only (the next pan draws the margin too); otherwise with the margin.
        const margin = drawn && drawn.at.zoom !== view.zoom ? 0 : MARGIN;
        const ctx = prepare(base, width + 2 * MARGIN, height + 2 * MARGIN);
        if (!ctx) return;
        const dpr = window.devicePixelRatio || 1;
        const { x, y, zoom } = view;
        ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * (x + MARGIN), dpr * (y + MARGIN));
        const area = { left: (-x - margin) / zoom, top: (-y - margin) / zoom, right: (width + margin - x) / zoom, bottom: (height + margin - y) / zoom };
        drawScene(ctx, scene, area, zoom, moved, false, colors, blocks);
        drawn = { at: view, margin, moved: key };
      }
      // Written only when it changes: a style write, even of the same value, makes the layer commit again.
      const shift = `translate(${view.x - drawn!.at.x}px, ${view.y - drawn!.at.y}px)`;
      if (shift !== baseShift) base.style.transform = baseShift = shift;
      if (moved.size || liveShown) {
        // The live canvas covers only where the moved cards and their edges are. Its bitmap grows in steps of
        // 128 px and shrinks only below half, so a drag does not allocate one every frame.
        const box = liveBox(scene, moved, view);
        const fit = (have: number, need: number) => (need > have || need * 2 < have ? Math.ceil(need / 128) * 128 : have);
        liveSize = { width: fit(liveSize.width, box.width), height: fit(liveSize.height, box.height) };
        const ctx = prepare(live, liveSize.width, liveSize.height);
        if (!ctx) return;
        const place = `${liveSize.width} ${liveSize.height} ${box.x} ${box.y}`;
        if (place !== livePlace) {
          livePlace = place;
          Object.assign(live.style, { width: `${liveSize.width}px`, height: `${liveSize.height}px`, transform: `translate(${box.x}px, ${box.y}px)` });
        }
        const dpr = window.devicePixelRatio || 1;
        ctx.setTransform(dpr * view.zoom, 0, 0, dpr * view.zoom, dpr * (view.x - box.x), dpr * (view.y - box.y));
        const area = {
          left: (box.x - view.x) / view.zoom,
          top: (box.y - view.y) / view.zoom,
          right: (box.x + box.width - view.x) / view.zoom,
          bottom: (box.y + box.height - view.y) / view.zoom,
        };
        if (moved.size) drawScene(ctx, scene, area, view.zoom, moved, true, colors, blocks);
        liveShown = moved.size > 0;
      }
    };
    const unsubscribe = store.subscribe(() => {
      if (!frame) frame = requestAnimationFrame(draw);
    });
    draw();
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [store, scene, blocks]);

  return (
    <>
      <canvas
        ref={baseRef}
        className="compact-edges"
        style={{ inset: -MARGIN, width: `calc(100% + ${2 * MARGIN}px)`, height: `calc(100% + ${2 * MARGIN}px)` }}
        aria-hidden="true"
      />
      <canvas ref={liveRef} className="compact-edges-live" aria-hidden="true" />
    </>
  );
});
