// One studio store: the zustand store and its actions, put together from the parts in this folder. It takes its
// API, storage and timers as arguments, so autosave, conflicts, drafts and undo are tested without a browser;
// the app's instance is `studioStore.ts`.
import { createStore } from 'zustand/vanilla';
import type { ParleyApi } from '../../../shared/api/contract';
import { createClipboard } from './clipboard';
import { createConflicts } from './conflicts';
import { createCopyEdits } from './copyEdits';
import { createDrafts } from './drafts';
import { createEditing } from './editing';
import { createFlows } from './flows';
import { createFlowHistories, createUndo } from './history';
import { createPersistence } from './persistence';
import { createPrefs, readPrefs } from './prefs';
import { loadChecks as loadCheckModules, loadedChecks, type Checks } from './checks';
import { createProblems } from './problems';
import { createReloads } from './reloads';
import { createProject } from './project';
import { createSelection } from './selection';
import { globalTimers, type KeyValueStorage, type Timers } from './storage';
import type { StudioContext, StudioState } from './studioState';
import { NO_STORIES } from './storyFiles';
import { createView } from './view';

export interface StudioDeps {
  /** The way to main; `initStudio(api)` sets it too (the app passes it there). */
  api?: ParleyApi;
  /** Where drafts and preferences are kept: the browser's local storage in the app. */
  storage: KeyValueStorage;
  /** For the autosave's debounce and retries and the drafts' throttle; the global timers by default. */
  timers?: Timers;
  /** Registers a listener for the page going away (pending drafts and saves are written then); none in tests. */
  onPageHide?: (listener: () => void) => void;
  /** The checks behind the Problems panel, already loaded (tests); by default they load at the first edit. */
  checks?: Checks;
  /** How the checks load when first needed (checks.ts by default; tests count the calls). */
  loadChecks?: () => Promise<Checks>;
}

export function createStudioStore({ api, storage, timers = globalTimers, onPageHide, checks, loadChecks = loadCheckModules }: StudioDeps) {
  const store = createStore<StudioState>(() => ({
    api,
    status: 'loading',
    flows: {},
    problems: [],
    trail: [],
    selectedNodeIds: [],
    view: 'canvas',
    reviewMode: false,
    ...readPrefs(storage),
    historyTick: 0,
    helpOpen: false,
    stories: NO_STORIES,
  }));
  let loaded = checks;
  const ctx: StudioContext = {
    store,
    get: store.getState,
    set: (patch) => store.setState(patch),
    timers,
    // loaded here, or by a view that needed them first (useChecks)
    checks: () => loaded ?? loadedChecks(),
    loadChecks: () => loadChecks().then((c) => (loaded = c)),
  };

  const drafts = createDrafts(storage, timers);
  onPageHide?.(drafts.flushDrafts);
  const histories = createFlowHistories();
  const problems = createProblems(ctx);
  const persistence = createPersistence(ctx, { drafts, problems });
  const reloads = createReloads(ctx);
  const conflicts = createConflicts(ctx, { drafts, histories, persistence, problems, reloads });
  const editing = createEditing(ctx, { drafts, histories, persistence, problems });
  const selection = createSelection(ctx);
  const view = createView(ctx);
  const { onFileChanged } = conflicts;
  const project = createProject(ctx, { histories, persistence, problems, reloads, onFileChanged, onPageHide });
  const { setFlowContent } = editing;
  const undo = createUndo(ctx, { histories, setFlowContent, keepSelectionValid: selection.keepSelectionValid });

  const { reloadProject, markWrite, openProject, onProjectSwitch } = project;
  const { editFlow, replaceFlow } = editing;
  const { refreshStoryFiles, setStoryFile } = problems;
  const { flushSaves, saveFlow } = persistence;
  const { takeDiskVersion } = conflicts;
  const { selectFlow, enterFlow, backTo, revealNode, openSource, setView, dismissNotice, toggleReviewMode } = view;
  const { selectNode, setSelection } = selection;
  return {
    store,
    /** Connects to main (`api`, or the one this store was made with), loads the open project, follows file changes. */
    initStudio: (connectTo: ParleyApi | undefined = api): Promise<void> => project.initStudio(connectTo),
    reloadProject,
    markWrite,
    openProject,
    onProjectSwitch,
    editFlow,
    replaceFlow,
    ...undo,
    refreshStoryFiles,
    setStoryFile,
    flushSaves,
    saveFlow,
    flushDrafts: drafts.flushDrafts,
    takeDiskVersion,
    selectFlow,
    enterFlow,
    backTo,
    revealNode,
    openSource,
    setView,
    dismissNotice,
    toggleReviewMode,
    selectNode,
    setSelection,
    ...createPrefs(ctx, storage),
    ...createClipboard(ctx, editing),
    ...createFlows(ctx, { drafts, editing, histories, problems, selectFlow }),
    ...createCopyEdits(ctx, { editing, histories, undo: (flowId) => undo.undo(flowId), markWrite, reloadProject }),
  };
}

export type Studio = ReturnType<typeof createStudioStore>;
