// `parley export <projectDir> --out <dir>`: a signed bundle. Exit 0 when written, 1 when the project has errors
// (listed as `parley validate` lists them), 2 on bad usage or input (no key, a key inside the project, an
// output folder that is not a bundle, a bad version).
import { formatChanges } from '../../shared/bundle/diff';
import { exportBundle, type ExportOptions } from '../export/export';
import { buildServerFile } from '../export/serverFile';
import { formatReport } from './validate';

export interface ExportCliOptions {
  out: string;
  key?: string;
  version?: string;
  notes?: string;
  since?: string;
  /** false (`--no-cache`): read every file, without the cache of files read before. */
  cache?: boolean;
}

export async function runExportCli(
  projectDir: string,
  o: ExportCliOptions,
  io: { write(s: string): void; err: { write(s: string): void } },
  extra: Partial<ExportOptions> = {},
): Promise<number> {
  const result = await exportBundle({
    projectDir,
    outDir: o.out,
    ...(o.key !== undefined ? { signingKey: o.key } : {}),
    ...(o.version !== undefined ? { version: o.version } : {}),
    ...(o.notes !== undefined ? { notes: o.notes } : {}),
    ...(o.since !== undefined ? { since: o.since } : {}),
    ...(o.cache === false ? { cache: false } : {}),
    serverFile: extra.serverFile ?? (await buildServerFile()),
    ...extra,
  });
  if (!result.ok) {
    io.write(`${formatReport(result.report)}\nnot exported: fix the errors above\n`);
    return 1;
  }
  for (const w of result.warnings) io.err.write(`${w}\n`);
  const m = result.manifest;
  const lines = [`exported ${m.name} ${m.version} to ${result.outDir} (${Object.keys(m.files).length + 2} files, signed)`];
  if (result.changes) lines.push(`changes since the earlier bundle:`, formatChanges(result.changes));
  lines.push(`run it: cd ${result.outDir} && PARLEY_RUNTIME_TOKEN=<token> node server.mjs --port 8787`);
  io.write(lines.join('\n') + '\n');
  return 0;
}
