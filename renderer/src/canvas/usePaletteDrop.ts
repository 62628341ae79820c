import { useCallback, type DragEvent } from 'react';
import type { Edge, ReactFlowInstance } from '@xyflow/react';
import type { NodeKind } from '../../../shared/schema/nodes';
import { addNode, PALETTE_MIME } from './commands';
import type { AnyNode } from './useCanvasNodes';

/** Palette drag and drop: a kind dragged from the palette becomes a node where it is dropped. */
export function usePaletteDrop(rf: ReactFlowInstance<AnyNode, Edge>) {
  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(PALETTE_MIME) as NodeKind;
      if (!kind) return;
      e.preventDefault();
      addNode(kind, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [rf],
  );
  return { onDragOver, onDrop };
}
