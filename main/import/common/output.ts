// Writes an imported project: the files are built in memory first, written into a new folder beside the target
// and renamed into place, so a failed import leaves nothing behind. An existing non-empty target is replaced only
// when the caller says so (`force`), and the target may not lie inside the source.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { serializeFlow, serializeManifest, serializeNlu } from '../../../shared/project/serialize';
import type { Flow, NluFile, ProjectManifest } from '../../../shared/schema/project';

/** Refuses a target the import may not write (an existing file or non-empty folder without `force`, a folder inside `src`). */
export async function checkTarget(
  src: string,
  out: string,
  force: boolean | undefined,
  fail: (problems: string[]) => Error,
  sourceName: string,
): Promise<{ target: string; exists: boolean }> {
  const target = path.resolve(out);
  const entries = await fs.readdir(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    if (e.code === 'ENOTDIR') throw fail([`${target}: is a file, not a folder`]);
    throw e;
  });
  if (entries?.length && !force) throw fail([`${target} already exists and is not empty; choose a new folder, or pass --force to replace it`]);
  if (path.resolve(src) === target || target.startsWith(path.resolve(src) + path.sep))
    throw fail([`${target}: the output folder must be outside the ${sourceName}`]);
  return { target, exists: entries !== undefined };
}

/** Writes `files` (relative path → text) as the folder `target`, replacing it when `exists`. */
export async function writeProjectFiles(target: string, files: Map<string, string>, exists: boolean): Promise<void> {
  const tmp = `${target}.import-${process.pid}-${Date.now()}`;
  try {
    for (const [rel, text] of files) {
      const file = path.join(tmp, rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text, { flag: 'wx' });
    }
    if (exists) await fs.rm(target, { recursive: true, force: true });
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** What every import writes: the project's files in their canonical form, and the counts its summary gives. */
export function projectFiles(
  manifest: ProjectManifest,
  nlu: NluFile,
  flows: ReadonlyMap<string, Flow>,
  stories: readonly { file: string; story: unknown }[],
  operations: number,
): { files: Map<string, string>; counts: { intents: number; entities: number; flows: number; stories: number; operations: number } } {
  const files = new Map<string, string>();
  files.set('parley.yaml', serializeManifest(manifest));
  files.set('nlu.yaml', serializeNlu(nlu));
  for (const [id, flow] of flows) files.set(`flows/${id}.yaml`, serializeFlow(flow));
  for (const s of stories) files.set(s.file, stringify(s.story, { lineWidth: 0 }));
  if (!stories.length) files.set('stories/.gitkeep', '');
  files.set('knowledge/.gitkeep', '');
  const counts = { intents: nlu.intents.length, entities: nlu.entities?.length ?? 0, flows: flows.size, stories: stories.length, operations };
  return { files, counts };
}
