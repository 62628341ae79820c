import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { confine, decodeText, fsError, projectPath, readProjectFile } from './paths';

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ApiError ? e.code : String(e)),
  );

function project(): { dir: string; out: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-paths-'));
  const out = mkdtempSync(path.join(os.tmpdir(), 'parley-paths-out-'));
  mkdirSync(path.join(dir, 'flows'));
  mkdirSync(path.join(dir, 'stories'));
  writeFileSync(path.join(dir, 'flows/main.yaml'), 'name: Main\n');
  writeFileSync(path.join(out, 'secret.md'), 'secret\n');
  return { dir, out };
}

describe('the path helper', () => {
  it('refuses writing through a folder linked outside (stories/cassettes -> elsewhere)', async () => {
    const { dir, out } = project();
    symlinkSync(out, path.join(dir, 'stories/cassettes'));
    expect(await codeOf(projectPath(dir, 'stories/cassettes/new.json'))).toBe('PATH_OUTSIDE_PROJECT');
    expect(await codeOf(projectPath(dir, 'stories/cassettes/deeper/new.json'))).toBe('PATH_OUTSIDE_PROJECT');
    expect((await projectPath(dir, 'stories/new.yaml')).abs).toBe(path.join(realpathSync(dir), 'stories/new.yaml'));
  });

  it('keeps the generic confine for the web host: any kind, links checked', async () => {
    const { dir, out } = project();
    symlinkSync(out, path.join(dir, 'assets'));
    expect(await codeOf(confine(dir, 'assets/secret.md'))).toBe('PATH_OUTSIDE_PROJECT');
    expect(await codeOf(confine(dir, 'index.html'))).toBe('resolved');
  });

  it('a FIFO planted as a flow is refused, not waited on', async () => {
    const { dir } = project();
    execFileSync('mkfifo', [path.join(dir, 'flows/pipe.yaml')]);
    expect(await codeOf(readProjectFile(dir, 'flows/pipe.yaml'))).toBe('NOT_A_FILE');
  });

  it('reads a file within its limit and refuses one a byte over', async () => {
    const { dir } = project();
    writeFileSync(path.join(dir, 'flows/edge.yaml'), 'x'.repeat(1000));
    expect((await readProjectFile(dir, 'flows/edge.yaml', { yaml: 0.001, text: 1, binary: 1 })).bytes.length).toBe(1000);
    writeFileSync(path.join(dir, 'flows/edge.yaml'), 'x'.repeat(1001));
    expect(await codeOf(readProjectFile(dir, 'flows/edge.yaml', { yaml: 0.001, text: 1, binary: 1 }))).toBe('TOO_LARGE');
  });

  it('names the line and byte of the first byte that is not UTF-8', () => {
    const r = decodeText('flows/x.yaml', Buffer.from([0x61, 0x0a, 0x62, 0xff]));
    expect(r).toEqual({ problem: expect.objectContaining({ file: 'flows/x.yaml', line: 2, message: expect.stringMatching(/^not valid UTF-8 at byte 3 \(0xFF\)/) }) });
    expect(decodeText('flows/x.yaml', Buffer.from('ok é'))).toEqual({ text: 'ok é' });
  });

  it('maps file-system errors to their own codes, naming the file; unknown ones stay as they are', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(fsError(err('ENOSPC'), 'flows/a.yaml')).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/^flows\/a\.yaml: /) });
    expect(fsError(err('EDQUOT'), 'a')).toMatchObject({ code: 'DISK_FULL' });
    expect(fsError(err('EACCES'), 'a')).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(fsError(err('EROFS'), 'a')).toMatchObject({ code: 'READ_ONLY' });
    expect(fsError(err('EISDIR'), 'a')).toMatchObject({ code: 'NOT_A_FILE' });
    expect(fsError(err('EIO'), 'a')).not.toBeInstanceOf(ApiError);
  });
});
