#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.ts in its own process and prints their tables.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'test', 'bench');
const only = process.argv[2];
/** Node flags a bench needs (the runtime bench measures the heap after a forced GC). */
const nodeFlags = { 'runtime.bench.ts': ['--expose-gc'] };
let failed = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  const r = spawnSync(process.execPath, [...(nodeFlags[file] ?? []), '--import', 'tsx/esm', path.join(dir, file)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
