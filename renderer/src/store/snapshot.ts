// A project as main read it (`ProjectSnapshot`), turned into the store's state.
import type { ProjectSnapshot } from '../../../shared/api/contract';
import { MANIFEST_FILE } from '../../../shared/project/validate';
import type { FlowHistories } from './history';
import type { FlowDoc, StudioContext, StudioState } from './studioState';
import { storyFileProblems, withStoryProblems } from './storyFiles';

/** The state showing `snap`: every flow saved, the current flow kept if it still exists. Forgets undo histories. */
export function fromSnapshot(snap: ProjectSnapshot, { get }: StudioContext, histories: FlowHistories): Partial<StudioState> {
  const { flows, problems, ...project } = snap;
  const docs: Record<string, FlowDoc> = {};
  for (const [id, e] of Object.entries(flows)) docs[id] = { flow: e.flow, revision: e.revision, save: 'saved' };
  histories.clearAll();
  const current = get().flowId;
  const flowId = current && docs[current] ? current : docs[snap.manifest.startFlow] ? snap.manifest.startFlow : Object.keys(docs)[0];
  // parley.yaml does not load: nothing else can be shown, so open it in the raw source view to be fixed there.
  const fixManifest = snap.broken.some((b) => b.file === MANIFEST_FILE) ? { view: 'source' as const, sourceFile: MANIFEST_FILE } : {};
  const model = { manifest: snap.manifest, nlu: snap.nlu, flows: Object.fromEntries(Object.entries(flows).map(([id, e]) => [id, e.flow])) };
  const all = withStoryProblems(problems, storyFileProblems(model, get().stories));
  return { status: 'ready', project, flows: docs, problems: all, trail: flowId ? [flowId] : [], ...(flowId ? { flowId } : {}), ...fixManifest };
}
