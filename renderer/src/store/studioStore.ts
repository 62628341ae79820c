import { create } from 'zustand';
import type { EventPayload, ParleyApi, ProjectSnapshot } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { applyChanges, type FlowChange } from '../../../shared/project/changes';
import { cloneNodes, uniqueId } from '../../../shared/project/factory';
import { createHistory, type History } from '../../../shared/project/history';
import { fieldPath, type Problem } from '../../../shared/project/problems';
import { MANIFEST_FILE, validateProject } from '../../../shared/project/validate';
import type { Position } from '../../../shared/schema/common';
import type { FlowNode } from '../../../shared/schema/nodes';
import { Flow as FlowSchema, type Flow } from '../../../shared/schema/project';
import { clearDraft, readDrafts, scheduleDraft } from './drafts';
import { NO_STORIES, readStoryFiles, storyFileProblems, type StoryDoc, type StoryFiles } from './storyFiles';

/** `invalid`: the flow in memory breaks the schema (e.g. an emptied required field); it is not written. */
export type SaveState = 'saved' | 'dirty' | 'saving' | 'error' | 'invalid';

export interface FlowDoc {
  flow: Flow;
  /** Revision of the file this flow was last read from or written to; null for a flow not on disk yet. */
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
  /** Flows entered through go-to-definition, for the breadcrumbs (the current flow is last). */
  trail: string[];
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
  /** High contrast and larger text, for reviews on a projector. */
  presentation: boolean;
  snapToGrid: boolean;
  helpOpen: boolean;
  /** A long-running command in progress (auto-layout), shown in the toolbar. */
  busy?: string;
  /** Bumped on every history change, so undo/redo buttons re-render. */
  historyTick: number;
  /** A one-off message for the user (shown as a dismissible banner). */
  notice?: string;
  /** The story files, checked with the flows for the Problems panel and rewritten by a node rename. */
  stories: StoryFiles;
}

const SAVE_DEBOUNCE_MS = 400;
const SAVE_RETRY_MS = 3000;
const saveTimers = new Map<string, ReturnType<typeof setTimeout>>();
const histories = new Map<string, History<Flow>>();
let clipboard: FlowNode[] = [];

const prefs = (() => {
  try {
    return JSON.parse(localStorage.getItem('parley.prefs') ?? '{}') as Partial<Pick<StudioState, 'theme' | 'presentation' | 'snapToGrid'>>;
  } catch {
    return {};
  }
})();

export const useStudio = create<StudioState>(() => ({
  api: undefined,
  status: 'loading',
  flows: {},
  problems: [],
  trail: [],
  selectedNodeIds: [],
  view: 'canvas',
  theme: prefs.theme === 'dark' ? 'dark' : 'light',
  presentation: prefs.presentation === true,
  snapToGrid: prefs.snapToGrid !== false,
  historyTick: 0,
  helpOpen: false,
  stories: NO_STORIES,
}));

const set = useStudio.setState;
const get = useStudio.getState;

const historyOf = (flowId: string): History<Flow> => {
  let h = histories.get(flowId);
  if (!h) histories.set(flowId, (h = createHistory<Flow>({ limit: 300 })));
  return h;
};

function fromSnapshot(snap: ProjectSnapshot): Partial<StudioState> {
  const { flows, problems, ...project } = snap;
  const docs: Record<string, FlowDoc> = {};
  for (const [id, e] of Object.entries(flows)) docs[id] = { flow: e.flow, revision: e.revision, save: 'saved' };
  histories.clear();
  const current = get().flowId;
  const flowId = current && docs[current] ? current : docs[snap.manifest.startFlow] ? snap.manifest.startFlow : Object.keys(docs)[0];
  // parley.yaml does not load: nothing else can be shown, so open it in the raw source view to be fixed there.
  const fixManifest = snap.broken.some((b) => b.file === MANIFEST_FILE) ? { view: 'source' as const, sourceFile: MANIFEST_FILE } : {};
  const model = { manifest: snap.manifest, nlu: snap.nlu, flows: Object.fromEntries(Object.entries(flows).map(([id, e]) => [id, e.flow])) };
  const all = [...problems, ...storyFileProblems(model, get().stories)];
  return { status: 'ready', project, flows: docs, problems: all, trail: flowId ? [flowId] : [], ...(flowId ? { flowId } : {}), ...fixManifest };
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
    const unsaved = Object.values(get().flows)
      .filter((d) => d.save !== 'saved')
      .map((d) => d.flow.name);
    void api.call('project.current', {}).then((snap) => {
      if (!snap) return;
      showProject(snap);
      if (unsaved.length) set({ notice: `Another window opened ${snap.manifest.name}. Unsaved edits to ${unsaved.join(', ')} could not be saved.` });
    });
  });
  window.addEventListener('pagehide', () => void flushSaves());
  try {
    const snap = await api.call('project.current', {});
    if (!snap) set({ status: 'no-project' });
    else {
      set(fromSnapshot(snap));
      recoverDrafts();
      void refreshStoryFiles();
    }
  } catch (e) {
    set({ status: 'error', message: errorText(e) });
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
  for (const draft of readDrafts(project.dir)) {
    const doc = next[draft.flowId];
    const parsed = FlowSchema.safeParse(draft.flow);
    if (!parsed.success) {
      clearDraft(project.dir, draft.flowId);
      continue;
    }
    if (doc && JSON.stringify(doc.flow) === JSON.stringify(parsed.data)) {
      clearDraft(project.dir, draft.flowId);
      continue;
    }
    if (doc && doc.revision === draft.baseRevision) {
      next[draft.flowId] = { ...doc, flow: parsed.data, save: 'dirty' };
    } else if (doc) {
      next[draft.flowId] = { ...doc, flow: parsed.data, save: 'dirty', conflict: { diskRevision: doc.revision, diskFlow: doc.flow } };
    } else if (draft.baseRevision === null) {
      next[draft.flowId] = { flow: parsed.data, revision: null, save: 'dirty' };
    } else continue;
    recovered.push(parsed.data.name);
  }
  if (!recovered.length) return;
  set({ flows: next, problems: recomputeProblems(next), notice: `Recovered unsaved edits to ${recovered.join(', ')}.` });
  for (const [id, d] of Object.entries(next)) if (d.save === 'dirty' && !d.conflict) scheduleSave(id);
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface EditOptions {
  /**
   * Edits with the same key in quick succession are one undo step (typing a sentence in one field).
   * Use a key naming the field, e.g. `copy:welcome.say.en`.
   */
  coalesce?: string;
}

/** Applies typed changes to a flow as one undo step, recomputes problems, and schedules an autosave. */
export function editFlow(flowId: string, changes: FlowChange[], options: EditOptions = {}): void {
  const doc = get().flows[flowId];
  if (!doc) return;
  const flow = applyChanges(doc.flow, changes);
  if (flow === doc.flow) return;
  historyOf(flowId).record(doc.flow, flow, options.coalesce ? { key: options.coalesce } : {});
  setFlowContent(flowId, flow);
}

/** Puts new content in place as an unsaved edit: problems, draft, autosave. */
function setFlowContent(flowId: string, flow: Flow): void {
  const doc = get().flows[flowId];
  if (!doc) return;
  const flows = { ...get().flows, [flowId]: { ...doc, flow, save: 'dirty' as const } };
  set({ flows, problems: recomputeProblems(flows), historyTick: get().historyTick + 1 });
  const dir = get().project?.dir;
  if (dir) scheduleDraft(dir, flowId, doc.revision, flow);
  scheduleSave(flowId);
}

/** Replaces a whole flow, as one undoable edit (the source view applies valid YAML this way). */
export function replaceFlow(flowId: string, flow: Flow, options: EditOptions = {}): void {
  editFlow(flowId, [{ type: 'flow.replace', flow }], options);
}

export function undo(flowId = get().flowId): void {
  const doc = flowId ? get().flows[flowId] : undefined;
  if (!flowId || !doc) return;
  const prev = historyOf(flowId).undo(doc.flow);
  if (prev) {
    setFlowContent(flowId, prev);
    keepSelectionValid(prev);
  }
}

/** After undo or redo, drop selected ids that no longer exist (an undone add or rename). */
function keepSelectionValid(flow: Flow): void {
  const ids = new Set(flow.nodes.map((n) => n.id));
  const { selectedNodeIds, selectedNodeId } = get();
  const kept = selectedNodeIds.filter((id) => ids.has(id) || id.startsWith('group:'));
  if (kept.length !== selectedNodeIds.length || (selectedNodeId && !ids.has(selectedNodeId))) {
    set({ selectedNodeIds: kept, selectedNodeId: selectedNodeId && ids.has(selectedNodeId) ? selectedNodeId : kept[kept.length - 1] });
  }
}

export function redo(flowId = get().flowId): void {
  const doc = flowId ? get().flows[flowId] : undefined;
  if (!flowId || !doc) return;
  const next = historyOf(flowId).redo(doc.flow);
  if (next) {
    setFlowContent(flowId, next);
    keepSelectionValid(next);
  }
}

export const canUndo = (flowId: string | undefined): boolean => Boolean(flowId && histories.get(flowId)?.canUndo());
export const canRedo = (flowId: string | undefined): boolean => Boolean(flowId && histories.get(flowId)?.canRedo());

/** Ends the current undo step (e.g. when a text field loses focus). */
export function sealHistory(flowId = get().flowId): void {
  if (flowId) histories.get(flowId)?.seal();
}

function recomputeProblems(flows: Record<string, FlowDoc>): Problem[] {
  const { project, problems } = get();
  if (!project) return problems;
  const model = { manifest: project.manifest, nlu: project.nlu, flows: Object.fromEntries(Object.entries(flows).map(([id, d]) => [id, d.flow])) };
  const broken = project.broken.map((b) => b.file);
  return [...problems.filter((p) => broken.includes(p.file)), ...validateProject(model, { broken }), ...storyFileProblems(model, get().stories)];
}

/** Reads the story files again (after opening a project, saving a story, or running the stories panel). */
export async function refreshStoryFiles(): Promise<void> {
  const { api, project } = get();
  if (!api || !project) return;
  try {
    const stories = await readStoryFiles(api);
    if (get().project?.dir !== project.dir) return;
    set({ stories });
    set({ problems: recomputeProblems(get().flows) });
  } catch {
    // no story checks until the next refresh; the stories panel says what is wrong
  }
}

/** A story file this window wrote (a rename): its new text and revision. */
export function setStoryFile(file: string, doc: StoryDoc): void {
  const { stories } = get();
  set({ stories: { ...stories, files: { ...stories.files, [file]: doc } } });
  set({ problems: recomputeProblems(get().flows) });
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
  const pending = Object.entries(get().flows).filter(([, d]) => d.save === 'dirty' || d.save === 'error');
  await Promise.all(pending.map(([id]) => saveFlow(id)));
}

const patchDoc = (flowId: string, patch: Partial<FlowDoc>) => {
  const doc = get().flows[flowId];
  if (doc) set({ flows: { ...get().flows, [flowId]: { ...doc, ...patch } } });
};

export async function saveFlow(flowId: string, force = false): Promise<void> {
  clearTimeout(saveTimers.get(flowId));
  const { api, project } = get();
  const doc = get().flows[flowId];
  if (!api || !project || !doc || (doc.conflict && !force) || doc.save === 'saving') {
    if (doc?.save === 'saving') scheduleSave(flowId); // a save is in flight: try again after it
    return;
  }
  // Never send a flow that breaks the schema: the host would refuse it anyway, and the user sees why here.
  const valid = FlowSchema.safeParse(doc.flow);
  if (!valid.success) {
    const issue = valid.error.issues[0];
    const where = issue ? fieldPath(issue.path) : '';
    patchDoc(flowId, { save: 'invalid', error: issue ? `${where}: ${issue.message}` : 'invalid flow' });
    return;
  }
  const sent = doc.flow;
  const baseRevision = force && doc.conflict ? doc.conflict.diskRevision : doc.revision;
  patchDoc(flowId, { save: 'saving' });
  try {
    const res = await api.call('flow.save', { project: project.dir, flowId, flow: sent, baseRevision });
    const now = get().flows[flowId] ?? doc;
    const { conflict: _conflict, error: _error, ...rest } = now;
    const changedMeanwhile = now.flow !== sent;
    set({ flows: { ...get().flows, [flowId]: { ...rest, revision: res.revision, save: changedMeanwhile ? 'dirty' : 'saved' } } });
    if (changedMeanwhile) scheduleSave(flowId);
    else clearDraft(project.dir, flowId);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'CONFLICT') {
      const diskRevision = (e.details as { diskRevision?: string | null } | undefined)?.diskRevision ?? null;
      patchDoc(flowId, { save: 'dirty', conflict: { diskRevision } });
    } else {
      patchDoc(flowId, { save: 'error', error: errorText(e) });
      // The host may be busy or restarting: try again shortly (the edit also sits in the local draft).
      clearTimeout(saveTimers.get(flowId));
      saveTimers.set(
        flowId,
        setTimeout(() => void saveFlow(flowId), SAVE_RETRY_MS),
      );
    }
  }
}

/** Resolves a conflict by taking the version on disk (the local edits are dropped). */
export async function takeDiskVersion(flowId: string): Promise<void> {
  const { api, project } = get();
  if (!api) return;
  const snap = await api.call('project.reload', {});
  const entry = snap.flows[flowId];
  if (project) clearDraft(project.dir, flowId);
  histories.get(flowId)?.clear();
  if (entry) {
    const flows = { ...get().flows, [flowId]: { flow: entry.flow, revision: entry.revision, save: 'saved' as const } };
    set({ flows, problems: snap.problems });
    set({ problems: recomputeProblems(flows) });
  } else set(fromSnapshot(snap));
}

function onFileChanged(ev: EventPayload<'project.fileChanged'>): void {
  const state = get();
  if (!state.project) return;
  if (ev.flowId) {
    const doc = state.flows[ev.flowId];
    if (doc && doc.revision === ev.revision) return; // our own save, echoed back
    if (doc && doc.save !== 'saved' && ev.revision !== doc.revision) {
      patchDoc(ev.flowId, { conflict: { diskRevision: ev.revision, ...(ev.flow ? { diskFlow: ev.flow } : {}) } });
      return;
    }
    if (ev.flow && ev.revision) {
      histories.get(ev.flowId)?.clear(); // undo across a change made elsewhere would be confusing
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

export function selectFlow(flowId: string): void {
  if (get().flowId === flowId && get().view === 'canvas') return;
  set({ flowId, trail: [flowId], selectedNodeId: undefined, selectedNodeIds: [], view: 'canvas', focusRequest: undefined });
}

/** Go-to-definition: opens a called or jumped-to flow and remembers the way back (breadcrumbs). */
export function enterFlow(flowId: string, nodeId?: string): void {
  const { trail, flowId: current } = get();
  const base = current && trail[trail.length - 1] === current ? trail : current ? [current] : [];
  const at = base.indexOf(flowId);
  const nextTrail = at >= 0 ? base.slice(0, at + 1) : [...base, flowId];
  const target = nodeId ?? get().flows[flowId]?.flow.nodes.find((n) => n.kind === 'start')?.id;
  set({ flowId, trail: nextTrail, view: 'canvas', selectedNodeId: target, selectedNodeIds: target ? [target] : [] });
  if (target) set({ focusRequest: { flowId, nodeId: target, seq: (get().focusRequest?.seq ?? 0) + 1 } });
}

/** Goes back along the breadcrumbs to a flow in the trail. */
export function backTo(flowId: string): void {
  const { trail } = get();
  const at = trail.indexOf(flowId);
  set({ flowId, trail: at >= 0 ? trail.slice(0, at + 1) : [flowId], view: 'canvas', selectedNodeId: undefined, selectedNodeIds: [] });
}

export function selectNode(nodeId: string | undefined): void {
  set({ selectedNodeId: nodeId, selectedNodeIds: nodeId ? [nodeId] : [] });
}

/** The canvas reports its selection (click, shift-click, box). */
export function setSelection(ids: string[]): void {
  const { selectedNodeIds, selectedNodeId } = get();
  const had = new Set(selectedNodeIds);
  if (ids.length === had.size && ids.every((id) => had.has(id))) return;
  const primary = selectedNodeId && ids.includes(selectedNodeId) ? selectedNodeId : ids[ids.length - 1];
  set({ selectedNodeIds: ids, selectedNodeId: primary });
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

const savePrefs = () => {
  const { theme, presentation, snapToGrid } = get();
  try {
    localStorage.setItem('parley.prefs', JSON.stringify({ theme, presentation, snapToGrid }));
  } catch {
    // storage full or disabled: preferences just do not persist
  }
};

export function toggleTheme(): void {
  set({ theme: get().theme === 'light' ? 'dark' : 'light' });
  savePrefs();
}

export function togglePresentation(): void {
  set({ presentation: !get().presentation });
  savePrefs();
}

export function toggleSnap(): void {
  set({ snapToGrid: !get().snapToGrid });
  savePrefs();
}

export function dismissNotice(): void {
  set({ notice: undefined });
}

/** After the source view wrote a project file, pick up the result. */
export async function reloadProject(): Promise<void> {
  const { api } = get();
  if (!api) return;
  set(fromSnapshot(await api.call('project.reload', {})));
  await refreshStoryFiles();
}

/** Opens (or, with a name, creates) a project in this window, after saving this window's pending edits. */
export async function openProject(dir: string, createWithName?: string): Promise<void> {
  const { api } = get();
  if (!api) return;
  await flushSaves();
  const snap = createWithName ? await api.call('project.create', { dir, name: createWithName }) : await api.call('project.open', { dir });
  showProject(snap);
}

/**
 * Shows a project that this window or another one opened. The flows, histories, pending saves, selection and
 * view start afresh; the panels reset themselves through `onProjectSwitch`.
 */
function showProject(snap: ProjectSnapshot): void {
  for (const t of saveTimers.values()) clearTimeout(t);
  saveTimers.clear();
  set({ flowId: undefined, selectedNodeId: undefined, selectedNodeIds: [], focusRequest: undefined, view: 'canvas', sourceFile: undefined, busy: undefined, stories: NO_STORIES });
  set(fromSnapshot(snap));
  void refreshStoryFiles();
}

/** Calls `fn` each time this window starts showing another project (opened here or in another window). */
export function onProjectSwitch(fn: () => void): () => void {
  return useStudio.subscribe((now, before) => {
    if (before.project && now.project && now.project.dir !== before.project.dir) fn();
  });
}

// ---- Selection commands: delete, duplicate, copy and paste -------------------------------------------

export function deleteSelection(): void {
  const { flowId, selectedNodeIds } = get();
  if (!flowId || !selectedNodeIds.length) return;
  editFlow(
    flowId,
    selectedNodeIds.map((id) => ({ type: 'node.remove' as const, id })),
  );
  set({ selectedNodeIds: [], selectedNodeId: undefined });
}

export function copySelection(): number {
  const { flowId, selectedNodeIds, flows } = get();
  const flow = flowId ? flows[flowId]?.flow : undefined;
  if (!flow) return 0;
  const ids = new Set(selectedNodeIds);
  clipboard = flow.nodes.filter((n) => ids.has(n.id));
  return clipboard.length;
}

/** Pastes the copied nodes into the current flow (ids remapped), offset from the originals or at `at`. */
export function paste(at?: Position): void {
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

export function duplicateSelection(): void {
  if (copySelection()) paste();
}

// ---- Flows: create, rename, duplicate, delete ------------------------------------------------------

export async function createFlow(name: string, from?: Flow): Promise<string | undefined> {
  const { api, project, flows } = get();
  if (!api || !project) return undefined;
  const flowId = uniqueId(name, new Set([...Object.keys(flows), ...project.broken.map((b) => b.file.replace(/^flows\/|\.yaml$/g, ''))]));
  const flow: Flow = from ? { ...from, name } : { name, nodes: [{ id: 'start', kind: 'start', position: { x: 0, y: 0 } }] };
  const res = await api.call('flow.save', { project: project.dir, flowId, flow, baseRevision: null });
  const all = { ...get().flows, [flowId]: { flow, revision: res.revision, save: 'saved' as const } };
  set({ flows: all, problems: recomputeProblems(all) });
  selectFlow(flowId);
  return flowId;
}

export function renameFlow(flowId: string, name: string): void {
  if (name.trim()) editFlow(flowId, [{ type: 'flow.rename', name: name.trim() }]);
}

export async function deleteFlow(flowId: string): Promise<void> {
  const { api, project, flows } = get();
  const doc = flows[flowId];
  if (!api || !project || !doc?.revision) return;
  await api.call('flow.delete', { project: project.dir, flowId, baseRevision: doc.revision });
  const { [flowId]: _gone, ...rest } = get().flows;
  histories.delete(flowId);
  clearDraft(project.dir, flowId);
  const next = get().flowId === flowId ? (rest[project.manifest.startFlow] ? project.manifest.startFlow : Object.keys(rest)[0]) : get().flowId;
  set({ flows: rest, problems: recomputeProblems(rest), flowId: next, trail: next ? [next] : [], selectedNodeId: undefined, selectedNodeIds: [] });
}
