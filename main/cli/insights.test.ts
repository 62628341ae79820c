import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySample } from '../../test/fixtures/tinyProject';
import { analyticsDbFile } from '../analytics/location';
import { runInsightsErase, runInsightsImport, runInsightsRetention } from './insights';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { write: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

const event = (conversation: string, at: string) =>
  JSON.stringify({
    v: 1,
    type: 'turn',
    conversation,
    bundle: { name: 'acme-bank', version: '1.0.0' },
    at,
    turn: 0,
    input: { type: 'start' },
    says: [],
    path: ['main/start'],
    outcomes: [],
    ms: 3,
  });

describe('parley insights', () => {
  it('imports into a store in the user data folder, never the project, reports malformed lines, erases and keeps a retention', async () => {
    const project = copySample();
    const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-user-'));
    const logs = mkdtempSync(path.join(os.tmpdir(), 'parley-logs-'));
    writeFileSync(path.join(logs, 'transcripts-2026-12-06.jsonl'), `${event('a', '2026-12-06T10:00:00Z')}\nnot json\n${event('b', '2026-09-01T10:00:00Z')}\n`);
    const now = new Date('2026-12-07T00:00:00Z');
    const before = readdirSync(project).sort();

    const r = io();
    expect(await runInsightsImport(project, [logs], { userDataDir, now }, r.io)).toBe(1);
    const db = analyticsDbFile(userDataDir, project);
    expect(r.out.join('')).toBe(`read 3 lines from 1 file: 2 events; added 2 turns, 0 abandoned, 0 feedback to ${db}\n`);
    expect(r.err.join('')).toMatch(/^1 malformed line skipped:\n {2}.*transcripts-2026-12-06\.jsonl:2: not JSON/);
    expect(existsSync(db)).toBe(true);
    expect(db.startsWith(path.join(userDataDir, 'analytics'))).toBe(true);
    expect(readdirSync(project).sort()).toEqual(before);

    const erase = io();
    expect(await runInsightsErase(project, ['a'], { userDataDir, now }, erase.io)).toBe(0);
    expect(erase.out.join('')).toBe('erased 1 conversation; a later import does not bring them back\n');

    const keep = io();
    expect(await runInsightsRetention(project, '30', { userDataDir, now }, keep.io)).toBe(0);
    expect(keep.out.join('')).toBe('transcripts are kept 30 days; 1 older event was deleted\n');
    expect(await runInsightsRetention(project, 'soon', { userDataDir, now }, io().io)).toBe(2);

    const again = io();
    expect(await runInsightsImport(project, [logs], { userDataDir, now }, again.io)).toBe(1);
    expect(again.out.join('')).toContain('added 0 turns');
  });

  it('says so when another Parley holds the store (DuckDB lets one process write it)', async () => {
    const db = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-lock-')), 'a.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(db)}).then((i) => i.connect()).then(() => { console.log('ready'); setTimeout(() => {}, 60000); })`,
      ],
      { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d) => String(d).includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`the holder exited (${code})`)));
      });
      const r = io();
      await expect(runInsightsImport(copySample(), [db], { db }, r.io)).rejects.toThrow(/is open in another Parley \(the studio's Insights panel\?\)/);
    } finally {
      holder.kill();
    }
  });
});
