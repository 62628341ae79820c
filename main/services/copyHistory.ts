// The copy deck's "last change" column, from the project's git history: the versions of the project along HEAD's
// first parents, read with isomorphic-git (no hook, filter or fsmonitor of the repository runs; see
// gitRevision.ts), each turned into its lines of copy (shared/copy/deck.ts) and compared (shared/copy/history.ts).
// Versions whose files are the same blobs as the newer one are not parsed again; the answer is kept per HEAD.
import fs from 'node:fs';
import path from 'node:path';
import git, { type CommitObject } from 'isomorphic-git';
import { deckRows } from '../../shared/copy/deck';
import { lastChanges, versionLines, type CopyHistory, type CopyVersion, type LineChange, type VersionLines } from '../../shared/copy/history';
import type { FileLimits } from '../../shared/project/files';
import { projectFilesAt, repoRoot, resolveRevision } from './gitRevision';
import { loadFromFiles } from './projectStore';
import type { Handlers } from '../../shared/api/contract';

/** How many commits back the column looks; older changes show as "before" the oldest read. */
export const HISTORY_DEPTH = 60;

const about = (commit: CommitObject, oid: string): LineChange => ({
  at: new Date(commit.author.timestamp * 1000).toISOString(),
  author: commit.author.name,
  commit: oid,
  subject: commit.message.split('\n', 1)[0]!.trim(),
});

/** The lines of copy of the project at a commit, or undefined when the project is not there or does not load. */
async function linesAt(projectDir: string, oid: string, limits: FileLimits, cache: object) {
  let files;
  try {
    files = (await projectFilesAt(projectDir, oid, limits, cache, false)).files;
  } catch {
    return { absent: true as const };
  }
  const key = [...files.entries()].map(([f, s]) => `${f}:${s.revision}`).join('|');
  return { absent: false as const, key, load: () => loadFromFiles(files).project };
}

/** Each line's newest change within the last `depth` commits of the project's history. */
export async function readCopyHistory(projectDir: string, limits: FileLimits, depth = HISTORY_DEPTH): Promise<CopyHistory | undefined> {
  let dir: string;
  try {
    dir = await repoRoot(projectDir);
  } catch {
    return undefined; // not in git: the column says so
  }
  const cache = {};
  let oid: string | undefined;
  try {
    oid = await resolveRevision(dir, 'HEAD', cache);
  } catch {
    return undefined; // no commit yet
  }
  const versions: CopyVersion[] = [];
  let complete = false;
  let lastKey: string | undefined;
  let lastTree: string | undefined;
  let lines: VersionLines | undefined;
  const prefix = path.relative(dir, path.resolve(projectDir)).split(path.sep).filter(Boolean).join('/');
  for (let i = 0; oid && i < depth; i++) {
    const { commit } = await git.readCommit({ fs, dir, oid, cache });
    // the project's folder as the same tree as in the newer version: nothing in it changed
    const tree = await git.readTree({ fs, dir, oid, filepath: prefix, cache }).then(
      (t) => t.oid,
      () => undefined,
    );
    if (tree && tree === lastTree && lines) {
      versions.push({ ...lines, ...about(commit, oid) });
      oid = commit.parent[0];
      if (!oid) complete = true;
      continue;
    }
    lastTree = tree;
    const at = await linesAt(projectDir, oid, limits, cache);
    if (at.absent) {
      complete = true; // the project did not exist before: its lines were written in the versions read
      break;
    }
    if (at.key !== lastKey || !lines) {
      const project = at.load();
      if (!project) {
        // a version that does not load (a broken commit) tells nothing: the next one is compared instead
        oid = commit.parent[0];
        continue;
      }
      lines = versionLines(deckRows({ manifest: project.manifest, flows: project.flows, guardrails: project.guardrails }));
      lastKey = at.key;
    }
    versions.push({ ...lines, ...about(commit, oid) });
    oid = commit.parent[0];
    if (!oid) complete = true;
  }
  return lastChanges(versions, complete);
}

/** The `copy.history` method: the answer is kept while HEAD stays the same commit. */
export function createCopyHistoryHandler(o: { dir: () => string; sameProject: (dir: string) => void; limits: FileLimits }): Pick<Handlers, 'copy.history'> {
  let kept: { key: string; history: CopyHistory | undefined } | undefined;
  return {
    'copy.history': async ({ project }) => {
      o.sameProject(project);
      const projectDir = o.dir();
      let head: string | undefined;
      try {
        head = await resolveRevision(await repoRoot(projectDir), 'HEAD');
      } catch {
        head = undefined;
      }
      const key = `${projectDir}\0${head ?? ''}`;
      if (kept?.key !== key) kept = { key, history: head ? await readCopyHistory(projectDir, o.limits) : undefined };
      const h = kept.history;
      return h ? { inGit: true, ...h } : { inGit: false, head: {}, changes: {} };
    },
  };
}
