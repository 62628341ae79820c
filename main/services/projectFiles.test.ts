// Issue 10, findings 2, 5 and 7: a project's files are hostile input. Links out of the project, files that are
// not the project's own kinds, files over the size limits, bytes that are not UTF-8, a broken parley.yaml and
// file-system failures, each through the store, the knowledge index, the stories loader and `parley validate`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { makeTinyProject, TINY_FLOW, TINY_MANIFEST } from '../../test/fixtures/tinyProject';
import { validateDir } from '../cli/validate';
import { loadStories, loadTestProject } from '../stories/runner';
import { createEventBus } from './events';
import { projectKnowledge } from './projectEngine';
import { createProjectStore, type ProjectStore, type ProjectStoreOptions } from './projectStore';

const SECRET = 'The vault combination is 31-41-59';

const stores: ProjectStore[] = [];
function openStore(extra: Partial<ProjectStoreOptions> = {}) {
  const bus = createEventBus();
  const events: { event: EventName; payload: unknown }[] = [];
  bus.subscribe((event, payload) => events.push({ event, payload }));
  const store = createProjectStore({ bus, watch: false, ...extra });
  stores.push(store);
  return { store, events };
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const errorOf = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try {
    await p;
    return { code: 'resolved', message: '' };
  } catch (e) {
    return e instanceof ApiError ? { code: e.code, message: e.message } : { code: `not an ApiError: ${String(e)}`, message: String(e) };
  }
};

/** A folder outside the project holding a secret (a Markdown note and a flow that would say it). */
function outside(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-outside-'));
  writeFileSync(path.join(dir, 'secret.md'), `# Vault\n\n${SECRET}\n`);
  writeFileSync(path.join(dir, 'flow.yaml'), TINY_FLOW.replace('Hi! How can I help?', SECRET));
  return dir;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
};

describe('links out of the project (finding 2)', () => {
  it('the knowledge index never reads knowledge/notes.md linked to a file outside', async () => {
    const out = outside();
    const dir = makeTinyProject({ 'knowledge/hours.md': '# Hours\n\nWe open at 9 am.\n' });
    symlinkSync(path.join(out, 'secret.md'), path.join(dir, 'knowledge/notes.md'));
    const index = await projectKnowledge(dir);
    const hits = await index.search('vault combination', { sources: [], limit: 5 });
    expect(JSON.stringify(hits)).not.toContain('31-41-59');
    expect(JSON.stringify(await index.search('open', { sources: [], limit: 5 }))).toContain('9 am');
    const report = await validateDir(dir, { limits: { yaml: 5, text: 5, binary: 50 } });
    expect(report.problems).toContainEqual(
      expect.objectContaining({ file: 'knowledge/notes.md', message: expect.stringMatching(/leads outside the project through a link/) }),
    );
  });

  it('a link inside the project to a dotfile (.env) is refused too', async () => {
    const dir = makeTinyProject({ '.env': `API_TOKEN=${SECRET}\n`, 'knowledge/hours.md': '# Hours\n' });
    symlinkSync('../.env', path.join(dir, 'knowledge/env.md'));
    const index = await projectKnowledge(dir);
    expect(JSON.stringify(await index.search('API_TOKEN vault', { sources: [], limit: 5 }))).not.toContain('31-41-59');
    const { store } = openStore();
    await store.open(dir);
    expect((await errorOf(store.readFile('knowledge/env.md'))).code).toBe('PATH_OUTSIDE_PROJECT');
  });

  it('a flow linked outside is not loaded: it is a broken file whose problem says why', async () => {
    const out = outside();
    const dir = makeTinyProject();
    symlinkSync(path.join(out, 'flow.yaml'), path.join(dir, 'flows/leak.yaml'));
    const { store } = openStore();
    const snap = await store.open(dir);
    expect(Object.keys(snap.flows)).toEqual(['main']);
    expect(snap.broken.map((b) => b.file)).toEqual(['flows/leak.yaml']);
    expect(snap.problems).toContainEqual(
      expect.objectContaining({ file: 'flows/leak.yaml', severity: 'error', message: expect.stringMatching(/outside the project/) }),
    );
    expect(JSON.stringify(snap)).not.toContain('31-41-59');
    expect((await errorOf(store.readFile('flows/leak.yaml'))).code).toBe('PATH_OUTSIDE_PROJECT');
  });

  it('the watcher does not follow a link added later', async () => {
    const out = outside();
    const dir = makeTinyProject();
    const { store, events } = openStore({ watch: true });
    await store.open(dir);
    await store.ready();
    symlinkSync(path.join(out, 'flow.yaml'), path.join(dir, 'flows/later.yaml'));
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({ event: 'project.fileChanged', payload: { file: 'flows/later.yaml' } });
    expect(JSON.stringify(events)).not.toContain('31-41-59');
    expect(JSON.stringify(store.snapshot())).not.toContain('31-41-59');
    expect(store.snapshot().broken.map((b) => b.file)).toContain('flows/later.yaml');
  });

  it('the stories loader does not read a story linked outside, nor a non-story file it is asked for', async () => {
    const out = outside();
    writeFileSync(path.join(out, 'story.yaml'), `name: ${SECRET}\nturns:\n  - user: hi\n`);
    const dir = makeTinyProject();
    mkdirSync(path.join(dir, 'stories'), { recursive: true });
    symlinkSync(path.join(out, 'story.yaml'), path.join(dir, 'stories/leak.yaml'));
    const model = await loadTestProject(dir);
    const all = await loadStories(dir, model);
    expect(JSON.stringify(all)).not.toContain('31-41-59');
    expect(all.problems).toContainEqual(expect.objectContaining({ file: 'stories/leak.yaml', message: expect.stringMatching(/outside the project/) }));
    const asked = await loadStories(dir, model, ['stories/leak.yaml', 'parley.yaml']);
    expect(JSON.stringify(asked)).not.toContain('31-41-59');
    expect(asked.stories).toEqual([]);
    expect(asked.problems.map((p) => p.file)).toEqual(['stories/leak.yaml', 'parley.yaml']);
  });
});

describe("only the project's own kinds of files (finding 5)", () => {
  it('file.write and file.read refuse .git/, dotfiles and other files, naming the path and the allowed kinds', async () => {
    const dir = makeTinyProject();
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.git/config'), '[core]\n');
    const { store } = openStore();
    await store.open(dir);
    for (const p of ['.git/config', '.bashrc', 'knowledge/.hidden/x.md', 'stories/.git/config', 'main.js', 'flows/x.sh']) {
      const e = await errorOf(store.writeFile(p, '[core]\n\tfsmonitor = touch /tmp/pwned\n', null));
      expect(e.code, p).toBe('FILE_KIND_NOT_ALLOWED');
      expect(e.message, p).toContain(p);
      expect(e.message, p).toMatch(/parley\.yaml, nlu\.yaml, guardrails\.yaml, flows\/<id>\.yaml/);
    }
    expect(readFileSync(path.join(dir, '.git/config'), 'utf8')).toBe('[core]\n');
    expect(existsSync(path.join(dir, '.bashrc'))).toBe(false);
    expect((await errorOf(store.readFile('.git/config'))).code).toBe('FILE_KIND_NOT_ALLOWED');
    // the project's own files are still written
    expect((await store.writeFile('knowledge/fees.md', '# Fees\n', null)).revision).toMatch(/^[0-9a-f]{16}$/);
  });

  it('project.create refuses a folder holding other things (a home folder), and accepts a fresh repository', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'parley-home-'));
    writeFileSync(path.join(home, '.bashrc'), 'echo hi\n');
    writeFileSync(path.join(home, 'notes.txt'), 'mine\n');
    const { store } = openStore();
    const e = await errorOf(store.create(home, 'Bot'));
    expect(e.code).toBe('FOLDER_NOT_EMPTY');
    expect(e.message).toMatch(/\.bashrc, notes\.txt/);
    expect(readdirSync(home).sort()).toEqual(['.bashrc', 'notes.txt']);

    const repo = mkdtempSync(path.join(os.tmpdir(), 'parley-repo-'));
    mkdirSync(path.join(repo, '.git'));
    writeFileSync(path.join(repo, 'README.md'), '# Bot\n');
    writeFileSync(path.join(repo, '.gitignore'), 'node_modules\n');
    const snap = await store.create(repo, 'Bot');
    expect(Object.keys(snap.flows)).toEqual(['main']);
    // and the new project cannot write its way into .git either
    expect((await errorOf(store.writeFile('.git/config', 'x', null))).code).toBe('FILE_KIND_NOT_ALLOWED');
  });
});

describe('size limits (finding 7)', () => {
  const small = { yaml: 0.01, text: 0.01, binary: 0.05 }; // 10 KB: keeps the test fast

  it('a flow over the limit is a problem naming it, and the rest of the project loads', async () => {
    const dir = makeTinyProject({ 'flows/big.yaml': `name: Big\nnodes: []\n# ${'x'.repeat(20_000)}\n` });
    const { store } = openStore({ limits: small });
    const snap = await store.open(dir);
    expect(Object.keys(snap.flows)).toEqual(['main']);
    expect(snap.problems).toContainEqual(
      expect.objectContaining({ file: 'flows/big.yaml', severity: 'error', message: 'file is 20 KB, over the 10 KB limit for YAML (raise it in Settings)' }),
    );
    expect((await errorOf(store.readFile('flows/big.yaml'))).code).toBe('TOO_LARGE');
    expect((await errorOf(store.writeFile('knowledge/huge.md', 'x'.repeat(20_000), null))).code).toBe('TOO_LARGE');
  });

  it('a 150 MB flow is refused from its size, before it is read (sparse file, default limits)', async () => {
    const dir = makeTinyProject();
    writeFileSync(path.join(dir, 'flows/big.yaml'), '');
    truncateSync(path.join(dir, 'flows/big.yaml'), 150_000_000);
    const { store } = openStore();
    const snap = await store.open(dir);
    expect(snap.problems).toContainEqual(
      expect.objectContaining({ file: 'flows/big.yaml', message: 'file is 150 MB, over the 5 MB limit for YAML (raise it in Settings)' }),
    );
    expect(Object.keys(snap.flows)).toEqual(['main']);
    const report = await validateDir(dir, { limits: { yaml: 5, text: 5, binary: 50 } });
    expect(report.problems.map((p) => `${p.file}: ${p.message}`)).toContain(
      'flows/big.yaml: file is 150 MB, over the 5 MB limit for YAML (raise it in Settings)',
    );
  });

  it('the watcher does not read a file that grew over the limit: it becomes a broken file', async () => {
    const dir = makeTinyProject();
    const { store, events } = openStore({ watch: true, limits: small });
    await store.open(dir);
    await store.ready();
    writeFileSync(path.join(dir, 'flows/main.yaml'), `${TINY_FLOW}# ${'x'.repeat(20_000)}\n`);
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({
      event: 'project.fileChanged',
      payload: { file: 'flows/main.yaml', problems: [expect.objectContaining({ message: expect.stringMatching(/over the 10 KB limit for YAML/) })] },
    });
    expect(store.snapshot().flows.main).toBeUndefined();
    expect(store.snapshot().broken.map((b) => b.file)).toEqual(['flows/main.yaml']);
  });

  it('the knowledge index leaves out a document over the limit', async () => {
    const dir = makeTinyProject({ 'knowledge/big.md': `# Big\n\n${SECRET} ${'filler '.repeat(3000)}\n` });
    const index = await projectKnowledge(dir, small);
    expect(JSON.stringify(await index.search('vault combination', { sources: [], limit: 5 }))).not.toContain('31-41-59');
  });
});

describe('revisions from bytes, and bytes that are not UTF-8 (finding 7)', () => {
  it('a flow with a Latin-1 byte is reported with its offset, and can be fixed without a CONFLICT', async () => {
    // "Café" saved as Latin-1: a lone 0xE9
    const bad = Buffer.from(TINY_FLOW.replace('Hi! How can I help?', 'Caf'));
    const bytes = Buffer.concat([bad.subarray(0, bad.indexOf('Caf') + 3), Buffer.from([0xe9]), bad.subarray(bad.indexOf('Caf') + 3)]);
    const dir = makeTinyProject({ 'flows/other.yaml': 'name: Other\nnodes:\n  - id: start\n    kind: start\n' });
    writeFileSync(path.join(dir, 'flows/main.yaml'), bytes);
    const { store } = openStore();
    const snap = await store.open(dir);
    const offset = bytes.indexOf(0xe9);
    expect(snap.problems).toContainEqual(
      expect.objectContaining({ file: 'flows/main.yaml', message: expect.stringContaining(`not valid UTF-8 at byte ${offset} (0xE9)`) }),
    );
    const entry = snap.broken.find((b) => b.file === 'flows/main.yaml');
    expect(entry?.revision).toBe(sha(bytes));
    // every revision is the hash of the bytes on disk
    expect(snap.flows.other?.revision).toBe(sha(readFileSync(path.join(dir, 'flows/other.yaml'))));
    expect(snap.manifestRevision).toBe(sha(readFileSync(path.join(dir, 'parley.yaml'))));
    expect((await store.readFile('flows/main.yaml')).revision).toBe(sha(bytes));
    // the source view fixes it with the revision it was shown
    const fixed = TINY_FLOW.replace('Hi! How can I help?', 'Café');
    const r = await store.writeFile('flows/main.yaml', fixed, entry!.revision);
    expect(r.revision).toBe(sha(Buffer.from(fixed)));
    expect(store.snapshot().flows.main?.flow.name).toBe('Main');
    // and the canvas saves again without a conflict
    const again = await store.saveFlow('main', { ...store.snapshot().flows.main!.flow, name: 'Main 2' }, r.revision);
    expect(again.revision).toBe(sha(readFileSync(path.join(dir, 'flows/main.yaml'))));
  });
});

describe('a broken parley.yaml can be fixed from inside the studio (finding 7)', () => {
  it('opens with the manifest broken; the source view reads it and a good write reloads the project', async () => {
    const broken = `${TINY_MANIFEST}locales: [oops\n`;
    const dir = makeTinyProject({ 'parley.yaml': broken });
    const { store, events } = openStore();
    const snap = await store.open(dir);
    expect(snap.broken).toEqual([{ file: 'parley.yaml', revision: sha(Buffer.from(broken)) }]);
    expect(snap.problems[0]).toMatchObject({ file: 'parley.yaml', severity: 'error' });
    expect(store.current()?.broken.map((b) => b.file)).toEqual(['parley.yaml']);
    expect((await store.readFile('parley.yaml')).text).toBe(broken);
    // a flow save waits for the manifest
    expect((await errorOf(store.saveFlow('main', { name: 'Main', nodes: [] }, null))).code).toBe('INVALID_PROJECT');
    // an invalid fix is refused with its problems, a valid one is written and the project loads
    expect((await errorOf(store.writeFile('parley.yaml', 'schema: 2\nname: x\n', snap.broken[0]!.revision))).code).toBe('INVALID_PROJECT');
    await store.writeFile('parley.yaml', TINY_MANIFEST, snap.broken[0]!.revision);
    const after = store.snapshot();
    expect(after.broken).toEqual([]);
    expect(after.manifest.name).toBe('Tiny Bank');
    expect(Object.keys(after.flows)).toEqual(['main']);
    expect(events.at(-1)).toMatchObject({ event: 'project.fileChanged', payload: { file: 'parley.yaml' } });
  });
});

describe('clear errors naming the file (finding 7)', () => {
  it('flows/x.yaml being a folder names flows/x.yaml, not parley.yaml', async () => {
    const dir = makeTinyProject();
    mkdirSync(path.join(dir, 'flows/x.yaml'));
    const { store } = openStore();
    const snap = await store.open(dir);
    expect(snap.problems).toContainEqual(expect.objectContaining({ file: 'flows/x.yaml', message: expect.stringMatching(/is a folder/) }));
    expect(Object.keys(snap.flows)).toEqual(['main']);
    expect(await errorOf(store.readFile('flows/x.yaml'))).toMatchObject({ code: 'NOT_A_FILE', message: expect.stringContaining('flows/x.yaml') });
    const report = await validateDir(dir, { limits: { yaml: 5, text: 5, binary: 50 } });
    expect(report.problems.map((p) => p.file)).toEqual(['flows/x.yaml']);
  });

  // Tests run as root here, and chmod does not stop root: permission errors are injected like the full disk.
  it.each([
    ['ENOSPC', 'DISK_FULL', /flows\/main\.yaml: the disk is full/],
    ['EACCES', 'PERMISSION_DENIED', /flows\/main\.yaml: permission denied/],
    ['EPERM', 'PERMISSION_DENIED', /flows\/main\.yaml: the operation is not permitted/],
    ['EROFS', 'READ_ONLY', /flows\/main\.yaml: the file system is read-only/],
  ])('%s while saving is %s, naming the file', async (errno, code, message) => {
    const dir = makeTinyProject();
    const fail = () => {
      throw Object.assign(new Error(`${errno}: simulated`), { code: errno });
    };
    const { store } = openStore({ beforeRename: fail });
    const snap = await store.open(dir);
    const e = await errorOf(store.saveFlow('main', { ...snap.flows.main!.flow, name: 'X' }, snap.flows.main!.revision));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(readFileSync(path.join(dir, 'flows/main.yaml'), 'utf8')).toBe(TINY_FLOW);
  });
});
