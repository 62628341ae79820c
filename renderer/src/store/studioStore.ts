// The studio's store: the project as edited, what the window shows, and the actions that change them. Each part
// lives in its own file (persistence, conflicts, history, editing, selection, clipboard, view, prefs…); this file
// puts them together on one zustand store and exports the actions the components call.
import { create } from 'zustand';
import { createClipboard } from './clipboard';
import { createConflicts } from './conflicts';
import * as drafts from './drafts';
import { createEditing } from './editing';
import { createFlows } from './flows';
import { createFlowHistories, createUndo } from './history';
import { createPersistence } from './persistence';
import { createPrefs, readPrefs } from './prefs';
import { createProblems } from './problems';
import { createProject } from './project';
import { createSelection } from './selection';
import type { StudioContext, StudioState } from './studioState';
import { NO_STORIES } from './storyFiles';
import { createView } from './view';

export type { EditOptions, FlowDoc, SaveState, StudioState, View } from './studioState';
export { errorText } from './studioState';

export const useStudio = create<StudioState>(() => ({
  api: undefined,
  status: 'loading',
  flows: {},
  problems: [],
  trail: [],
  selectedNodeIds: [],
  view: 'canvas',
  ...readPrefs(),
  historyTick: 0,
  helpOpen: false,
  stories: NO_STORIES,
}));

const ctx: StudioContext = { store: useStudio, get: useStudio.getState, set: (patch) => useStudio.setState(patch) };
const histories = createFlowHistories();
const problems = createProblems(ctx);
const persistence = createPersistence(ctx, { drafts, problems });
const conflicts = createConflicts(ctx, { drafts, histories, persistence, problems });
const editing = createEditing(ctx, { drafts, histories, persistence, problems });
const selection = createSelection(ctx);
const view = createView(ctx);
const project = createProject(ctx, { histories, persistence, problems, onFileChanged: conflicts.onFileChanged });

export const { initStudio, reloadProject, openProject, onProjectSwitch } = project;
export const { editFlow, replaceFlow } = editing;
export const { undo, redo, canUndo, canRedo, sealHistory } = createUndo(ctx, {
  histories,
  setFlowContent: editing.setFlowContent,
  keepSelectionValid: selection.keepSelectionValid,
});
export const { refreshStoryFiles, setStoryFile } = problems;
export const { flushSaves, saveFlow } = persistence;
export const { takeDiskVersion } = conflicts;
export const { selectFlow, enterFlow, backTo, revealNode, openSource, setView, dismissNotice } = view;
export const { selectNode, setSelection } = selection;
export const { toggleTheme, togglePresentation, toggleSnap } = createPrefs(ctx);
export const { deleteSelection, copySelection, paste, duplicateSelection } = createClipboard(ctx, editing);
export const { createFlow, renameFlow, deleteFlow } = createFlows(ctx, { drafts, editing, histories, problems, selectFlow });
