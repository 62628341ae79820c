import { useEffect, useMemo, useRef, useState } from 'react';
import { useStoreApi, type Edge } from '@xyflow/react';
import type { CardNode } from './NodeCard';
import type { AnyNode } from './useCanvasNodes';
import { refilter, type Filtered } from './nodeChanges';
import { pinnedIds, viewRect, windowFor, windowIds, windowIndex, windowServes, type Rect } from './nodeWindow';

/**
 * On a large flow React Flow is handed only the cards around the view (the view and half its size again on every
 * side; see nodeWindow.ts for which), the pinned ones and the edges between them, instead of every card: it does
 * work in proportion to the cards it holds on every step of a drag (adopting the nodes, culling them and their
 * edges) and at the open (lookups per node and per handle), and keeps memory for each. It culls within the window
 * as it would with every card, so the page shows the same cards and edges. The window moves when the view comes
 * within a quarter of its size of the window's edge, so a pan hands React Flow new cards only now and then.
 *
 * `enabled` false hands over every card (small flows, the lite mode, and while the minimap, which draws every card
 * React Flow holds, is shown).
 */
export function useNodeWindow(enabled: boolean, cards: readonly CardNode[], nodes: AnyNode[], edges: Edge[], selectedIds: readonly string[]) {
  const store = useStoreApi();
  const [win, setWin] = useState<Rect | undefined>();
  const current = useRef<Rect | undefined>(undefined);
  useEffect(() => {
    if (!enabled) {
      current.current = undefined;
      setWin(undefined);
      return;
    }
    const check = () => {
      const { transform, width, height } = store.getState();
      const view = viewRect(transform, width, height);
      if (!view || (current.current && windowServes(current.current, view))) return;
      current.current = windowFor(view);
      setWin(current.current);
    };
    check();
    return store.subscribe(check);
  }, [enabled, store]);

  const pinned = useMemo(() => (enabled ? pinnedIds(selectedIds, edges) : undefined), [enabled, selectedIds, edges]);
  const index = useMemo(() => (enabled ? windowIndex(cards, edges) : undefined), [enabled, cards, edges]);
  const shown = useMemo(() => {
    if (!pinned || !index) return undefined;
    if (!win) return pinned; // the pane has no size yet: nothing is in view
    const ids = windowIds(index, win);
    for (const id of pinned) ids.add(id);
    return ids;
  }, [pinned, win, index]);
  // Filtered again only when a node out of the window changed (refilter): a drag's steps change only nodes in it.
  const filtered = useRef<Filtered<AnyNode> | undefined>(undefined);
  const windowNodes = useMemo(() => {
    if (!shown) return nodes;
    filtered.current = refilter(filtered.current, nodes, shown, (n) => n.type === 'frame' || Boolean(n.selected || n.dragging) || shown.has(n.id));
    return filtered.current.output;
  }, [shown, nodes]);
  const windowEdges = useMemo(() => (shown ? edges.filter((e) => shown.has(e.source) && shown.has(e.target)) : edges), [shown, edges]);
  return { windowNodes, windowEdges };
}
