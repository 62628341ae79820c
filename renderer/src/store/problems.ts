// The Problems panel's list for the project as edited: the flows validated, and the story files checked against
// them (so the story files are read and kept here too). Both are incremental: an edit checks the edited flow again
// and what crosses flows (`validateIncremental.ts`), and new story files check the stories only.
import type { Problem } from '../../../shared/project/problems';
import { createIncrementalValidator } from '../../../shared/project/validateIncremental';
import type { FlowDoc, StudioContext } from './studioState';
import { createStoryChecker, flowProblemsOf, readStoryFiles, withStoryProblems, type StoryDoc } from './storyFiles';

export function createProblems({ get, set, timers }: StudioContext) {
  const validator = createIncrementalValidator();
  const checkStories = createStoryChecker();
  let warming = 0;

  function modelOf(flows: Record<string, FlowDoc>) {
    const project = get().project;
    if (!project) return undefined;
    const model = { manifest: project.manifest, nlu: project.nlu, flows: Object.fromEntries(Object.entries(flows).map(([id, d]) => [id, d.flow])) };
    return { model, broken: project.broken.map((b) => b.file) };
  }

  /** Every problem of the project with `flows` as edited: what `validateProject` and `storyFileProblems` find. */
  function recomputeProblems(flows: Record<string, FlowDoc>): Problem[] {
    const { problems } = get();
    const m = modelOf(flows);
    if (!m) return problems;
    const { model, broken } = m;
    const kept = problems.filter((p) => broken.includes(p.file));
    return withStoryProblems([...kept, ...validator.validate(model, { broken })], checkStories(model, get().stories));
  }

  /** The problems after the story files changed: the flows' problems are kept as they are, the stories checked. */
  function recheckStories(): Problem[] {
    const { problems, flows } = get();
    const m = modelOf(flows);
    const ofFlows = flowProblemsOf(problems);
    if (!m || !ofFlows) return recomputeProblems(flows);
    return withStoryProblems(ofFlows, checkStories(m.model, get().stories));
  }

  /**
   * Checks the flows one at a time when the window is idle after a project is shown (after the canvas is drawn, not
   * before), so that the first edit (a drag's end) checks only the edited flow, and no task holds the window long.
   */
  function warmUp(): void {
    const run = ++warming;
    const dir = get().project?.dir;
    const ids = Object.keys(get().flows);
    const later = (fn: () => void) => (timers.whenIdle ? timers.whenIdle(fn) : timers.setTimeout(fn, 0));
    const step = (i: number) => {
      if (run !== warming || i >= ids.length || get().project?.dir !== dir) return;
      const m = modelOf(get().flows);
      if (m) validator.warm(m.model, ids[i] as string, { broken: m.broken });
      later(() => step(i + 1));
    };
    later(() => step(0));
  }

  return {
    recomputeProblems,

    /** Reads the story files again (after opening a project, saving a story, or running the stories panel). */
    async refreshStoryFiles(): Promise<void> {
      const { api, project } = get();
      if (!api || !project) return;
      try {
        const stories = await readStoryFiles(api);
        if (get().project?.dir !== project.dir) return;
        set({ stories });
        set({ problems: recheckStories() });
      } catch {
        // no story checks until the next refresh; the stories panel says what is wrong
      }
      warmUp();
    },

    /** A story file this window wrote (a rename): its new text and revision. */
    setStoryFile(file: string, doc: StoryDoc): void {
      const { stories } = get();
      set({ stories: { ...stories, files: { ...stories.files, [file]: doc } } });
      set({ problems: recheckStories() });
    },
  };
}

export type Problems = ReturnType<typeof createProblems>;
