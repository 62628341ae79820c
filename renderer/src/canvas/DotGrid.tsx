import { memo, useEffect, useRef } from 'react';
import { useStore, useStoreApi } from '@xyflow/react';
import { gridOffset } from './viewportMaths';

/** Flow units between two dots. */
const GAP = 20;
const zoomOf = (s: { transform: [number, number, number] }) => s.transform[2];
const idOf = (s: { rfId: string }) => s.rfId;

/**
 * The canvas's dotted background, drawn as React Flow's `<Background gap={20} />` draws it (the same SVG pattern,
 * classes and colours), but moved by the compositor. React Flow's moves its pattern inside a pane-sized SVG, so
 * every frame of a pan re-rendered it and repainted the whole pane under the cards. Here the pattern stays put in a
 * layer one repeat larger than the pane, on its own compositing layer (styles.css), and a pan only sets the layer's
 * transform (gridOffset), written from React Flow's store without a React render. A zoom re-renders the pattern.
 */
export const DotGrid = memo(function DotGrid() {
  const store = useStoreApi();
  const zoom = useStore(zoomOf);
  const rfId = useStore(idOf);
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let last: readonly number[] | undefined;
    const place = (t: readonly [number, number, number]) => {
      if (t === last) return;
      last = t;
      const { x, y } = gridOffset(t[0], t[1], t[2], GAP);
      el.style.transform = `translate(${x}px, ${y}px)`;
    };
    place(store.getState().transform);
    return store.subscribe((s) => place(s.transform));
  }, [store]);
  const step = GAP * zoom || 1;
  const r = zoom / 2;
  const id = `dot-grid-${rfId}`;
  return (
    <svg ref={ref} className="react-flow__background dot-grid" style={{ width: `calc(100% + ${step}px)`, height: `calc(100% + ${step}px)` }} aria-hidden="true">
      <pattern id={id} x="0" y="0" width={step} height={step} patternUnits="userSpaceOnUse" patternTransform={`translate(-${step / 2},-${step / 2})`}>
        <circle cx={r} cy={r} r={r} className="react-flow__background-pattern dots" />
      </pattern>
      <rect x="0" y="0" width="100%" height="100%" fill={`url(#${id})`} />
    </svg>
  );
});
