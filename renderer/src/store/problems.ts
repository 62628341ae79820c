// The Problems panel's list for the project as edited: the flows validated, and the story files checked against
// them (so the story files are read and kept here too).
import type { Problem } from '../../../shared/project/problems';
import { validateProject } from '../../../shared/project/validate';
import type { FlowDoc, StudioContext } from './studioState';
import { readStoryFiles, storyFileProblems, type StoryDoc } from './storyFiles';

export function createProblems({ get, set }: StudioContext) {
  function recomputeProblems(flows: Record<string, FlowDoc>): Problem[] {
    const { project, problems } = get();
    if (!project) return problems;
    const model = { manifest: project.manifest, nlu: project.nlu, flows: Object.fromEntries(Object.entries(flows).map(([id, d]) => [id, d.flow])) };
    const broken = project.broken.map((b) => b.file);
    return [...problems.filter((p) => broken.includes(p.file)), ...validateProject(model, { broken }), ...storyFileProblems(model, get().stories)];
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
        set({ problems: recomputeProblems(get().flows) });
      } catch {
        // no story checks until the next refresh; the stories panel says what is wrong
      }
    },

    /** A story file this window wrote (a rename): its new text and revision. */
    setStoryFile(file: string, doc: StoryDoc): void {
      const { stories } = get();
      set({ stories: { ...stories, files: { ...stories.files, [file]: doc } } });
      set({ problems: recomputeProblems(get().flows) });
    },
  };
}

export type Problems = ReturnType<typeof createProblems>;
