// The studio's store: the project as edited, what the window shows, and the actions that change them. Each part
// lives in its own file (persistence, conflicts, history, editing, selection, clipboard, view, prefs…), put
// together by `createStudioStore`; this file makes the app's one instance and exports its hook and actions.
import { useStore, type StoreApi, type UseBoundStore } from 'zustand';
import { createStudioStore } from './createStudioStore';
import { browserStorage, memoryStorage } from './storage';
import type { StudioState } from './studioState';

export type { StudioState } from './studioState';
export { errorText } from './studioState';

// Local storage and page events exist only in a browser; outside one (a unit test importing this module) the
// default instance keeps its drafts and preferences in memory.
const inBrowser = typeof window !== 'undefined';
const studio = createStudioStore({
  storage: inBrowser ? browserStorage() : memoryStorage(),
  ...(inBrowser ? { onPageHide: (listener: () => void) => window.addEventListener('pagehide', listener) } : {}),
});

const everything = (state: StudioState) => state;

/** The React hook of the app's store (`useStudio(selector)`), which is also the store (`getState`, `setState`…). */
export const useStudio = Object.assign(
  <U = StudioState>(selector: (state: StudioState) => U = everything as (state: StudioState) => U): U => useStore(studio.store, selector),
  studio.store,
) as UseBoundStore<StoreApi<StudioState>>;

export const { initStudio, reloadProject, markWrite, openProject, onProjectSwitch } = studio;
export const { editFlow, replaceFlow, undo, redo, canUndo, canRedo, sealHistory } = studio;
export const { refreshStoryFiles, setStoryFile, flushSaves, saveFlow, takeDiskVersion } = studio;
export const { selectFlow, enterFlow, backTo, revealNode, openSource, setView, dismissNotice, toggleReviewMode } = studio;
export const { selectNode, setSelection } = studio;
export const { toggleTheme, togglePresentation, toggleSnap } = studio;
export const { deleteSelection, copySelection, paste, duplicateSelection } = studio;
export const { createFlow, renameFlow, deleteFlow } = studio;
export const { applyCopyEdits, copyBatchLabel, undoCopyBatch } = studio;
