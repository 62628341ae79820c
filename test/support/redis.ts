// A real redis-server (Debian's /usr/bin/redis-server) for tests and benches: on 127.0.0.1, a free port, a temp
// dir, no persistence unless asked (`{ persistence: true }`: an fsync'd append-only file in the temp dir, so
// the data survives `restart()`). `stop()` ends it and waits for the process to be gone; `restart()` starts it again on the
// same port, for tests of Redis going away mid-run. A server still running when the test process ends dies with
// it (the kernel's parent-death signal, through setpriv; an 'exit' hook where setpriv is missing), so a failing or
// killed test leaves no orphan behind.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REDIS_SERVER = process.env.PARLEY_REDIS_SERVER ?? '/usr/bin/redis-server';
const SETPRIV = '/usr/bin/setpriv';

export interface RedisServer {
  url: string;
  port: number;
  /**
   * Ends the server (SIGTERM, then SIGKILL after 5 s) and waits until the process has exited. Idempotent. Its temp
   * dir goes with it, unless `keepData` (a server with persistence, stopped for an outage: `restart()` finds the
   * data; the dir is removed by a later `stop()`, or at the test process's exit).
   */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Starts it again on the same port (after stopping it if it runs): empty, unless started with persistence. */
  restart(): Promise<void>;
  /** True while the process runs. */
  readonly running: boolean;
}

const live = new Set<ChildProcess>();
/** Data dirs of servers with persistence: removed by their final stop(), or at exit. */
const keptDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of keptDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface StartRedisOptions {
  /** Keep the data across `restart()` (appendonly, fsync on every write); default off. */
  persistence?: boolean;
}

function launch(port: number, dir: string, persistence: boolean): Promise<ChildProcess> {
  const args = [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--dir', dir,
    '--save', '',
    '--appendonly', persistence ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    '--logfile', '',
    '--loglevel', 'notice',
  ]; // prettier-ignore
  // setpriv (util-linux) makes the kernel kill the server when the test process dies, however it dies: vitest
  // ends its workers without running 'exit' handlers, and a worker killed on a timeout runs none at all
  const child = fs.existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', REDIS_SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not get ready on port ${port} within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        cleanup();
        // keep draining its output so a full pipe never blocks it
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    const onExit = (code: number | null): void => fail(new Error(`redis-server exited (code ${code}) before it was ready on port ${port}:\n${output}`));
    const onError = (err: Error): void => fail(err);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    function fail(err: Error): void {
      cleanup();
      child.kill('SIGKILL');
      reject(err);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const persistence = options.persistence ?? false;
  installExitHook();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  // the free port can be taken between the check and redis-server's bind: try a few
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir, persistence);
    } catch (err) {
      if (attempt >= 5) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  if (persistence) keptDirs.add(dir);
  let current: ChildProcess | undefined = child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return current !== undefined && current.exitCode === null && current.signalCode === null;
    },
    async stop({ keepData = false } = {}) {
      const c = current;
      current = undefined;
      if (c) await terminate(c);
      if (keepData && persistence) return;
      fs.rmSync(dir, { recursive: true, force: true });
      keptDirs.delete(dir);
    },
    async restart() {
      const c = current;
      current = undefined;
      if (c) await terminate(c);
      fs.mkdirSync(dir, { recursive: true });
      current = await launch(port, dir, persistence);
    },
  };
}
