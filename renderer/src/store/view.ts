// What the window shows: the current flow and its breadcrumbs, canvas or source view, focus requests, the notice.
import type { StudioContext, View } from './studioState';

export function createView({ get, set }: StudioContext) {
  function selectFlow(flowId: string): void {
    if (get().flowId === flowId && get().view === 'canvas') return;
    set({ flowId, trail: [flowId], selectedNodeId: undefined, selectedNodeIds: [], view: 'canvas', focusRequest: undefined });
  }

  return {
    selectFlow,

    /** Go-to-definition: opens a called or jumped-to flow and remembers the way back (breadcrumbs). */
    enterFlow(flowId: string, nodeId?: string): void {
      const { trail, flowId: current } = get();
      const base = current && trail[trail.length - 1] === current ? trail : current ? [current] : [];
      const at = base.indexOf(flowId);
      const nextTrail = at >= 0 ? base.slice(0, at + 1) : [...base, flowId];
      const target = nodeId ?? get().flows[flowId]?.flow.nodes.find((n) => n.kind === 'start')?.id;
      set({ flowId, trail: nextTrail, view: 'canvas', selectedNodeId: target, selectedNodeIds: target ? [target] : [] });
      if (target) set({ focusRequest: { flowId, nodeId: target, seq: (get().focusRequest?.seq ?? 0) + 1 } });
    },

    /** Goes back along the breadcrumbs to a flow in the trail. */
    backTo(flowId: string): void {
      const { trail } = get();
      const at = trail.indexOf(flowId);
      set({ flowId, trail: at >= 0 ? trail.slice(0, at + 1) : [flowId], view: 'canvas', selectedNodeId: undefined, selectedNodeIds: [] });
    },

    /** Opens a flow on the canvas, selects a node and asks the canvas to centre on it (search, problems, go-to). */
    revealNode(flowId: string, nodeId: string): void {
      const seq = (get().focusRequest?.seq ?? 0) + 1;
      selectFlow(flowId);
      set({ view: 'canvas', selectedNodeId: nodeId, selectedNodeIds: [nodeId], focusRequest: { flowId, nodeId, seq } });
    },

    openSource(file: string): void {
      set({ view: 'source', sourceFile: file });
    },

    setView(view: View): void {
      set({ view });
    },

    /** Enters or leaves review mode: read-only, on the canvas, in large type (the presentation setting is kept). */
    toggleReviewMode(): void {
      const on = !get().reviewMode;
      set({ reviewMode: on, ...(on ? { view: 'canvas' as const } : {}) });
    },

    dismissNotice(): void {
      set({ notice: undefined });
    },
  };
}
