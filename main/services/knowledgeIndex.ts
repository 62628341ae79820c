// The knowledge index of a project folder, for the simulator, the story runner, the studio's knowledge panel and
// the CLI. One call:
//
//   knowledgeIndexFor(projectDir, { limits?, cacheDir? }): Promise<ProjectKnowledgeIndex>
//     .search(question, { sources: string[] (file names; [] = all), limit }) → KnowledgeHit[] (id `fees.md#3`,
//         source, heading path, start/end offsets in the file's text, plain text, score in [0, 1], best first)
//     .passage(id) → KnowledgeHit | undefined (what a citation opens)
//     .docs → { source, chunks, updatedMs, revision }[] (knowledge/*.md that were indexed, by name)
//     .problems → Problem[] (documents left out: a link out of the project, too large, not UTF-8)
//     .minScore → parley.yaml's knowledge.minScore, default 0.35 (the grounding threshold)
//
// Call it whenever you need the index: while no file under knowledge/ changed (names and modification times) it
// answers from memory; a changed document is re-chunked and re-indexed alone. The settings come from parley.yaml
// (locales: the stemmers; knowledge.synonyms). The index is persisted in the user's cache folder, outside the
// project and git (`knowledgeCacheDir()`: $PARLEY_CACHE_DIR, else <user data>/cache when PARLEY_USER_DATA is set,
// else the OS cache folder), one file per project keyed by its real path, written atomically after each change;
// opening the project again loads it and re-indexes only documents whose SHA-256 differs. A cache file that fails
// to load (damaged, other format version or settings) is ignored and rebuilt.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { KnowledgeIndex, type KnowledgeHit, type KnowledgeIndexOptions } from '../../shared/knowledge/index';
import { deserializeIndex, serializeIndex } from '../../shared/knowledge/serialize';
import { DEFAULT_MIN_SCORE, KnowledgeSettings } from '../../shared/knowledge/settings';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';
import { ProjectManifest } from '../../shared/schema/project';
import { atomicWrite } from './atomicWrite';
import { readKnowledgeFileInfos } from './knowledgeFiles';
import { readFileState } from './paths';

export type { KnowledgeHit } from '../../shared/knowledge/index';

export interface KnowledgeDocStatus {
  source: string;
  chunks: number;
  updatedMs: number;
  revision: string;
}

export interface ProjectKnowledgeIndex {
  search(query: string, options: { sources: readonly string[]; limit: number }): KnowledgeHit[];
  passage(id: string): KnowledgeHit | undefined;
  readonly docs: KnowledgeDocStatus[];
  readonly problems: Problem[];
  readonly minScore: number;
}

export interface KnowledgeIndexForOptions {
  limits?: FileLimits;
  /** Where persisted indexes go (default knowledgeCacheDir()). */
  cacheDir?: string;
}

/** The folder persisted knowledge indexes go in: never inside a project. */
export function knowledgeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_CACHE_DIR) return path.join(env.PARLEY_CACHE_DIR, 'knowledge');
  if (env.PARLEY_USER_DATA) return path.join(env.PARLEY_USER_DATA, 'cache', 'knowledge');
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'parley', 'knowledge');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'parley', 'Cache', 'knowledge');
  return path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'parley', 'knowledge');
}

/** The cache file of a project folder: a hash of its real path. */
export async function knowledgeCacheFile(projectDir: string, cacheDir = knowledgeCacheDir()): Promise<string> {
  const real = await realpath(projectDir).catch(() => path.resolve(projectDir));
  return path.join(cacheDir, `${createHash('sha256').update(real).digest('hex').slice(0, 24)}.pkix`);
}

/** parley.yaml's settings for the index (defaults when it cannot be read: its problems are the validator's). */
async function settingsOf(dir: string, limits: FileLimits): Promise<{ options: KnowledgeIndexOptions; minScore: number }> {
  const state = await readFileState(dir, 'parley.yaml', limits).catch(() => undefined);
  let locales: string[] = ['en'];
  let knowledge: KnowledgeSettings = {};
  if (state && 'text' in state) {
    try {
      const raw: unknown = parse(state.text);
      const manifest = ProjectManifest.safeParse(raw);
      if (manifest.success) locales = manifest.data.locales;
      const settings = KnowledgeSettings.safeParse((raw as { knowledge?: unknown } | null)?.knowledge ?? {});
      if (settings.success) knowledge = settings.data;
    } catch {
      // YAML errors are reported by the validator
    }
  }
  return { options: { locales, synonyms: knowledge.synonyms ?? [] }, minScore: knowledge.minScore ?? DEFAULT_MIN_SCORE };
}

interface Entry {
  stamp: string;
  fingerprint: string;
  index: KnowledgeIndex;
  view: ProjectKnowledgeIndex;
  writing: Promise<void>;
}

const entries = new Map<string, Entry>();
const pending = new Map<string, Promise<ProjectKnowledgeIndex>>();

/** Names and modification times of knowledge/*.md and parley.yaml: when they are the same, nothing is read. */
async function stampOf(dir: string, limits: FileLimits): Promise<string> {
  const kdir = path.join(dir, 'knowledge');
  const files = (await readdir(kdir).catch(() => [] as string[])).filter((f) => f.endsWith('.md')).sort();
  const times = async (p: string) => `${(await lstat(p).catch(() => undefined))?.mtimeMs ?? 0}:${(await stat(p).catch(() => undefined))?.mtimeMs ?? 0}`;
  const parts = await Promise.all(files.map(async (f) => `${f}:${await times(path.join(kdir, f))}`));
  return `${JSON.stringify(limits)}|${await times(path.join(dir, 'parley.yaml'))}|${parts.join('|')}`;
}

async function open(dir: string, o: KnowledgeIndexForOptions): Promise<ProjectKnowledgeIndex> {
  const limits = o.limits ?? DEFAULT_FILE_LIMITS;
  const key = path.resolve(dir);
  const stamp = await stampOf(dir, limits);
  const entry = entries.get(key);
  if (entry?.stamp === stamp) return entry.view;
  const { options, minScore } = await settingsOf(dir, limits);
  const { docs, problems } = await readKnowledgeFileInfos(dir, limits);
  const current = docs.map((d) => ({ source: d.source, text: d.text, hash: d.revision }));
  const fingerprint = new KnowledgeIndex(options).fingerprint;
  let index = entry?.fingerprint === fingerprint ? entry.index : undefined;
  let changed = false;
  const file = await knowledgeCacheFile(dir, o.cacheDir);
  if (!index) {
    try {
      index = deserializeIndex(new Uint8Array(await readFile(file)), current, options);
    } catch {
      index = new KnowledgeIndex(options); // missing, damaged or made with other settings: rebuilt
      changed = true;
    }
  }
  const names = new Set(current.map((d) => d.source));
  for (const source of [...index.docs.keys()]) if (!names.has(source)) changed = index.remove(source) || changed;
  for (const d of current) changed = index.set(d) || changed;
  const updated = new Map(docs.map((d) => [d.source, d.updatedMs]));
  const built = index;
  const view: ProjectKnowledgeIndex = {
    search: (q, so) => built.search(q, so),
    passage: (id) => built.passage(id),
    docs: [...built.docs.values()]
      .map((d) => ({ source: d.source, chunks: d.chunks.length, updatedMs: updated.get(d.source) ?? 0, revision: d.hash ?? '' }))
      .sort((a, b) => (a.source < b.source ? -1 : 1)),
    problems,
    minScore,
  };
  const previous = entry?.writing ?? Promise.resolve();
  const writing = changed ? previous.then(() => persist(built, file)) : previous;
  entries.set(key, { stamp, fingerprint, index: built, view, writing });
  return view;
}

async function persist(index: KnowledgeIndex, file: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await atomicWrite(file, serializeIndex(index), { mode: 0o600 });
  } catch {
    // the cache is an optimisation: a read-only or full disk only makes the next opening slower
  }
}

/** The project's knowledge index (see the top of this file). Calls for one folder run one after the other. */
export function knowledgeIndexFor(projectDir: string, options: KnowledgeIndexForOptions = {}): Promise<ProjectKnowledgeIndex> {
  const key = path.resolve(projectDir);
  const run = (pending.get(key) ?? Promise.resolve(undefined as unknown as ProjectKnowledgeIndex)).catch(() => undefined).then(() => open(projectDir, options));
  pending.set(key, run);
  void run.finally(() => {
    if (pending.get(key) === run) pending.delete(key);
  });
  return run;
}

/** Tests and the CLI: waits until the persisted index of a folder is written. */
export async function knowledgeIndexWritten(projectDir: string): Promise<void> {
  await entries.get(path.resolve(projectDir))?.writing;
}

/** Forgets the in-memory index of a folder (the next call loads the persisted one). */
export function forgetKnowledgeIndex(projectDir: string): void {
  entries.delete(path.resolve(projectDir));
}
