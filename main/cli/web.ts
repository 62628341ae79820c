import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createMainServices } from '../services/mainServices';
import { startWebHost, type WebHost } from '../web/server';
import { defaultUserDataDir } from '../services/userData';
import type { OutboundSeam } from '../llm/projectLlm';
import { RENDERER_DIR } from './paths';

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

/** Starts web mode: main's services plus the web host, serving the built renderer. */
export async function runWeb(opts: RunWebOptions): Promise<{ host: WebHost; stop(): Promise<void> }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const rendererDir = opts.rendererDir ?? RENDERER_DIR;
  try {
    await fs.access(path.join(rendererDir, 'index.html'));
  } catch {
    throw new Error(`the studio's UI is not built (no ${path.join(rendererDir, 'index.html')}); run: npm run build`);
  }
  const services = await createMainServices({
    mode: 'web',
    projectDir: opts.projectDir,
    userDataDir: opts.userDataDir ?? defaultUserDataDir(),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.outbound ? { outbound: opts.outbound } : {}),
  });
  let host: WebHost;
  try {
    host = await startWebHost({ services, rendererDir, port: opts.port ?? DEFAULT_PORT, log });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port !== undefined) throw e;
    host = await startWebHost({ services, rendererDir, port: 0, log }); // default port busy: take any free one
  }
  log(`Parley web mode: ${host.launchUrl}`);
  log(`(open that URL in a browser; it carries this launch's access token. Ctrl+C stops.)`);
  if (opts.open !== false && hasDisplay()) openBrowser(host.launchUrl);
  return {
    host,
    async stop() {
      await host.close();
      await services.dispose();
    },
  };
}


function hasDisplay(): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
  } catch {
    // no opener: the URL is printed
  }
}
