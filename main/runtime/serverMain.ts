// The entry of an exported bundle's `server.mjs` (bundled with its dependencies by esbuild: no npm install, Node
// 20+) and of `parley serve <bundleDir>`. Reads the flags and environment, verifies and serves the bundle, and
// stops gracefully on SIGTERM or SIGINT (in-flight turns finish). Exit codes: 2 for a configuration or bundle
// that cannot run (the message says what to fix), 1 for anything else.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BundleError } from '../../shared/bundle/load';
import { ConfigError, readRuntimeConfig } from './config';
import { BundlePortsError } from './bundlePorts';
import { startRuntime } from './serve';

export async function runServer(argv: string[], o: { bundleDir: string; env?: Record<string, string | undefined> }): Promise<number | undefined> {
  const env = o.env ?? process.env;
  let runtime: Awaited<ReturnType<typeof startRuntime>>;
  try {
    const config = readRuntimeConfig(argv, env, { bundleDir: o.bundleDir });
    runtime = await startRuntime(config, { env });
  } catch (e) {
    const known = e instanceof ConfigError || e instanceof BundleError || e instanceof BundlePortsError;
    const fileMissing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    process.stderr.write(`parley runtime: ${known ? 'cannot start: ' : ''}${(e as Error).message}\n`);
    return known || fileMissing ? 2 : 1;
  }
  const stop = () => {
    void runtime.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return undefined;
}

/** `node server.mjs`: the bundle is the folder the file is in. */
export async function serverMain(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const code = await runServer(process.argv.slice(2), { bundleDir: here });
  if (code !== undefined) process.exit(code);
}
