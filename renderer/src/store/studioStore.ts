import { create } from 'zustand';
import type { EventPayload, ParleyApi, ProjectSnapshot } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { applyChanges, type FlowChange } from '../../../shared/project/changes';
import type { Problem } from '../../../shared/project/problems';
import { validateProject } from '../../../shared/project/validate';
import type { Flow } from '../../../shared/schema/project';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

export interface FlowDoc {
  flow: Flow;
  /** Revision of the file this flow was last read from or written to. */
  revision: string | null;
  save: SaveState;
  /** Set when the file changed on disk while this window had unsaved edits. */
  conflict?: { diskRevision: string | null; diskFlow?: Flow };
  error?: string;
}

export type View = 'canvas' | 'source';

export interface StudioState {
  api: ParleyApi | undefined;
  status: 'loading' | 'ready' | 'no-project' | 'error';
  message?: string;
  project?: Omit<ProjectSnapshot, 'flows' | 'problems'>;
  flows: Record<string, FlowDoc>;
  problems: Problem[];
  flowId?: string;
  /** The node the inspector shows (the last one selected). */
  selectedNodeId?: string;
  /** Every selected node of the current flow. */
  selectedNodeIds: string[];
  /** Set by `revealNode`: the canvas centres on this node and highlights it; `seq` makes each request new. */
  focusRequest?: { flowId: string; nodeId: string; seq: number };
  view: View;
  /** File shown in the source view (a broken file, or the current flow's file). */
  sourceFile?: string;
  theme: 'light' | 'dark';
  /** A one-off message for the user (shown as a dismissible banner). */
  notice?: string;
}

const SAVE_DEBOUNCE_MS = 400;
const saveTimers = new Map<string, ReturnType<typeof setTimeout>>();

export const useStudio = create<StudioState>(() => ({
  api: undefined,
  status: 'loading',
  flows: {},
  problems: [],
  selectedNodeIds: [],
  view: 'canvas',
  theme: 'light',
}));

const set = useStudio.setState;
const get = useStudio.getState;

function fromSnapshot(snap: ProjectSnapshot): Partial<StudioState> {
  const { flows, problems, ...project } = snap;
  const docs: Record<string, FlowDoc> = {};
  for (const [id, e] of Object.entries(flows)) docs[id] = { flow: e.flow, revision: e.revision, save: 'saved' };
  const current = get().flowId;
  const flowId = current && docs[current] ? current : docs[snap.manifest.startFlow] ? snap.manifest.startFlow : Object.keys(docs)[0];
  return { status: 'ready', project, flows: docs, problems, ...(flowId ? { flowId } : {}) };
}

/** Connects to main, loads the open project and subscribes to file changes. */
export async function initStudio(api: ParleyApi | undefined): Promise<void> {
  if (!api) {
    set({ status: 'error', message: 'This page was opened without its access token. Open the URL that `npm start` or `parley web` printed.' });
    return;
  }
  set({ api });
  api.on('project.fileChanged', onFileChanged);
  api.on('project.opened', ({ dir }) => {
    if (dir === get().project?.dir) return;
    const unsaved = Object.entries(get().flows).filter(([, d]) => d.save !== 'saved').map(([, d]) => d.flow.name);
    void api.call('project.current', {}).then((snap) => {
      if (!snap) return;
      set({ flowId: undefined, selectedNodeId: undefined, view: 'canvas', sourceFile: undefined });
      set(fromSnapshot(snap));
      if (unsaved.length) set({ notice: `Another window opened ${snap.manifest.name}. Unsaved edits to ${unsaved.join(', ')} could not be saved.` });
    });
  });
  window.addEventListener('pagehide', () => void flushSaves());
  try {
    const snap = await api.call('project.current', {});
    if (!snap) set({ status: 'no-project' });
    else set(fromSnapshot(snap));
  } catch (e) {
    set({ status: 'error', message: errorText(e) });
  }
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface EditOptions {
  /**
   * Edits with the same key in quick succession are one undo step (typing a sentence in one field).
   * Use a key naming the field, e.g. `copy:welcome.say.en`.
   */
  coalesce?: string;
}

/** Applies typed changes to a flow, recomputes problems, and schedules an autosave. */
export function editFlow(flowId: string, changes: FlowChange[], _options: EditOptions = {}): void {
  const doc = get().flows[flowId];
  if (!doc) return;
  const flow = applyChanges(doc.flow, changes);
  if (flow === doc.flow) return;
  const flows = { ...get().flows, [flowId]: { ...doc, flow, save: 'dirty' as const } };
  set({ flows, problems: recomputeProblems(flows) });
  scheduleSave(flowId);
}

function recomputeProblems(flows: Record<string, FlowDoc>): Problem[] {
  const { project, problems } = get();
  if (!project) return problems;
  const model = { manifest: project.manifest, nlu: project.nlu, flows: Object.fromEntries(Object.entries(flows).map(([id, d]) => [id, d.flow])) };
  const broken = project.broken.map((b) => b.file);
  return [...problems.filter((p) => broken.includes(p.file)), ...validateProject(model, { broken })];
}

function scheduleSave(flowId: string): void {
  clearTimeout(saveTimers.get(flowId));
  saveTimers.set(
    flowId,
    setTimeout(() => void saveFlow(flowId), SAVE_DEBOUNCE_MS),
  );
}

/** Saves every flow with pending edits now (before the page goes away, or on Ctrl+S). */
export async function flushSaves(): Promise<void> {
  const pending = Object.entries(get().flows).filter(([, d]) => d.save === 'dirty');
  await Promise.all(pending.map(([id]) => saveFlow(id)));
}

const patchDoc = (flowId: string, patch: Partial<FlowDoc>) => {
  const doc = get().flows[flowId];
  if (doc) set({ flows: { ...get().flows, [flowId]: { ...doc, ...patch } } });
};

export async function saveFlow(flowId: string, force = false): Promise<void> {
  clearTimeout(saveTimers.get(flowId));
  const { api } = get();
  const doc = get().flows[flowId];
  if (!api || !doc || (doc.conflict && !force) || doc.save === 'saving') {
    if (doc?.save === 'saving') scheduleSave(flowId); // a save is in flight: try again after it
    return;
  }
  const sent = doc.flow;
  const baseRevision = force && doc.conflict ? doc.conflict.diskRevision : doc.revision;
  patchDoc(flowId, { save: 'saving' });
  try {
    const res = await api.call('flow.save', { project: get().project?.dir ?? '', flowId, flow: sent, baseRevision });
    const now = get().flows[flowId] ?? doc;
    const { conflict: _conflict, error: _error, ...rest } = now;
    const changedMeanwhile = now.flow !== sent;
    set({ flows: { ...get().flows, [flowId]: { ...rest, revision: res.revision, save: changedMeanwhile ? 'dirty' : 'saved' } } });
    if (changedMeanwhile) scheduleSave(flowId);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'CONFLICT') {
      const diskRevision = (e.details as { diskRevision?: string | null } | undefined)?.diskRevision ?? null;
      patchDoc(flowId, { save: 'dirty', conflict: { diskRevision } });
    } else {
      patchDoc(flowId, { save: 'error', error: errorText(e) });
    }
  }
}

/** Resolves a conflict by taking the version on disk (the local edits are dropped). */
export async function takeDiskVersion(flowId: string): Promise<void> {
  const { api } = get();
  if (!api) return;
  const snap = await api.call('project.reload', {});
  const entry = snap.flows[flowId];
  const doc = get().flows[flowId];
  if (!doc) return;
  if (entry) set({ flows: { ...get().flows, [flowId]: { flow: entry.flow, revision: entry.revision, save: 'saved' } }, problems: snap.problems });
  else set(fromSnapshot(snap));
}

function onFileChanged(ev: EventPayload<'project.fileChanged'>): void {
  const state = get();
  if (!state.project) return;
  if (ev.flowId) {
    const doc = state.flows[ev.flowId];
    if (doc && doc.revision === ev.revision) return; // our own save, echoed back
    if (doc && (doc.save === 'dirty' || doc.save === 'saving') && ev.revision !== doc.revision) {
      patchDoc(ev.flowId, { conflict: { diskRevision: ev.revision, ...(ev.flow ? { diskFlow: ev.flow } : {}) } });
      return;
    }
    if (ev.flow && ev.revision) {
      const flows = { ...state.flows, [ev.flowId]: { flow: ev.flow, revision: ev.revision, save: 'saved' as const } };
      const broken = state.project.broken.filter((b) => b.file !== ev.file);
      set({ flows, project: { ...state.project, broken }, problems: recomputeProblems(flows) });
      return;
    }
  }
  // A deleted or broken flow, or parley.yaml / nlu.yaml: reload the whole project.
  void state.api
    ?.call('project.reload', {})
    .then((snap) => {
      const dirty = Object.entries(get().flows).filter(([, d]) => d.save !== 'saved');
      const next = fromSnapshot(snap);
      // Keep this window's unsaved edits; they will surface as conflicts when saved.
      for (const [id, d] of dirty) if (next.flows) next.flows[id] = d;
      set(next);
    })
    .catch(() => undefined);
}

/** Replaces a whole flow, as one undoable edit (the source view applies valid YAML this way). */
export function replaceFlow(flowId: string, flow: Flow, options: EditOptions = {}): void {
  editFlow(flowId, [{ type: 'flow.replace', flow }], options);
}

export function selectFlow(flowId: string): void {
  if (get().flowId === flowId) return;
  set({ flowId, selectedNodeId: undefined, selectedNodeIds: [], view: 'canvas' });
}

export function selectNode(nodeId: string | undefined): void {
  set({ selectedNodeId: nodeId, selectedNodeIds: nodeId ? [nodeId] : [] });
}

/** Opens a flow on the canvas, selects a node and asks the canvas to centre on it (search, problems, go-to). */
export function revealNode(flowId: string, nodeId: string): void {
  const seq = (get().focusRequest?.seq ?? 0) + 1;
  selectFlow(flowId);
  set({ view: 'canvas', selectedNodeId: nodeId, selectedNodeIds: [nodeId], focusRequest: { flowId, nodeId, seq } });
}

export function openSource(file: string): void {
  set({ view: 'source', sourceFile: file });
}

export function setView(view: View): void {
  set({ view });
}

export function toggleTheme(): void {
  set({ theme: get().theme === 'light' ? 'dark' : 'light' });
}

/** After the source view wrote a project file, pick up the result. */
export async function reloadProject(): Promise<void> {
  const { api } = get();
  if (!api) return;
  set(fromSnapshot(await api.call('project.reload', {})));
}

/** Opens (or, with a name, creates) a project in this window, after saving this window's pending edits. */
export async function openProject(dir: string, createWithName?: string): Promise<void> {
  const { api } = get();
  if (!api) return;
  await flushSaves();
  const snap = createWithName ? await api.call('project.create', { dir, name: createWithName }) : await api.call('project.open', { dir });
  set({ flowId: undefined, selectedNodeId: undefined, view: 'canvas', sourceFile: undefined });
  set(fromSnapshot(snap));
}

export function dismissNotice(): void {
  set({ notice: undefined });
}
