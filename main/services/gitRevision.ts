// A project as it was at a git revision, read with isomorphic-git: the objects are read straight from `.git`, so
// none of the repository's hooks, filters, fsmonitor or aliases run (a hostile project's `.git/config` can make
// the `git` command run programs; this never starts it). Revisions: `HEAD`, a branch or tag, a commit id (short or
// full), each with `~n` and `^` steps (`HEAD~1`, `main^^`). Only the project's own files are read (parley.yaml,
// nlu.yaml, guardrails.yaml, flows/*.yaml), each within the user's YAML size limit.
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../../shared/project/files';
import { GUARDRAILS_FILE } from '../../shared/schema/guardrails';
import { MANIFEST_FILE, NLU_FILE } from '../../shared/project/names';
import type { FileState } from './paths';
import { gitObjectSize } from './gitObjectSize';

/** The repository's root folder holding a project folder (walking up to the `.git` folder). */
export async function repoRoot(projectDir: string): Promise<string> {
  try {
    return await git.findRoot({ fs, filepath: path.resolve(projectDir) });
  } catch {
    throw new ApiError('NOT_FOUND', `${projectDir} is not in a git repository`);
  }
}

/** The commit a revision names. */
export async function resolveRevision(dir: string, rev: string, cache: object = {}): Promise<string> {
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(rev.trim());
  const base = m?.[1] || 'HEAD';
  const steps = [...(m?.[2] ?? '').matchAll(/([~^])(\d*)/g)];
  let oid: string;
  try {
    oid = /^[0-9a-f]{40}$/i.test(base)
      ? base.toLowerCase()
      : /^[0-9a-f]{4,39}$/i.test(base) && !(await git.listBranches({ fs, dir }).then((b) => b.includes(base)))
        ? await git.expandOid({ fs, dir, oid: base.toLowerCase(), cache })
        : await git.resolveRef({ fs, dir, ref: base });
  } catch {
    throw new ApiError('NOT_FOUND', `no revision "${base}" in ${dir}`);
  }
  for (const [, op, n] of steps) {
    const count = n === '' ? 1 : Number(n);
    for (let i = 0; i < (op === '~' ? count : 1); i++) {
      const { commit } = await git.readCommit({ fs, dir, oid, cache });
      const parent = commit.parent[op === '^' ? Math.max(0, count - 1) : 0];
      if (!parent) throw new ApiError('NOT_FOUND', `${rev}: the history has no commit that far back`);
      oid = parent;
    }
  }
  // a tag points at a tag object: take the commit it names
  const obj = await git.readObject({ fs, dir, oid, cache });
  if (obj.type === 'tag') oid = (obj.object as { object: string }).object;
  return oid;
}

/** The project's files at a revision, as the loader takes them (a file too large becomes a problem). */
export async function projectFilesAt(
  projectDir: string,
  rev: string,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
  /** isomorphic-git's cache of parsed packfiles: one object for many reads of the same repository. */
  cache: object = {},
  /** Which files to read: all of the project's (by default), or leave out nlu.yaml (the copy deck has no use for it). */
  withNlu = true,
): Promise<{ files: Map<string, FileState>; commit: string }> {
  const dir = await repoRoot(projectDir);
  const commit = await resolveRevision(dir, rev, cache);
  const prefix = path.relative(dir, path.resolve(projectDir)).split(path.sep).filter(Boolean).join('/');
  const at = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  const files = new Map<string, FileState>();
  const max = Math.floor(limits.yaml * 1_000_000);
  const gitdir = path.join(dir, '.git');
  // the blobs of a folder by name (a tree lists its entries' ids: sizes are read before any blob is)
  const folders = new Map<string, Promise<Map<string, string>>>();
  const blobsIn = (folder: string) => {
    let f = folders.get(folder);
    if (!f) {
      f = git.readTree({ fs, dir, oid: commit, ...(folder ? { filepath: folder } : {}), cache }).then(
        (t) => new Map(t.tree.filter((e) => e.type === 'blob').map((e) => [e.path, e.oid])),
        () => new Map<string, string>(),
      );
      folders.set(folder, f);
    }
    return f;
  };
  const read = async (rel: string) => {
    const name = path.posix.basename(rel);
    const folder = path.posix.dirname(at(rel));
    const oid = (await blobsIn(folder === '.' ? '' : folder)).get(name);
    if (!oid) return; // not in that revision
    const problem = (message: string) => files.set(rel, { revision: oid, problem: { severity: 'error', file: rel, field: '', message } });
    // the size from the object's header: a hostile blob (gigabytes of zeros, small when compressed) is never inflated
    const size = await gitObjectSize(gitdir, oid).catch(() => undefined);
    if (size === undefined) return problem(`could not be read from the repository at ${rev}`);
    if (size > max) return problem(`over the ${limits.yaml} MB limit for YAML at ${rev}`);
    try {
      const { blob } = await git.readBlob({ fs, dir, oid, cache });
      files.set(rel, { text: new TextDecoder().decode(blob), revision: oid });
    } catch {
      problem(`could not be read from the repository at ${rev}`);
    }
  };
  await read(MANIFEST_FILE);
  if (!files.has(MANIFEST_FILE)) throw new ApiError('NOT_FOUND', `${at(MANIFEST_FILE)} is not in ${rev}: the project did not exist there`);
  if (withNlu) await read(NLU_FILE);
  await read(GUARDRAILS_FILE);
  for (const name of (await blobsIn(at('flows'))).keys()) if (/^[a-z][a-z0-9_]{0,63}\.yaml$/.test(name)) await read(`flows/${name}`);
  return { files, commit };
}
