import { execFileSync } from 'node:child_process';
import fs, { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitAll, repoWithSample } from '../../test/fixtures/gitRepo';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { gitObjectSize } from './gitObjectSize';
import { projectFilesAt } from './gitRevision';

const run = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'core.hooksPath=/dev/null', ...args], { cwd, encoding: 'utf8' }).trim();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the size of a git object, from its header only', () => {
  it('reads loose objects', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-git-'));
    await git.init({ fs, dir });
    const small = await git.writeBlob({ fs, dir, blob: new TextEncoder().encode('hello\n') });
    const large = await git.writeBlob({ fs, dir, blob: new Uint8Array(3_000_000).fill(32) });
    expect(await gitObjectSize(path.join(dir, '.git'), small)).toBe(6);
    expect(await gitObjectSize(path.join(dir, '.git'), large)).toBe(3_000_000);
    expect(await gitObjectSize(path.join(dir, '.git'), '0'.repeat(40))).toBeUndefined();
  });

  it('reads objects git packed, deltas included, as `git cat-file -s` does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-git-'));
    run(dir, 'init', '-q');
    const text = Array.from({ length: 4000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog`).join('\n');
    for (let v = 0; v < 4; v++) {
      writeFileSync(path.join(dir, 'flow.yaml'), `${text}\nversion ${v}\n${'x'.repeat(v * 1000)}`);
      run(dir, 'add', '-A');
      run(dir, 'commit', '-qm', `v${v}`);
    }
    run(dir, 'gc', '-q', '--aggressive');
    expect(fs.readdirSync(path.join(dir, '.git', 'objects', 'pack')).some((f) => f.endsWith('.idx'))).toBe(true);
    const objects = run(dir, 'rev-list', '--objects', '--all')
      .split('\n')
      .map((l) => l.split(' ')[0]!);
    expect(objects.length).toBeGreaterThan(8);
    const deltas = run(
      dir,
      'verify-pack',
      '-v',
      ...fs
        .readdirSync(path.join(dir, '.git', 'objects', 'pack'))
        .filter((f) => f.endsWith('.idx'))
        .map((f) => path.join('.git', 'objects', 'pack', f)),
    );
    // git stored some of the versions as deltas: the test covers them
    expect(deltas).toMatch(/^[0-9a-f]{40} blob +\d+ \d+ \d+ \d+ [0-9a-f]{40}$/m);
    for (const oid of objects) expect(await gitObjectSize(path.join(dir, '.git'), oid)).toBe(Number(run(dir, 'cat-file', '-s', oid)));
  });

  it('refuses a blob over the limit at a revision without inflating it (a hostile repository’s zip bomb)', async () => {
    const { root, project } = await repoWithSample();
    // 30 MB of spaces: 30 KB compressed
    writeFileSync(path.join(project, 'flows', 'main.yaml'), Buffer.alloc(30_000_000, 32));
    await commitAll(root, 'a bomb');
    const readBlob = vi.spyOn(git, 'readBlob');
    const { files } = await projectFilesAt(project, 'HEAD', DEFAULT_FILE_LIMITS);
    // (assertions on small values only: a failure must not print 30 MB)
    const bomb = files.get('flows/main.yaml')!;
    expect(readBlob.mock.calls.filter(([o]) => o.oid === bomb.revision).length).toBe(0);
    expect('problem' in bomb ? bomb.problem.message : 'read in full').toBe('over the 5 MB limit for YAML at HEAD');
    // the other files were read
    expect('text' in files.get('flows/balance.yaml')!).toBe(true);
    expect(readBlob).toHaveBeenCalled();
  });
});
