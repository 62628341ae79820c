// Tests of exported bundles: export a project with a freshly built server.mjs, copy the bundle to a folder with no
// node_modules above it, and run `node server.mjs` as an operator would; wait for its start-up line. Replicas go
// behind Debian's haproxy with the bundle's own haproxy.cfg (`startHaproxy`), as its docker-compose.yml runs them.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportBundle } from '../../main/export/export';
import { generateSigningKeys } from '../../main/export/keys';
import { buildServerFile } from '../../main/export/serverFile';
import { freePort } from './redis';

let server: Promise<string> | undefined;
/** server.mjs, built once per test file. */
export const serverFile = () => (server ??= buildServerFile());

export interface Exported {
  dir: string;
  publicKey: string;
  privateKey: string;
}

export async function exportProject(projectDir: string, version = '1.0.0'): Promise<Exported> {
  const keys = await generateSigningKeys(mkdtempSync(path.join(os.tmpdir(), 'parley-keys-')));
  const outDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-bundle-')), 'bundle');
  const r = await exportBundle({ projectDir, outDir, signingKey: keys.privateKeyFile, serverFile: await serverFile(), version });
  if (!r.ok) throw new Error(`export failed: ${JSON.stringify(r.report).slice(0, 500)}`);
  return { dir: outDir, publicKey: keys.publicKeyFile, privateKey: keys.privateKeyFile };
}

/** A copy of the bundle somewhere else (the copy can be edited without touching the original). */
export function copyBundle(dir: string): string {
  const to = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-bundle-copy-')), 'bundle');
  cpSync(dir, to, { recursive: true });
  return to;
}

export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node server.mjs` in the bundle; resolves once it serves, rejects with its output if it exits first. */
export async function runServer(dir: string, args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['server.mjs', '--port', String(port), ...args], {
    cwd: dir,
    // only what an operator would set: no NODE_PATH, no tsx loader
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('"msg":"serving ')) {
        clearInterval(timer);
        resolve();
      }
    }, 25);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server.mjs exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs server.mjs expecting it to refuse to start: its exit code and output. */
export async function refusedStart(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['server.mjs', '--port', String(await freePort()), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  return { code, output };
}

export const HAPROXY = process.env.PARLEY_HAPROXY ?? '/usr/sbin/haproxy';

export interface RunningProxy {
  /** The front's base URL. */
  url: string;
  stop(): void;
}

/**
 * Debian's haproxy in front of `replicas` (at most three, the compose file's), with the bundle's haproxy.cfg: only
 * the addresses changed from the compose service names to loopback ports. Resolves once the front is ready.
 */
export async function startHaproxy(bundleDir: string, replicas: RunningServer[]): Promise<RunningProxy> {
  const port = await freePort();
  let cfg = readFileSync(path.join(bundleDir, 'haproxy.cfg'), 'utf8').replace(/^(\s*bind )\S+/m, `$1127.0.0.1:${port}`);
  replicas.forEach((r, i) => (cfg = cfg.replace(`runtime-${i + 1}:8787`, `127.0.0.1:${r.port}`)));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-haproxy-')), 'haproxy.cfg');
  writeFileSync(file, cfg);
  const child = spawn(HAPROXY, ['-f', file, '-db'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    const status = await fetch(`${url}/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => void child.kill('SIGTERM') };
}
