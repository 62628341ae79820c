import { useMemo, useRef } from 'react';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { cardHandles, cardSize } from './geometry';
import type { CardNode } from './NodeCard';
import { MARK_CLASS, type SimMark } from './useSimMarks';

interface CardKey {
  card: CardNode;
  hasError: boolean;
  locale: string;
  flash: boolean;
  presentation: boolean;
  mark: SimMark | undefined;
}

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
) {
  const cache = useRef(new WeakMap<FlowNode, CardKey>());
  return useMemo(() => {
    if (!flow) return [];
    return flow.nodes.map((node, i): CardNode => {
      const hasError = errorNodes.has(node.id);
      const flash = node.id === focusId;
      const mark = marks?.get(node.id);
      const hit = cache.current.get(node);
      if (hit && hit.hasError === hasError && hit.locale === locale && hit.flash === flash && hit.presentation === presentation && hit.mark === mark) return hit.card;
      const className = [flash ? 'flash' : '', mark ? MARK_CLASS[mark] : ''].filter(Boolean).join(' ');
      const size = cardSize(node, presentation);
      const card: CardNode = {
        id: node.id,
        type: 'card',
        width: size.width,
        height: size.height,
        handles: cardHandles(node, size),
        // A node without a position (hand-written YAML) gets a grid slot instead of piling up at 0,0.
        position: node.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
        data: hit && hit.card.data.node === node && hit.locale === locale && hit.hasError === hasError ? hit.card.data : { node, flowId, locale, hasError },
        ...(className ? { className } : {}),
      };
      cache.current.set(node, { card, hasError, locale, flash, presentation, mark });
      return card;
    });
  }, [flow, flowId, locale, errorNodes, focusId, presentation, marks]);
}
