import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { RelPath } from '../../shared/api/contract';

/** Content hash used as a file's revision (16 hex digits of SHA-256). */
export const revisionOf = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Resolves a project-relative path to an absolute one inside `root`, refusing anything that could escape it:
 * absolute paths, `..`, and symlinks (the deepest existing ancestor's real path must lie inside the root's).
 */
export async function confine(root: string, rel: string): Promise<string> {
  const parsed = RelPath.safeParse(rel);
  if (!parsed.success) throw new ApiError('PATH_OUTSIDE_PROJECT', `${JSON.stringify(rel)}: ${parsed.error.issues[0]?.message ?? 'invalid path'}`);
  const realRoot = await fs.realpath(root);
  const abs = path.resolve(realRoot, ...rel.split('/'));
  if (!isInside(realRoot, abs)) throw new ApiError('PATH_OUTSIDE_PROJECT', `${JSON.stringify(rel)} is outside the project`);
  // Walk up to the deepest part that exists and check where it really points.
  let probe = abs;
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      if (!isInside(realRoot, real)) throw new ApiError('PATH_OUTSIDE_PROJECT', `${JSON.stringify(rel)} leads outside the project through a link`);
      break;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const parent = path.dirname(probe);
      if (parent === probe) break;
      probe = parent;
    }
  }
  return abs;
}

export function isInside(root: string, p: string): boolean {
  const r = path.relative(root, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

/** `a\\b` → `a/b`: project paths in problems and events always use forward slashes. */
export const toPosix = (p: string): string => p.split(path.sep).join('/');
