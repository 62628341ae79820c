// A project as main read it (`ProjectSnapshot`), turned into the store's state.
import { checkedByMain } from './flowCheck';
import type { ProjectSnapshot } from '../../../shared/api/contract';
import { MANIFEST_FILE } from '../../../shared/project/names';
import type { FlowHistories } from './history';
import { flowsOf, type FlowDoc, type StudioContext, type StudioState } from './studioState';
import { withStoryProblems } from './storyFiles';

interface SnapshotOptions {
  /**
   * The same project read again (a project file changed): flows with unsaved edits keep them and their undo
   * history (they surface as conflicts when saved if the disk changed under them), and flows unchanged on disk keep
   * their history too; only flows that changed on disk start afresh. A user who edited a flow and then saved
   * parley.yaml (or whose colleague did) expects to go on undoing in that flow.
   */
  keepEdits?: boolean;
  /** With `keepEdits`, a flow whose edits are dropped (the user took the version on disk). */
  except?: string;
}

/**
 * The state showing `snap`: every flow saved (but with `keepEdits`), the current flow kept if it still exists.
 * Forgets undo histories (but with `keepEdits`). The problems are those of `snap`: a caller that kept unsaved
 * edits checks the project again.
 */
export function fromSnapshot(
  snap: ProjectSnapshot,
  { get, checks }: StudioContext,
  histories: FlowHistories,
  { keepEdits = false, except }: SnapshotOptions = {},
): Partial<StudioState> {
  const { flows, problems, ...project } = snap;
  const mine = keepEdits ? get().flows : {};
  const keep = (id: string) => keepEdits && id !== except && Object.hasOwn(mine, id);
  const docs: Record<string, FlowDoc> = {};
  for (const [id, e] of Object.entries(flows)) {
    const d = keep(id) ? mine[id] : undefined;
    if (d && (d.save !== 'saved' || d.revision === e.revision)) {
      docs[id] = d;
    } else {
      checkedByMain(e.flow);
      docs[id] = { flow: e.flow, revision: e.revision, save: 'saved' };
    }
  }
  // unsaved edits of a flow deleted on disk are kept too (saving them meets the deletion as a conflict)
  for (const [id, d] of Object.entries(mine)) {
    if (!docs[id] && keep(id) && d.save !== 'saved') {
      docs[id] = d;
    }
  }
  if (!keepEdits) histories.clearAll();
  else for (const [id, d] of Object.entries(mine)) if (docs[id] !== d) histories.delete(id);
  const current = get().flowId;
  const flowId = current && docs[current] ? current : docs[snap.manifest.startFlow] ? snap.manifest.startFlow : Object.keys(docs)[0];
  // parley.yaml does not load: nothing else can be shown, so open it in the raw source view to be fixed there.
  const fixManifest = snap.broken.some((b) => b.file === MANIFEST_FILE) ? { view: 'source' as const, sourceFile: MANIFEST_FILE } : {};
  const model = { manifest: snap.manifest, nlu: snap.nlu, flows: flowsOf(flows) };
  // story files are read only once the checks are loaded (problems.ts), so without them there are none to check
  const all = withStoryProblems(problems, checks()?.storyFileProblems(model, get().stories) ?? []);
  return {
    status: 'ready',
    project,
    flows: docs,
    problems: all,
    trail: flowId ? [flowId] : [],
    ...(flowId ? { flowId } : {}),
    ...fixManifest,
  };
}
