// The project's knowledge files as read from disk, on their own so that `parley validate` reads them without
// loading the engine and the NLU.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';
import { readFileState } from './paths';

/**
 * The project's knowledge documents the index searches (knowledge/*.md), each read through the path helper:
 * a link out of the project, a dotfile or a file over its size limit is left out and reported as a problem.
 */
export async function readKnowledgeFiles(
  dir: string,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): Promise<{ docs: { source: string; text: string }[]; problems: Problem[] }> {
  const names = (await readdir(path.join(dir, 'knowledge')).catch(() => [] as string[])).filter((f) => f.endsWith('.md') && !f.startsWith('.')).sort();
  const docs: { source: string; text: string }[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const state = await readFileState(dir, `knowledge/${name}`, limits);
    if (!state) continue;
    if ('text' in state) docs.push({ source: name, text: state.text });
    else problems.push({ ...state.problem, message: `${state.problem.message}; left out of the knowledge index` });
  }
  return { docs, problems };
}
