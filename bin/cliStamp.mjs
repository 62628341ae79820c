// Whether out/cli/parley.mjs was built from the sources as they are now. The build writes a stamp listing each
// input file with its size and mtime; a start compares them (a few hundred stats, a few milliseconds), so an edit,
// a checkout or a pull falls back to running the sources until the next build.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// bundled into the Electron host (CommonJS) there is no import.meta.url: callers there pass their root
const here = import.meta.url;
export const ROOT = here ? path.resolve(path.dirname(fileURLToPath(here)), '..') : process.cwd();
export const CLI_OUT = path.join(ROOT, 'out', 'cli', 'parley.mjs');
const STAMP = path.join(ROOT, 'out', 'cli', 'stamp.json');

/** Records the inputs (paths relative to `root`); a file changed since `startedMs` is recorded as stale. */
export function writeCliStamp(inputs, startedMs, root = ROOT, stamp = STAMP) {
  const files = inputs.map((rel) => {
    const st = statSync(path.join(root, rel));
    return [rel, st.size, st.mtimeMs < startedMs ? st.mtimeMs : -1];
  });
  writeFileSync(stamp, JSON.stringify({ files }));
}

/** True when the stamp exists and every input still has the size and mtime it had at build time. */
export function cliIsFresh(root = ROOT, stamp = STAMP) {
  let files;
  try {
    files = JSON.parse(readFileSync(stamp, 'utf8')).files;
  } catch {
    return false;
  }
  if (!Array.isArray(files) || files.length === 0) return false;
  for (const [rel, size, mtimeMs] of files) {
    const st = statSync(path.join(root, rel), { throwIfNoEntry: false });
    if (!st || st.size !== size || st.mtimeMs !== mtimeMs) return false;
  }
  return true;
}
