import { flowsOf } from '../../shared/project/flowsOf';
import path from 'node:path';
import pkg from '../../package.json';
import { ApiError } from '../../shared/api/errors';
import type { Handlers } from '../../shared/api/contract';
import { createEventBus, type EventBus } from './events';
import { userParseCache } from './parseCache';
import { createProjectStore, type ProjectStore } from './projectStore';
import { importProject } from './projectImport';
import { loadUserSettings } from './userSettings';
import { createRecentProjects } from './recentProjects';
import { createSimulator, type Simulator } from './simulator';
import { createStoriesService } from './storiesService';
import { createExportService } from './exportService';
import { listStoryFiles } from '../stories/runner';
import { storyProblems } from '../../shared/stories/load';
import type { Problem } from '../../shared/project/problems';
import { createKeyStore, KeyStoreError, type SafeStorageLike } from '../llm/keys';
import type { OutboundSeam } from '../llm/projectLlm';
import { createSecretStore, SecretStoreError } from '../secrets/secretStore';
import { createTrustStore, type TrustStore } from '../trust/trustStore';
import type { HttpPort, LlmPort } from '../../shared/engine/ports';
import type { EventPayload, ProjectSnapshot, SecretInfo, TrustStatus } from '../../shared/api/contract';
import { MANIFEST_FILE } from '../../shared/project/validate';
import type { ProjectAccess } from './simulator';
import { createProjectPorts } from '../runtime/projectPorts';
import { createKnowledgeHandlers, requireDir } from '../knowledge/handlers';
import { createInsightsHandlers } from '../analytics/handlers';
import { retrievalMisses } from '../knowledge/unanswered';
import { createCopyFileHandlers } from './copyFiles';
import { createCopyHistoryHandler } from './copyHistory';
import { userIdentity } from './identity';
import { createReviews } from './reviews';

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
  /** Parley's root folder (Electron: the app's), where the prebuilt bundle runtime is; default: found from the module. */
  appRoot?: string;
  /** Electron's safeStorage and the file for the encrypted key (Electron only). */
  safeStorage?: SafeStorageLike;
  keychainFile?: string;
  /** The user config file with the API key in web mode (default ~/.config/parley/credentials.json). */
  credentialsFile?: string;
  /** Test seams: replace the model client and HTTP of `api` nodes. */
  llmFactory?: (snap: ProjectSnapshot) => LlmPort | undefined;
  http?: HttpPort;
  /** Test seam: DNS for the outbound policy (names mapped to 127.0.0.1 test servers). */
  outbound?: OutboundSeam;
}

export interface MainServices {
  handlers: Handlers;
  bus: EventBus;
  store: ProjectStore;
  simulator: Simulator;
  trust: TrustStore;
  dispose(): Promise<void>;
}

const version: string = pkg.version;

/**
 * Creates main's services and the handlers of every contract method. Both hosts (Electron IPC and the web
 * host) call exactly these handlers, so the two modes cannot drift apart.
 */
export async function createMainServices(opts: MainServicesOptions): Promise<MainServices> {
  const bus = createEventBus();
  // The user's limits (never the project's): a project cannot raise the size of what Parley reads for it.
  const { settings, warnings } = await loadUserSettings(opts.userDataDir);
  for (const w of warnings) console.warn(`parley: ${w}`);
  const store = createProjectStore({ bus, watch: opts.watch ?? true, limits: settings.limits, cache: userParseCache(opts.userDataDir) });
  const recent = createRecentProjects(opts.userDataDir);
  const env = opts.env ?? process.env;
  const trust = createTrustStore(opts.userDataDir);
  /** A key store for one origin; `apiKeyEnv` only when the user approved that variable for that origin. */
  const keyStore = (origin?: string, apiKeyEnv?: string) =>
    createKeyStore({
      env,
      ...(origin ? { origin } : {}),
      ...(apiKeyEnv ? { apiKeyEnv } : {}),
      ...(opts.credentialsFile ? { configFile: opts.credentialsFile } : {}),
      ...(opts.safeStorage ? { safeStorage: opts.safeStorage } : {}),
      ...(opts.keychainFile ? { keychainFile: opts.keychainFile } : {}),
    });
  const secrets = createSecretStore({ userDataDir: opts.userDataDir, env, ...(opts.safeStorage ? { safeStorage: opts.safeStorage } : {}) });
  const accessFor = async (snap: ProjectSnapshot): Promise<ProjectAccess> => {
    const policy = await trust.policy(snap.dir, snap.manifest);
    return { policy, keys: keyStore(policy.llm?.origin, policy.trusted ? policy.approvedKeyEnv : undefined), secrets: secrets.forProject(snap.dir) };
  };
  const simulator = createSimulator({
    bus,
    project: () => store.current(),
    access: accessFor,
    limits: settings.limits,
    ...(opts.llmFactory ? { llmFactory: opts.llmFactory } : {}),
    ...(opts.http ? { http: opts.http } : {}),
    ...(opts.outbound ? { outbound: opts.outbound } : {}),
  });

  /** The open project's secrets: set or not, and where from (the values stay in main). */
  const secretInfos = async (): Promise<SecretInfo[]> => {
    const snap = store.current();
    if (!snap) return [];
    const declared = snap.manifest.secrets ?? {};
    const status = await secrets.status(snap.dir, Object.keys(declared));
    return status.map((x) => ({ ...x, hosts: [...(declared[x.name]?.hosts ?? [])] }));
  };
  const trustStatus = async (): Promise<TrustStatus | null> => {
    const snap = store.current();
    return snap ? trust.status(snap.dir, snap.manifest) : null;
  };
  // A change to parley.yaml (an edit, a git pull) may ask for a new host or variable: windows ask again.
  bus.subscribe((event, payload) => {
    if (event === 'project.fileChanged' && (payload as EventPayload<'project.fileChanged'>).file === MANIFEST_FILE) {
      void trustStatus()
        .then((st) => st && bus.emit('trust.changed', st))
        .catch(() => undefined);
    }
  });

  /** The project each simulator session talks to: a session never outlives its project. */
  const sessionProjects = new Map<string, string>();
  const endSessionsNotOf = (dir: string) => {
    for (const [sessionId, d] of sessionProjects) {
      if (d === dir) continue;
      simulator.close({ sessionId });
      sessionProjects.delete(sessionId);
    }
  };

  const remember = async <T extends { dir: string; manifest: { name: string } }>(snap: T): Promise<T> => {
    // Another project is open now: its conversations end (a turn, a rewind or "save as story" would run against,
    // or write into, the wrong project).
    endSessionsNotOf(snap.dir);
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
  // the model for Insights' coherence judge: the project's, as the user trusts it (a refusing port when not)
  const judgePorts = createProjectPorts<ProjectSnapshot>({
    ...(opts.llmFactory ? { llmFactory: opts.llmFactory } : {}),
    ...(opts.outbound ? { outbound: opts.outbound } : {}),
  });
  const { dispose: disposeInsights, ...insights } = createInsightsHandlers({
    dir: () => requireDir(store.dir),
    sameProject,
    userDataDir: opts.userDataDir,
    readFile: (rel) => store.readFile(rel),
    writeFile: (rel, text, base) => store.writeFile(rel, text, base),
    limits: settings.limits,
    identity: userIdentity,
    judge: async () => {
      const snap = store.current();
      if (!snap) throw new ApiError('NO_PROJECT', 'no project is open');
      return judgePorts.llmFor(snap, await accessFor(snap));
    },
    exists: (rel) =>
      store.readFile(rel).then(
        () => true,
        () => false,
      ),
  });
  const reviews = createReviews({
    dir: () => requireDir(store.dir),
    sameProject,
    limits: settings.limits,
    savedFlow: (flowId) => store.current()?.flows[flowId]?.flow,
    savedModel: () => {
      const snap = store.current();
      return snap ? { manifest: snap.manifest, flows: flowsOf(snap.flows), guardrails: snap.guardrails } : undefined;
    },
    identity: userIdentity,
  });
  const exporter = createExportService({
    projectDir: () => store.dir,
    userDataDir: opts.userDataDir,
    limits: settings.limits,
    env,
    ...(opts.appRoot ? { appRoot: opts.appRoot } : {}),
  });

  const handlers: Handlers = {
    'app.info': async () => ({
      mode: opts.mode,
      version,
      hasApiKey: (
        await keyStore()
          .keyStatus()
          .catch(() => ({ set: false }))
      ).set,
    }),
    'project.current': async () => store.current(),
    'project.open': async ({ dir }) => remember(await store.open(dir)),
    'project.create': async ({ dir, name, template }) => {
      const snap = await store.create(dir, name, template);
      // A project the user creates here is theirs: trusted for what it asks now (nothing beyond the provider).
      const st = await trust.status(snap.dir, snap.manifest);
      await trust.grant(snap.dir, snap.manifest, { digest: st.digest, envVars: [] });
      return remember(snap);
    },
    // writes a new folder only (the importers refuse a taken one); the renderer then opens it with project.open
    'project.import': async (input) => importProject(input),
    'project.reload': async () => store.reloadFromDisk(),
    'project.recent': async () => recent.list(),
    'flow.save': async ({ project, flowId, flow, baseRevision }) => {
      sameProject(project);
      const saved = await store.saveFlow(flowId, flow, baseRevision);
      // an approval is of the flow as it was: a change clears it (a review file that does not load is left alone)
      await reviews.clearOutdated(flowId, flow).catch(() => undefined);
      return saved;
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
    'simulator.start': async ({ project, locale, vars, wizard, variants, environment, mocks }) => {
      sameProject(project);
      const started = await simulator.start({
        project,
        ...(locale ? { locale } : {}),
        ...(vars ? { vars } : {}),
        ...(wizard !== undefined ? { wizard } : {}),
        ...(variants ? { variants } : {}),
        ...(environment ? { environment } : {}),
        ...(mocks !== undefined ? { mocks } : {}),
      });
      sessionProjects.set(started.sessionId, store.dir ?? path.resolve(project));
      return started;
    },
    'simulator.send': async (i) => simulator.send(i),
    'simulator.rewind': async (i) => simulator.rewind(i),
    'simulator.close': async (i) => {
      simulator.close(i);
      sessionProjects.delete(i.sessionId);
      return { ok: true as const };
    },
    'simulator.wizardReply': async (i) => {
      simulator.wizardReply(i);
      return { ok: true as const };
    },
    'llm.status': async () => simulator.llmStatus(),
    'llm.saveKey': async ({ key }) => {
      // The key is bound to the open project's model origin (Anthropic's by default): the user pastes it for
      // the host the panel names, and it goes nowhere else.
      const snap = store.current();
      const keys = snap ? (await accessFor(snap)).keys : keyStore();
      const status = await keys.keyStatus();
      try {
        await keys.saveApiKey(key.trim(), status.keychainAvailable ? 'keychain' : 'config');
      } catch (e) {
        if (e instanceof KeyStoreError) throw new ApiError('BAD_KEY', e.message);
        throw e;
      }
      return simulator.llmStatus();
    },
    'secrets.status': async () => secretInfos(),
    'secrets.set': async ({ project, name, value }) => {
      sameProject(project);
      const snap = store.snapshot();
      if (!Object.hasOwn(snap.manifest.secrets ?? {}, name)) throw new ApiError('BAD_REQUEST', `parley.yaml declares no secret "${name}"`);
      try {
        await secrets.set(snap.dir, name, value);
      } catch (e) {
        if (e instanceof SecretStoreError) throw new ApiError('BAD_REQUEST', `secret ${name}: ${e.message}`);
        throw e;
      }
      return secretInfos();
    },
    'secrets.clear': async ({ project, name }) => {
      sameProject(project);
      await secrets.clear(store.snapshot().dir, name);
      return secretInfos();
    },
    'trust.status': async () => trustStatus(),
    'trust.grant': async ({ project, digest, envVars }) => {
      sameProject(project);
      const snap = store.snapshot();
      const st = await trust.grant(snap.dir, snap.manifest, { digest, envVars });
      bus.emit('trust.changed', st);
      return st;
    },
    'trust.revoke': async ({ project }) => {
      sameProject(project);
      const snap = store.snapshot();
      const st = await trust.revoke(snap.dir, snap.manifest);
      bus.emit('trust.changed', st);
      return st;
    },
    'stories.list': async () => stories.list(),
    'stories.files': async () => {
      if (!store.dir) throw new ApiError('NO_PROJECT', 'no project is open');
      const files: { file: string; text: string; revision: string }[] = [];
      const problems: Problem[] = [];
      for (const file of await listStoryFiles(store.dir)) {
        // through the path helper: a link out of the project or a file over its limit is a problem, not read
        await store.readFile(file).then(
          (r) => files.push({ file, ...r }),
          (e: unknown) => problems.push({ severity: 'error', file, field: '', message: e instanceof Error ? e.message : String(e) }),
        );
      }
      // The stories checked against the project as saved: what the Problems panel shows until the studio loads its
      // own checks (at the first edit), so a window that only looks never loads them.
      const snap = store.snapshot();
      const model = { manifest: snap.manifest, nlu: snap.nlu, flows: flowsOf(snap.flows) };
      return { files, problems, checked: storyProblems(model, files) };
    },
    'stories.run': async ({ project, files }) => {
      sameProject(project);
      return stories.run(files);
    },
    'stories.saveConversation': async ({ project, sessionId, name, typed }) => {
      sameProject(project);
      return stories.saveConversation(sessionId, name, { typed: typed ?? false });
    },
    'bundle.preview': async (i) => exporter.preview(i),
    'bundle.export': async (i) => exporter.export(i),
    ...createCopyFileHandlers(),
    ...createCopyHistoryHandler({ dir: () => requireDir(store.dir), sameProject, limits: settings.limits }),
    ...reviews.handlers,
    ...insights,
    ...createKnowledgeHandlers({
      dir: () => requireDir(store.dir),
      sameProject,
      limits: settings.limits,
      // the open project's simulator conversations (turn 0 is the greeting), then the last run of each story
      misses: () => [
        ...[...sessionProjects.keys()].flatMap((id) => {
          try {
            const turns = simulator.conversation(id).turns.map((t, index) => ({ index, trace: t.trace }));
            return retrievalMisses('simulator', 'simulator', turns);
          } catch {
            return []; // closed meanwhile
          }
        }),
        ...stories.misses(),
      ],
    }),
  };

  if (opts.projectDir) await remember(await store.open(opts.projectDir));

  return {
    handlers,
    bus,
    store,
    simulator,
    trust,
    dispose: async () => {
      simulator.dispose();
      disposeInsights();
      await judgePorts.close();
      await store.close();
    },
  };
}
