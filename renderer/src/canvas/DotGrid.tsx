import { memo } from 'react';
import { useStore, ViewportPortal } from '@xyflow/react';

/** Flow units between two dots. */
export const GRID_GAP = 20;
/** How far the grid reaches past the flow's cards, in flow units (farther than a view at the least zoom spans). */
export const GRID_MARGIN = 30_000;
const idOf = (s: { rfId: string }) => s.rfId;

/**
 * The canvas's dotted background, React Flow's `<Background gap={20} />` look (its pattern classes and colours),
 * drawn once in flow units inside the viewport, under the edges and cards (styles.css): the viewport's transform
 * moves and scales it with them, so a pan or a zoom does nothing to it. React Flow's own pattern is drawn again on
 * every frame of a pan, and the layer this grid was before was moved on every step, both work per frame (0.3 ms
 * of a 6 ms step at zoom 1 on 5,000 nodes, measured side by side with test/bench/canvas/compare.ts). It covers the
 * rectangle the canvas gives it (viewportMaths.ts `gridRect`: the cards and `GRID_MARGIN` around them).
 */
export const DotGrid = memo(function DotGrid({ left, top, width, height }: { left: number; top: number; width: number; height: number }) {
  const id = `dot-grid-${useStore(idOf)}`;
  return (
    <ViewportPortal>
      <svg className="react-flow__background dot-grid" style={{ left, top, width, height }} aria-hidden="true">
        <pattern id={id} x="0" y="0" width={GRID_GAP} height={GRID_GAP} patternUnits="userSpaceOnUse">
          <circle cx={GRID_GAP / 2} cy={GRID_GAP / 2} r={0.5} className="react-flow__background-pattern dots" />
        </pattern>
        <rect x="0" y="0" width="100%" height="100%" fill={`url(#${id})`} />
      </svg>
    </ViewportPortal>
  );
});
