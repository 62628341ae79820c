#!/usr/bin/env node
// Builds the renderer (Vite), the Electron main process and preload, the `parley` command and a bundle's runtime
// (out/runtime/server.mjs) with esbuild. Needs no Electron binary. `--if-stale` skips the build when out/ is
// newer than every source file. `--cli` builds only the command and the runtime (a few seconds; `parley web`
// calls the full build itself when the UI is missing).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_OUT, writeCliStamp } from '../bin/cliStamp.mjs';
import { RUNTIME_SERVER, RUNTIME_STAMP, runtimeBuildOptions } from './runtimeBuild.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out');
const stamp = path.join(out, 'renderer', 'index.html');
const electronOut = path.join(out, 'electron', 'main.cjs');
const cliOnly = process.argv.includes('--cli');

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) if (e !== 'node_modules') m = Math.max(m, newest(path.join(p, e)));
  return m;
}

if (process.argv.includes('--if-stale') && existsSync(stamp) && existsSync(electronOut) && existsSync(CLI_OUT) && existsSync(path.join(root, RUNTIME_SERVER))) {
  const built = Math.min(statSync(stamp).mtimeMs, statSync(electronOut).mtimeMs, statSync(CLI_OUT).mtimeMs);
  const src = Math.max(...['renderer', 'preload', 'shared', 'main', 'vite.config.ts', 'package.json'].map((p) => newest(path.join(root, p))));
  if (src <= built) process.exit(0);
}

const t0 = Date.now();
const esbuild = await import('esbuild');
if (!cliOnly) {
  // Always React's production build: Vite keeps a NODE_ENV it finds, and the e2e tests' build (vitest sets
  // NODE_ENV=test) made out/renderer a development build, which the canvas bench then measured (2 MB more heap,
  // pans and drags up to half again as slow).
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  const devChunks = readdirSync(path.join(out, 'renderer', 'assets')).filter((f) => /jsx-dev-runtime/.test(f));
  if (devChunks.length) throw new Error(`out/renderer holds React's development build (${devChunks.join(', ')}): the renderer must be built for production`);
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // esbuild: an export from a checkout runs it; a packaged app copies the prebuilt runtime instead. pdfkit reads
    // its font metrics from files beside its own code (the conversation script's PDF, main/services/scriptPdf.ts);
    // DuckDB loads its platform's prebuilt native binding (the analytics store, main/analytics/store.ts)
    external: ['electron', 'esbuild', 'pdfkit', '@duckdb/node-api'],
    // CommonJS has no import.meta: code that locates files with it (bin/cliStamp.mjs, main/export/serverFile.ts)
    // sees no URL, and the Electron host passes the app root
    define: { 'import.meta.url': 'undefined' },
    logLevel: 'warning',
    sourcemap: false,
    absWorkingDir: root,
  };
  await esbuild.build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: 'out/electron/main.cjs' });
  await esbuild.build({ ...common, entryPoints: ['main/services/parseWorker.ts'], outfile: 'out/electron/parseWorker.cjs' });
  await esbuild.build({ ...common, entryPoints: ['preload/electronEntry.ts'], outfile: 'out/preload/electron.cjs' });
}

// The command: ESM, with its packages bundled in (resolving and loading zod, yaml, jexl... file by file from
// node_modules cost `parley validate` 0.2 s of CPU at each start). bin/parley.mjs runs it while the stamp (every
// input file's size and mtime, node_modules files included) still matches, and the sources through tsx otherwise.
rmSync(path.dirname(CLI_OUT), { recursive: true, force: true });
const cli = await esbuild.build({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // esbuild runs its own binary (parley export builds a bundle's server.mjs with it); pdfkit reads files beside it;
  // DuckDB loads a native binding
  external: ['electron', 'fsevents', 'esbuild', 'pdfkit', '@duckdb/node-api'],
  // bundled CommonJS packages require() Node's built-ins: give the ES module a require
  banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
  splitting: true, // each command's modules in their own chunk, loaded when the command runs
  // parseWorker: the worker threads that read a large project's YAML (main/services/parallelParse.ts)
  entryPoints: { parley: 'main/cli/cli.ts', parseWorker: 'main/services/parseWorker.ts' },
  outdir: path.relative(root, path.dirname(CLI_OUT)),
  outExtension: { '.js': '.mjs' },
  metafile: true,
  logLevel: 'warning',
  sourcemap: 'linked',
  absWorkingDir: root,
});
writeCliStamp(Object.keys(cli.metafile.inputs), t0);

// The runtime a bundle carries (server.mjs), prebuilt: a packaged app has no sources to build it from at export
// time, and an export from a checkout takes it while its stamp says the sources have not changed.
const runtime = await esbuild.build(runtimeBuildOptions(root));
mkdirSync(path.dirname(path.join(root, RUNTIME_SERVER)), { recursive: true });
writeFileSync(path.join(root, RUNTIME_SERVER), runtime.outputFiles[0].contents);
writeCliStamp(Object.keys(runtime.metafile.inputs), t0, root, path.join(root, RUNTIME_STAMP));

console.log(
  `built ${cliOnly ? 'the parley command' : 'renderer, Electron main and preload, and the parley command'} and the bundle runtime into out/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
