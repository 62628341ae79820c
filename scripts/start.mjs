#!/usr/bin/env node
// `npm start`: the Electron studio when the Electron binary is installed; otherwise, say so in one line and
// start web mode on the same services. `npm run web -- <projectDir>` goes straight to web mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const webOnly = args[0] === '--web';
const rest = webOnly ? args.slice(1) : args;

/** Path of the Electron binary, or why there is none. */
function findElectron() {
  try {
    const bin = createRequire(import.meta.url)('electron'); // the package exports the binary's path, or throws
    if (typeof bin === 'string' && existsSync(bin)) return { bin };
    return { why: 'the Electron binary was not downloaded' };
  } catch (e) {
    return { why: /Cannot find module/.test(String(e)) ? 'the optional electron package is not installed' : 'the Electron binary was not downloaded' };
  }
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = webOnly ? { why: 'web mode was asked for' } : findElectron();
if (electron.bin && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.platform !== 'linux')) {
  const child = spawn(electron.bin, [root, ...rest], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!webOnly) {
    const why = electron.bin ? 'there is no display to open a window on' : electron.why;
    console.log(`Electron is not available here (${why}), so Parley starts in web mode instead.`);
  }
  const child = spawn(process.execPath, [path.join(root, 'bin/parley.mjs'), 'web', ...rest], { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
