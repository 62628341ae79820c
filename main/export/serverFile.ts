// The runtime a bundle carries: main/runtime/entry/server.ts and everything it imports (Fastify, ioredis, pino,
// the engine, the NLU...) bundled by esbuild into one ES module for Node 20+, so a bundle runs with `node
// server.mjs` and no npm install. The same sources give the same bytes (esbuild is deterministic, and nothing
// here depends on the time or the machine), so two exports stay byte-identical.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is main/export/serverFile.ts, or a chunk in out/cli/ once built. */
function root(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'main', 'runtime', 'entry', 'server.ts'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('the runtime sources (main/runtime/entry/server.ts) are not here: export from a Parley checkout');
}

/** Builds server.mjs and returns its bytes. */
export async function buildServerBytes(): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    absWorkingDir: root(),
    entryPoints: ['main/runtime/entry/server.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    // bundled CommonJS packages require() Node's built-ins: give the ES module a require
    banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
    write: false,
    logLevel: 'silent',
  });
  return r.outputFiles[0]!.contents;
}

/** server.mjs in a temporary folder, for exportBundle's `serverFile`. */
export async function buildServerFile(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-server-'));
  const file = path.join(dir, 'server.mjs');
  await writeFile(file, await buildServerBytes());
  return file;
}
