// Autosave: an edited flow is written 400 ms after its last edit (and on page hide and Ctrl+S), retried when the
// host fails; a write refused because the file changed on disk is a conflict. Edits that never reached disk come
// back from the drafts on the next load.
import { ApiError } from '../../../shared/api/errors';
import { fieldPath } from '../../../shared/project/problems';
import { flowFile } from '../../../shared/project/names';
import { Flow as FlowSchema } from '../../../shared/schema/project';
import type { Drafts } from './drafts';
import { checkFlow } from './flowCheck';
import type { Problems } from './problems';
import type { TimerHandle } from './storage';
import { errorText, type FlowDoc, type StudioContext } from './studioState';

const SAVE_DEBOUNCE_MS = 400;
const SAVE_RETRY_MS = 3000;

interface PersistenceDeps {
  drafts: Drafts;
  problems: Problems;
}

export function createPersistence({ get, set, timers }: StudioContext, { drafts, problems }: PersistenceDeps) {
  const saveTimers = new Map<string, TimerHandle>();
  // Flows with a write not answered yet. Their state says 'dirty' again as soon as they are edited, but the next
  // write must wait for the answer: sent now, it would carry the old revision and be refused as a conflict.
  const inFlight = new Set<string>();

  function scheduleSave(flowId: string): void {
    timers.clearTimeout(saveTimers.get(flowId));
    saveTimers.set(
      flowId,
      timers.setTimeout(() => void saveFlow(flowId), SAVE_DEBOUNCE_MS),
    );
  }

  /** Drops a flow's pending save or retry (its edits were dropped). */
  function cancelSave(flowId: string): void {
    timers.clearTimeout(saveTimers.get(flowId));
    saveTimers.delete(flowId);
  }

  /** Drops every pending save (another project is shown). */
  function cancelSaves(): void {
    for (const t of saveTimers.values()) timers.clearTimeout(t);
    saveTimers.clear();
  }

  /** Saves every flow with pending edits now (before the page goes away, or on Ctrl+S). */
  async function flushSaves(): Promise<void> {
    const pending = Object.entries(get().flows).filter(([, d]) => d.save === 'dirty' || d.save === 'error');
    await Promise.all(pending.map(([id]) => saveFlow(id)));
  }

  const patchDoc = (flowId: string, patch: Partial<FlowDoc>) => {
    const doc = get().flows[flowId];
    if (doc) set({ flows: { ...get().flows, [flowId]: { ...doc, ...patch } } });
  };

  async function saveFlow(flowId: string, force = false): Promise<void> {
    timers.clearTimeout(saveTimers.get(flowId));
    const { api, project } = get();
    const doc = get().flows[flowId];
    const busy = doc?.save === 'saving' || inFlight.has(flowId);
    if (!api || !project || !doc || (doc.conflict && !force) || busy) {
      if (busy) scheduleSave(flowId); // a save is in flight: try again after it
      return;
    }
    // Never send a flow that breaks the schema: the host would refuse it anyway, and the user sees why here.
    const valid = checkFlow(doc.flow);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      const where = issue ? fieldPath(issue.path) : '';
      patchDoc(flowId, { save: 'invalid', error: issue ? `${where}: ${issue.message}` : 'invalid flow' });
      return;
    }
    const sent = doc.flow;
    const baseRevision = force && doc.conflict ? doc.conflict.diskRevision : doc.revision;
    patchDoc(flowId, { save: 'saving' });
    inFlight.add(flowId);
    try {
      const res = await api.call('flow.save', { project: project.dir, flowId, flow: sent, baseRevision });
      const now = get().flows[flowId];
      if (!now) return; // deleted meanwhile
      const { conflict: _conflict, error: _error, ...rest } = now;
      const changedMeanwhile = now.flow !== sent;
      set({ flows: { ...get().flows, [flowId]: { ...rest, revision: res.revision, save: changedMeanwhile ? 'dirty' : 'saved' } } });
      if (changedMeanwhile) {
        // the draft holds the later edits, which now stand on the revision just written
        drafts.rebaseDraft(project.dir, flowId, res.revision, now.flow);
        scheduleSave(flowId);
      } else drafts.clearDraft(project.dir, flowId);
    } catch (e) {
      // the edits are not on disk: their draft is written now rather than at the end of its second
      drafts.writeDraft(project.dir, flowId);
      if (e instanceof ApiError && e.code === 'CONFLICT') {
        const diskRevision = (e.details as { diskRevision?: string | null } | undefined)?.diskRevision ?? null;
        patchDoc(flowId, { save: 'dirty', conflict: { diskRevision } });
      } else {
        patchDoc(flowId, { save: 'error', error: errorText(e) });
        // The host may be busy or restarting: try again shortly (the edit also sits in the local draft).
        timers.clearTimeout(saveTimers.get(flowId));
        saveTimers.set(
          flowId,
          timers.setTimeout(() => void saveFlow(flowId), SAVE_RETRY_MS),
        );
      }
    } finally {
      inFlight.delete(flowId);
    }
  }

  /**
   * Edits that never reached disk (the window crashed or was closed mid-debounce) are kept as drafts in local
   * storage. On the next load they come back: as unsaved edits when the file is unchanged, as a conflict when it
   * changed meanwhile.
   */
  function recoverDrafts(): void {
    const { project, flows } = get();
    if (!project) return;
    const recovered: string[] = [];
    const next = { ...flows };
    for (const draft of drafts.readDrafts(project.dir)) {
      const doc = next[draft.flowId];
      const parsed = FlowSchema.safeParse(draft.flow);
      if (!parsed.success) {
        drafts.clearDraft(project.dir, draft.flowId);
        continue;
      }
      if (doc && JSON.stringify(doc.flow) === JSON.stringify(parsed.data)) {
        drafts.clearDraft(project.dir, draft.flowId);
        continue;
      }
      if (doc && doc.revision === draft.baseRevision) {
        next[draft.flowId] = { ...doc, flow: parsed.data, save: 'dirty' };
      } else if (doc) {
        next[draft.flowId] = { ...doc, flow: parsed.data, save: 'dirty', conflict: { diskRevision: doc.revision, diskFlow: doc.flow } };
      } else if (draft.baseRevision === null) {
        next[draft.flowId] = { flow: parsed.data, revision: null, save: 'dirty' };
      } else if (project.broken.some((b) => b.file === flowFile(draft.flowId))) {
        continue; // the file is there but does not load: the draft waits until it does
      } else {
        // The flow was deleted on disk meanwhile: its edits come back as a conflict with the deletion, as when a
        // file is deleted while this window has unsaved edits (keeping them writes the file again; taking the
        // disk version drops them and their draft). Before, such a draft was skipped and never removed.
        next[draft.flowId] = { flow: parsed.data, revision: null, save: 'dirty', conflict: { diskRevision: null } };
      }
      recovered.push(parsed.data.name);
    }
    if (!recovered.length) return;
    set({ flows: next, problems: problems.recomputeProblems(next), notice: `Recovered unsaved edits to ${recovered.join(', ')}.` });
    for (const [id, d] of Object.entries(next)) if (d.save === 'dirty' && !d.conflict) scheduleSave(id);
  }

  return { scheduleSave, cancelSave, cancelSaves, flushSaves, saveFlow, patchDoc, recoverDrafts };
}

export type Persistence = ReturnType<typeof createPersistence>;
