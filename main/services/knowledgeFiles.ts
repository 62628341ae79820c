// The project's knowledge files as read from disk, on their own so that `parley validate` reads them without
// loading the engine and the NLU.
import { stat } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';
import { readFileState } from './paths';

/** A knowledge document with its revision (16 hex digits of the SHA-256 of its bytes) and when it last changed. */
export interface KnowledgeFileInfo {
  source: string;
  text: string;
  revision: string;
  updatedMs: number;
}

/**
 * The project's knowledge documents the index searches (knowledge/*.md), each read through the path helper:
 * a link out of the project, a dotfile or a file over its size limit is left out and reported as a problem.
 */
export async function readKnowledgeFileInfos(
  dir: string,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): Promise<{ docs: KnowledgeFileInfo[]; problems: Problem[] }> {
  const names = (await readdir(path.join(dir, 'knowledge')).catch(() => [] as string[])).filter((f) => f.endsWith('.md') && !f.startsWith('.')).sort();
  const docs: KnowledgeFileInfo[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const state = await readFileState(dir, `knowledge/${name}`, limits);
    if (!state) continue;
    if ('text' in state) {
      const updatedMs = (await stat(path.join(dir, 'knowledge', name)).catch(() => undefined))?.mtimeMs ?? 0;
      docs.push({ source: name, text: state.text, revision: state.revision ?? '', updatedMs });
    } else problems.push({ ...state.problem, message: `${state.problem.message}; left out of the knowledge index` });
  }
  return { docs, problems };
}

/** The documents as a bundle and the validator take them: source and text only. */
export async function readKnowledgeFiles(
  dir: string,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): Promise<{ docs: { source: string; text: string }[]; problems: Problem[] }> {
  const { docs, problems } = await readKnowledgeFileInfos(dir, limits);
  return { docs: docs.map(({ source, text }) => ({ source, text })), problems };
}
