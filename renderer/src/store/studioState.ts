// The studio store's state, and the context every part of the store works on (its get and set).
import type { Checks } from './checks';
import type { StoreApi } from 'zustand/vanilla';
import type { ParleyApi, ProjectSnapshot } from '../../../shared/api/contract';
import type { Problem } from '../../../shared/project/problems';
import type { Flow } from '../../../shared/schema/project';
import type { Timers } from './storage';
import type { StoryFiles } from './storyFiles';

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

export type View = 'canvas' | 'source' | 'copy';

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
  /**
   * Review mode: the project read-only for a shared screen (no editing chrome, nothing can move or change), large
   * type, the comments and the flow's approval beside the canvas.
   */
  reviewMode: boolean;
  snapToGrid: boolean;
  /** The locale the canvas's cards show (and their inline edits write); unset: the project's default locale. */
  copyLocale?: string;
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

export interface EditOptions {
  /**
   * Edits with the same key in quick succession are one undo step (typing a sentence in one field).
   * Use a key naming the field, e.g. `copy:welcome.say.en`.
   */
  coalesce?: string;
}

/** What each part of the store works on: one store instance, and the timers it debounces and retries with. */
export interface StudioContext {
  store: StoreApi<StudioState>;
  get: () => StudioState;
  set: (patch: Partial<StudioState>) => void;
  timers: Timers;
  /** The checks behind the Problems panel, once loaded (checks.ts); tests pass them in. */
  checks: () => Checks | undefined;
  /** Loads the checks (once: the first edit, a rename) and resolves with them. */
  loadChecks: () => Promise<Checks>;
}

export { flowsOf } from '../../../shared/project/flowsOf';

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
