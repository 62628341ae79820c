import { ControlButton, getViewportForBounds, useReactFlow, useStoreApi, type Edge } from '@xyflow/react';
import type { AnyNode } from './useCanvasNodes';

/** React Flow's fit-view icon (its Controls draw it; it is not exported). */
function FitViewIcon() {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30">
      <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
    </svg>
  );
}

/**
 * The fit-view button of React Flow's Controls, fitting every card of the flow as React Flow's fitView does (10 %
 * padding, the canvas's zoom limits). React Flow's own counts only the cards it holds and has measured, and on a
 * large flow it is handed only the cards around the view (useNodeWindow). `nodes` holds every card and frame,
 * read at the click (a ref, so that a drag does not re-render the controls on every step).
 */
export function FitViewButton({ nodes: current }: { nodes: { readonly current: readonly AnyNode[] } }) {
  const rf = useReactFlow<AnyNode, Edge>();
  const store = useStoreApi();
  const fit = () => {
    const nodes = current.current;
    if (!nodes.length) return;
    let left = Infinity;
    let top = Infinity;
    let right = -Infinity;
    let bottom = -Infinity;
    for (const n of nodes) {
      left = Math.min(left, n.position.x);
      top = Math.min(top, n.position.y);
      right = Math.max(right, n.position.x + (n.measured?.width ?? n.width ?? 0));
      bottom = Math.max(bottom, n.position.y + (n.measured?.height ?? n.height ?? 0));
    }
    const { width, height, minZoom, maxZoom } = store.getState();
    void rf.setViewport(getViewportForBounds({ x: left, y: top, width: right - left, height: bottom - top }, width, height, minZoom, maxZoom, 0.1));
  };
  return (
    <ControlButton className="react-flow__controls-fitview" onClick={fit} title="Fit View" aria-label="Fit View">
      <FitViewIcon />
    </ControlButton>
  );
}
