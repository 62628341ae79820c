import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { copyLintProblems } from '../../shared/copy/lintProblems';
import { formatProblem, type Problem } from '../../shared/project/problems';
import type { FileLimits } from '../../shared/project/files';
import { readKnowledgeFiles } from '../services/knowledgeFiles';
import { loadStories } from '../stories/storyFiles';
import { loadFromFilesParallel, readProjectFiles } from '../services/projectStore';
import { userParseCache } from '../services/parseCache';
import { defaultUserDataDir } from '../services/userData';
import { loadUserSettings, SETTINGS_FILE } from '../services/userSettings';

export interface ValidateReport {
  dir: string;
  ok: boolean;
  problems: Problem[];
  flows: number;
  nodes: number;
}

export interface ValidateOptions {
  /** Size limits (default: the user settings in `userDataDir`, as the studio reads them). */
  limits?: FileLimits;
  /** Where the user settings are (default: $PARLEY_USER_DATA, else ~/.config/parley). */
  userDataDir?: string;
  /** Keep what was read in the user data folder's cache and use it for files that have not changed (default true). */
  cache?: boolean;
}

/** Loads a project folder and reports every problem, as `parley validate` prints it. */
export async function validateDir(dir: string, options: ValidateOptions = {}): Promise<ValidateReport> {
  const abs = path.resolve(dir);
  const settingsProblems: Problem[] = [];
  let limits = options.limits;
  const userDataDir = options.userDataDir ?? defaultUserDataDir();
  if (!limits) {
    const { settings, warnings } = await loadUserSettings(userDataDir);
    limits = settings.limits;
    const file = path.join(userDataDir, SETTINGS_FILE);
    settingsProblems.push(
      ...warnings.map((w): Problem => ({ severity: 'warning', file, field: '', message: w.startsWith(`${file}: `) ? w.slice(file.length + 2) : w })),
    );
  }
  try {
    const files = await readProjectFiles(abs, limits);
    const result = await loadFromFilesParallel(files, options.cache === false ? {} : { cache: userParseCache(userDataDir) });
    const flows = Object.values(result.project?.flows ?? {});
    const knowledge = await readKnowledgeFiles(abs, limits);
    // The stories as `parley test` loads them: a story naming a renamed node is an error here too.
    const stories = result.project ? (await loadStories(abs, result.project, undefined, limits)).problems : [];
    const lint = result.project ? copyLintProblems(result.project) : [];
    const problems = [...settingsProblems, ...result.problems, ...knowledge.problems, ...stories, ...lint];
    return {
      dir: abs,
      ok: !problems.some((p) => p.severity === 'error'),
      problems,
      flows: flows.length,
      nodes: flows.reduce((n, f) => n + f.nodes.length, 0),
    };
  } catch (e) {
    const message = e instanceof ApiError ? e.message : `cannot read ${abs}: ${(e as Error).message}`;
    return { dir: abs, ok: false, problems: [{ severity: 'error', file: 'parley.yaml', field: '', message }], flows: 0, nodes: 0 };
  }
}

export function formatReport(r: ValidateReport): string {
  const lines = r.problems.map((p) => `${formatProblem(p)}${p.severity === 'warning' ? ' (warning)' : ''}`);
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  const warnings = r.problems.length - errors;
  lines.push(
    r.ok
      ? `ok: ${r.flows} flows, ${r.nodes} nodes${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
      : `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} in ${r.dir}`,
  );
  return lines.join('\n');
}
