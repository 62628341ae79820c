import { useCallback } from 'react';
import type { Connection, Edge, IsValidConnection, OnNodeDrag } from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';
import { editFlow } from '../store/studioStore';
import type { FrameNode } from './NodeCard';
import type { AnyNode } from './useCanvasNodes';

/** What the user does on the canvas, as edits of the flow: moves, connections, reconnections and deletions. */
export function useFlowEdits(flowId: string, flow: Flow | undefined) {
  const onNodeDragStop: OnNodeDrag<AnyNode> = useCallback(
    (_e, _node, dragged) =>
      editFlow(
        flowId,
        dragged.filter((n) => n.type === 'card').map((n) => ({ type: 'node.move' as const, id: n.id, position: n.position })),
      ),
    [flowId],
  );

  const isValidConnection: IsValidConnection<Edge> = useCallback(
    (c) => {
      const source = flow?.nodes.find((n) => n.id === c.source);
      const target = flow?.nodes.find((n) => n.id === c.target);
      if (!source || !target || c.source === c.target || target.kind === 'start') return false;
      const exit = exitsOf(source).find((x) => x.port === c.sourceHandle);
      // One exit leads to one node: an exit that is already connected must be reconnected, not doubled.
      return Boolean(exit) && !exit?.target;
    },
    [flow],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle) editFlow(flowId, [{ type: 'exit.set', id: c.source, port: c.sourceHandle, target: c.target }]);
    },
    [flowId],
  );
  const onReconnect = useCallback(
    (old: Edge, c: Connection) => {
      if (old.sourceHandle && c.target && c.target !== old.source)
        editFlow(flowId, [{ type: 'exit.set', id: old.source, port: old.sourceHandle, target: c.target }]);
    },
    [flowId],
  );
  const onDelete = useCallback(
    ({ nodes: gone, edges: cut }: { nodes: AnyNode[]; edges: Edge[] }) => {
      const changes = [
        ...cut.filter((e) => e.sourceHandle).map((e) => ({ type: 'exit.set' as const, id: e.source, port: e.sourceHandle as string, target: undefined })),
        ...gone.filter((n) => n.type === 'card').map((n) => ({ type: 'node.remove' as const, id: n.id })),
        ...gone.filter((n) => n.type === 'frame').map((n) => ({ type: 'group.remove' as const, id: (n as FrameNode).data.groupId })),
      ];
      if (changes.length) editFlow(flowId, changes);
    },
    [flowId],
  );
  return { onNodeDragStop, isValidConnection, onConnect, onReconnect, onDelete };
}
