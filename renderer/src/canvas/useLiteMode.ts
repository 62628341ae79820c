import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore, useStoreApi, type Edge, type ReactFlowInstance } from '@xyflow/react';
import { setSelection } from '../store/studioStore';
import { BLOCK_ZOOM, type CardNode } from './NodeCard';
import { refilter, type Filtered } from './nodeChanges';
import type { AnyNode } from './useCanvasNodes';
import type { SimMark } from './useSimMarks';

/**
 * Above this many nodes, far zoomed out (block level of detail), CompactEdges draws the cards too and only the
 * cards pointed at, selected or dragged are elements of the page (see CompactEdges).
 */
const LITE_MIN_NODES = 500;
const isBlock = (s: { transform: [number, number, number] }) => s.transform[2] < BLOCK_ZOOM;

/**
 * Lite mode (see LITE_MIN_NODES): the page holds only the card under the pointer, the selected and the
 * dragged cards (and group frames); the canvas draws the rest. Box selection then picks from the flow's own
 * geometry, since React Flow knows only the cards it holds.
 */
export function useLiteMode(
  nodeCount: number,
  cards: CardNode[],
  nodes: AnyNode[],
  rf: ReactFlowInstance<AnyNode, Edge>,
  selectedIds: readonly string[],
  errorNodes: Set<string>,
  marks: ReadonlyMap<string, SimMark> | undefined,
) {
  const blockLevel = useStore(isBlock);
  const lite = blockLevel && nodeCount > LITE_MIN_NODES;
  const [hoverId, setHoverId] = useState<string | undefined>();
  const hoverRef = useRef<string | undefined>(undefined);
  const storeApi = useStoreApi();
  const onPaneMouseMove = useCallback(
    (e: { clientX: number; clientY: number; buttons?: number }) => {
      // Not while a button is down (a pan or a drag, whose pointer moves reach the pane too): a pointed card is
      // for clicking and grabbing, and the hit test goes through every card.
      if (!lite || e.buttons) return;
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      let hit: string | undefined;
      for (const c of cards)
        if (p.x >= c.position.x && p.y >= c.position.y && p.x <= c.position.x + (c.width ?? 0) && p.y <= c.position.y + (c.height ?? 0)) hit = c.id;
      if (hit !== hoverRef.current) {
        hoverRef.current = hit;
        setHoverId(hit);
      }
    },
    [lite, rf, cards],
  );
  const selectionRect = useRef<{ x: number; y: number; width: number; height: number } | null>(null);
  useEffect(() => {
    if (!lite) return;
    return storeApi.subscribe((st) => {
      if (st.userSelectionRect) selectionRect.current = st.userSelectionRect;
    });
  }, [lite, storeApi]);
  const onSelectionEnd = useCallback(() => {
    const r = selectionRect.current;
    selectionRect.current = null;
    if (!lite || !r) return;
    // the rectangle is in pixels of the pane; the viewport transform takes it to flow coordinates
    const [tx, ty, zoom] = storeApi.getState().transform;
    const origin = { x: (r.x - tx) / zoom, y: (r.y - ty) / zoom };
    const x1 = origin.x + r.width / zoom;
    const y1 = origin.y + r.height / zoom;
    const ids = cards
      .filter((c) => c.position.x >= origin.x && c.position.y >= origin.y && c.position.x + (c.width ?? 0) <= x1 && c.position.y + (c.height ?? 0) <= y1)
      .map((c) => c.id);
    queueMicrotask(() => setSelection(ids));
  }, [lite, cards, storeApi]);
  // Filtered again only when a node that was not shown changed (refilter): a drag's steps change only shown ones.
  const filtered = useRef<Filtered<AnyNode> | undefined>(undefined);
  const shownNodes = useMemo(() => {
    if (!lite) return nodes;
    filtered.current = refilter(filtered.current, nodes, hoverId, (n) => Boolean(n.selected || n.dragging) || n.type === 'frame' || n.id === hoverId);
    return filtered.current.output;
  }, [lite, nodes, hoverId]);
  const blockStyle = useMemo(
    () => (lite ? { selected: new Set(selectedIds), errors: errorNodes, ...(marks ? { marks } : {}) } : undefined),
    [lite, selectedIds, errorNodes, marks],
  );
  return { lite, onPaneMouseMove, onSelectionEnd, shownNodes, blockStyle };
}
