// The open project: connecting to main, loading, reloading, opening another one (here or in another window).
import type { Reloads } from './reloads';
import type { EventPayload, ParleyApi, ProjectSnapshot, ProjectTemplate } from '../../../shared/api/contract';
import type { FlowHistories } from './history';
import type { Persistence } from './persistence';
import type { Problems } from './problems';
import { fromSnapshot } from './snapshot';
import { errorText, type StudioContext } from './studioState';
import { NO_STORIES } from './storyFiles';

interface ProjectDeps {
  histories: FlowHistories;
  persistence: Persistence;
  problems: Problems;
  reloads: Reloads;
  onFileChanged(ev: EventPayload<'project.fileChanged'>): void;
  /** Registers a listener for the page going away; absent outside a browser. */
  onPageHide: ((listener: () => void) => void) | undefined;
}

export function createProject(ctx: StudioContext, deps: ProjectDeps) {
  const { store, get, set } = ctx;
  const { histories, persistence, problems, reloads, onFileChanged, onPageHide } = deps;

  /**
   * Shows a project that this window or another one opened. The flows, histories, pending saves, selection and
   * view start afresh; the panels reset themselves through `onProjectSwitch`.
   */
  function showProject(snap: ProjectSnapshot): void {
    persistence.cancelSaves();
    set({
      flowId: undefined,
      selectedNodeId: undefined,
      selectedNodeIds: [],
      focusRequest: undefined,
      view: 'canvas',
      sourceFile: undefined,
      busy: undefined,
      stories: NO_STORIES,
    });
    set(fromSnapshot(snap, ctx, histories));
    void problems.refreshStoryFiles();
  }

  return {
    /** Connects to main, loads the open project and subscribes to file changes. */
    async initStudio(api: ParleyApi | undefined): Promise<void> {
      if (!api) {
        set({ status: 'error', message: 'This page was opened without its access token. Open the URL that `npm start` or `parley web` printed.' });
        return;
      }
      set({ api });
      api.on('project.fileChanged', onFileChanged);
      // Web mode opens the project once the page can connect, so main may announce it while the first load below
      // still waits for it: the announcement is looked at after that load, which then shows that very project.
      let firstLoad: Promise<void> = Promise.resolve();
      api.on('project.opened', ({ dir }) => {
        void firstLoad.then(() => {
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
      });
      onPageHide?.(() => void persistence.flushSaves());
      firstLoad = (async () => {
        try {
          const snap = await api.call('project.current', {});
          if (!snap) set({ status: 'no-project' });
          else {
            set(fromSnapshot(snap, ctx, histories));
            persistence.recoverDrafts();
            void problems.refreshStoryFiles();
          }
        } catch (e) {
          set({ status: 'error', message: errorText(e) });
        }
      })();
      await firstLoad;
    },

    /**
     * After the source view wrote a project file, pick up the result (unsaved edits of flows are kept). `since`: the
     * mark taken before the write (`markWrite`), so that a reload main's announcement of the write started is shared.
     */
    async reloadProject(since?: number): Promise<void> {
      const snap = await reloads.reload(since);
      if (snap) {
        set(fromSnapshot(snap, ctx, histories, { keepEdits: true }));
        if (Object.values(get().flows).some((d) => d.save !== 'saved')) set({ problems: problems.recomputeProblems(get().flows) });
      }
      await problems.refreshStoryFiles();
    },

    /** A mark to take before the source view writes a project file, for `reloadProject(mark)` after it. */
    markWrite: (): number => reloads.mark(),

    /** Opens (or, with a name, creates from `template`) a project in this window, after saving this window's pending edits. */
    async openProject(dir: string, createWithName?: string, template?: ProjectTemplate): Promise<void> {
      const { api } = get();
      if (!api) return;
      await persistence.flushSaves();
      const snap = createWithName
        ? await api.call('project.create', { dir, name: createWithName, ...(template ? { template } : {}) })
        : await api.call('project.open', { dir });
      showProject(snap);
    },

    /** Calls `fn` each time this window starts showing another project (opened here or in another window). */
    onProjectSwitch(fn: () => void): () => void {
      return store.subscribe((now, before) => {
        if (before.project && now.project && now.project.dir !== before.project.dir) fn();
      });
    },
  };
}
