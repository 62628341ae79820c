// Selection commands: delete, duplicate, copy and paste. The clipboard holds copied nodes for this store instance.
import { cloneNodes } from '../../../shared/project/factory';
import type { Position } from '../../../shared/schema/common';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Editing } from './editing';
import type { StudioContext } from './studioState';

export function createClipboard({ get, set }: StudioContext, { editFlow }: Pick<Editing, 'editFlow'>) {
  let clipboard: FlowNode[] = [];

  function copySelection(): number {
    const { flowId, selectedNodeIds, flows } = get();
    const flow = flowId ? flows[flowId]?.flow : undefined;
    if (!flow) return 0;
    const ids = new Set(selectedNodeIds);
    clipboard = flow.nodes.filter((n) => ids.has(n.id));
    return clipboard.length;
  }

  /** Pastes the copied nodes into the current flow (ids remapped), offset from the originals or at `at`. */
  function paste(at?: Position): void {
    const { flowId, flows } = get();
    const flow = flowId ? flows[flowId]?.flow : undefined;
    if (!flowId || !flow || !clipboard.length) return;
    const first = clipboard[0]?.position ?? { x: 0, y: 0 };
    const offset = at ? { x: at.x - first.x, y: at.y - first.y } : { x: 40, y: 40 };
    const { nodes } = cloneNodes(
      clipboard.filter((n) => n.kind !== 'start' || !flow.nodes.some((m) => m.kind === 'start')),
      new Set(flow.nodes.map((n) => n.id)),
      offset,
    );
    editFlow(
      flowId,
      nodes.map((node) => ({ type: 'node.add' as const, node })),
    );
    set({ selectedNodeIds: nodes.map((n) => n.id), selectedNodeId: nodes[nodes.length - 1]?.id });
  }

  return {
    deleteSelection(): void {
      const { flowId, selectedNodeIds } = get();
      if (!flowId || !selectedNodeIds.length) return;
      editFlow(
        flowId,
        selectedNodeIds.map((id) => ({ type: 'node.remove' as const, id })),
      );
      set({ selectedNodeIds: [], selectedNodeId: undefined });
    },

    copySelection,
    paste,

    duplicateSelection(): void {
      if (copySelection()) paste();
    },
  };
}
