import path from 'node:path';
import pkg from '../../package.json';
import { ApiError } from '../../shared/api/errors';
import type { Handlers } from '../../shared/api/contract';
import { createEventBus, type EventBus } from './events';
import { createProjectStore, type ProjectStore } from './projectStore';
import { createRecentProjects } from './recentProjects';

export interface MainServicesOptions {
  mode: 'electron' | 'web';
  /** Project to open at launch. */
  projectDir?: string;
  /** Where per-user state (recent projects, settings) lives; never inside a project. */
  userDataDir: string;
  /** Watch the project folder for external changes (default true). */
  watch?: boolean;
  /** Environment to read the API key from in web mode (defaults to process.env). */
  env?: Record<string, string | undefined>;
}

export interface MainServices {
  handlers: Handlers;
  bus: EventBus;
  store: ProjectStore;
  dispose(): Promise<void>;
}

const version: string = pkg.version;

/**
 * Creates main's services and the handlers of every contract method. Both hosts (Electron IPC and the web
 * host) call exactly these handlers, so the two modes cannot drift apart.
 */
export async function createMainServices(opts: MainServicesOptions): Promise<MainServices> {
  const bus = createEventBus();
  const store = createProjectStore({ bus, watch: opts.watch ?? true });
  const recent = createRecentProjects(opts.userDataDir);
  const env = opts.env ?? process.env;

  const remember = async <T extends { dir: string; manifest: { name: string } }>(snap: T): Promise<T> => {
    await recent.add(snap.dir, snap.manifest.name).catch(() => undefined);
    bus.emit('project.opened', { dir: snap.dir });
    return snap;
  };

  /** A window that still shows another project (one tab switched projects) must not write into this one. */
  const sameProject = (dir: string) => {
    if (store.dir !== undefined && path.resolve(dir) !== store.dir) {
      throw new ApiError('CONFLICT', `another project is open now (${store.dir}); reload this window`, { openProject: store.dir });
    }
  };

  const handlers: Handlers = {
    'app.info': async () => ({ mode: opts.mode, version, hasApiKey: Boolean(env.ANTHROPIC_API_KEY) }),
    'project.current': async () => store.current(),
    'project.open': async ({ dir }) => remember(await store.open(dir)),
    'project.create': async ({ dir, name }) => remember(await store.create(dir, name)),
    'project.reload': async () => store.reloadFromDisk(),
    'project.recent': async () => recent.list(),
    'flow.save': async ({ project, flowId, flow, baseRevision }) => {
      sameProject(project);
      return store.saveFlow(flowId, flow, baseRevision);
    },
    'flow.delete': async ({ project, flowId, baseRevision }) => {
      sameProject(project);
      await store.deleteFlow(flowId, baseRevision);
      return { ok: true as const };
    },
    'file.read': async ({ path }) => store.readFile(path),
    'file.write': async ({ project, path, text, baseRevision }) => {
      sameProject(project);
      return store.writeFile(path, text, baseRevision);
    },
  };

  if (opts.projectDir) await remember(await store.open(opts.projectDir));

  return { handlers, bus, store, dispose: () => store.close() };
}
