#!/usr/bin/env node
// Builds the renderer (Vite) and the Electron main process and preload (esbuild). Needs no Electron binary.
// `--if-stale` skips the build when out/ is newer than every source file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out');
const stamp = path.join(out, 'renderer', 'index.html');
const electronOut = path.join(out, 'electron', 'main.cjs');

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) if (e !== 'node_modules') m = Math.max(m, newest(path.join(p, e)));
  return m;
}

if (process.argv.includes('--if-stale') && existsSync(stamp) && existsSync(electronOut)) {
  const built = Math.min(statSync(stamp).mtimeMs, statSync(electronOut).mtimeMs);
  const src = Math.max(...['renderer', 'preload', 'shared', 'main', 'vite.config.ts', 'package.json'].map((p) => newest(path.join(root, p))));
  if (src <= built) process.exit(0);
}

const t0 = Date.now();
const { build } = await import('vite');
await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });

const esbuild = await import('esbuild');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron'], logLevel: 'warning', sourcemap: false, absWorkingDir: root };
await esbuild.build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: 'out/electron/main.cjs' });
await esbuild.build({ ...common, entryPoints: ['preload/electronEntry.ts'], outfile: 'out/preload/electron.cjs' });
console.log(`built renderer, Electron main and preload into out/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
