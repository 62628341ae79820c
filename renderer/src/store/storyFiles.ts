// The project's story files as this window knows them (text and revision), so that the Problems panel checks
// them against the flows as edited (a renamed node, a removed one), and a rename can rewrite them. Parsing a
// story depends on its text only, so it is kept per file and only the references are checked on each edit.
import type { ParleyApi } from '../../../shared/api/contract';
import type { Problem } from '../../../shared/project/problems';
import type { ProjectModel } from '../../../shared/project/validate';
import { parseStory, storyProblems, type StoryFile } from '../../../shared/stories/load';

export interface StoryDoc {
  text: string;
  revision: string;
}

export interface StoryFiles {
  files: Record<string, StoryDoc>;
  /** Files that could not be read (a link out of the project, over the size limit). */
  unreadable: Problem[];
}

export const NO_STORIES: StoryFiles = { files: {}, unreadable: [] };

const kept = new Map<string, { text: string; result: ReturnType<typeof parseStory> }>();
function parseKept(src: StoryFile): ReturnType<typeof parseStory> {
  const k = kept.get(src.file);
  if (k && k.text === src.text) return k.result;
  const result = parseStory(src);
  kept.set(src.file, { text: src.text, result });
  return result;
}

/** Every problem of the story files against `model`: YAML, schema, unknown nodes, intents and copy ids. */
export function storyFileProblems(model: ProjectModel, s: StoryFiles): Problem[] {
  const files = Object.entries(s.files).map(([file, d]) => ({ file, text: d.text }));
  return [...s.unreadable, ...storyProblems(model, files, parseKept)];
}

export async function readStoryFiles(api: ParleyApi): Promise<StoryFiles> {
  const { files, problems } = await api.call('stories.files', {});
  return { files: Object.fromEntries(files.map((f) => [f.file, { text: f.text, revision: f.revision }])), unreadable: problems };
}
