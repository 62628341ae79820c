// The Dialogflow CX importer's untrusted input: zips (built here) whose entries would leave the agent folder,
// symbolic links, too many or too large files; broken JSON, unknown keys, exports of another format. Every one
// is an error naming the file (and the key), and nothing is written; an existing folder is replaced only when forced.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { DialogflowImportError, importDialogflow, type DialogflowImportOptions } from './index';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/dialogflow-cx/salonbot');
const tmp = await mkdtemp(path.join(tmpdir(), 'parley-dfcx-src-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function fixtureFiles(): Promise<{ name: string; data: Buffer }[]> {
  const names = (await readdir(FIXTURE, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return Promise.all(
    names.map(async (e) => ({
      name: path.relative(FIXTURE, path.join(e.parentPath, e.name)).split(path.sep).join('/'),
      data: await readFile(path.join(e.parentPath, e.name)),
    })),
  );
}

/** A zip of the entries (`mode` sets the entry's Unix file type and permissions). */
async function zipOf(entries: { name: string; data: Buffer; mode?: number }[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, e.mode ? { mode: e.mode } : {});
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Replaces an entry's name in the zip's bytes (local header and central directory) with one of the same length. */
function rename(zip: Buffer, from: string, to: string): Buffer {
  expect(to).toHaveLength(from.length);
  const out = Buffer.from(zip);
  let at = out.indexOf(from);
  let n = 0;
  for (; at >= 0; at = out.indexOf(from, at + 1), n++) out.write(to, at, 'latin1');
  expect(n).toBe(2);
  return out;
}

let count = 0;
async function problemsOf(src: string, o: DialogflowImportOptions = {}): Promise<{ problems: string[]; dest: string }> {
  const dest = path.join(tmp, `out-${++count}`);
  try {
    await importDialogflow(src, dest, o);
  } catch (e) {
    if (e instanceof DialogflowImportError) {
      await expect(readdir(dest)).rejects.toThrow(/ENOENT/); // nothing written
      return { problems: e.problems, dest };
    }
    throw e;
  }
  throw new Error('the import did not fail');
}

async function writeZip(name: string, data: Buffer): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, data);
  return file;
}

/** A copy of the fixture with one file replaced. */
async function variant(rel: string, text: string): Promise<string> {
  const dir = path.join(tmp, `variant-${++count}`);
  await cp(FIXTURE, dir, { recursive: true });
  await writeFile(path.join(dir, rel), text);
  return dir;
}

describe('parley import dialogflow-cx: a zip', () => {
  it('imports the zip the console exports (one top folder; macOS metadata ignored), reading nothing to disk', async () => {
    const files = await fixtureFiles();
    const zip = await zipOf([
      ...files.map((f) => ({ name: `salonbot/${f.name}`, data: f.data })),
      { name: '__MACOSX/salonbot/._agent.json', data: Buffer.from('junk') },
    ]);
    const r = await importDialogflow(await writeZip('agent.zip', zip), path.join(tmp, 'from-zip'));
    expect(r.counts).toEqual({ intents: 6, entities: 2, flows: 2, stories: 4, operations: 2 });
  });

  it('refuses an entry that would leave the agent folder (..), and one with an absolute path', async () => {
    const files = await fixtureFiles();
    const safe = await zipOf([...files, { name: 'xx/evil.json', data: Buffer.from('{}') }]);
    const up = await writeZip('up.zip', rename(safe, 'xx/evil.json', '../evil.json'));
    expect((await problemsOf(up)).problems).toEqual([
      expect.stringMatching(/^up\.zip: refused an entry that would leave the agent folder: invalid relative path: \.\.\/evil\.json/),
    ]);
    const abs = await writeZip('abs.zip', rename(safe, 'xx/evil.json', '/x/evil.jso'.padEnd(12, 'n')));
    expect((await problemsOf(abs)).problems).toEqual([
      expect.stringMatching(/^abs\.zip: refused an entry that would leave the agent folder: absolute path: \/x\/evil\.json/),
    ]);
  });

  it('refuses a symbolic link', async () => {
    const files = await fixtureFiles();
    const zip = await zipOf([...files, { name: 'intents/link.json', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]);
    expect((await problemsOf(await writeZip('link.zip', zip))).problems).toEqual([
      'link.zip: refused the entry "intents/link.json": a symbolic link (it could point outside the agent folder)',
    ]);
  });

  it('stops at the file-count limit, the total uncompressed size limit and the size limit of one file', async () => {
    const file = await writeZip('limits.zip', await zipOf(await fixtureFiles()));
    const big = { files: 5000, totalBytes: 100e6, fileBytes: 20e6 };
    expect((await problemsOf(file, { limits: { ...big, files: 10 } })).problems).toEqual([
      expect.stringMatching(/^limits\.zip: has 3\d entries, over the limit of 10$/),
    ]);
    expect((await problemsOf(file, { limits: { ...big, totalBytes: 4000 } })).problems).toEqual([
      'limits.zip: holds more than 4000 bytes uncompressed, over the limit',
    ]);
    expect((await problemsOf(file, { limits: { ...big, fileBytes: 1000 } })).problems).toEqual([
      expect.stringMatching(/^limits\.zip: the entry ".*" is \d+ bytes, over the 1000 bytes limit for one file$/),
    ]);
  });

  it('names a binary export and a zip without an agent', async () => {
    const blob = await writeZip('blob.zip', await zipOf([{ name: 'agent.blob', data: Buffer.from([1, 2, 3]) }]));
    expect((await problemsOf(blob)).problems[0]).toMatch(/^agent\.blob: a binary \(blob\) agent export, which this importer does not read/);
    const none = await writeZip('none.zip', await zipOf([{ name: 'readme.txt', data: Buffer.from('hi') }]));
    expect((await problemsOf(none)).problems[0]).toMatch(/none\.zip: no agent\.json: not an exported Dialogflow CX agent/);
  });
});

describe('parley import dialogflow-cx: bad files write nothing', () => {
  it('broken JSON names the file and line', async () => {
    const src = await variant('flows/Default Start Flow/pages/Confirm.json', '{\n  "name": "x",\n  "displayName": "Confirm",\n  "form": {\n}');
    expect((await problemsOf(src)).problems).toEqual([expect.stringMatching(/^flows\/Default Start Flow\/pages\/Confirm\.json:5: invalid JSON: /)]);
  });

  it('an unknown top-level key names the file and the key', async () => {
    const page = JSON.parse(await readFile(path.join(FIXTURE, 'flows/Default Start Flow/pages/Confirm.json'), 'utf8')) as Record<string, unknown>;
    const src = await variant('flows/Default Start Flow/pages/Confirm.json', JSON.stringify({ ...page, colour: 'blue' }));
    expect((await problemsOf(src)).problems).toEqual([
      'flows/Default Start Flow/pages/Confirm.json: colour: unknown key "colour" (not part of the Dialogflow CX export format this importer reads)',
    ]);
  });

  it('a value of the wrong type names the file and the path to it', async () => {
    const src = await variant('intents/help/trainingPhrases/en.json', JSON.stringify({ trainingPhrases: [{ parts: 'help me' }] }));
    expect((await problemsOf(src)).problems).toEqual([
      'intents/help/trainingPhrases/en.json: trainingPhrases.0.parts: Invalid input: expected array, received string',
    ]);
  });

  it('an unknown key below the top level is left alone', async () => {
    const flowFile = 'flows/Booking Status/Booking Status.json';
    const flow = JSON.parse(await readFile(path.join(FIXTURE, flowFile), 'utf8')) as { transitionRoutes: Record<string, unknown>[] };
    flow.transitionRoutes[0]!.futureField = true;
    const r = await importDialogflow(await variant(flowFile, JSON.stringify(flow)), path.join(tmp, 'nested-unknown'));
    expect(r.counts.flows).toBe(2);
  });

  it('a Dialogflow ES export is named as such', async () => {
    const src = await variant('agent.json', JSON.stringify({ description: '', language: 'en', webhook: {} }));
    expect((await problemsOf(src)).problems).toEqual([
      expect.stringMatching(/^agent\.json: language: a Dialogflow ES agent export, which this importer does not read/),
    ]);
  });

  it('refuses a symbolic link in a folder', async () => {
    const dir = path.join(tmp, 'with-link');
    await cp(FIXTURE, dir, { recursive: true });
    await symlink('/etc/hostname', path.join(dir, 'webhooks', 'link.json'));
    expect((await problemsOf(dir)).problems).toEqual(["webhooks/link.json: a symbolic link; the importer reads only the agent's own files"]);
  });
});

describe('parley import dialogflow-cx: output folder', () => {
  it('never overwrites an existing folder unless forced', async () => {
    const dest = path.join(tmp, 'existing');
    await mkdir(dest);
    await writeFile(path.join(dest, 'keep.txt'), 'mine');
    await expect(importDialogflow(FIXTURE, dest)).rejects.toThrow(/already exists and is not empty.*--force/);
    expect(await readFile(path.join(dest, 'keep.txt'), 'utf8')).toBe('mine');
    await importDialogflow(FIXTURE, dest, { force: true });
    const entries = await readdir(dest);
    expect(entries).toEqual(expect.arrayContaining(['parley.yaml', 'nlu.yaml', 'IMPORT.md', 'flows', 'stories']));
    expect(entries).not.toContain('keep.txt');
  });
});
