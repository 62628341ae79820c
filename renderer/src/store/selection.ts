// The selected nodes of the current flow: the inspector shows the last one selected.
import type { Flow } from '../../../shared/schema/project';
import type { StudioContext } from './studioState';

export function createSelection({ get, set }: StudioContext) {
  return {
    selectNode(nodeId: string | undefined): void {
      set({ selectedNodeId: nodeId, selectedNodeIds: nodeId ? [nodeId] : [] });
    },

    /** The canvas reports its selection (click, shift-click, box). */
    setSelection(ids: string[]): void {
      const { selectedNodeIds, selectedNodeId } = get();
      const had = new Set(selectedNodeIds);
      if (ids.length === had.size && ids.every((id) => had.has(id))) return;
      const primary = selectedNodeId && ids.includes(selectedNodeId) ? selectedNodeId : ids[ids.length - 1];
      set({ selectedNodeIds: ids, selectedNodeId: primary });
    },

    /** After undo or redo, drop selected ids that no longer exist (an undone add or rename). */
    keepSelectionValid(flow: Flow): void {
      const ids = new Set(flow.nodes.map((n) => n.id));
      const { selectedNodeIds, selectedNodeId } = get();
      const kept = selectedNodeIds.filter((id) => ids.has(id) || id.startsWith('group:'));
      if (kept.length !== selectedNodeIds.length || (selectedNodeId && !ids.has(selectedNodeId))) {
        set({ selectedNodeIds: kept, selectedNodeId: selectedNodeId && ids.has(selectedNodeId) ? selectedNodeId : kept[kept.length - 1] });
      }
    },
  };
}
