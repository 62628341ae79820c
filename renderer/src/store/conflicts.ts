// Files changed on disk (by another window, an editor, `git checkout`): a flow without unsaved edits takes the new
// version; one with unsaved edits keeps them and shows a conflict, which the user resolves.
import type { EventPayload, ProjectSnapshot } from '../../../shared/api/contract';
import type { Drafts } from './drafts';
import type { FlowHistories } from './history';
import type { Persistence } from './persistence';
import type { Problems } from './problems';
import type { Reloads } from './reloads';
import { fromSnapshot } from './snapshot';
import type { StudioContext } from './studioState';

interface ConflictDeps {
  drafts: Drafts;
  histories: FlowHistories;
  persistence: Persistence;
  problems: Problems;
  reloads: Reloads;
}

export function createConflicts(ctx: StudioContext, deps: ConflictDeps) {
  const { get, set } = ctx;
  const { drafts, histories, persistence, problems, reloads } = deps;

  /** The project read again, this window's unsaved edits kept (but those of `except`). */
  function reloaded(snap: ProjectSnapshot, except?: string): void {
    set(fromSnapshot(snap, ctx, histories, { keepEdits: true, ...(except ? { except } : {}) }));
    if (Object.values(get().flows).some((d) => d.save !== 'saved')) set({ problems: problems.recomputeProblems(get().flows) });
  }

  return {
    /** Resolves a conflict by taking the version on disk (the local edits are dropped). */
    async takeDiskVersion(flowId: string): Promise<void> {
      const { api, project } = get();
      if (!api) return;
      const snap = await reloads.reload();
      if (!snap) return;
      const entry = snap.flows[flowId];
      if (project) drafts.clearDraft(project.dir, flowId);
      // A save still pending (the debounce, a retry) would write the disk's version back over the file.
      persistence.cancelSave(flowId);
      histories.clear(flowId);
      if (entry) {
        const flows = { ...get().flows, [flowId]: { flow: entry.flow, revision: entry.revision, save: 'saved' as const } };
        set({ flows, problems: snap.problems });
        set({ problems: problems.recomputeProblems(flows) });
      } else reloaded(snap, flowId); // deleted on disk: gone here too, the other flows' edits kept
    },

    onFileChanged(ev: EventPayload<'project.fileChanged'>): void {
      const state = get();
      if (!state.project) return;
      if (ev.flowId) {
        const doc = state.flows[ev.flowId];
        if (doc && doc.revision === ev.revision) return; // our own save, echoed back
        if (doc && doc.save !== 'saved' && ev.revision !== doc.revision) {
          persistence.patchDoc(ev.flowId, { conflict: { diskRevision: ev.revision, ...(ev.flow ? { diskFlow: ev.flow } : {}) } });
          drafts.writeDraft(state.project.dir, ev.flowId); // not saved until the user decides: kept now
          return;
        }
        if (ev.flow && ev.revision) {
          histories.clear(ev.flowId); // undo across a change made elsewhere would be confusing
          const flows = { ...state.flows, [ev.flowId]: { flow: ev.flow, revision: ev.revision, save: 'saved' as const } };
          const broken = state.project.broken.filter((b) => b.file !== ev.file);
          set({ flows, project: { ...state.project, broken }, problems: problems.recomputeProblems(flows) });
          return;
        }
      }
      // A deleted or broken flow, or parley.yaml / nlu.yaml: reload the whole project.
      void reloads
        .reload()
        // Keep this window's unsaved edits (and their undo); they will surface as conflicts when saved.
        .then((snap) => snap && reloaded(snap))
        .catch(() => undefined);
    },
  };
}
