import path from 'node:path';
import pkg from '../../package.json';
import { ApiError } from '../../shared/api/errors';
import type { Handlers } from '../../shared/api/contract';
import { createEventBus, type EventBus } from './events';
import { createProjectStore, type ProjectStore } from './projectStore';
import { createRecentProjects } from './recentProjects';
import { createSimulator, type Simulator } from './simulator';
import { createStoriesService } from './storiesService';
import { createKeyStore, type SafeStorageLike } from '../llm/keys';
import type { HttpPort, LlmPort } from '../../shared/engine/ports';
import type { ProjectSnapshot } from '../../shared/api/contract';

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
  /** Electron's safeStorage and the file for the encrypted key (Electron only). */
  safeStorage?: SafeStorageLike;
  keychainFile?: string;
  /** The user config file with the API key in web mode (default ~/.config/parley/credentials.json). */
  credentialsFile?: string;
  /** Test seams: replace the model client and HTTP of `api` nodes. */
  llmFactory?: (snap: ProjectSnapshot) => LlmPort | undefined;
  http?: HttpPort;
}

export interface MainServices {
  handlers: Handlers;
  bus: EventBus;
  store: ProjectStore;
  simulator: Simulator;
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
  let current: ProjectSnapshot | null = null;
  const keysFor = () =>
    createKeyStore({
      env,
      ...(current?.manifest.llm?.apiKeyEnv ? { apiKeyEnv: current.manifest.llm.apiKeyEnv } : {}),
      ...(opts.credentialsFile ? { configFile: opts.credentialsFile } : {}),
      ...(opts.safeStorage ? { safeStorage: opts.safeStorage } : {}),
      ...(opts.keychainFile ? { keychainFile: opts.keychainFile } : {}),
    });
  const keys: import('../llm/keys').KeyStore = {
    resolveApiKey: () => keysFor().resolveApiKey(),
    saveApiKey: (k, t) => keysFor().saveApiKey(k, t),
    clearApiKey: (t) => keysFor().clearApiKey(t),
    keyStatus: () => keysFor().keyStatus(),
  };
  const simulator = createSimulator({
    bus,
    keys,
    project: () => (current = store.current()),
    ...(opts.llmFactory ? { llmFactory: opts.llmFactory } : {}),
    ...(opts.http ? { http: opts.http } : {}),
  });

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

  const stories = createStoriesService({ bus, store, simulator });

  const handlers: Handlers = {
    'app.info': async () => ({ mode: opts.mode, version, hasApiKey: (await keys.keyStatus().catch(() => ({ set: false }))).set }),
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
    'simulator.start': async ({ project, locale, vars, wizard }) => {
      sameProject(project);
      return simulator.start({ project, ...(locale ? { locale } : {}), ...(vars ? { vars } : {}), ...(wizard !== undefined ? { wizard } : {}) });
    },
    'simulator.send': async (i) => simulator.send(i),
    'simulator.rewind': async (i) => simulator.rewind(i),
    'simulator.close': async (i) => {
      simulator.close(i);
      return { ok: true as const };
    },
    'simulator.wizardReply': async (i) => {
      simulator.wizardReply(i);
      return { ok: true as const };
    },
    'llm.status': async () => simulator.llmStatus(),
    'llm.saveKey': async ({ key }) => {
      const status = await keys.keyStatus();
      await keys.saveApiKey(key.trim(), status.keychainAvailable ? 'keychain' : 'config');
      return simulator.llmStatus();
    },
    'stories.list': async () => stories.list(),
    'stories.run': async ({ project, files }) => {
      sameProject(project);
      return stories.run(files);
    },
    'stories.saveConversation': async ({ project, sessionId, name }) => {
      sameProject(project);
      return stories.saveConversation(sessionId, name);
    },
  };

  if (opts.projectDir) await remember(await store.open(opts.projectDir));

  return {
    handlers,
    bus,
    store,
    simulator,
    dispose: async () => {
      simulator.dispose();
      await store.close();
    },
  };
}
