import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { copySample, SAMPLE_DIR } from '../fixtures/tinyProject';

const root = path.resolve(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, 'bin/parley.mjs'), ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('parley validate', () => {
  it('passes the sample project', async () => {
    const r = await run('validate', SAMPLE_DIR);
    expect(r.stdout).toMatch(/^ok: \d+ flows, \d+ nodes, \d+ warnings$/m);
    expect(r.code).toBe(0);
    // the sample's warnings are the copy lint's, among them the three defensive lines it ships to show the lint
    const lines = r.stdout.trim().split('\n').slice(0, -1);
    expect(lines.every((l) => / copy lint, .*\(warning\)$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes('copy lint, defensive or blaming')).map((l) => l.split(':')[0])).toEqual([
      'flows/dispute.yaml',
      'flows/payment.yaml',
      'flows/transactions.yaml',
    ]);
  });

  it('fails a copy with a broken edge, naming file, line and field', async () => {
    const dir = copySample();
    const file = path.join(dir, 'flows/main.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => /^ {4}next: \w+$/.test(l));
    expect(i).toBeGreaterThan(0);
    lines[i] = '    next: no_such_node';
    writeFileSync(file, lines.join('\n'));
    const r = await run('validate', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^flows/main\\.yaml:${i + 1}: nodes\\[\\d+\\]\\.next: edge to missing node "no_such_node"$`, 'm'));
  });

  it('reports corrupt YAML and leaves the file as it was', async () => {
    const dir = copySample();
    const file = path.join(dir, 'flows/main.yaml');
    const corrupt = readFileSync(file, 'utf8') + '\n  - id: [unclosed\n';
    writeFileSync(file, corrupt);
    const r = await run('validate', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^flows\/main\.yaml:\d+: invalid YAML/m);
    expect(readFileSync(file, 'utf8')).toBe(corrupt);
  });

  it('prints JSON with --json, and a usage error for a missing argument', async () => {
    const r = await run('validate', SAMPLE_DIR, '--json');
    const report = JSON.parse(r.stdout) as { ok: boolean; problems: { severity: string; message: string }[] };
    expect(report.ok).toBe(true);
    expect(report.problems.filter((p) => !p.message.startsWith('copy lint, '))).toEqual([]);
    const bad = await run('validate');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/missing required argument 'projectDir'/);
  });
});
