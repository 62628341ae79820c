// The studio's "New project" from an existing bot: the same importers as `parley import rasa` and
// `parley import dialogflow-cx` (main/import/), which build the whole project in memory and write nothing when the
// source has problems or the folder is taken. The new project is not opened or trusted here: the renderer opens
// it with project.open, like any folder whose content came from elsewhere.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ImportSource, ProjectImportResult } from '../../shared/api/contract';
import { parse as parseYaml } from 'yaml';
import { DialogflowImportError, importDialogflow } from '../import/dialogflow';
import { importRasa, RasaImportError } from '../import/rasa';
import { MANIFEST_FILE } from '../../shared/project/validate';
import { fsError } from './paths';

export interface ProjectImportInput {
  from: ImportSource;
  /** The Rasa project folder, or the Dialogflow CX export (a folder or a .zip). */
  src: string;
  /** The new project's folder: new or empty. */
  dir: string;
  /** The project's name (default: the importer's: the agent's or the folder's). */
  name?: string;
}

const MAX_PROBLEMS = 200;
const MAX_PROBLEM_CHARS = 2000;
const MAX_REPORT_CHARS = 200_000;

/** Imports a bot into a new project folder; problems (nothing written) come back as `{ ok: false, problems }`. */
export async function importProject(input: ProjectImportInput): Promise<ProjectImportResult> {
  const src = path.resolve(input.src);
  const dir = path.resolve(input.dir);
  const options = input.name ? { name: input.name } : {};
  let result;
  try {
    result = input.from === 'rasa' ? await importRasa(src, dir, options) : await importDialogflow(src, dir, options);
  } catch (e) {
    if (e instanceof RasaImportError || e instanceof DialogflowImportError) {
      const problems = e.problems.slice(0, MAX_PROBLEMS).map((p) => (p.length > MAX_PROBLEM_CHARS ? `${p.slice(0, MAX_PROBLEM_CHARS)}…` : p));
      if (e.problems.length > MAX_PROBLEMS) problems.push(`and ${e.problems.length - MAX_PROBLEMS} more problems`);
      return { ok: false, problems };
    }
    throw fsError(e, dir);
  }
  const reportText = await fs.readFile(path.join(result.out, 'IMPORT.md'), 'utf8').catch(() => '');
  return {
    ok: true,
    dir: result.out,
    name: await projectName(result.out, input.name),
    files: result.files.length,
    counts: result.counts,
    report: result.report,
    reportText: reportText.length > MAX_REPORT_CHARS ? `${reportText.slice(0, MAX_REPORT_CHARS)}\n\n…` : reportText,
  };
}

/** The name the importer wrote into parley.yaml (the folder's name if it cannot be read). */
async function projectName(dir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  try {
    const manifest = parseYaml(await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as { name?: unknown } | null;
    if (typeof manifest?.name === 'string') return manifest.name;
  } catch {
    // the project opens anyway, and its own problems show there
  }
  return path.basename(dir);
}
