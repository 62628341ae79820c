import { createHash } from 'node:crypto';
import { constants, createReadStream, promises as fs } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { ApiError, type ErrorCode } from '../../shared/api/errors';
import { RelPath } from '../../shared/api/contract';
import {
  ALLOWED_FILES_TEXT,
  DEFAULT_FILE_LIMITS,
  invalidUtf8Offset,
  isHiddenPath,
  projectFileKind,
  tooLargeMessage,
  type FileKindInfo,
  type FileLimits,
} from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';

/** A file's revision: 16 hex digits of the SHA-256 of its bytes on disk (never of decoded text). */
export const revisionOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** The revision the bytes of `text` written as UTF-8 will have. */
export const revisionOfText = (text: string): string => revisionOf(Buffer.from(text, 'utf8'));

/** A file's revision on disk, hashed as it streams (a huge file is never held in memory), or null when absent. */
export async function revisionOfFile(abs: string, rel: string): Promise<string | null> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(abs)) hash.update(chunk as Buffer);
    return hash.digest('hex').slice(0, 16);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fsError(e, rel);
  }
}

const checkRel = (rel: string): void => {
  const parsed = RelPath.safeParse(rel);
  if (!parsed.success) throw new ApiError('PATH_OUTSIDE_PROJECT', `${JSON.stringify(rel)}: ${parsed.error.issues[0]?.message ?? 'invalid path'}`);
};

/**
 * Resolves a relative path inside `root`: the absolute path, the root's real path, and the real path of the
 * deepest part that exists (the file itself when it exists). Refuses absolute paths, `..`, and links whose
 * target lies outside the root.
 */
async function resolveInside(root: string, rel: string): Promise<{ abs: string; realRoot: string; real: string; exists: boolean }> {
  checkRel(rel);
  const realRoot = await fs.realpath(root).catch((e: unknown) => {
    throw fsError(e, root);
  });
  const abs = path.resolve(realRoot, ...rel.split('/'));
  if (!isInside(realRoot, abs)) throw new ApiError('PATH_OUTSIDE_PROJECT', `${JSON.stringify(rel)} is outside the project`);
  // Walk up to the deepest part that exists and check where it really points.
  let probe = abs;
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      if (!isInside(realRoot, real)) throw new ApiError('PATH_OUTSIDE_PROJECT', `${rel}: leads outside the project through a link`);
      return { abs, realRoot, real, exists: probe === abs };
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fsError(e, rel);
      const parent = path.dirname(probe);
      if (parent === probe) return { abs, realRoot, real: probe, exists: false };
      probe = parent;
    }
  }
}

/**
 * Resolves a project-relative path to an absolute one inside `root`, refusing anything that could escape it:
 * absolute paths, `..`, and symlinks (the deepest existing ancestor's real path must lie inside the root's).
 * Generic (the web host serves its static files through it); project files go through `projectPath`.
 */
export async function confine(root: string, rel: string): Promise<string> {
  return (await resolveInside(root, rel)).abs;
}

/** The kind of a path a file call may touch, or FILE_KIND_NOT_ALLOWED naming the path and the allowed kinds. */
export function requireKind(rel: string): FileKindInfo {
  checkRel(rel);
  const kind = projectFileKind(rel);
  if (!kind) {
    throw new ApiError(
      'FILE_KIND_NOT_ALLOWED',
      `${rel}: not a project file; Parley reads and writes only ${ALLOWED_FILES_TEXT} (never dotfiles or dot-folders such as .git/)`,
      {
        file: rel,
        allowed: ALLOWED_FILES_TEXT,
      },
    );
  }
  return kind;
}

/**
 * THE path helper for project files: the path must be one of the project's kinds of files, stay inside the
 * project, and not reach a dotfile or dot-folder through a link inside it either (`knowledge/a.md -> ../.env`).
 * Used for reading and for writing.
 */
export async function projectPath(root: string, rel: string): Promise<{ abs: string; real: string; kind: FileKindInfo; exists: boolean }> {
  const kind = requireKind(rel);
  const r = await resolveInside(root, rel);
  if (isHiddenPath(toPosix(path.relative(r.realRoot, r.real)))) {
    throw new ApiError('PATH_OUTSIDE_PROJECT', `${rel}: leads through a link to a dotfile or dot-folder, which Parley never reads or writes`);
  }
  return { abs: r.abs, real: r.exists ? r.real : r.abs, kind, exists: r.exists };
}

/**
 * Reads a project file without ever holding more than its limit in memory: resolve and confine it, open it
 * (not following a last-moment link), check the open handle is a regular file within the limit, and read at
 * most limit + 1 bytes (a file growing while it is read is caught too).
 */
export async function readProjectFile(root: string, rel: string, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<{ bytes: Buffer; revision: string }> {
  // The checked real path is opened, so a link inside the project to one of its files is read, while a link
  // swapped in after the check is refused.
  const { real, kind } = await projectPath(root, rel);
  const max = Math.floor(limits[kind.size] * 1_000_000);
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: a FIFO planted as flows/x.yaml must not hang the open; fstat then rejects it.
    handle = await fs.open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new ApiError('PATH_OUTSIDE_PROJECT', `${rel}: was replaced by a link while it was opened`);
    throw fsError(e, rel);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw new ApiError('NOT_A_FILE', `${rel}: is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, not a file Parley can read`, { file: rel });
    if (st.size > max) throw new ApiError('TOO_LARGE', tooLargeMessage(rel, st.size, kind.size, limits), { file: rel, bytes: st.size, limit: max });
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const room = max + 1 - total;
      if (room <= 0) break;
      const buf = Buffer.allocUnsafe(Math.min(room, Math.max(st.size + 1 - total, 64 * 1024)));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > max) throw new ApiError('TOO_LARGE', tooLargeMessage(rel, total, kind.size, limits), { file: rel, bytes: total, limit: max });
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
    return { bytes, revision: revisionOf(bytes) };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw fsError(e, rel);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The text of a project file's bytes, or a problem naming the file, line and byte offset of the first byte
 * that is not UTF-8: bytes are never silently replaced (a save would then change them).
 */
export function decodeText(rel: string, bytes: Buffer): { text: string } | { problem: Problem } {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8') };
  const at = invalidUtf8Offset(bytes);
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
  const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
  return {
    problem: {
      severity: 'error',
      file: rel,
      line,
      field: '',
      message: `not valid UTF-8 at byte ${at} (0x${hex}); save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)`,
    },
  };
}

/** A project file as read: its text, or the problem that kept it from being read. The revision hashes its bytes. */
export type FileState = { text: string; revision: string } | { problem: Problem; revision: string | null };

/**
 * Reads one project file through the path helper (confined, within its size limit, UTF-8). Undefined when it
 * does not exist; any other failure is a problem naming the file, so the rest of the project still loads.
 */
export async function readFileState(dir: string, rel: string, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<FileState | undefined> {
  try {
    const { bytes, revision } = await readProjectFile(dir, rel, limits);
    const decoded = decodeText(rel, bytes);
    return 'text' in decoded ? { text: decoded.text, revision } : { problem: decoded.problem, revision };
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_FOUND') return undefined;
    const message = e instanceof Error ? e.message : String(e);
    // Our messages start with the file's name; a problem names it already.
    const text = message.startsWith(`${rel}: `) ? message.slice(rel.length + 2) : `cannot be read: ${message}`;
    return { problem: { severity: 'error', file: rel, field: '', message: text }, revision: null };
  }
}

/** A file-system failure as the error the caller sees: its own code and a message naming the file. */
export function fsError(e: unknown, rel: string): ApiError | Error {
  if (e instanceof ApiError) return e;
  const err = e as NodeJS.ErrnoException;
  const map: Record<string, [ErrorCode, string]> = {
    ENOENT: ['NOT_FOUND', 'does not exist'],
    EISDIR: ['NOT_A_FILE', 'is a folder, not a file'],
    ENOTDIR: ['NOT_A_FILE', 'a part of the path is a file, not a folder'],
    ENOSPC: ['DISK_FULL', 'the disk is full; free some space and save again'],
    EDQUOT: ['DISK_FULL', 'the disk quota is used up; free some space and save again'],
    EACCES: ['PERMISSION_DENIED', 'permission denied; check the file and folder permissions'],
    EPERM: ['PERMISSION_DENIED', 'the operation is not permitted; check the file and folder permissions'],
    EROFS: ['READ_ONLY', 'the file system is read-only'],
  };
  const hit = err?.code ? map[err.code] : undefined;
  if (!hit) return e instanceof Error ? e : new Error(String(e));
  return new ApiError(hit[0], `${rel}: ${hit[1]}`, { file: rel, errno: err.code });
}

export function isInside(root: string, p: string): boolean {
  const r = path.relative(root, p);
  return r === '' || (r !== '..' && !r.startsWith(`..${path.sep}`) && !path.isAbsolute(r));
}

/** `a\\b` → `a/b`: project paths in problems and events always use forward slashes. */
export const toPosix = (p: string): string => p.split(path.sep).join('/');
