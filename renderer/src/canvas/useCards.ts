import { useMemo, useRef } from 'react';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { cardHandles, cardSize } from './geometry';
import type { CardNode } from './NodeCard';
import { MARK_CLASS, type SimMark } from './useSimMarks';

/**
 * Card objects are cached per flow node object. Flows are immutable and edits keep untouched nodes, so an edit
 * hands React Flow the same objects for every other node, and only the changed card re-renders. Selection is
 * not part of a card: React Flow owns it on the canvas (see the selection effects in useCanvasNodes).
 */
export function useCards(
  flowId: string,
  flow: Flow | undefined,
  locale: string,
  errorNodes: Set<string>,
  focusId: string | undefined,
  presentation: boolean,
  marks: ReadonlyMap<string, SimMark> | undefined,
  /** Review mode: cards can be selected, not moved or connected. */
  readOnly = false,
) {
  // Cards by flow node, for one presentation mode (a card's size depends on it): the card itself holds what else it
  // was built for (locale and error in its data, flash and simulator mark in its class), so the cache holds nothing
  // per node but the card.
  const cache = useRef({ presentation, readOnly, cards: new WeakMap<FlowNode, CardNode>() });
  const last = useRef<CardNode[]>([]);
  return useMemo(() => {
    if (!flow) return (last.current = []);
    if (cache.current.presentation !== presentation || cache.current.readOnly !== readOnly) cache.current = { presentation, readOnly, cards: new WeakMap() };
    const cards = cache.current.cards;
    const out = flow.nodes.map((node, i): CardNode => {
      const hasError = errorNodes.has(node.id);
      const mark = marks?.get(node.id);
      const className = (node.id === focusId ? (mark ? `flash ${MARK_CLASS[mark]}` : 'flash') : mark ? MARK_CLASS[mark] : '') || undefined;
      const hit = cards.get(node);
      const sameData = hit !== undefined && hit.data.hasError === hasError && hit.data.locale === locale;
      if (sameData && hit.className === className) return hit;
      const size = cardSize(node, presentation);
      const card: CardNode = {
        id: node.id,
        type: 'card',
        width: size.width,
        height: size.height,
        handles: cardHandles(node, size),
        // A node without a position (hand-written YAML) gets a grid slot instead of piling up at 0,0.
        position: node.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
        data: sameData ? hit.data : { node, flowId, locale, hasError },
        ...(className ? { className } : {}),
        ...(readOnly ? { draggable: false, connectable: false } : {}),
        // a removed node's ghost (a diff): shown, never edited
        ...(mark === 'removed' ? { draggable: false, connectable: false, selectable: false, deletable: false } : {}),
      };
      cards.set(node, card);
      return card;
    });
    // The same cards as before (the project's problems were checked again, a mark moved elsewhere): the same list,
    // so nothing downstream (the window, the grid, React Flow's nodes) is worked out again for every card.
    const before = last.current;
    if (before.length === out.length && out.every((c, i) => c === before[i])) return before;
    return (last.current = out);
  }, [flow, flowId, locale, errorNodes, focusId, presentation, marks, readOnly]);
}
