import { promises as fs } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ApiError } from '../../shared/api/errors';
import type { ProjectSnapshot } from '../../shared/api/contract';
import { DEFAULT_FILE_LIMITS, projectFileKind, type FileLimits } from '../../shared/project/files';
import { flowIdOf, loadProject, type LoadResult, type SourceFile } from '../../shared/project/load';
import { knownHolidayRegion } from '../../shared/engine/holidays';
import { formatProblem, type Problem } from '../../shared/project/problems';
import { serializeFlow, serializeManifest, serializeNlu } from '../../shared/project/serialize';
import { MANIFEST_FILE, NLU_FILE, flowFile } from '../../shared/project/validate';
import { createIncrementalValidator } from '../../shared/project/validateIncremental';
import { SCHEMA_VERSION } from '../../shared/schema/common';
import { GUARDRAILS_FILE } from '../../shared/schema/guardrails';
import type { Flow, ProjectManifest } from '../../shared/schema/project';
import { atomicWrite } from './atomicWrite';
import { writeTemplate, type TemplateId } from './projectTemplates';
import type { EventBus } from './events';
import { parseInParallel, type ParallelParseOptions } from './parallelParse';
import type { ParseCache } from './parseCache';
import { fsError, projectPath, revisionOfFile, readFileState, readProjectFile, requireKind, revisionOfText, toPosix, type FileState } from './paths';

export type { FileState };

export interface ProjectStoreOptions {
  bus: EventBus;
  /** Watch the folder for changes made outside the studio (default true). */
  watch?: boolean;
  /** Size limits per kind of file, from the user settings (default DEFAULT_FILE_LIMITS). */
  limits?: FileLimits;
  /** Test hook passed to every atomic write. */
  beforeRename?: (tmp: string) => void | Promise<void>;
  /** Values read before, kept by the files' text: a project opened again reads only the files that changed. */
  cache?: ParseCache;
}

const isProjectFile = (rel: string): boolean => rel === MANIFEST_FILE || rel === NLU_FILE || rel === GUARDRAILS_FILE || flowIdOf(rel) !== undefined;

/** Reads the project files of a folder: parley.yaml, nlu.yaml and flows/*.yaml. */
export async function readProjectFiles(dir: string, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<Map<string, FileState>> {
  const files = new Map<string, FileState>();
  const manifest = await readFileState(dir, MANIFEST_FILE, limits);
  if (!manifest) throw new ApiError('NOT_FOUND', `${dir} is not a Parley project (no ${MANIFEST_FILE})`);
  files.set(MANIFEST_FILE, manifest);
  let entries: string[] = [];
  try {
    entries = await fs.readdir(path.join(dir, 'flows'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fsError(e, 'flows');
  }
  // Folders named x.yaml are read too, so that the problem names them (not a file).
  const rels = [
    NLU_FILE,
    GUARDRAILS_FILE,
    ...entries
      .sort()
      .filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.'))
      .map((name) => `flows/${name}`),
  ];
  // Read a batch at a time (many files in flight, a bounded number of open handles); the map keeps this order.
  const states: (FileState | undefined)[] = [];
  for (let i = 0; i < rels.length; i += READ_BATCH)
    states.push(...(await Promise.all(rels.slice(i, i + READ_BATCH).map((rel) => readFileState(dir, rel, limits)))));
  rels.forEach((rel, i) => {
    const state = states[i];
    if (state) files.set(rel, state);
  });
  return files;
}

const READ_BATCH = 32;

/** Loads what `readProjectFiles` read, reading a large project's flows on several threads (parallelParse.ts). */
export async function loadFromFilesParallel(files: Map<string, FileState>, options?: ParallelParseOptions): Promise<LoadResult> {
  const flows = [...files.entries()].flatMap(([file, f]) => (file.startsWith('flows/') && 'text' in f ? [{ file, text: f.text }] : []));
  return loadFromFiles(files, await parseInParallel(flows, options));
}

export function loadFromFiles(files: Map<string, FileState>, preparsed?: ReadonlyMap<string, unknown>): LoadResult {
  const manifest = files.get(MANIFEST_FILE);
  if (manifest && 'problem' in manifest) return { project: undefined, problems: [manifest.problem], broken: [MANIFEST_FILE] };
  const readable = (file: string) => {
    const f = files.get(file);
    return f !== undefined && 'text' in f;
  };
  const src = (file: string): SourceFile => {
    const f = files.get(file);
    return { file, text: f && 'text' in f ? f.text : '' };
  };
  const unreadable = [...files.entries()].flatMap(([file, f]) => (file !== MANIFEST_FILE && 'problem' in f ? [f.problem] : []));
  return loadProject(
    {
      manifest: src(MANIFEST_FILE),
      ...(readable(NLU_FILE) ? { nlu: src(NLU_FILE) } : {}),
      ...(readable(GUARDRAILS_FILE) ? { guardrails: src(GUARDRAILS_FILE) } : {}),
      flows: [...files.keys()].filter((f) => f.startsWith('flows/') && readable(f)).map(src),
      ...(unreadable.length ? { unreadable } : {}),
      ...(preparsed?.size ? { preparsed } : {}),
    },
    { holidayRegion: knownHolidayRegion },
  );
}

/** What the studio shows while parley.yaml does not load: a stand-in manifest, so the file can be fixed in it. */
const placeholderManifest = (dir: string): ProjectManifest => ({
  schema: SCHEMA_VERSION,
  name: path.basename(dir).slice(0, 200) || 'project',
  defaultLocale: 'en',
  locales: ['en'],
  startFlow: 'main',
});

/**
 * The open project: reads and validates it, saves flows atomically with conflict detection, watches the folder
 * for changes made behind the studio's back, and tells every connected window about them. A file that failed
 * to load is never written by a flow save; the user fixes it through `writeFile` (the source view) or on disk.
 * That includes parley.yaml: a project whose manifest does not load still opens, with the manifest broken.
 */
export function createProjectStore(options: ProjectStoreOptions) {
  const limits: FileLimits = options.limits ?? DEFAULT_FILE_LIMITS;
  let dir: string | undefined;
  let files = new Map<string, FileState>();
  let result: LoadResult | undefined;
  /** The checks a save runs again, kept per flow object between saves (one per open project). */
  let validator = createIncrementalValidator();
  let watcher: FSWatcher | undefined;
  let watcherReady: Promise<void> = Promise.resolve();
  /** One write at a time per file, so a check-then-write never interleaves with another. */
  const locks = new Map<string, Promise<unknown>>();
  const writeOptions = options.beforeRename ? { beforeRename: options.beforeRename } : {};

  const withLock = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    locks.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  };

  const requireOpen = (): { dir: string; result: LoadResult } => {
    if (!dir || !result) throw new ApiError('NO_PROJECT', 'no project is open');
    return { dir, result };
  };

  /** For calls that need the model (flow saves): refused while parley.yaml does not load. */
  const requireProject = (): { dir: string; result: LoadResult & { project: NonNullable<LoadResult['project']> } } => {
    const { dir: d, result: r } = requireOpen();
    if (!r.project) {
      throw new ApiError(
        'INVALID_PROJECT',
        `the project cannot be read: ${r.problems
          .filter((p) => p.severity === 'error')
          .map(formatProblem)
          .join('; ')}; fix ${MANIFEST_FILE} in the source view`,
        {
          problems: r.problems,
        },
      );
    }
    return { dir: d, result: r as LoadResult & { project: NonNullable<LoadResult['project']> } };
  };

  function snapshot(): ProjectSnapshot {
    const { dir: d, result: r } = requireOpen();
    const flows: ProjectSnapshot['flows'] = {};
    for (const [id, flow] of Object.entries(r.project?.flows ?? {})) {
      flows[id] = { flow, revision: files.get(flowFile(id))?.revision ?? '' };
    }
    const snap: ProjectSnapshot = {
      dir: d,
      manifest: r.project?.manifest ?? placeholderManifest(d),
      manifestRevision: files.get(MANIFEST_FILE)?.revision ?? '',
      nlu: r.project?.nlu ?? { intents: [] },
      ...(r.project?.guardrails ? { guardrails: r.project.guardrails } : {}),
      flows,
      problems: r.problems,
      broken: r.broken.map((file) => ({ file, revision: files.get(file)?.revision ?? null })),
    };
    if (r.migratedFrom !== undefined) snap.migratedFrom = r.migratedFrom;
    return snap;
  }

  async function open(target: string): Promise<ProjectSnapshot> {
    const abs = path.resolve(target);
    const read = await readProjectFiles(abs, limits);
    const loaded = await loadFromFilesParallel(read, options.cache ? { cache: options.cache } : {});
    await close();
    dir = abs;
    files = read;
    result = loaded;
    validator = createIncrementalValidator();
    if (options.watch !== false) startWatching(abs);
    return snapshot();
  }

  /**
   * Creates a project from a template (projectTemplates.ts) in a new or empty folder (a fresh repository's .git,
   * README and LICENSE may be there), and opens it. A folder holding anything else is refused.
   */
  async function create(target: string, name: string, template: TemplateId = 'blank'): Promise<ProjectSnapshot> {
    const { dir: abs } = await writeTemplate(target, template, name);
    return open(abs);
  }

  async function close(): Promise<void> {
    await watcher?.close();
    watcher = undefined;
    dir = undefined;
    result = undefined;
    files = new Map();
  }

  async function writeChecked(rel: string, text: string, baseRevision: string | null): Promise<string> {
    const { dir: d } = requireOpen();
    const { abs, kind } = await projectPath(d, rel);
    const bytes = Buffer.from(text, 'utf8');
    const max = Math.floor(limits[kind.size] * 1_000_000);
    if (bytes.length > max)
      throw new ApiError('TOO_LARGE', `${rel}: ${bytes.length} bytes is over the ${limits[kind.size]} MB limit for this kind of file (raise it in Settings)`, {
        file: rel,
      });
    const onDisk = await revisionOfFile(abs, rel);
    const revision = revisionOfText(text);
    if (onDisk !== baseRevision && onDisk !== revision) {
      throw new ApiError(
        'CONFLICT',
        `${rel} changed on disk since it was opened (${onDisk === null ? 'it was deleted' : 'another editor or window saved it'})`,
        { file: rel, diskRevision: onDisk },
      );
    }
    if (onDisk !== revision) {
      try {
        await fs.mkdir(path.dirname(abs), { recursive: true });
        await atomicWrite(abs, bytes, writeOptions);
      } catch (e) {
        throw fsError(e, rel);
      }
    }
    return revision;
  }

  /**
   * A project written by an older Parley is migrated in memory on open. The first save writes every file
   * that loaded in the current format (manifest first is not safe: a crash in between would leave v1 flows
   * under a v2 manifest, so flows go first and the manifest's new version last).
   */
  async function upgradeOnDisk(): Promise<void> {
    const { dir: d, result: r } = requireProject();
    if (r.migratedFrom === undefined) return;
    const writes: [string, string][] = Object.entries(r.project.flows).map(([id, f]) => [flowFile(id), serializeFlow(f)]);
    if (files.has(NLU_FILE) && !r.broken.includes(NLU_FILE)) writes.push([NLU_FILE, serializeNlu(r.project.nlu)]);
    writes.push([MANIFEST_FILE, serializeManifest(r.project.manifest)]);
    for (const [rel, text] of writes) {
      const { abs } = await projectPath(d, rel);
      await atomicWrite(abs, text, writeOptions).catch((e: unknown) => {
        throw fsError(e, rel);
      });
      files.set(rel, { text, revision: revisionOfText(text) });
    }
    delete r.migratedFrom;
  }

  async function saveFlow(flowId: string, flow: Flow, baseRevision: string | null): Promise<{ revision: string; problems: Problem[] }> {
    const file = flowFile(flowId);
    return withLock(file, async () => {
      const { result: r } = requireProject();
      if (r.migratedFrom !== undefined && !r.broken.includes(file)) {
        const before = files.get(file)?.revision ?? null;
        if (before !== baseRevision) throw new ApiError('CONFLICT', `${file} changed since it was opened`, { file, diskRevision: before });
        await upgradeOnDisk();
        baseRevision = files.get(file)?.revision ?? null;
      }
      if (r.broken.includes(file)) {
        throw new ApiError('INVALID_PROJECT', `${file} failed to load; fix it in the source view before the canvas can save it`);
      }
      const text = serializeFlow(flow);
      const revision = await writeChecked(file, text, baseRevision);
      files.set(file, { text, revision });
      r.project.flows[flowId] = flow;
      // Keep the load errors of broken files; recompute the cross-reference checks over the edited model (the saved
      // flow and what crosses flows: the other flows' problems are kept with their flow objects).
      r.problems = [
        ...r.problems.filter((p) => r.broken.includes(p.file)),
        ...validator.validate(r.project, { broken: r.broken, holidayRegion: knownHolidayRegion }),
      ];
      const problems = r.problems.filter((p) => p.file === file);
      options.bus.emit('project.fileChanged', { file, revision, flowId, flow, problems });
      return { revision, problems };
    });
  }

  async function deleteFlow(flowId: string, baseRevision: string): Promise<void> {
    const file = flowFile(flowId);
    return withLock(file, async () => {
      const { dir: d, result: r } = requireProject();
      if (r.project.manifest.startFlow === flowId) throw new ApiError('BAD_REQUEST', `"${flowId}" is the start flow; choose another start flow first`);
      const { abs } = await projectPath(d, file);
      const onDisk = await revisionOfFile(abs, file);
      if (onDisk !== baseRevision) throw new ApiError('CONFLICT', `${file} changed on disk since it was opened`, { file, diskRevision: onDisk });
      await fs.rm(abs).catch((e: unknown) => {
        throw fsError(e, file);
      });
      files.delete(file);
      reload();
      options.bus.emit('project.fileChanged', { file, revision: null, flowId, problems: [] });
    });
  }

  /** A project file as text (the raw source view). Bytes that are not UTF-8 show as U+FFFD; the problem list names them. */
  async function readFile(rel: string): Promise<{ text: string; revision: string }> {
    const { dir: d } = requireOpen();
    const { bytes, revision } = await readProjectFile(d, rel, limits);
    return { text: bytes.toString('utf8'), revision };
  }

  /**
   * Writes a file from the source view. A project file is validated first, as part of the whole project, and
   * refused with its problems (nothing written) when it does not load.
   */
  async function writeFile(rel: string, text: string, baseRevision: string | null): Promise<{ revision: string; problems: Problem[] }> {
    requireKind(rel);
    return withLock(rel, async () => {
      requireOpen();
      if (isProjectFile(rel)) {
        const trial = new Map(files);
        trial.set(rel, { text, revision: revisionOfText(text) });
        const loaded = loadFromFiles(trial);
        const own = loaded.problems.filter((p) => p.file === rel);
        if (loaded.broken.includes(rel) || (!loaded.project && rel === MANIFEST_FILE)) {
          throw new ApiError(
            'INVALID_PROJECT',
            `${rel} was not saved: ${own
              .filter((p) => p.severity === 'error')
              .map(formatProblem)
              .slice(0, 5)
              .join('; ')}`,
            {
              problems: own,
            },
          );
        }
        if (!loaded.project) throw new ApiError('INVALID_PROJECT', `${rel} was not saved: ${MANIFEST_FILE} does not load; fix it first`, { problems: own });
      }
      const revision = await writeChecked(rel, text, baseRevision);
      if (isProjectFile(rel)) {
        files.set(rel, { text, revision });
        reload();
        announce(rel, revision);
      }
      return { revision, problems: (result?.problems ?? []).filter((p) => p.file === rel) };
    });
  }

  function reload(): void {
    result = loadFromFiles(files);
  }

  function announce(rel: string, revision: string | null): void {
    const flowId = flowIdOf(rel);
    const flow = flowId ? result?.project?.flows[flowId] : undefined;
    options.bus.emit('project.fileChanged', {
      file: rel,
      revision,
      ...(flowId ? { flowId } : {}),
      ...(flow ? { flow } : {}),
      problems: (result?.problems ?? []).filter((p) => p.file === rel),
    });
  }

  /**
   * Picks up a change made outside the studio. Our own writes are recognised by their revision and ignored.
   * The file is read through the path helper: a link out of the project or a file over its size limit is
   * never read; it becomes a broken file whose problem says why.
   */
  async function onDiskChange(absPath: string): Promise<void> {
    if (!dir) return;
    const rel = toPosix(path.relative(dir, absPath));
    // a review file is not part of the model: the windows read it again (reviews.list)
    if (projectFileKind(rel)?.kind === 'review') return void options.bus.emit('reviews.changed', { file: rel });
    if (!isProjectFile(rel)) return;
    await withLock(rel, async () => {
      if (!dir) return;
      const state = await readFileState(dir, rel, limits);
      const known = files.get(rel);
      if (!state) {
        if (!known) return;
        files.delete(rel);
        reload();
        announce(rel, null);
        return;
      }
      if (known && known.revision === state.revision && 'text' in known === 'text' in state) return;
      files.set(rel, state);
      reload();
      announce(rel, state.revision);
    });
  }

  function startWatching(abs: string): void {
    watcher = watch(abs, {
      ignoreInitial: true,
      depth: 2,
      // A link is reported as itself and never followed: a link to a big folder outside must not be watched.
      followSymlinks: false,
      ignored: (p: string) => {
        const base = path.basename(p);
        return base === 'node_modules' || base === '.git' || base.endsWith('.tmp') || (base.startsWith('.') && p !== abs);
      },
      awaitWriteFinish: { stabilityThreshold: 60, pollInterval: 20 },
    });
    watcherReady = new Promise((resolve) => watcher?.once('ready', () => resolve()));
    const handler = (p: string) => void onDiskChange(p).catch(() => undefined);
    watcher.on('add', handler).on('change', handler).on('unlink', handler);
  }

  return {
    open,
    create,
    close,
    snapshot,
    /** The open project (with a stand-in manifest while parley.yaml does not load), or null. */
    current: (): ProjectSnapshot | null => (dir && result ? snapshot() : null),
    reloadFromDisk: async (): Promise<ProjectSnapshot> => {
      const { dir: d } = requireOpen();
      files = await readProjectFiles(d, limits);
      reload();
      return snapshot();
    },
    saveFlow,
    deleteFlow,
    readFile,
    writeFile,
    /** The size limits this store reads with (the stories runner and the knowledge index use the same). */
    limits,
    /** The cache of values read before (the stories service reads the project with it too). */
    cache: options.cache,
    /** Resolves once the watcher is ready (tests wait for it before touching files). */
    ready: (): Promise<void> => watcherReady,
    get dir() {
      return dir;
    },
  };
}

export type ProjectStore = ReturnType<typeof createProjectStore>;
