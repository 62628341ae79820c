// The one way a flow changes: typed changes applied by `applyChanges`, recorded for undo, then problems, draft
// and autosave.
import { applyChanges, type FlowChange } from '../../../shared/project/changes';
import { withNewCopyIds } from '../../../shared/project/copyIds';
import { withFlowStaleTranslations } from '../../../shared/project/staleTranslations';
import type { Flow } from '../../../shared/schema/project';
import type { Drafts } from './drafts';
import type { FlowHistories } from './history';
import type { Persistence } from './persistence';
import type { Problems } from './problems';
import { flowsOf, type EditOptions, type StudioContext } from './studioState';

interface EditingDeps {
  drafts: Drafts;
  histories: FlowHistories;
  persistence: Persistence;
  problems: Problems;
}

export function createEditing({ get, set }: StudioContext, { drafts, histories, persistence, problems }: EditingDeps) {
  /** Puts new content in place as an unsaved edit: problems, draft, autosave. */
  function setFlowContent(flowId: string, flow: Flow): void {
    const doc = get().flows[flowId];
    // review mode is read-only: nothing changes a flow (an edit, undo, a paste, a shortcut)
    if (!doc || get().reviewMode) return;
    const flows = { ...get().flows, [flowId]: { ...doc, flow, save: 'dirty' as const } };
    set({ flows, problems: problems.recomputeProblems(flows), historyTick: get().historyTick + 1 });
    const dir = get().project?.dir;
    if (dir) drafts.scheduleDraft(dir, flowId, doc.revision, flow);
    persistence.scheduleSave(flowId);
  }

  /** Applies typed changes to a flow as one undo step, recomputes problems, and schedules an autosave. */
  function editFlow(flowId: string, changes: FlowChange[], options: EditOptions = {}): void {
    const doc = get().flows[flowId];
    if (!doc || get().reviewMode) return;
    // the lines the edit added get stable copy ids, none taken in the project
    // and the translations of a line whose default-locale text it changed are marked for review
    const docs = get().flows;
    const withIds = withNewCopyIds(flowId, doc.flow, applyChanges(doc.flow, changes), () => flowsOf(docs));
    const flow = withFlowStaleTranslations(doc.flow, withIds, get().project?.manifest.defaultLocale ?? 'en');
    if (flow === doc.flow) return;
    histories.of(flowId).record(doc.flow, flow, options.coalesce ? { key: options.coalesce } : {});
    setFlowContent(flowId, flow);
  }

  return {
    setFlowContent,
    editFlow,

    /** Replaces a whole flow, as one undoable edit (the source view applies valid YAML this way). */
    replaceFlow(flowId: string, flow: Flow, options: EditOptions = {}): void {
      editFlow(flowId, [{ type: 'flow.replace', flow }], options);
    },
  };
}

export type Editing = ReturnType<typeof createEditing>;
