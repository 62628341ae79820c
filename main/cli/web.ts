import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { methods, type Handlers, type MethodName } from '../../shared/api/contract';
import { MANIFEST_FILE } from '../../shared/project/validate';
import { createEventBus } from '../services/events';
import { startWebHost, type WebHost } from '../web/server';
import { defaultUserDataDir } from '../services/userData';
import type { OutboundSeam } from '../llm/projectLlm';
import { PACKAGE_ROOT, RENDERER_DIR } from './paths';

export { defaultUserDataDir };

export interface RunWebOptions {
  projectDir: string;
  port?: number;
  /** Open the system browser when there is a display (default true). */
  open?: boolean;
  rendererDir?: string;
  userDataDir?: string;
  log?: (line: string) => void;
  /** Tests: the environment main reads (default process.env), and DNS for the outbound policy. */
  env?: Record<string, string | undefined>;
  outbound?: OutboundSeam;
}

export const DEFAULT_PORT = 7468;

/**
 * Starts web mode: main's services plus the web host, serving the built renderer (built first when this is the
 * repository and it is missing). The URL is printed as soon as the host listens; main's services (the model
 * client, the NLU, ...) load and the project opens after that, and every call waits for them (`ready`), so neither
 * holds up the browser.
 */
export async function runWeb(opts: RunWebOptions): Promise<{ host: WebHost; ready: Promise<void>; stop(): Promise<void> }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const rendererDir = opts.rendererDir ?? RENDERER_DIR;
  await ensureRenderer(rendererDir, opts.rendererDir === undefined, log);
  const projectDir = path.resolve(opts.projectDir);
  // What opening would refuse first, refused before the URL is printed.
  await fs.stat(path.join(projectDir, MANIFEST_FILE)).catch(() => {
    throw new ApiError('NOT_FOUND', `${projectDir} is not a Parley project (no ${MANIFEST_FILE})`);
  });

  let start!: () => void;
  const started = new Promise<void>((r) => (start = r));
  const bus = createEventBus(); // the host's; main's events are relayed to it once main is up
  const services = started
    .then(() => import('../services/mainServices'))
    .then(({ createMainServices }) =>
      createMainServices({
        mode: 'web',
        userDataDir: opts.userDataDir ?? defaultUserDataDir(),
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.outbound ? { outbound: opts.outbound } : {}),
      }),
    )
    .then((s) => {
      s.bus.subscribe((event, payload) => bus.emit(event, payload));
      return s;
    });
  const ready = services
    .then((s) => s.handlers['project.open']({ dir: projectDir }))
    .then(
      () => undefined,
      (e: unknown) => log(`parley: could not open ${projectDir}: ${e instanceof Error ? e.message : String(e)}`),
    );
  const handlers = Object.fromEntries(
    (Object.keys(methods) as MethodName[]).map((name) => [
      name,
      async (input: never) => {
        await ready;
        return ((await services).handlers[name] as (input: never) => Promise<unknown>)(input);
      },
    ]),
  ) as unknown as Handlers;

  // Outputs are checked against the contract in development and tests (as the unpackaged Electron host does);
  // NODE_ENV=production skips the check.
  const checkOutput = process.env.NODE_ENV !== 'production';
  let host: WebHost;
  try {
    host = await startWebHost({ services: { handlers, bus }, rendererDir, port: opts.port ?? DEFAULT_PORT, log, checkOutput });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port !== undefined) throw e;
    host = await startWebHost({ services: { handlers, bus }, rendererDir, port: 0, log, checkOutput }); // default port busy: take any free one
  }
  log(`Parley web mode: ${host.launchUrl}`);
  log(`(open that URL in a browser; it carries this launch's access token. Ctrl+C stops.)`);
  if (opts.open !== false && hasDisplay()) openBrowser(host.launchUrl);
  start();
  return {
    host,
    ready,
    async stop() {
      await host.close();
      await ready;
      await (await services.catch(() => undefined))?.dispose();
    },
  };
}

/**
 * The UI is built by `npm run build`. In the repository (`npx parley web` on a fresh clone, or after a pull) a
 * missing build, or one older than its sources, is made here, as a user would expect (`npm start` does the same);
 * elsewhere, or when the build fails, say what to run.
 */
async function ensureRenderer(rendererDir: string, isDefault: boolean, log: (line: string) => void): Promise<void> {
  const index = path.join(rendererDir, 'index.html');
  const exists = () =>
    fs.access(index).then(
      () => true,
      () => false,
    );
  const script = path.join(PACKAGE_ROOT, 'scripts', 'build.mjs');
  const canBuild =
    isDefault &&
    (await fs.access(script).then(
      () => true,
      () => false,
    ));
  if (await exists()) {
    // a checkout: rebuild when a source is newer than the build (a fifth of a second when it is not)
    if (canBuild) spawnSync(process.execPath, [script, '--if-stale'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    return;
  }
  if (canBuild) {
    log(`The studio's UI is not built yet: building it now (npm run build, once; under a minute).`);
    const r = spawnSync(process.execPath, [script], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status === 0 && (await exists())) return;
  }
  throw new Error(`the studio's UI is not built (no ${index}); run: npm run build`);
}

function hasDisplay(): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true })
      .on('error', () => undefined)
      .unref();
  } catch {
    // no opener: the URL is printed
  }
}
