// New projects from templates (templates/<id>/, compiled into templates.generated.ts by scripts/templates.mjs):
// `parley init` and the studio's "New project" both write one into a new or empty folder. Every template is a
// project `parley validate` and `parley test` accept at once (test/unit/templates.test.ts runs them).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ProjectTemplate } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { MANIFEST_FILE } from '../../shared/project/validate';
import { atomicWrite } from './atomicWrite';
import { fsError, projectPath } from './paths';
import { TEMPLATE_FILES } from './templates.generated';

export const TEMPLATE_IDS = ProjectTemplate.options;
export type TemplateId = ProjectTemplate;

/** Entries a fresh repository may hold; a project is created only in a folder with nothing else in it. */
const CREATE_ALLOWED = /^(\.git|\.gitignore|\.gitattributes|\.github|\.editorconfig|\.DS_Store|Thumbs\.db|README(\.[a-z]+)?|LICENSE(\.[a-z]+)?)$/i;

/** The files of a template for a project called `name` (the name goes into parley.yaml and the README's title). */
export function templateFiles(template: TemplateId, name: string): Record<string, string> {
  const files = TEMPLATE_FILES[template];
  if (!files) throw new ApiError('BAD_REQUEST', `no template "${template}" (there are ${TEMPLATE_IDS.join(', ')})`);
  const out: Record<string, string> = {};
  // parley.yaml has `name: "{{name}}"`: a JSON string is a valid YAML double-quoted scalar, whatever the name holds
  for (const [rel, text] of Object.entries(files))
    out[rel] = rel === MANIFEST_FILE ? text.replace('"{{name}}"', JSON.stringify(name)) : text.replace('{{name}}', name.replace(/[\r\n]+/g, ' '));
  return out;
}

/**
 * Writes a template into `target` (created if missing). A folder holding a project, or anything but a fresh
 * repository's files (.git, README, LICENSE), is refused: nothing is written beside unrelated files. A file the
 * template has that is already there (a README) is left as it is.
 */
export async function writeTemplate(target: string, template: TemplateId, name: string): Promise<{ dir: string; written: string[] }> {
  const abs = path.resolve(target);
  const files = templateFiles(template, name);
  let entries: string[] = [];
  try {
    entries = await fs.readdir(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new ApiError('NOT_A_FILE', `${abs}: is a file, not a folder`);
    if (code !== 'ENOENT') throw fsError(e, abs);
  }
  if (entries.includes(MANIFEST_FILE)) throw new ApiError('CONFLICT', `${abs} already holds a Parley project`);
  const others = entries.filter((e) => !CREATE_ALLOWED.test(e)).sort();
  if (others.length) {
    throw new ApiError(
      'FOLDER_NOT_EMPTY',
      `${abs} is not empty (${others.slice(0, 5).join(', ')}${others.length > 5 ? `, and ${others.length - 5} more` : ''}); create the project in a new or empty folder`,
      { dir: abs, entries: others.slice(0, 20) },
    );
  }
  const written: string[] = [];
  try {
    await fs.mkdir(abs, { recursive: true });
    for (const sub of ['flows', 'stories', 'knowledge']) await fs.mkdir(path.join(abs, sub), { recursive: true });
    if (!Object.keys(files).some((f) => f.startsWith('knowledge/'))) await fs.writeFile(path.join(abs, 'knowledge', '.gitkeep'), '', { flag: 'wx' });
  } catch (e) {
    throw fsError(e, abs);
  }
  for (const [rel, text] of Object.entries(files)) {
    if (entries.includes(rel)) continue;
    // the README is the template's own (a constant name), not a project file the path helper knows
    const file = rel === 'README.md' ? path.join(abs, rel) : (await projectPath(abs, rel)).abs;
    await atomicWrite(file, text).catch((e: unknown) => {
      throw fsError(e, rel);
    });
    written.push(rel);
  }
  return { dir: abs, written };
}
