// Undo and redo: one history per flow (`shared/project/history.ts`), kept by the store instance.
import { createHistory, type History } from '../../../shared/project/history';
import type { Flow } from '../../../shared/schema/project';
import type { StudioContext } from './studioState';

/** The undo histories of the open project's flows, created on a flow's first edit. */
export function createFlowHistories() {
  const histories = new Map<string, History<Flow>>();
  return {
    of(flowId: string): History<Flow> {
      let h = histories.get(flowId);
      if (!h) histories.set(flowId, (h = createHistory<Flow>({ limit: 300 })));
      return h;
    },
    /** Empties one flow's history (undo across a change made elsewhere would be confusing). */
    clear(flowId: string): void {
      histories.get(flowId)?.clear();
    },
    /** Forgets every flow's history (another project, or the project read again). */
    clearAll(): void {
      histories.clear();
    },
    delete(flowId: string): void {
      histories.delete(flowId);
    },
    canUndo: (flowId: string | undefined): boolean => Boolean(flowId && histories.get(flowId)?.canUndo()),
    canRedo: (flowId: string | undefined): boolean => Boolean(flowId && histories.get(flowId)?.canRedo()),
    seal(flowId: string | undefined): void {
      if (flowId) histories.get(flowId)?.seal();
    },
  };
}

export type FlowHistories = ReturnType<typeof createFlowHistories>;

interface UndoDeps {
  histories: FlowHistories;
  /** Puts a flow's content in place as an unsaved edit (problems, draft, autosave). */
  setFlowContent(flowId: string, flow: Flow): void;
  /** Drops selected ids that no longer exist in `flow`. */
  keepSelectionValid(flow: Flow): void;
}

export function createUndo({ get }: StudioContext, { histories, setFlowContent, keepSelectionValid }: UndoDeps) {
  return {
    undo(flowId = get().flowId): void {
      const doc = flowId ? get().flows[flowId] : undefined;
      // review mode is read-only, and its history is left as it is
      if (!flowId || !doc || get().reviewMode) return;
      const prev = histories.of(flowId).undo(doc.flow);
      if (prev) {
        setFlowContent(flowId, prev);
        keepSelectionValid(prev);
      }
    },

    redo(flowId = get().flowId): void {
      const doc = flowId ? get().flows[flowId] : undefined;
      if (!flowId || !doc || get().reviewMode) return;
      const next = histories.of(flowId).redo(doc.flow);
      if (next) {
        setFlowContent(flowId, next);
        keepSelectionValid(next);
      }
    },

    canUndo: histories.canUndo,
    canRedo: histories.canRedo,

    /** Ends the current undo step (e.g. when a text field loses focus). */
    sealHistory(flowId = get().flowId): void {
      histories.seal(flowId);
    },
  };
}
