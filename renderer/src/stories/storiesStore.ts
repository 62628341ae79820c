// The stories panel's state: the project's stories, the last results, live progress, and the coverage overlay.
import { create } from 'zustand';
import type { StoriesReport, StoryInfo, StoryRunView } from '../../../shared/api/contract';
import type { Problem } from '../../../shared/project/problems';
import { errorText, flushSaves, onProjectSwitch, refreshStoryFiles, useStudio } from '../store/studioStore';

export interface StoriesState {
  open: boolean;
  stories: StoryInfo[];
  problems: Problem[];
  /** Results by file, from the latest run of each story. */
  results: Record<string, StoryRunView>;
  coverage?: StoriesReport['coverage'];
  running: boolean;
  progress?: { done: number; total: number };
  error?: string;
  /** Show on the canvas the nodes no story visits. */
  overlay: boolean;
  expanded?: string;
  tag?: string;
}

export const useStories = create<StoriesState>(() => ({ open: false, stories: [], problems: [], results: {}, running: false, overlay: true }));
const set = useStories.setState;
const get = useStories.getState;
let listening = false;

const api = () => {
  const a = useStudio.getState().api;
  if (!a) throw new Error('not connected');
  return a;
};

/** Whether the project is still the one `dir` names (a reply for another project is dropped). */
const stillOn = (dir: string | undefined) => useStudio.getState().project?.dir === dir;

export async function refreshStories(): Promise<void> {
  const dir = useStudio.getState().project?.dir;
  try {
    const { stories, problems } = await api().call('stories.list', {});
    if (stillOn(dir)) set({ stories, problems, error: undefined });
    // the files may have changed outside the studio: the Problems panel checks them too
    void refreshStoryFiles();
  } catch (e) {
    set({ error: errorText(e) });
  }
}

export async function openStories(): Promise<void> {
  set({ open: true });
  if (!listening) {
    listening = true;
    api().on('stories.progress', (p) => {
      if (get().running) set({ progress: { done: p.done, total: p.total } });
    });
  }
  await refreshStories();
}

export const closeStories = () => set({ open: false });
export const toggleStories = () => (get().open ? closeStories() : void openStories());

/** Runs the given stories (all when omitted); keeps earlier results of stories not run. */
export async function runStories(files?: string[]): Promise<void> {
  const project = useStudio.getState().project?.dir;
  if (!project || get().running) return;
  set({ running: true, progress: { done: 0, total: files?.length ?? get().stories.length }, error: undefined });
  try {
    await flushSaves();
    const report = await api().call('stories.run', { project, ...(files ? { files } : {}) });
    if (!stillOn(project)) return;
    const results = { ...(files ? get().results : {}) };
    for (const r of report.stories) results[r.file] = r;
    const firstFailed = report.stories.find((r) => !r.passed)?.file;
    set({
      results,
      problems: report.problems,
      ...(files ? {} : { coverage: report.coverage }),
      running: false,
      progress: undefined,
      ...(firstFailed ? { expanded: firstFailed } : {}),
    });
    if (files) void refreshCoverage();
    await refreshStories();
  } catch (e) {
    if (stillOn(project)) set({ running: false, progress: undefined, error: errorText(e) });
  }
}

// Another project: the list, results and coverage were the old project's.
onProjectSwitch(() => {
  set({
    stories: [],
    problems: [],
    results: {},
    coverage: undefined,
    running: false,
    progress: undefined,
    error: undefined,
    expanded: undefined,
    tag: undefined,
  });
  if (get().open) void refreshStories();
});

/** Coverage needs every story: after running a few, it is recomputed from a full run in the background. */
async function refreshCoverage(): Promise<void> {
  const project = useStudio.getState().project?.dir;
  if (!project) return;
  try {
    const report = await api().call('stories.run', { project });
    if (stillOn(project)) set({ coverage: report.coverage });
  } catch {
    // coverage stays as it was
  }
}

export const runFailed = () =>
  runStories(
    Object.values(get().results)
      .filter((r) => !r.passed)
      .map((r) => r.file),
  );

/**
 * The stories whose last run went through node `address` (`flow/node`): a turn's path entered it or the
 * conversation waited there. Known only from results; a story not run yet is not among them.
 */
export function storiesThrough(results: StoriesState['results'], address: string): string[] {
  return Object.values(results)
    .filter((r) => r.turns.some((t) => t.path.includes(address) || t.waitsAt === address))
    .map((r) => r.file);
}

export const setStories = (patch: Partial<Pick<StoriesState, 'overlay' | 'expanded' | 'tag'>>) => set(patch);

/** Nodes of `flowId` that no story visits (undefined while there is no coverage or the overlay is off). */
export function uncoveredNodes(s: StoriesState, flowId: string): readonly string[] | undefined {
  if (!s.open || !s.overlay || !s.coverage) return undefined;
  return s.coverage.flows.find((f) => f.flow === flowId)?.unvisited;
}

/** Exits (`node:port`) of `flowId` that no story takes (undefined while there is no coverage or the overlay is off). */
export function uncoveredExits(s: StoriesState, flowId: string): readonly string[] | undefined {
  if (!s.open || !s.overlay || !s.coverage) return undefined;
  return s.coverage.flows.find((f) => f.flow === flowId)?.uncovered;
}
