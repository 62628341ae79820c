// bin/parley.mjs runs the built command only while the build's stamp matches every input file; any edit, a new
// checkout of a file, or a file changed while the build ran sends it back to the sources.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliIsFresh, writeCliStamp } from '../../bin/cliStamp.mjs';

function tree() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'parley-stamp-'));
  writeFileSync(path.join(root, 'a.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'b.ts'), 'export const b = 2;\n');
  const past = new Date(Date.now() - 60_000);
  for (const f of ['a.ts', 'b.ts']) utimesSync(path.join(root, f), past, past);
  return { root, stamp: path.join(root, 'stamp.json') };
}

describe('the built command stamp', () => {
  it('is fresh right after a build, and stale after an edit, a touch, or a deletion', () => {
    const { root, stamp } = tree();
    expect(cliIsFresh(root, stamp)).toBe(false); // no build yet
    writeCliStamp(['a.ts', 'b.ts'], Date.now(), root, stamp);
    expect(cliIsFresh(root, stamp)).toBe(true);

    writeFileSync(path.join(root, 'a.ts'), 'export const a = 10;\n'); // same file, other bytes
    expect(cliIsFresh(root, stamp)).toBe(false);
    writeCliStamp(['a.ts', 'b.ts'], Date.now() + 1000, root, stamp);
    expect(cliIsFresh(root, stamp)).toBe(true);

    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(root, 'b.ts'), later, later); // same size, newer (a checkout)
    expect(cliIsFresh(root, stamp)).toBe(false);
    writeCliStamp(['a.ts', 'b.ts'], Date.now() + 10_000, root, stamp);
    rmSync(path.join(root, 'b.ts'));
    expect(cliIsFresh(root, stamp)).toBe(false);
  });

  it('records a file changed while the build ran as stale', () => {
    const { root, stamp } = tree();
    writeCliStamp(['a.ts', 'b.ts'], Date.now() - 120_000, root, stamp); // the build started before the files' mtime
    expect(cliIsFresh(root, stamp)).toBe(false);
  });

  it('treats a broken or empty stamp as no build', () => {
    const { root, stamp } = tree();
    writeFileSync(stamp, '{"files": []}');
    expect(cliIsFresh(root, stamp)).toBe(false);
    writeFileSync(stamp, 'not json');
    expect(cliIsFresh(root, stamp)).toBe(false);
  });
});
