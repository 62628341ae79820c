import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCliStamp } from '../../bin/cliStamp.mjs';
import { RUNTIME_ENTRY, RUNTIME_SERVER, RUNTIME_STAMP } from '../../scripts/runtimeBuild.mjs';
import { serverBytes, serverSource } from './serverFile';

/** A Parley root: package.json, and optionally the runtime's entry source and a prebuilt server.mjs with its stamp. */
function fakeRoot(o: { sources?: boolean; prebuilt?: string }): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'parley-root-'));
  writeFileSync(path.join(root, 'package.json'), '{}');
  if (o.sources) {
    mkdirSync(path.dirname(path.join(root, RUNTIME_ENTRY)), { recursive: true });
    writeFileSync(path.join(root, RUNTIME_ENTRY), '// entry\n');
  }
  if (o.prebuilt !== undefined) {
    mkdirSync(path.dirname(path.join(root, RUNTIME_SERVER)), { recursive: true });
    writeFileSync(path.join(root, RUNTIME_SERVER), o.prebuilt);
    if (o.sources) writeCliStamp([RUNTIME_ENTRY], Date.now() + 1000, root, path.join(root, RUNTIME_STAMP));
  }
  return root;
}

describe("an export's server.mjs", () => {
  it('a packaged app (no sources) copies the runtime its build made', async () => {
    const root = fakeRoot({ prebuilt: '// prebuilt runtime\n' });
    expect(serverSource(root)).toBe('prebuilt');
    expect(Buffer.from(await serverBytes({ appRoot: root })).toString()).toBe('// prebuilt runtime\n');
  });

  it('a checkout takes the prebuilt runtime while its sources are unchanged, and builds again once one changes', () => {
    const root = fakeRoot({ sources: true, prebuilt: '// prebuilt\n' });
    expect(serverSource(root)).toBe('prebuilt');
    const entry = path.join(root, RUNTIME_ENTRY);
    writeFileSync(entry, '// entry, edited\n');
    utimesSync(entry, new Date(), new Date(Date.now() + 5000));
    expect(serverSource(root)).toBe('sources');
  });

  it('a checkout without a prebuilt runtime builds from the sources; nothing at all is an incomplete installation', () => {
    expect(serverSource(fakeRoot({ sources: true }))).toBe('sources');
    expect(() => serverSource(fakeRoot({}))).toThrow(/neither the runtime's sources nor a prebuilt out\/runtime\/server.mjs/);
  });

  it("this checkout's build and an export from its sources give the same bytes", async () => {
    // the build's out/runtime/server.mjs when current; built here otherwise (the export test checks two builds agree)
    const root = path.resolve(import.meta.dirname, '../..');
    const bytes = await serverBytes({ appRoot: root });
    expect(Buffer.from(bytes).toString('utf8', 0, 60)).toContain('__parleyRequire');
    if (serverSource(root) === 'prebuilt') {
      const { buildServerBytes } = await import('./serverFile');
      expect(Buffer.compare(Buffer.from(await buildServerBytes({ appRoot: root })), await readFile(path.join(root, RUNTIME_SERVER)))).toBe(0);
    }
  }, 60_000);
});
