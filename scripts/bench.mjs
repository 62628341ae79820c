#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.ts in its own process and prints their tables.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'test', 'bench');
const only = process.argv[2];
/** Node flags a bench needs (the runtime bench measures the heap after a forced GC). */
const nodeFlags = { 'runtime.bench.ts': ['--expose-gc'] };
/**
 * Benches that time the engine's own code run as it ships: bundled by esbuild, as the runtime and the command are,
 * rather than run through tsx, whose transform keeps function names by wrapping every function made at run time in
 * a call that sets its name (about 40 % of a rule-only turn went there: 40,000 to 52,000 turns/s under tsx, about
 * 82,000 bundled). The bundle is written next to the bench, so its paths to the sample stay right, and removed.
 */
const BUNDLED = new Set(['engine.bench.ts', 'nlu.bench.ts', 'stories.bench.ts']);

async function bundle(file) {
  const { build } = await import('esbuild');
  const out = path.join(dir, `.${file}.tmp.mjs`);
  await build({
    entryPoints: [path.join(dir, file)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS packages bundled into an ES module still call require
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return out;
}

let failed = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  const bundled = BUNDLED.has(file) ? await bundle(file) : undefined;
  try {
    const args = bundled ? [bundled] : ['--import', 'tsx/esm', path.join(dir, file)];
    const r = spawnSync(process.execPath, [...(nodeFlags[file] ?? []), ...args], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) failed++;
  } finally {
    if (bundled) rmSync(bundled, { force: true });
  }
}
process.exit(failed ? 1 : 0);
