import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject, TINY_FLOW, TINY_MANIFEST } from '../../test/fixtures/tinyProject';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { generateSigningKeys } from '../export/keys';
import { verifyBundle } from '../export/verify';
import { bumpPatch, createExportService } from './exportService';

const tmp = (prefix = 'parley-export-svc-') => mkdtempSync(path.join(os.tmpdir(), prefix));
const SERVER = Buffer.from('// a stand-in for server.mjs\n');
let keys: { privateKeyFile: string; publicKeyFile: string };
beforeAll(async () => {
  keys = await generateSigningKeys(path.join(tmp(), 'keys'));
});

/** A service over `dir` as the open project, with its own user data folder. */
function service(dir: string, userDataDir = tmp('parley-export-ud-')) {
  let builds = 0;
  const svc = createExportService({
    projectDir: () => dir,
    userDataDir,
    limits: DEFAULT_FILE_LIMITS,
    env: {},
    cache: false,
    buildServer: async () => {
      builds++;
      return SERVER;
    },
  });
  return { svc, userDataDir, builds: () => builds };
}

const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
const BROKEN_FLOW = TINY_FLOW.replace('    next: menu\n', '    next: nowhere\n');

describe('export service: preview', () => {
  it('lists nothing wrong for a valid project, proposes 0.1.0 and counts the files, writing nothing', async () => {
    const dir = makeTinyProject();
    const out = path.join(tmp(), 'bundle');
    const { svc } = service(dir);
    const before = filesUnder(dir);
    const p = await svc.preview({ project: dir, outDir: out, keyFile: keys.privateKeyFile });
    expect(p).toMatchObject({ ok: true, name: 'Tiny Bank', suggestedVersion: '0.1.0', versionError: null, outDir: out, outDirState: 'absent' });
    expect(p.problems.filter((x) => x.severity === 'error')).toEqual([]);
    expect(p).toMatchObject({ keyFile: keys.privateKeyFile, keyError: null, previous: null, changes: null });
    expect(p.files).toBeGreaterThan(8);
    expect(existsSync(out)).toBe(false);
    expect(filesUnder(dir)).toEqual(before);
  });

  it("proposes parley.yaml's version when there is no earlier bundle", async () => {
    const dir = makeTinyProject({ 'parley.yaml': `${TINY_MANIFEST}version: 2.4.0\n` });
    expect((await service(dir).svc.preview({ project: dir })).suggestedVersion).toBe('2.4.0');
  });

  it('lists the errors of a broken project with file, line and node, and builds nothing', async () => {
    const dir = makeTinyProject({ 'flows/main.yaml': BROKEN_FLOW });
    const { svc, builds } = service(dir);
    const p = await svc.preview({ project: dir, outDir: path.join(tmp(), 'b'), keyFile: keys.privateKeyFile });
    expect(p.ok).toBe(false);
    const err = p.problems.find((x) => x.severity === 'error');
    expect(err).toMatchObject({ file: 'flows/main.yaml', flowId: 'main', nodeId: 'welcome' });
    expect(err?.line).toBeTypeOf('number');
    expect(err?.message).toMatch(/nowhere/);
    expect(p.files).toBeNull();
    expect(builds()).toBe(0);
  });

  it('says what changed since the bundle already in the output folder, and proposes the next patch version', async () => {
    const dir = makeTinyProject();
    const out = path.join(tmp(), 'bundle');
    const { svc } = service(dir);
    const first = await svc.export({ project: dir, outDir: out, keyFile: keys.privateKeyFile, version: '1.2.3' });
    expect(first.ok).toBe(true);
    writeFileSync(path.join(dir, 'flows/main.yaml'), TINY_FLOW.replace('Hi! How can I help?', 'Hello! What can I do for you?'));
    writeFileSync(path.join(dir, 'flows/extra.yaml'), 'name: Extra\nnodes:\n  - { id: start, kind: start, position: { x: 0, y: 0 } }\n');

    const p = await svc.preview({ project: dir, outDir: out, keyFile: keys.privateKeyFile });
    expect(p).toMatchObject({ ok: true, outDirState: 'bundle', previous: { name: 'Tiny Bank', version: '1.2.3' }, suggestedVersion: '1.2.4' });
    expect(p.changes).toMatchObject({ fromVersion: '1.2.3', toVersion: '1.2.4', removed: [] });
    expect(p.changes?.added).toContain('project/flows/extra.json');
    expect(p.changes?.changed).toContain('project/flows/main.json');
    expect(p.changes?.changed).toContain('copy/en.json');
    // the earlier bundle is untouched by the preview
    await expect(verifyBundle(out, readFileSync(keys.publicKeyFile))).resolves.toBeTruthy();
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).version).toBe('1.2.3');
    // the version typed in the dialog is the one compared
    const typed = await svc.preview({ project: dir, outDir: out, keyFile: keys.privateKeyFile, version: '2.0.0' });
    expect(typed.changes?.toVersion).toBe('2.0.0');
    expect((await svc.preview({ project: dir, outDir: out, keyFile: keys.privateKeyFile, version: 'two' })).versionError).toMatch(/not a semantic version/);
  });

  it('refuses a key inside the project, an output folder inside it, relative paths and a folder that is not a bundle', async () => {
    const dir = makeTinyProject();
    const inside = path.join(dir, 'keys');
    mkdirSync(inside);
    writeFileSync(path.join(inside, 'k.key'), readFileSync(keys.privateKeyFile));
    const { svc } = service(dir);
    const p = await svc.preview({ project: dir, outDir: path.join(dir, 'dist'), keyFile: path.join(inside, 'k.key') });
    expect(p.keyError).toMatch(/inside the project/);
    expect(p.outDirError).toMatch(/inside the project/);
    const rel = await svc.preview({ project: dir, outDir: 'bundles/b', keyFile: 'k.key' });
    expect(rel.outDirError).toMatch(/absolute path/);
    expect(rel.keyError).toMatch(/absolute path/);
    const other = tmp();
    writeFileSync(path.join(other, 'notes.txt'), 'mine');
    expect((await svc.preview({ project: dir, outDir: other })).outDirError).toMatch(/not a Parley bundle/);

    await expect(svc.export({ project: dir, outDir: path.join(tmp(), 'b'), keyFile: path.join(inside, 'k.key'), version: '1.0.0' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/inside the project/),
    });
    await expect(svc.export({ project: dir, outDir: path.join(dir, 'dist'), keyFile: keys.privateKeyFile, version: '1.0.0' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(svc.export({ project: dir, outDir: 'dist', keyFile: keys.privateKeyFile, version: '1.0.0' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/absolute path/),
    });
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('refuses a call for another project than the open one', async () => {
    const dir = makeTinyProject();
    const { svc } = service(dir);
    await expect(svc.preview({ project: makeTinyProject() })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('export service: export', () => {
  it('writes a signed bundle with server.mjs and remembers the key and folder in the user settings, not the project', async () => {
    const dir = makeTinyProject();
    const out = path.join(tmp(), 'bundle');
    const ud = tmp('parley-export-ud-');
    writeFileSync(path.join(ud, 'settings.json'), JSON.stringify({ limits: { yaml: 3 }, future: true }));
    const { svc } = service(dir, ud);
    const before = filesUnder(dir);
    const r = await svc.export({ project: dir, outDir: out, keyFile: keys.privateKeyFile, version: '1.0.0', notes: 'First release' });
    expect(r).toMatchObject({ ok: true, outDir: out, name: 'Tiny Bank', version: '1.0.0', changes: null });
    if (!r.ok) return;
    expect(readFileSync(path.join(out, 'server.mjs'))).toEqual(SERVER);
    expect(filesUnder(out).filter((f) => !f.includes('/') && !['copy', 'project'].includes(f)).length).toBeGreaterThan(5);
    expect(r.files).toBe(Object.keys(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).files).length + 2);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).notes).toBe('First release');
    await expect(verifyBundle(out, readFileSync(keys.publicKeyFile))).resolves.toBeTruthy();

    const settings = JSON.parse(readFileSync(path.join(ud, 'settings.json'), 'utf8'));
    expect(settings).toMatchObject({ limits: { yaml: 3 }, future: true, export: { signingKeyFile: keys.privateKeyFile, outDirs: { [dir]: out } } });
    expect(filesUnder(dir)).toEqual(before);
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((x) => x.isFile())) {
      expect(readFileSync(path.join(e.parentPath, e.name), 'utf8')).not.toContain(keys.privateKeyFile);
    }

    // The next dialog starts from what was remembered: the key, the folder, and the next version.
    const again = service(dir, ud).svc;
    const p = await again.preview({ project: dir });
    expect(p).toMatchObject({ keyFile: keys.privateKeyFile, keyError: null, outDir: out, outDirState: 'bundle', suggestedVersion: '1.0.1' });
    expect(p.changes).toMatchObject({ fromVersion: '1.0.0', toVersion: '1.0.1', added: [], removed: [] });
    const second = await again.export({ project: dir, outDir: out, keyFile: keys.privateKeyFile, version: '1.0.1' });
    expect(second).toMatchObject({ ok: true, changes: { fromVersion: '1.0.0', toVersion: '1.0.1' } });
  });

  it('refuses a project with errors: lists them and writes nothing', async () => {
    const dir = makeTinyProject({ 'flows/main.yaml': BROKEN_FLOW });
    const out = path.join(tmp(), 'bundle');
    const { svc, userDataDir } = service(dir);
    const r = await svc.export({ project: dir, outDir: out, keyFile: keys.privateKeyFile, version: '1.0.0' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.some((p) => p.severity === 'error' && p.file === 'flows/main.yaml' && /nowhere/.test(p.message))).toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.join(userDataDir, 'settings.json'))).toBe(false);
  });

  it('leaves a settings file that is not JSON alone, and says the key is not remembered', async () => {
    const dir = makeTinyProject();
    const ud = tmp('parley-export-ud-');
    writeFileSync(path.join(ud, 'settings.json'), '{ not json');
    const r = await service(dir, ud).svc.export({ project: dir, outDir: path.join(tmp(), 'b'), keyFile: keys.privateKeyFile, version: '1.0.0' });
    expect(r.ok && r.warnings.some((w) => /not remembered/.test(w))).toBe(true);
    expect(readFileSync(path.join(ud, 'settings.json'), 'utf8')).toBe('{ not json');
  });
});

describe('bumpPatch', () => {
  it('bumps the patch, and a pre-release becomes its release', () => {
    expect(bumpPatch('1.2.3')).toBe('1.2.4');
    expect(bumpPatch('0.1.9+build.7')).toBe('0.1.10');
    expect(bumpPatch('1.3.0-rc.1')).toBe('1.3.0');
  });
});
