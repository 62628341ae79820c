// `parley copy export` and `parley copy import`: the copy deck (shared/copy/deck.ts) as a CSV or XLSX file for
// writers and translators, and such a file read back into the project. An import is checked in full before anything
// is written (a bad row names its row and column; exit 2, nothing written), prints every change, and writes only
// when the project still loads without new errors afterwards (each file atomically). `--dry-run` only prints.
import type { CliIo } from './io';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { copyChanges, withChangedNodes } from '../../shared/copy/apply';
import { withYamlEdits } from '../../shared/copy/yamlEdits';
import { deckRows, variantsOf, type DeckRow } from '../../shared/copy/deck';
import { CopyTableError, copyTable, editsFromTable, type CopyEdit } from '../../shared/copy/table';
import { MANIFEST_FILE } from '../../shared/project/names';
import { formatProblem } from '../../shared/project/problems';
import { serializeFlow } from '../../shared/project/serialize';
import { withFlowStaleTranslations } from '../../shared/project/staleTranslations';
import { GUARDRAILS_FILE } from '../../shared/schema/guardrails';
import type { CopyFileFormat } from '../../shared/api/copyDeck';
import { atomicWrite } from '../services/atomicWrite';
import { decodeCopyTable, encodeCopyTable } from '../services/copyFiles';
import { loadFromFiles, loadFromFilesParallel, readProjectFiles, type FileState } from '../services/projectStore';

const formatOf = (file: string, given?: string): CopyFileFormat | undefined =>
  given === 'csv' || given === 'xlsx' ? given : /\.xlsx$/i.test(file) ? 'xlsx' : /\.csv$/i.test(file) ? 'csv' : undefined;

async function load(projectDir: string) {
  const dir = path.resolve(projectDir);
  const files = await readProjectFiles(dir);
  const result = await loadFromFilesParallel(files);
  return { dir, files, result };
}

export async function runCopyExport(projectDir: string, o: { out: string; format?: string; locales?: string }, io: CliIo): Promise<number> {
  const format = formatOf(o.out, o.format);
  if (!format) {
    io.err(`parley copy export: say --format csv or xlsx, or name the file .csv or .xlsx (${o.out})\n`);
    return 2;
  }
  const { result } = await load(projectDir);
  const project = result.project;
  if (!project) {
    io.err(`parley copy export: ${result.problems.map(formatProblem).join('\n')}\n`);
    return 2;
  }
  const locales = o.locales ? o.locales.split(',').map((l) => l.trim()) : project.manifest.locales;
  const unknown = locales.filter((l) => !project.manifest.locales.includes(l));
  if (unknown.length) {
    io.err(`parley copy export: ${unknown.join(', ')} is not a locale of the project (${project.manifest.locales.join(', ')})\n`);
    return 2;
  }
  const rows = deckRows(project);
  await atomicWrite(path.resolve(o.out), await encodeCopyTable(copyTable(rows, locales), format));
  io.write(
    `wrote ${rows.length} lines in ${locales.join(', ')} to ${o.out}${result.broken.length ? ` (not in it: the lines of ${result.broken.join(', ')}, which do not load)` : ''}\n`,
  );
  return 0;
}

/** An edit as a reviewer reads it: where, then the text before and after. */
export function formatEdit(e: CopyEdit, row: DeckRow | undefined): string {
  const where = row?.flowId ? `${row.flowId}/${row.nodeId} ${row.field}` : (row?.field ?? e.id);
  const lines = (t: typeof e.before, mark: string) => (variantsOf(t).length ? variantsOf(t).map((v) => `  ${mark} ${v}`) : [`  ${mark} (none)`]);
  return [`${where} [${e.locale}] (${e.id})`, ...lines(e.before, '-'), ...lines(e.after, '+')].join('\n');
}

export async function runCopyImport(projectDir: string, file: string, o: { format?: string; dryRun?: boolean }, io: CliIo): Promise<number> {
  const format = formatOf(file, o.format);
  if (!format) {
    io.err(`parley copy import: say --format csv or xlsx, or name the file .csv or .xlsx (${file})\n`);
    return 2;
  }
  const { dir, files, result } = await load(projectDir);
  const project = result.project;
  if (!project || result.broken.length) {
    io.err(
      `parley copy import: fix the project first (nothing written): ${result.problems
        .filter((p) => p.severity === 'error')
        .map(formatProblem)
        .join('; ')}\n`,
    );
    return 2;
  }
  const rows = deckRows(project);
  let edits: CopyEdit[];
  try {
    const table = await decodeCopyTable(await fs.readFile(file), format, path.basename(file));
    edits = editsFromTable(rows, table, project.manifest, path.basename(file));
  } catch (e) {
    io.err(`parley copy import: ${e instanceof CopyTableError ? e.message : (e as Error).message}; nothing written\n`);
    return 2;
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const e of edits) io.write(`${formatEdit(e, byId.get(e.id))}\n`);
  io.write(`${edits.length} ${edits.length === 1 ? 'change' : 'changes'}${o.dryRun ? ' (dry run: nothing written)' : ''}\n`);
  if (o.dryRun || edits.length === 0) return 0;

  // the new text of every file the edits touch, checked together before any is written
  const changes = copyChanges(rows, project.flows, edits);
  const next = new Map<string, string>();
  const text = (f: string) => {
    const s = files.get(f);
    return s && 'text' in s ? s.text : '';
  };
  if (changes.manifest.length) next.set(MANIFEST_FILE, withYamlEdits(text(MANIFEST_FILE), changes.manifest, MANIFEST_FILE));
  if (changes.guardrails.length) next.set(GUARDRAILS_FILE, withYamlEdits(text(GUARDRAILS_FILE), changes.guardrails, GUARDRAILS_FILE));
  for (const [flowId, nodes] of changes.nodes) {
    const before = project.flows[flowId]!;
    next.set(`flows/${flowId}.yaml`, serializeFlow(withFlowStaleTranslations(before, withChangedNodes(before, nodes), project.manifest.defaultLocale)));
  }
  const merged = new Map<string, FileState>(files);
  for (const [f, t] of next) merged.set(f, { ...(files.get(f) as FileState), text: t } as FileState);
  const errorsOf = (r: typeof result) => new Set(r.problems.filter((p) => p.severity === 'error').map(formatProblem));
  const had = errorsOf(result);
  const added = [...errorsOf(loadFromFiles(merged))].filter((p) => !had.has(p));
  if (added.length) {
    io.err(`parley copy import: the project would not load after it (nothing written):\n${added.join('\n')}\n`);
    return 2;
  }
  for (const [f, t] of next) await atomicWrite(path.join(dir, f), t);
  io.write(`wrote ${[...next.keys()].join(', ')}\n`);
  return 0;
}
