import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, promises as fsp, readdirSync, readlinkSync, realpathSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import {
  confine,
  decodeText,
  fsError,
  isInside,
  projectPath,
  readFileState,
  readProjectFile,
  requireKind,
  revisionOf,
  revisionOfFile,
  revisionOfText,
  toPosix,
} from './paths';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The file descriptors of this process open on `file` (Linux: /proc/self/fd). */
const openHandlesOn = (file: string): string[] =>
  process.platform !== 'linux'
    ? []
    : readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false;
        }
      });

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
    await expect(readProjectFile(dir, 'flows/pipe.yaml')).rejects.toMatchObject({
      code: 'NOT_A_FILE',
      message: 'flows/pipe.yaml: is not a regular file, not a file Parley can read',
      details: { file: 'flows/pipe.yaml' },
    });
    mkdirSync(path.join(dir, 'flows/dir.yaml'));
    await expect(readProjectFile(dir, 'flows/dir.yaml')).rejects.toMatchObject({
      code: 'NOT_A_FILE',
      message: 'flows/dir.yaml: is a folder, not a file Parley can read',
    });
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
    expect(r).toEqual({
      problem: expect.objectContaining({ file: 'flows/x.yaml', line: 2, message: expect.stringMatching(/^not valid UTF-8 at byte 3 \(0xFF\)/) }),
    });
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

describe('links inside the project', () => {
  it('a link to another file of the project is read (FORMAT.md: links are followed when they stay inside)', async () => {
    const { dir } = project();
    mkdirSync(path.join(dir, 'knowledge/shared'), { recursive: true });
    writeFileSync(path.join(dir, 'knowledge/shared/hours.md'), '# Hours\n');
    symlinkSync('shared/hours.md', path.join(dir, 'knowledge/hours.md'));
    symlinkSync(path.join(dir, 'knowledge/shared'), path.join(dir, 'knowledge/linked'));
    expect((await readProjectFile(dir, 'knowledge/hours.md')).bytes.toString()).toBe('# Hours\n');
    expect((await readProjectFile(dir, 'knowledge/linked/hours.md')).bytes.toString()).toBe('# Hours\n');
    const p = await projectPath(dir, 'knowledge/hours.md');
    expect(p).toEqual({
      abs: path.join(realpathSync(dir), 'knowledge/hours.md'),
      real: path.join(realpathSync(dir), 'knowledge/shared/hours.md'),
      kind: { kind: 'knowledge', size: 'text' },
      exists: true,
    });
  });

  it('a file swapped for a link out after the check and before the open is refused', async () => {
    const { dir, out } = project();
    const file = path.join(realpathSync(dir), 'flows/main.yaml');
    const realpath = fsp.realpath.bind(fsp);
    vi.spyOn(fsp, 'realpath').mockImplementation(async (p, ...rest) => {
      const r = await realpath(p, ...(rest as []));
      if (p === file) {
        unlinkSync(file);
        symlinkSync(path.join(out, 'secret.md'), file);
      }
      return r;
    });
    const err = await readProjectFile(dir, 'flows/main.yaml').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PATH_OUTSIDE_PROJECT', message: 'flows/main.yaml: was replaced by a link while it was opened' });
  });

  it('a link to a dotfile or into a dot-folder inside the project is refused', async () => {
    const { dir } = project();
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.git/config'), '[core]\n');
    symlinkSync('../.git/config', path.join(dir, 'flows/git.yaml'));
    symlinkSync('../.git', path.join(dir, 'stories/git'));
    for (const rel of ['flows/git.yaml', 'stories/git/new.yaml']) {
      const err = await projectPath(dir, rel).catch((e: unknown) => e);
      expect(err, rel).toMatchObject({
        code: 'PATH_OUTSIDE_PROJECT',
        message: `${rel}: leads through a link to a dotfile or dot-folder, which Parley never reads or writes`,
      });
    }
  });

  it('a link out names the path and says it leads outside', async () => {
    const { dir, out } = project();
    symlinkSync(path.join(out, 'secret.md'), path.join(dir, 'flows/leak.yaml'));
    await expect(readProjectFile(dir, 'flows/leak.yaml')).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_PROJECT',
      message: 'flows/leak.yaml: leads outside the project through a link',
    });
  });
});

describe('paths the helper refuses before touching the disk', () => {
  it('absolute paths, "..", "." and empty segments: PATH_OUTSIDE_PROJECT naming the path and why', async () => {
    const { dir } = project();
    for (const rel of ['/etc/passwd', '../x.yaml', 'flows/../../x.yaml', 'flows/./main.yaml', 'flows//main.yaml', 'C:/x', 'flows\\main.yaml', '']) {
      const err = await confine(dir, rel).catch((e: unknown) => e);
      expect(err, rel).toBeInstanceOf(ApiError);
      expect(err, rel).toMatchObject({ code: 'PATH_OUTSIDE_PROJECT' });
      expect((err as Error).message.startsWith(`${JSON.stringify(rel)}: `), rel).toBe(true);
    }
  });

  it('a path that is not a project kind: FILE_KIND_NOT_ALLOWED naming the path and the allowed kinds', () => {
    expect(requireKind('flows/main.yaml')).toEqual({ kind: 'flow', size: 'yaml' });
    for (const rel of ['.git/config', '.bashrc', 'notes.txt', 'flows/a/b.yaml']) {
      let err: unknown;
      try {
        requireKind(rel);
      } catch (e) {
        err = e;
      }
      expect(err, rel).toMatchObject({
        code: 'FILE_KIND_NOT_ALLOWED',
        message: expect.stringMatching(
          new RegExp(`^${rel.replace('.', '\\.')}: not a project file; Parley reads and writes only parley\\.yaml, .* \\(never dotfiles`),
        ),
        details: { file: rel, allowed: expect.stringContaining('flows/<id>.yaml') },
      });
    }
    expect(() => requireKind('../parley.yaml')).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_PROJECT' }));
  });

  it('a project folder that does not exist is NOT_FOUND naming the folder', async () => {
    const missing = path.join(os.tmpdir(), `parley-missing-${process.pid}-${Date.now()}`);
    await expect(confine(missing, 'flows/a.yaml')).rejects.toMatchObject({ code: 'NOT_FOUND', message: `${missing}: does not exist` });
  });
});

describe('paths that do not exist yet', () => {
  it('resolve inside the real root, marked as not existing; reading one is NOT_FOUND', async () => {
    const { dir } = project();
    const root = realpathSync(dir);
    expect(await projectPath(dir, 'flows/new.yaml')).toEqual({
      abs: path.join(root, 'flows/new.yaml'),
      real: path.join(root, 'flows/new.yaml'),
      kind: { kind: 'flow', size: 'yaml' },
      exists: false,
    });
    expect(await projectPath(dir, 'knowledge/a/b/c.md')).toMatchObject({ abs: path.join(root, 'knowledge/a/b/c.md'), exists: false });
    expect(await confine(dir, 'flows/main.yaml')).toBe(path.join(root, 'flows/main.yaml'));
    expect(await codeOf(readProjectFile(dir, 'flows/new.yaml'))).toBe('NOT_FOUND');
    expect(await codeOf(readProjectFile(dir, 'knowledge/a/b/c.md'))).toBe('NOT_FOUND');
  });

  it('a path through a file, as if it were a folder, is NOT_A_FILE', async () => {
    const { dir } = project();
    writeFileSync(path.join(dir, 'stories/plain'), 'x');
    expect(await projectPath(dir, 'stories/plain/s.yaml')).toMatchObject({ exists: false });
    expect(await codeOf(readProjectFile(dir, 'stories/plain/s.yaml'))).toBe('NOT_A_FILE');
  });

  it('a folder that cannot be searched is PERMISSION_DENIED naming the path', async () => {
    const { dir } = project();
    const realpath = fsp.realpath.bind(fsp);
    vi.spyOn(fsp, 'realpath').mockImplementation(async (p, ...rest) => {
      if (String(p).endsWith(`${path.sep}locked${path.sep}s.yaml`)) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return realpath(p, ...(rest as []));
    });
    await expect(projectPath(dir, 'stories/locked/s.yaml')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringMatching(/^stories\/locked\/s\.yaml: permission denied/),
    });
  });
});

describe('reading within the limit', () => {
  it('reads a file larger than one read chunk whole, with the revision of its bytes', async () => {
    const { dir } = project();
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => 97 + (i % 26)));
    writeFileSync(path.join(dir, 'flows/big.yaml'), bytes);
    const r = await readProjectFile(dir, 'flows/big.yaml');
    expect(r.bytes.equals(bytes)).toBe(true);
    expect(r.revision).toBe(createHash('sha256').update(bytes).digest('hex').slice(0, 16));
    expect(await revisionOfFile(path.join(dir, 'flows/big.yaml'), 'flows/big.yaml')).toBe(r.revision);
  });

  it('an empty file is read as empty', async () => {
    const { dir } = project();
    writeFileSync(path.join(dir, 'flows/empty.yaml'), '');
    expect((await readProjectFile(dir, 'flows/empty.yaml')).bytes.length).toBe(0);
  });

  it('each kind has its own limit: a knowledge PDF may be larger than YAML', async () => {
    const { dir } = project();
    mkdirSync(path.join(dir, 'knowledge'));
    writeFileSync(path.join(dir, 'knowledge/doc.pdf'), Buffer.alloc(3000));
    writeFileSync(path.join(dir, 'knowledge/doc.md'), Buffer.alloc(3000));
    const limits = { yaml: 0.001, text: 0.002, binary: 0.003 };
    expect((await readProjectFile(dir, 'knowledge/doc.pdf', limits)).bytes.length).toBe(3000);
    const err = await readProjectFile(dir, 'knowledge/doc.md', limits).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'TOO_LARGE',
      message: 'knowledge/doc.md: file is 3 KB, over the 2 KB limit for text documents (raise it in Settings)',
      details: { file: 'knowledge/doc.md', bytes: 3000, limit: 2000 },
    });
  });

  it('a file that grows while it is read is caught at the limit', async () => {
    const { dir } = project();
    const file = path.join(dir, 'flows/grow.yaml');
    writeFileSync(file, 'x'.repeat(100));
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const h = await open(...args);
      const stat = h.stat.bind(h);
      // the size seen by fstat, then the file grows before the read
      h.stat = (async (...a: Parameters<typeof h.stat>) => {
        const st = await stat(...a);
        writeFileSync(file, 'x'.repeat(5000));
        return st;
      }) as typeof h.stat;
      return h;
    });
    const err = await readProjectFile(dir, 'flows/grow.yaml', { yaml: 0.001, text: 1, binary: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringMatching(/^flows\/grow\.yaml: file is 1(\.0)? KB, over the 1 KB limit for YAML/),
      details: { file: 'flows/grow.yaml', bytes: 1001, limit: 1000 },
    });
  });
});

describe('file handles', () => {
  it('a read that fails after the open is an error naming the file, and no handle is left open', async () => {
    const { dir } = project();
    const file = path.join(realpathSync(dir), 'flows/main.yaml');
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementationOnce(async (...args: Parameters<typeof fsp.open>) => {
      const h = await open(...args);
      h.read = (() => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }))) as typeof h.read;
      return h;
    });
    await expect(readProjectFile(dir, 'flows/main.yaml')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringMatching(/^flows\/main\.yaml: permission denied/),
    });
    expect(openHandlesOn(file)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('reading closes the file, whether it is read or refused', async () => {
    const { dir } = project();
    const root = realpathSync(dir);
    writeFileSync(path.join(dir, 'flows/big.yaml'), 'x'.repeat(2000));
    mkdirSync(path.join(dir, 'flows/dir.yaml'));
    await readProjectFile(dir, 'flows/main.yaml');
    await readProjectFile(dir, 'flows/big.yaml', { yaml: 0.001, text: 1, binary: 1 }).catch(() => undefined);
    await readProjectFile(dir, 'flows/dir.yaml').catch(() => undefined);
    for (const f of ['flows/main.yaml', 'flows/big.yaml', 'flows/dir.yaml']) expect(openHandlesOn(path.join(root, f)), f).toEqual([]);
  });
});

describe('readFileState', () => {
  it('gives the text and revision, undefined for a missing file, and a problem naming the file otherwise', async () => {
    const { dir, out } = project();
    expect(await readFileState(dir, 'flows/main.yaml')).toEqual({ text: 'name: Main\n', revision: revisionOfText('name: Main\n') });
    expect(await readFileState(dir, 'flows/none.yaml')).toBeUndefined();
    writeFileSync(path.join(dir, 'flows/latin.yaml'), Buffer.from([0x61, 0xe9]));
    expect(await readFileState(dir, 'flows/latin.yaml')).toEqual({
      problem: expect.objectContaining({ file: 'flows/latin.yaml', line: 1, message: expect.stringMatching(/^not valid UTF-8 at byte 1 \(0xE9\)/) }),
      revision: revisionOf(Buffer.from([0x61, 0xe9])),
    });
    symlinkSync(path.join(out, 'secret.md'), path.join(dir, 'flows/leak.yaml'));
    expect(await readFileState(dir, 'flows/leak.yaml')).toEqual({
      problem: { severity: 'error', file: 'flows/leak.yaml', field: '', message: 'leads outside the project through a link' },
      revision: null,
    });
  });

  it('a failure whose message does not start with the file is kept whole, after "cannot be read"', async () => {
    const { dir } = project();
    vi.spyOn(fsp, 'open').mockRejectedValue(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    expect(await readFileState(dir, 'flows/main.yaml')).toEqual({
      problem: { severity: 'error', file: 'flows/main.yaml', field: '', message: 'cannot be read: EIO: i/o error' },
      revision: null,
    });
    vi.spyOn(fsp, 'open').mockRejectedValue('not an error');
    expect(await readFileState(dir, 'flows/main.yaml')).toMatchObject({ problem: { message: 'cannot be read: not an error' } });
  });
});

describe('revisions', () => {
  it('hash the bytes: 16 hex digits of SHA-256, the same for text written as UTF-8; a missing file has none', async () => {
    const { dir } = project();
    const sha = createHash('sha256').update('name: Main\n').digest('hex');
    expect(revisionOf(Buffer.from('name: Main\n'))).toBe(sha.slice(0, 16));
    expect(revisionOfText('name: Main\n')).toBe(sha.slice(0, 16));
    expect(await revisionOfFile(path.join(dir, 'flows/main.yaml'), 'flows/main.yaml')).toBe(sha.slice(0, 16));
    expect(await revisionOfFile(path.join(dir, 'flows/none.yaml'), 'flows/none.yaml')).toBeNull();
    await expect(revisionOfFile(path.join(dir, 'flows'), 'flows')).rejects.toMatchObject({ code: 'NOT_A_FILE', message: 'flows: is a folder, not a file' });
  });
});

describe('decodeText', () => {
  it('counts lines up to the bad byte, and shows the byte as two hex digits', () => {
    const r = decodeText('k.md', Buffer.from([0x0a, 0x0a, 0x61, 0x0a, 0x08, 0x80]));
    expect(r).toEqual({
      problem: {
        severity: 'error',
        file: 'k.md',
        line: 4,
        field: '',
        message: 'not valid UTF-8 at byte 5 (0x80); save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)',
      },
    });
    expect(decodeText('k.md', Buffer.from([0x05, 0xc3]))).toMatchObject({
      problem: { line: 1, message: expect.stringMatching(/^not valid UTF-8 at byte 1 \(0xC3\)/) },
    });
  });
});

describe('fsError', () => {
  it('each errno its code and a message naming the file; the errno is kept in the details', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    const messages = Object.fromEntries(
      ['ENOENT', 'EISDIR', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS'].map((c) => [
        c,
        [(fsError(err(c), 'f') as ApiError).code, fsError(err(c), 'f').message],
      ]),
    );
    expect(messages).toEqual({
      ENOENT: ['NOT_FOUND', 'f: does not exist'],
      EISDIR: ['NOT_A_FILE', 'f: is a folder, not a file'],
      ENOTDIR: ['NOT_A_FILE', 'f: a part of the path is a file, not a folder'],
      ENOSPC: ['DISK_FULL', 'f: the disk is full; free some space and save again'],
      EDQUOT: ['DISK_FULL', 'f: the disk quota is used up; free some space and save again'],
      EACCES: ['PERMISSION_DENIED', 'f: permission denied; check the file and folder permissions'],
      EPERM: ['PERMISSION_DENIED', 'f: the operation is not permitted; check the file and folder permissions'],
      EROFS: ['READ_ONLY', 'f: the file system is read-only'],
    });
    expect(fsError(err('ENOENT'), 'flows/a.yaml')).toMatchObject({
      code: 'NOT_FOUND',
      message: 'flows/a.yaml: does not exist',
      details: { file: 'flows/a.yaml', errno: 'ENOENT' },
    });
    expect(fsError(err('ENOTDIR'), 'a')).toMatchObject({ code: 'NOT_A_FILE', message: 'a: a part of the path is a file, not a folder' });
    expect(fsError(err('EPERM'), 'a')).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/^a: the operation is not permitted/) });
    expect(fsError(err('ENOSPC'), 'a')).toMatchObject({ message: 'a: the disk is full; free some space and save again' });
    const api = new ApiError('CONFLICT', 'x');
    expect(fsError(api, 'a')).toBe(api);
    const plain = err('EIO');
    expect(fsError(plain, 'a')).toBe(plain);
    expect(fsError('text', 'a')).toEqual(new Error('text'));
    expect(fsError(null, 'a')).toEqual(new Error('null'));
  });
});

describe('isInside and toPosix', () => {
  it('inside means the root itself or below it, never a sibling that shares its prefix', () => {
    const root = path.join(path.sep, 'p', 'proj');
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, path.join(root, 'a', 'b'))).toBe(true);
    expect(isInside(root, path.join(root, '..foo'))).toBe(true); // a name starting with two dots
    expect(isInside(root, path.join(path.sep, 'p'))).toBe(false);
    expect(isInside(root, path.join(path.sep, 'p', 'proj2'))).toBe(false);
    expect(isInside(root, path.join(path.sep, 'p', 'other', 'x'))).toBe(false);
    expect(toPosix(['a', 'b', 'c'].join(path.sep))).toBe('a/b/c');
  });
});
