import { promises as fs } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ApiError } from '../../shared/api/errors';
import type { ProjectSnapshot } from '../../shared/api/contract';
import { flowIdOf, loadProject, type LoadResult, type SourceFile } from '../../shared/project/load';
import { formatProblem, type Problem } from '../../shared/project/problems';
import { serializeFlow, serializeManifest, serializeNlu } from '../../shared/project/serialize';
import { MANIFEST_FILE, NLU_FILE, flowFile, validateProject } from '../../shared/project/validate';
import { SCHEMA_VERSION } from '../../shared/schema/common';
import type { Flow, ProjectManifest } from '../../shared/schema/project';
import { atomicWrite } from './atomicWrite';
import type { EventBus } from './events';
import { confine, revisionOf, toPosix } from './paths';

export interface ProjectStoreOptions {
  bus: EventBus;
  /** Watch the folder for changes made outside the studio (default true). */
  watch?: boolean;
  /** Test hook passed to every atomic write. */
  beforeRename?: (tmp: string) => void | Promise<void>;
}

interface FileState {
  text: string;
  revision: string;
}

const isProjectFile = (rel: string): boolean => rel === MANIFEST_FILE || rel === NLU_FILE || flowIdOf(rel) !== undefined;

/** Reads the project files of a folder: parley.yaml, nlu.yaml and flows/*.yaml. */
export async function readProjectFiles(dir: string): Promise<Map<string, FileState>> {
  const files = new Map<string, FileState>();
  const read = async (rel: string) => {
    const text = await fs.readFile(path.join(dir, rel), 'utf8');
    files.set(rel, { text, revision: revisionOf(text) });
  };
  try {
    await read(MANIFEST_FILE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('NOT_FOUND', `${dir} is not a Parley project (no ${MANIFEST_FILE})`);
    throw e;
  }
  await read(NLU_FILE).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  let entries: string[] = [];
  try {
    entries = await fs.readdir(path.join(dir, 'flows'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  for (const name of entries.sort()) {
    if (/\.ya?ml$/.test(name) && !name.startsWith('.')) await read(`flows/${name}`);
  }
  return files;
}

export function loadFromFiles(files: Map<string, FileState>): LoadResult {
  const src = (file: string): SourceFile => ({ file, text: files.get(file)?.text ?? '' });
  return loadProject({
    manifest: src(MANIFEST_FILE),
    ...(files.has(NLU_FILE) ? { nlu: src(NLU_FILE) } : {}),
    flows: [...files.keys()].filter((f) => f.startsWith('flows/')).map(src),
  });
}

/**
 * The open project: reads and validates it, saves flows atomically with conflict detection, watches the folder
 * for changes made behind the studio's back, and tells every connected window about them. A file that failed
 * to load is never written by a flow save; the user fixes it through `writeFile` (the source view) or on disk.
 */
export function createProjectStore(options: ProjectStoreOptions) {
  let dir: string | undefined;
  let files = new Map<string, FileState>();
  let result: LoadResult | undefined;
  let watcher: FSWatcher | undefined;
  let watcherReady: Promise<void> = Promise.resolve();
  /** One write at a time per file, so a check-then-write never interleaves with another. */
  const locks = new Map<string, Promise<unknown>>();

  const withLock = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    locks.set(key, next.catch(() => undefined));
    return next;
  };

  const requireOpen = (): { dir: string; result: LoadResult & { project: NonNullable<LoadResult['project']> } } => {
    if (!dir || !result) throw new ApiError('NO_PROJECT', 'no project is open');
    if (!result.project) {
      throw new ApiError('INVALID_PROJECT', `the project cannot be read: ${result.problems.filter((p) => p.severity === 'error').map(formatProblem).join('; ')}`, {
        problems: result.problems,
      });
    }
    return { dir, result: result as LoadResult & { project: NonNullable<LoadResult['project']> } };
  };

  function snapshot(): ProjectSnapshot {
    const { dir: d, result: r } = requireOpen();
    const flows: ProjectSnapshot['flows'] = {};
    for (const [id, flow] of Object.entries(r.project.flows)) {
      flows[id] = { flow, revision: files.get(flowFile(id))?.revision ?? '' };
    }
    const snap: ProjectSnapshot = {
      dir: d,
      manifest: r.project.manifest,
      manifestRevision: files.get(MANIFEST_FILE)?.revision ?? '',
      nlu: r.project.nlu,
      flows,
      problems: r.problems,
      broken: r.broken.map((file) => ({ file, revision: files.get(file)?.revision ?? null })),
    };
    if (r.migratedFrom !== undefined) snap.migratedFrom = r.migratedFrom;
    return snap;
  }

  async function open(target: string): Promise<ProjectSnapshot> {
    const abs = path.resolve(target);
    const read = await readProjectFiles(abs);
    const loaded = loadFromFiles(read);
    if (!loaded.project) {
      throw new ApiError('INVALID_PROJECT', `${abs}: ${loaded.problems.filter((p) => p.severity === 'error').map(formatProblem).join('; ')}`, {
        problems: loaded.problems,
      });
    }
    await close();
    dir = abs;
    files = read;
    result = loaded;
    if (options.watch !== false) startWatching(abs);
    return snapshot();
  }

  async function create(target: string, name: string): Promise<ProjectSnapshot> {
    const abs = path.resolve(target);
    try {
      await fs.access(path.join(abs, MANIFEST_FILE));
      throw new ApiError('CONFLICT', `${abs} already holds a Parley project`);
    } catch (e) {
      if (e instanceof ApiError) throw e;
    }
    await fs.mkdir(path.join(abs, 'flows'), { recursive: true });
    for (const sub of ['stories', 'knowledge']) {
      await fs.mkdir(path.join(abs, sub), { recursive: true });
      await fs.writeFile(path.join(abs, sub, '.gitkeep'), '');
    }
    const manifest: ProjectManifest = { schema: SCHEMA_VERSION, name, defaultLocale: 'en', locales: ['en'], startFlow: 'main' };
    const mainFlow: Flow = {
      name: 'Main',
      nodes: [
        { id: 'start', kind: 'start', position: { x: 0, y: 0 }, next: 'welcome' },
        { id: 'welcome', kind: 'message', position: { x: 320, y: 0 }, say: { en: 'Hi! How can I help you today?' } },
      ],
    };
    await atomicWrite(path.join(abs, MANIFEST_FILE), serializeManifest(manifest));
    await atomicWrite(path.join(abs, NLU_FILE), serializeNlu({ intents: [] }));
    await atomicWrite(path.join(abs, flowFile('main')), serializeFlow(mainFlow));
    return open(abs);
  }

  async function close(): Promise<void> {
    await watcher?.close();
    watcher = undefined;
    dir = undefined;
    result = undefined;
    files = new Map();
  }

  /** Current revision of a file on disk, or null when it does not exist. */
  async function diskRevision(abs: string): Promise<string | null> {
    try {
      return revisionOf(await fs.readFile(abs));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async function writeChecked(rel: string, text: string, baseRevision: string | null): Promise<string> {
    const { dir: d } = requireOpen();
    const abs = await confine(d, rel);
    const onDisk = await diskRevision(abs);
    const revision = revisionOf(text);
    if (onDisk !== baseRevision && onDisk !== revision) {
      throw new ApiError(
        'CONFLICT',
        `${rel} changed on disk since it was opened (${onDisk === null ? 'it was deleted' : 'another editor or window saved it'})`,
        { file: rel, diskRevision: onDisk },
      );
    }
    if (onDisk !== revision) {
      await fs.mkdir(path.dirname(abs), { recursive: true });
      await atomicWrite(abs, text, options.beforeRename ? { beforeRename: options.beforeRename } : {});
    }
    return revision;
  }

  /**
   * A project written by an older Parley is migrated in memory on open. The first save writes every file
   * that loaded in the current format (manifest first is not safe: a crash in between would leave v1 flows
   * under a v2 manifest, so flows go first and the manifest's new version last).
   */
  async function upgradeOnDisk(): Promise<void> {
    const { dir: d, result: r } = requireOpen();
    if (r.migratedFrom === undefined) return;
    const writes: [string, string][] = Object.entries(r.project.flows).map(([id, f]) => [flowFile(id), serializeFlow(f)]);
    if (files.has(NLU_FILE) && !r.broken.includes(NLU_FILE)) writes.push([NLU_FILE, serializeNlu(r.project.nlu)]);
    writes.push([MANIFEST_FILE, serializeManifest(r.project.manifest)]);
    for (const [rel, text] of writes) {
      await atomicWrite(await confine(d, rel), text, options.beforeRename ? { beforeRename: options.beforeRename } : {});
      files.set(rel, { text, revision: revisionOf(text) });
    }
    delete r.migratedFrom;
  }

  async function saveFlow(flowId: string, flow: Flow, baseRevision: string | null): Promise<{ revision: string; problems: Problem[] }> {
    const file = flowFile(flowId);
    return withLock(file, async () => {
      const { result: r } = requireOpen();
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
      // Keep the load errors of broken files; recompute the cross-reference checks over the edited model.
      r.problems = [...r.problems.filter((p) => r.broken.includes(p.file)), ...validateProject(r.project, { broken: r.broken })];
      const problems = r.problems.filter((p) => p.file === file);
      options.bus.emit('project.fileChanged', { file, revision, flowId, flow, problems });
      return { revision, problems };
    });
  }

  async function deleteFlow(flowId: string, baseRevision: string): Promise<void> {
    const file = flowFile(flowId);
    return withLock(file, async () => {
      const { dir: d, result: r } = requireOpen();
      if (r.project.manifest.startFlow === flowId) throw new ApiError('BAD_REQUEST', `"${flowId}" is the start flow; choose another start flow first`);
      const abs = await confine(d, file);
      const onDisk = await diskRevision(abs);
      if (onDisk !== baseRevision) throw new ApiError('CONFLICT', `${file} changed on disk since it was opened`, { file, diskRevision: onDisk });
      await fs.rm(abs);
      files.delete(file);
      reload();
      options.bus.emit('project.fileChanged', { file, revision: null, flowId, problems: [] });
    });
  }

  async function readFile(rel: string): Promise<{ text: string; revision: string }> {
    const { dir: d } = requireOpen();
    const abs = await confine(d, rel);
    try {
      const buf = await fs.readFile(abs);
      if (buf.length > 20_000_000) throw new ApiError('TOO_LARGE', `${rel} is larger than 20 MB`);
      return { text: buf.toString('utf8'), revision: revisionOf(buf) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('NOT_FOUND', `${rel} does not exist`);
      if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new ApiError('BAD_REQUEST', `${rel} is a folder`);
      throw e;
    }
  }

  /**
   * Writes a file from the source view. A project file is validated first, as part of the whole project, and
   * refused with its problems (nothing written) when it does not load.
   */
  async function writeFile(rel: string, text: string, baseRevision: string | null): Promise<{ revision: string; problems: Problem[] }> {
    return withLock(rel, async () => {
      requireOpen();
      if (isProjectFile(rel)) {
        const trial = new Map(files);
        trial.set(rel, { text, revision: revisionOf(text) });
        const loaded = loadFromFiles(trial);
        const own = loaded.problems.filter((p) => p.file === rel);
        if (!loaded.project || loaded.broken.includes(rel)) {
          throw new ApiError('INVALID_PROJECT', `${rel} was not saved: ${own.filter((p) => p.severity === 'error').map(formatProblem).slice(0, 5).join('; ')}`, {
            problems: own,
          });
        }
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

  /** Picks up a change made outside the studio. Our own writes are recognised by their revision and ignored. */
  async function onDiskChange(absPath: string): Promise<void> {
    if (!dir) return;
    const rel = toPosix(path.relative(dir, absPath));
    if (!isProjectFile(rel)) return;
    await withLock(rel, async () => {
      if (!dir) return;
      let text: string | null = null;
      try {
        text = await fs.readFile(absPath, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return;
      }
      const known = files.get(rel);
      if (text === null) {
        if (!known) return;
        files.delete(rel);
        reload();
        announce(rel, null);
        return;
      }
      const revision = revisionOf(text);
      if (known?.revision === revision) return;
      files.set(rel, { text, revision });
      reload();
      announce(rel, revision);
    });
  }

  function startWatching(abs: string): void {
    watcher = watch(abs, {
      ignoreInitial: true,
      depth: 2,
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
    current: (): ProjectSnapshot | null => (dir && result?.project ? snapshot() : null),
    reloadFromDisk: async (): Promise<ProjectSnapshot> => {
      const { dir: d } = requireOpen();
      files = await readProjectFiles(d);
      reload();
      return snapshot();
    },
    saveFlow,
    deleteFlow,
    readFile,
    writeFile,
    /** Resolves once the watcher is ready (tests wait for it before touching files). */
    ready: (): Promise<void> => watcherReady,
    get dir() {
      return dir;
    },
  };
}

export type ProjectStore = ReturnType<typeof createProjectStore>;
