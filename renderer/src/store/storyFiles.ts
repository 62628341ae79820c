// The project's story files as this window knows them (text and revision), so that the Problems panel checks
// them against the flows as edited (a renamed node, a removed one), and a rename can rewrite them. The checks
// themselves are in storyChecks.ts, loaded with the other checks at the first edit (checks.ts); until then the
// Problems panel shows what main found.
import type { ParleyApi } from '../../../shared/api/contract';
import type { Problem } from '../../../shared/project/problems';

export interface StoryDoc {
  text: string;
  revision: string;
}

export interface StoryFiles {
  files: Record<string, StoryDoc>;
  /** Files that could not be read (a link out of the project, over the size limit). */
  unreadable: Problem[];
  /** The readable files' problems as main found them against the project as saved (before this window checks them). */
  checked: Problem[];
}

export const NO_STORIES: StoryFiles = { files: {}, unreadable: [], checked: [] };

// The problems of the story files end the Problems panel's list: how many of a list's last entries they are, so
// that new story files replace them without checking the flows again.
const storyTail = new WeakMap<readonly Problem[], number>();

/** The Problems panel's list: the flows' problems, then the story files'. */
export function withStoryProblems(ofFlows: readonly Problem[], ofStories: readonly Problem[]): Problem[] {
  const all = [...ofFlows, ...ofStories];
  storyTail.set(all, ofStories.length);
  return all;
}

/** The flows' part of a list made by `withStoryProblems`; undefined for another list. */
export function flowProblemsOf(problems: readonly Problem[]): Problem[] | undefined {
  const n = storyTail.get(problems);
  return n === undefined ? undefined : problems.slice(0, problems.length - n);
}

export async function readStoryFiles(api: ParleyApi): Promise<StoryFiles> {
  const { files, problems, checked } = await api.call('stories.files', {});
  return { files: Object.fromEntries(files.map((f) => [f.file, { text: f.text, revision: f.revision }])), unreadable: problems, checked };
}
