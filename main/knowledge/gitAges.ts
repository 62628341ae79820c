// When each knowledge document last changed, from the project's git history: a project arrives by clone, and a
// clone's files all carry the time of the clone, so a document untouched for a year looked "under a day old" to
// every teammate and was never flagged stale. Read with isomorphic-git along HEAD's first parents (no hook,
// filter or fsmonitor of the repository runs; see main/services/gitRevision.ts); the answer is kept per HEAD.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { repoRoot, resolveRevision } from '../services/gitRevision';

/** How many commits back the walk looks; a document unchanged over all of them dates from the oldest one read. */
export const AGE_DEPTH = 1000;

export interface GitDates {
  /** When each document committed at HEAD last changed (ms since the epoch, the change's author date), by file name. */
  changed: ReadonlyMap<string, number>;
  /** Its blob at HEAD: the file on disk dates from git only while it is the same (not edited since). */
  blobs: ReadonlyMap<string, string>;
  /** Those unchanged over every commit read (`changed` is the oldest of them): at least that old. */
  older: ReadonlySet<string>;
}

/** The id git gives a file's bytes (`git hash-object`). */
export const blobId = (bytes: Uint8Array): string => createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');

const known = new Map<string, { head: string; depth: number; dates: Promise<GitDates> }>();

/**
 * The knowledge folder's documents (`*.md`) at HEAD with when each last changed, or undefined when the project is
 * not in git or has no commit yet. Only the folder's trees are read, commit by commit, and a commit whose folder
 * is the same tree as its parent's is passed over without reading its entries.
 */
export async function knowledgeGitDates(projectDir: string, depth = AGE_DEPTH): Promise<GitDates | undefined> {
  let dir: string;
  let head: string;
  const cache = {};
  try {
    dir = await repoRoot(projectDir);
    head = await resolveRevision(dir, 'HEAD', cache);
  } catch {
    return undefined;
  }
  const key = path.resolve(projectDir);
  const hit = known.get(key);
  if (hit?.head === head && hit.depth === depth) return hit.dates;
  // after a commit (or a pull) the walk stops where it reaches the HEAD of the last answer, and takes the rest from it
  const since =
    hit?.depth === depth
      ? await hit.dates.then(
          (dates) => ({ head: hit.head, dates }),
          () => undefined,
        )
      : undefined;
  const dates = walk(dir, path.relative(dir, key).split(path.sep).filter(Boolean).join('/'), head, depth, cache, since);
  known.set(key, { head, depth, dates });
  dates.catch(() => known.delete(key));
  return dates;
}

async function walk(dir: string, prefix: string, head: string, depth: number, cache: object, since?: { head: string; dates: GitDates }): Promise<GitDates> {
  const segments = [...prefix.split('/').filter(Boolean), 'knowledge'];
  // trees by id, each read once: a folder the commit did not touch is the same tree as in its parent
  const trees = new Map<string, Promise<Map<string, { oid: string; type: string }>>>();
  const tree = (oid: string) => {
    let t = trees.get(oid);
    if (!t) {
      t = git.readTree({ fs, dir, oid, cache }).then((r) => new Map(r.tree.map((e) => [e.path, { oid: e.oid, type: e.type }])));
      trees.set(oid, t);
    }
    return t;
  };
  /** The knowledge folder's tree id in a commit ('' when it has none), walked down from the commit's root tree. */
  const folderOf = async (rootTree: string): Promise<string> => {
    let oid = rootTree;
    for (const name of segments) {
      const e = (await tree(oid)).get(name);
      if (!e || e.type !== 'tree') return '';
      oid = e.oid;
    }
    return oid;
  };
  const blobsOf = async (folder: string): Promise<Map<string, string>> => {
    if (!folder) return new Map();
    const out = new Map<string, string>();
    for (const [name, e] of await tree(folder)) if (e.type === 'blob' && name.endsWith('.md')) out.set(name, e.oid);
    return out;
  };
  let oid = head;
  let { commit } = await git.readCommit({ fs, dir, oid, cache });
  let cur = await folderOf(commit.tree);
  const blobs = await blobsOf(cur);
  const changed = new Map<string, number>();
  const open = new Set(blobs.keys());
  let when = 0;
  for (let i = 0; open.size && i < depth; i++) {
    if (oid === since?.head) {
      // what did not change since then dates from then: the same blob, so the same last change
      for (const name of open) {
        const then = since.dates.changed.get(name);
        if (then !== undefined) changed.set(name, then);
      }
      return { changed, blobs, older: new Set([...open].filter((name) => since.dates.older.has(name))) };
    }
    when = commit.author.timestamp * 1000;
    const parentOid = commit.parent[0];
    const parent = parentOid ? (await git.readCommit({ fs, dir, oid: parentOid, cache })).commit : undefined;
    const prev = parent ? await folderOf(parent.tree) : '';
    if (prev !== cur) {
      const [now, before] = await Promise.all([blobsOf(cur), blobsOf(prev)]);
      for (const name of open) {
        if (now.get(name) !== before.get(name)) {
          changed.set(name, when);
          open.delete(name);
        }
      }
    }
    if (!parent || !parentOid) break;
    oid = parentOid;
    commit = parent;
    cur = prev;
  }
  // unchanged over every commit read: at least as old as the oldest of them
  for (const name of open) changed.set(name, when);
  return { changed, blobs, older: open };
}
