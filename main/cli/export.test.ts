// `parley export` and `parley keys generate` as subprocesses: exit codes and what they print.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeTinyProject } from '../../test/fixtures/tinyProject';

const root = path.resolve(import.meta.dirname, '../..');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, [path.join(root, 'bin/parley.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, PARLEY_SIGNING_KEY_FILE: '', ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'parley-cli-export-'));

describe('parley keys generate and parley export', { timeout: 90_000 }, () => {
  it('generates keys, exports (exit 0), reports changes on the next export, and never prints key material', async () => {
    const keys = path.join(tmp(), 'keys');
    const g = await run(['keys', 'generate', '--out', keys]);
    expect(g.code).toBe(0);
    const pem = readFileSync(path.join(keys, 'parley-signing.key'), 'utf8');
    expect(g.stdout).toContain(path.join(keys, 'parley-signing.key'));
    expect((await run(['keys', 'generate', '--out', keys])).code).toBe(2);

    const project = makeTinyProject();
    const out = path.join(tmp(), 'bundle');
    const key = path.join(keys, 'parley-signing.key');
    const first = await run(['export', project, '--out', out, '--key', key, '--version', '1.0.0', '--notes', 'First']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^exported Tiny Bank 1\.0\.0 to .*bundle \(\d+ files, signed\)$/m);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({ version: '1.0.0', notes: 'First' });

    writeFileSync(path.join(project, 'flows/main.yaml'), readFileSync(path.join(project, 'flows/main.yaml'), 'utf8').replace('Hi! How', 'Hello! How'));
    const second = await run(['export', project, '--out', out, '--version', '1.1.0'], { PARLEY_SIGNING_KEY_FILE: key });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('version 1.0.0 → 1.1.0');
    expect(second.stdout).toMatch(/^ {2}changed {2}project\/flows\/main\.json$/m);
    for (const r of [g, first, second]) expect(r.stdout + r.stderr).not.toContain(pem.split('\n')[1]!.slice(0, 12));
  });

  it('exit 1 with the problems listed as parley validate lists them when the project has errors', async () => {
    const keys = path.join(tmp(), 'keys');
    expect((await run(['keys', 'generate', '--out', keys])).code).toBe(0);
    const project = makeTinyProject({
      'flows/main.yaml': readFileSync(path.join(makeTinyProject(), 'flows/main.yaml'), 'utf8').replace('next: menu', 'next: nowhere'),
    });
    const out = path.join(tmp(), 'bundle');
    const r = await run(['export', project, '--out', out, '--key', path.join(keys, 'parley-signing.key')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^flows\/main\.yaml:\d+: nodes\[1\]\.next: edge to missing node "nowhere"$/m);
    expect(r.stdout).toMatch(/^1 error, 2 warnings in .*\nnot exported: fix the errors above$/m);
    expect(existsSync(out)).toBe(false);
  });

  it('exit 2 on bad usage or input: no key, a bad version, a folder that is not a bundle, a missing --out', async () => {
    const project = makeTinyProject();
    const noKey = await run(['export', project, '--out', path.join(tmp(), 'b')]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/parley export: a bundle is signed: pass --key <file> or set PARLEY_SIGNING_KEY_FILE/);
    const keys = path.join(tmp(), 'keys');
    await run(['keys', 'generate', '--out', keys]);
    const key = path.join(keys, 'parley-signing.key');
    const badVersion = await run(['export', project, '--out', path.join(tmp(), 'b'), '--key', key, '--version', 'latest']);
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toContain('--version: "latest" is not a semantic version');
    const notBundle = tmp();
    writeFileSync(path.join(notBundle, 'notes.txt'), 'mine');
    expect((await run(['export', project, '--out', notBundle, '--key', key])).code).toBe(2);
    expect(readFileSync(path.join(notBundle, 'notes.txt'), 'utf8')).toBe('mine');
    const missing = await run(['export', project]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/required option '--out <dir>'/);
  });
});
