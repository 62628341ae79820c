// The Problems panel's list for the project as edited: the flows validated, and the story files checked against
// them (so the story files are read and kept here too). Both are incremental: an edit checks the edited flow again
// and what crosses flows (`validateIncremental.ts`), and new story files check the stories only.
import type { HolidayRegionCheck } from '../../../shared/engine/holidays';
import type { Problem } from '../../../shared/project/problems';
import type { ProjectModel } from '../../../shared/project/validate';
import type { Checks as Checkers } from './checks';
import { flowsOf, type FlowDoc, type StudioContext } from './studioState';
import { flowProblemsOf, readStoryFiles, withStoryProblems, type StoryDoc } from './storyFiles';

export function createProblems({ get, set, timers, checks, loadChecks }: StudioContext) {
  let made:
    { modules: Checkers; validator: ReturnType<Checkers['createIncrementalValidator']>; checkStories: ReturnType<Checkers['createStoryChecker']> } | undefined;
  let warming = 0;
  let waiting = false;
  // the holiday data's check, once loaded (only for a project whose business hours name a holiday country)
  let holidayRegion: HolidayRegionCheck | undefined;
  let loadingHolidays = false;

  /** The checkers, once their module is loaded (checks.ts); until then an edit keeps the list it has. */
  function checkers() {
    const c = checks();
    if (!c) return undefined;
    made ??= { modules: c, validator: c.createIncrementalValidator(), checkStories: c.createStoryChecker() };
    return made;
  }

  /** Checks the project as edited once the checks are in (an edit made before they were). */
  function whenLoaded(): void {
    if (waiting) return;
    waiting = true;
    void loadChecks().then(() => {
      waiting = false;
      if (get().project) set({ problems: recomputeProblems(get().flows) });
    });
  }

  /** Runs `fn` when the window is idle (after the canvas is drawn). */
  const later = (fn: () => void) => (timers.whenIdle ? timers.whenIdle(fn) : timers.setTimeout(fn, 0));

  function modelOf(flows: Record<string, FlowDoc>) {
    const project = get().project;
    if (!project) return undefined;
    const model = { manifest: project.manifest, nlu: project.nlu, flows: flowsOf(flows) };
    return { model, broken: project.broken.map((b) => b.file) };
  }

  /** What the validator is given besides the project: the broken files, and the holiday check once it is in. */
  function optionsOf(m: { model: ProjectModel; broken: string[] }, { modules: c }: { modules: Checkers }) {
    if (!holidayRegion && c.namesHolidayCountry(m.model.manifest.businessHours)) loadHolidays(c);
    return { broken: m.broken, ...(holidayRegion ? { holidayRegion } : {}) };
  }

  /** Loads the holiday data's check, then checks the project again with it. */
  function loadHolidays(c: Checkers): void {
    if (loadingHolidays) return;
    loadingHolidays = true;
    void c.loadHolidayRegion().then((check) => {
      holidayRegion = check;
      if (get().project) set({ problems: recomputeProblems(get().flows) });
    });
  }

  /** Every problem of the project with `flows` as edited: what `validateProject` and `storyFileProblems` find. */
  function recomputeProblems(flows: Record<string, FlowDoc>): Problem[] {
    const { problems } = get();
    const m = modelOf(flows);
    if (!m) return problems;
    const c = checkers();
    if (!c) {
      whenLoaded();
      return problems;
    }
    const { model, broken } = m;
    const kept = problems.filter((p) => broken.includes(p.file));
    return withStoryProblems([...kept, ...c.validator.validate(model, optionsOf(m, c))], c.checkStories(model, get().stories));
  }

  /** The problems after the story files changed: the flows' problems are kept as they are, the stories checked. */
  function recheckStories(): Problem[] {
    const { problems, flows, stories } = get();
    const m = modelOf(flows);
    const ofFlows = flowProblemsOf(problems);
    const c = checkers();
    // Nothing edited yet, so the checks are not loaded: main's problems, the flows' as it loaded them (the
    // snapshot's list) and the stories' as it checked them against the same files.
    if (!c) return withStoryProblems(ofFlows ?? problems, [...stories.unreadable, ...stories.checked]);
    if (!m || !ofFlows) return recomputeProblems(flows);
    return withStoryProblems(ofFlows, c.checkStories(m.model, stories));
  }

  /**
   * Checks the flows one at a time when the window is idle after a project is shown (after the canvas is drawn, not
   * before), so that the first edit (a drag's end) checks only the edited flow, and no task holds the window long.
   * Only once the checks are loaded (an edit in this window or another project before): a window that only looks
   * never loads them.
   */
  function warmUp(): void {
    if (!checks()) return;
    const run = ++warming;
    const dir = get().project?.dir;
    const ids = Object.keys(get().flows);
    const step = (i: number) => {
      if (run !== warming || i >= ids.length || get().project?.dir !== dir) return;
      const m = modelOf(get().flows);
      const c = checkers();
      if (m && c) c.validator.warm(m.model, ids[i] as string, optionsOf(m, c));
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
