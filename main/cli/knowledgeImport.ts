// `parley knowledge import <projectDir> <files...>`: converts documents (Markdown, HTML, plain text, PDF) into
// Markdown in the project's knowledge/ folder (main/knowledge/importer.ts) and says, per file, where it went or
// why it was skipped. Exit 1 when any file was skipped, 2 when the folder is not a project.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { importDocuments, plainName, sizeProblem, type ImportFile, type ImportResult } from '../knowledge/importer';
import { defaultUserDataDir } from '../services/userData';
import { loadUserSettings } from '../services/userSettings';

export interface KnowledgeImportIo {
  write(s: string): void;
  err(s: string): void;
}

/** One line per file: where it was written, or why it was skipped. */
export function formatImportResult(r: ImportResult): string {
  if (!r.ok) return `skipped  ${r.name}: ${r.error}`;
  const note = r.replaced ? ' (replaced the earlier one)' : r.renamed ? ' (the name was taken)' : '';
  return `written  ${r.name} as ${r.file}${note}: "${r.title}"`;
}

export async function runKnowledgeImport(
  projectDir: string,
  files: string[],
  o: { replace?: boolean; userDataDir?: string },
  io: KnowledgeImportIo,
): Promise<number> {
  const dir = path.resolve(projectDir);
  const manifest = await fs.stat(path.join(dir, 'parley.yaml')).catch(() => undefined);
  if (!manifest?.isFile()) {
    io.err(`parley knowledge import: ${projectDir} is not a Parley project (no parley.yaml)\n`);
    return 2;
  }
  const { settings, warnings } = await loadUserSettings(o.userDataDir ?? defaultUserDataDir());
  for (const w of warnings) io.err(`parley: ${w}\n`);
  let failed = 0;
  for (const file of files) {
    const name = plainName(file);
    let result: ImportResult;
    try {
      // the size is checked before reading: a huge file is refused without being read into memory
      const st = await fs.stat(file);
      if (!st.isFile()) throw new Error('not a file');
      const tooLarge = sizeProblem(name, st.size, settings.limits);
      if (tooLarge) throw new Error(tooLarge);
      const input: ImportFile = { name, bytes: await fs.readFile(file) };
      [result] = (await importDocuments(dir, [input], { limits: settings.limits, ...(o.replace ? { replace: true } : {}) })) as [ImportResult];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // a file that is not there is named as typed; others by their name, as the importer names them
      result = code === 'ENOENT' ? { name: file, ok: false, error: 'no such file' } : { name, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    if (!result.ok) failed++;
    io.write(`${formatImportResult(result)}\n`);
  }
  if (files.length > 1) io.write(`${files.length - failed} of ${files.length} imported${failed ? `, ${failed} skipped` : ''}\n`);
  return failed ? 1 : 0;
}
