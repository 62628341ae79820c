// `parley insights import|erase|retention <projectDir> …`: the runtime's transcripts into the project's analytics
// store (main/analytics/store.ts), kept in the user's data folder, never in the project: transcripts hold personal
// data, and a project folder goes through git.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from './io';
import { analyticsDbFile } from '../analytics/location';
import { AnalyticsStore, type ImportReport } from '../analytics/store';
import { defaultUserDataDir } from '../services/userData';

interface Options {
  userDataDir?: string;
  /** A database file of one's own instead of the project's. */
  db?: string;
  now?: Date;
}

async function withStore<T>(projectDir: string, o: Options, use: (s: AnalyticsStore, file: string) => Promise<T>): Promise<T> {
  const file = o.db ?? analyticsDbFile(o.userDataDir ?? defaultUserDataDir(), projectDir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const store = await AnalyticsStore.open(file).catch((e: unknown) => {
    // DuckDB lets one process write a database: the studio holds it while its Insights panel is in use
    if (e instanceof Error && /lock/i.test(e.message))
      throw new Error(`the analytics store ${file} is open in another Parley (the studio's Insights panel?): import there, or close it and try again`);
    throw e;
  });
  try {
    return await use(store, file);
  } finally {
    store.close();
  }
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function printReport(r: ImportReport, file: string, io: CliIo): void {
  io.write(
    `read ${count(r.lines, 'line')} from ${count(r.files, 'file')}: ${count(r.events, 'event')}; added ${count(r.added.turns, 'turn')}, ` +
      `${r.added.abandoned} abandoned, ${r.added.feedback} feedback to ${file}\n`,
  );
  if (r.malformed.count) {
    io.err(`${r.malformed.count} malformed ${r.malformed.count === 1 ? 'line' : 'lines'} skipped:\n`);
    for (const m of r.malformed.first) io.err(`  ${m.file}:${m.line}: ${m.reason}\n`);
    if (r.malformed.count > r.malformed.first.length) io.err(`  … and ${r.malformed.count - r.malformed.first.length} more\n`);
  }
}

/** Exit 0 when every line was an event, 1 when some were malformed (the rest is imported all the same). */
export async function runInsightsImport(projectDir: string, paths: readonly string[], o: Options, io: CliIo): Promise<number> {
  return withStore(projectDir, o, async (store, file) => {
    const report = await store.import(paths, o.now);
    printReport(report, file, io);
    return report.malformed.count ? 1 : 0;
  });
}

export async function runInsightsErase(projectDir: string, conversations: readonly string[], o: Options, io: CliIo): Promise<number> {
  return withStore(projectDir, o, async (store) => {
    const n = await store.erase(conversations, o.now);
    io.write(`erased ${n} ${n === 1 ? 'conversation' : 'conversations'}; a later import does not bring them back\n`);
    return 0;
  });
}

export async function runInsightsRetention(projectDir: string, days: string, o: Options, io: CliIo): Promise<number> {
  return withStore(projectDir, o, async (store) => {
    if (days === 'forever') {
      await store.setRetention(undefined);
      io.write('transcripts are kept until erased\n');
      return 0;
    }
    const n = Number(days);
    if (!/^\d+$/.test(days) || n < 1 || n > 36_500) {
      io.err(`parley insights retention: "${days}" is not a number of days (1 to 36500) or "forever"\n`);
      return 2;
    }
    const deleted = await store.setRetention(n, o.now);
    io.write(`transcripts are kept ${n} days; ${deleted} older ${deleted === 1 ? 'event was' : 'events were'} deleted\n`);
    return 0;
  });
}
