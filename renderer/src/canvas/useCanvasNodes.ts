import { useCallback, useEffect, useRef, useState } from 'react';
import { applyNodeChanges, useStoreApi, type NodeChange, type XYPosition } from '@xyflow/react';
import type { Flow } from '../../../shared/schema/project';
import { setSelection, useStudio } from '../store/studioStore';
import { COMPACT_ZOOM, type CardNode, type FrameNode } from './NodeCard';
import { dragSteps, moveInStore, withDragged } from './dragLayer';
import { applyInPlace } from './nodeChanges';

export type AnyNode = CardNode | FrameNode;

/** Group frames: drawn behind their members, sized to their bounding box. */
function frames(flow: Flow, flowId: string, cards: readonly CardNode[]): FrameNode[] {
  if (!flow.groups?.length) return [];
  const byId = new Map(cards.map((c) => [c.id, c]));
  const out: FrameNode[] = [];
  for (const g of flow.groups) {
    const members = g.nodes.map((id) => byId.get(id)).filter((c): c is CardNode => Boolean(c));
    if (!members.length) continue;
    const pad = 24;
    const x0 = Math.min(...members.map((m) => m.position.x)) - pad;
    const y0 = Math.min(...members.map((m) => m.position.y)) - pad - 22;
    const x1 = Math.max(...members.map((m) => m.position.x + (m.width ?? 0))) + pad;
    const y1 = Math.max(...members.map((m) => m.position.y + (m.height ?? 0))) + pad;
    out.push({
      id: `group:${g.id}`,
      type: 'frame',
      position: { x: x0, y: y0 },
      data: { label: g.label, groupId: g.id, flowId },
      width: x1 - x0,
      height: y1 - y0,
      handles: [],
      draggable: false,
      connectable: false,
      zIndex: -1,
    });
  }
  return out;
}

/**
 * Local node state: React Flow's own objects (with their measured size and selection), so a drag moves
 * smoothly without an edit per mouse move (committed on drag stop), and an edit replaces only the cards
 * whose flow node changed — every other node keeps its object and does not re-render.
 *
 * The steps of a drag skip this state: they go straight into React Flow's store (moveInStore), and the state gets
 * the dragged nodes' positions when the drag ends (React Flow's last position change, `dragging` false). Until
 * then `dragged` holds where they are, and any update of the state in between puts them there (withDragged).
 */
export function useCanvasNodes(flowId: string, flow: Flow | undefined, cards: CardNode[], selectedIds: readonly string[]) {
  const [nodes, setLocalNodes] = useState<AnyNode[]>([]);
  const store = useStoreApi<AnyNode>();
  const dragged = useRef(new Map<string, XYPosition>());
  const setNodes = useCallback((update: (ns: AnyNode[]) => AnyNode[]) => setLocalNodes((ns) => withDragged(update(ns), dragged.current)), []);
  const lastCards = useRef(new Map<string, CardNode>());
  /** Where each node is in `nodes`, for applyInPlace. */
  const index = useRef(new Map<string, number>());
  useEffect(() => {
    setNodes((prev) => {
      const prevById = new Map(prev.map((n) => [n.id, n]));
      const want = new Set(useStudio.getState().selectedNodeIds);
      const merged = cards.map((c): CardNode => {
        const p = prevById.get(c.id) as CardNode | undefined;
        if (p && lastCards.current.get(c.id) === c) return p;
        const selected = p ? Boolean(p.selected) : want.has(c.id);
        // The card itself when it has nothing to add: one object per node, not two (a card is never changed).
        if (!selected && !p?.measured) return c;
        return { ...c, selected, ...(p?.measured ? { measured: p.measured } : {}) };
      });
      lastCards.current = new Map(cards.map((c) => [c.id, c]));
      if (!flow?.groups?.length) return merged;
      const framed = frames(flow, flowId, merged).map((f) => {
        const p = prevById.get(f.id);
        return p?.selected ? { ...f, selected: true } : f;
      });
      return [...framed, ...merged];
    });
  }, [cards, flow, flowId, setNodes]);

  // Selection set outside the canvas (search, go-to, paste, undo) is applied to React Flow's nodes; React Flow
  // reports its own selection changes back through onSelectionChange. Both sides compare as sets, so they settle.
  useEffect(() => {
    const want = new Set(selectedIds);
    setNodes((ns) => {
      const current = ns.filter((n) => n.selected).map((n) => n.id);
      if (current.length === want.size && current.every((id) => want.has(id))) return ns;
      return ns.map((n) => (Boolean(n.selected) === want.has(n.id) ? n : { ...n, selected: want.has(n.id) }));
    });
  }, [selectedIds, setNodes]);

  // Selection flows one way from the canvas to the store: only the user's own selection changes (React Flow's
  // `select` changes: clicks, box, keyboard) are reported; selection set from outside arrives as the `selected`
  // flag on nodes (effect above) and produces no change events, so the two can never chase each other.
  // Zoomed out (CompactEdges draws the edges, no edge element follows a card), a drag step after the first moves
  // the dragged card's element itself, as React Flow would, and React renders nothing (moveInStore's `place`): one
  // render and commit a step fewer, in the drag far zoomed out on a large flow where a step's whole cost is small.
  const placeCompact = useCallback(
    (id: string, p: XYPosition) => {
      const { transform, domNode } = store.getState();
      if (transform[2] >= COMPACT_ZOOM) return false;
      const el = domNode?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
      if (!el) return false;
      el.style.transform = `translate(${p.x}px,${p.y}px)`;
      return true;
    },
    [store],
  );
  const onNodesChange = useCallback(
    (changes: NodeChange<AnyNode>[]) => {
      const steps = dragSteps(changes);
      if (steps && moveInStore(store, steps, placeCompact)) {
        for (const s of steps) dragged.current.set(s.id, s.position);
        return;
      }
      // A position that is not a drag's step (the drag's end, a move by the arrow keys) ends the drag under way.
      if (changes.some((c) => c.type === 'position' && !c.dragging)) dragged.current.clear();
      setNodes((ns) => {
        const next = applyInPlace(changes, ns, index) ?? applyNodeChanges(changes, ns);
        if (changes.some((c) => c.type === 'select')) {
          const ids = next.filter((n) => n.selected).map((n) => n.id);
          queueMicrotask(() => setSelection(ids));
        }
        return next;
      });
    },
    [store, setNodes, placeCompact],
  );
  return { nodes, onNodesChange };
}
