// The story files as read from disk and checked against a project, on their own so that `parley validate`
// checks them without loading the engine, the NLU and the model client.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_FILE_LIMITS, projectFileKind, type FileLimits } from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';
import type { ProjectModel } from '../../shared/project/validate';
import type { Cassette } from '../../shared/stories/cassette';
import { indexProject, loadStory, type LoadedStory } from '../../shared/stories/load';
import { readFileState } from '../services/paths';

export async function listStoryFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const r = `${rel}/${e.name}`;
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory() && e.name !== 'cassettes') await walk(r);
      // A linked story is listed, so that reading it through the path helper reports a link out of the project.
      else if ((e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/.test(e.name)) out.push(r);
    }
  };
  await walk('stories');
  return out;
}

export async function loadStories(
  dir: string,
  model: ProjectModel,
  files?: string[],
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): Promise<{ stories: LoadedStory[]; problems: Problem[] }> {
  const index = indexProject(model);
  const globals = (model.manifest.globals ?? []).map((g) => g.id);
  const stories: LoadedStory[] = [];
  const problems: Problem[] = [];
  for (const file of files ?? (await listStoryFiles(dir))) {
    if (projectFileKind(file)?.kind !== 'story') {
      problems.push({ severity: 'error', file, field: '', message: 'not a story file (stories/**/*.yaml)' });
      continue;
    }
    const state = await readFileState(dir, file, limits);
    if (!state || !('text' in state)) {
      problems.push(state ? state.problem : { severity: 'error', file, field: '', message: 'does not exist' });
      continue;
    }
    const r = loadStory({ file, text: state.text }, index, globals);
    problems.push(...r.problems);
    if (r.story) stories.push(r.story);
  }
  return { stories, problems };
}

/** A story run's bad input (a cassette that does not read, a bad flag): exit 2. */
export class TestInputError extends Error {}

/** Where a story's model recordings live: `stories/x.yaml` → `stories/cassettes/x.json`. */
export const cassetteFile = (storyFile: string) => storyFile.replace(/^stories\//, 'stories/cassettes/').replace(/\.ya?ml$/, '.json');

/** Reads each story's cassette once, through the path helper and within the limits; one that does not read stops the run, naming it. */
export function cassetteReader(dir: string, limits: FileLimits) {
  const cassettes = new Map<string, Cassette>();
  const read = async (story: LoadedStory): Promise<Cassette> => {
    const file = cassetteFile(story.file);
    let c = cassettes.get(file);
    if (!c) {
      const state = await readFileState(dir, file, limits);
      if (state && 'problem' in state) throw new TestInputError(`${file}: ${state.problem.message}`);
      try {
        c = state?.text ? (JSON.parse(state.text) as Cassette) : {};
      } catch {
        throw new TestInputError(`${file}: not valid JSON; delete it and record again with --record`);
      }
      cassettes.set(file, c);
    }
    return c;
  };
  return { cassettes, read };
}

/** The stories a run takes: `--grep` on the name or the file (case-insensitive), and `--tag`. */
export function selectStories(all: LoadedStory[], o: { grep?: string | undefined; tags?: string[] | undefined }): LoadedStory[] {
  const grep = o.grep ? new RegExp(o.grep, 'i') : undefined;
  return all.filter(
    (s) => (!grep || grep.test(s.story.name) || grep.test(s.file)) && (!o.tags?.length || (s.story.tags ?? []).some((t) => o.tags!.includes(t))),
  );
}
