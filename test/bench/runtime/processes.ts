// The processes of the runtime bench: `node server.mjs` in a bundle and Debian's haproxy on loopback ports. Each
// is started under setpriv's parent-death signal (as test/support/redis.ts starts redis-server), so a bench that
// dies, however it dies, leaves none behind; `stopAll()` ends the ones still running and waits for them.
// A server's log (one pino line per turn) is drained, not kept: only its last lines, for an error message.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../support/redis';

const SETPRIV = '/usr/bin/setpriv';
export const HAPROXY = process.env.PARLEY_HAPROXY ?? '/usr/sbin/haproxy';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function launch(command: string, args: string[], o: { cwd?: string; env?: Record<string, string> }): ChildProcess {
  const [cmd, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Waits until `ready(output)` holds; rejects with the output if the process exits first or after `timeoutMs`. */
function waitFor(child: ChildProcess, what: string, ready: (out: string) => boolean, timeoutMs = 30_000): Promise<() => string> {
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-8192);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (ready(out)) done(() => resolve(() => out));
    }, 25);
    const deadline = setTimeout(() => done(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${out}`))), timeoutMs);
    const onExit = (code: number | null) => done(() => reject(new Error(`${what} exited with ${code}:\n${out}`)));
    child.once('exit', onExit);
    function done(then: () => void) {
      clearInterval(timer);
      clearTimeout(deadline);
      child.off('exit', onExit);
      then();
    }
  });
}

export interface Running {
  url: string;
  port: number;
  /** The last 8 KB of its output. */
  output: () => string;
}

/** `node server.mjs --port <free> ...args` in the bundle, with only the given environment; resolves once it serves. */
export async function startServer(bundleDir: string, args: string[], env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = launch(process.execPath, ['server.mjs', '--port', String(port), ...args], {
    cwd: bundleDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  const output = await waitFor(child, `server.mjs on port ${port}`, (out) => out.includes('"msg":"serving '));
  return { url: `http://127.0.0.1:${port}`, port, output };
}

/**
 * haproxy in front of `backends` (loopback ports): round robin, a health check on GET /ready every second,
 * keep-alive both sides. The config goes to `dir`; resolves once the frontend answers /ready through a backend.
 */
export async function startHaproxy(dir: string, backends: number[]): Promise<Running> {
  const port = await freePort();
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  maxconn 4096',
      'frontend parley',
      `  bind 127.0.0.1:${port}`,
      '  default_backend runtimes',
      'backend runtimes',
      '  balance roundrobin',
      '  option httpchk GET /ready',
      '  http-check expect status 200',
      ...backends.map((p, i) => `  server runtime${i + 1} 127.0.0.1:${p} check inter 1s`),
      '',
    ].join('\n'),
  );
  const child = launch(HAPROXY, ['-f', cfg, '-db'], {});
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-8192)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-8192)));
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() - t0 > 15_000) throw new Error(`haproxy did not serve /ready within 15 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, port, output: () => out };
}

/** Ends every process started here (SIGTERM, SIGKILL after 5 s) and waits until they are gone. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...live].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
