import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { canonicalJson } from '../../shared/bundle/canonical';
import { BundleError } from '../../shared/bundle/load';
import { exportBundle } from './export';
import { generateSigningKeys, signManifest } from './keys';
import { verifyBundle } from './verify';
import { createPrivateKey } from 'node:crypto';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'parley-verify-'));
let keys: { privateKeyFile: string; publicKeyFile: string };
let pub: string;
let original: string;

beforeAll(async () => {
  keys = await generateSigningKeys(path.join(tmp(), 'keys'));
  pub = readFileSync(keys.publicKeyFile, 'utf8');
  original = path.join(tmp(), 'bundle');
  const r = await exportBundle({ projectDir: makeTinyProject(), outDir: original, signingKey: keys.privateKeyFile });
  expect(r.ok).toBe(true);
});

/** A fresh copy of the exported bundle to tamper with. */
const copy = (): string => {
  const dir = path.join(tmp(), 'b');
  cpSync(original, dir, { recursive: true });
  return dir;
};
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
const refusal = async (dir: string, key: string = pub): Promise<BundleError> => {
  const e = await verifyBundle(dir, key).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BundleError);
  return e as BundleError;
};
/** Rewrites the manifest with the files' current hashes, as someone without the private key could. */
const rehash = (dir: string, files: string[]) => {
  const m = manifestOf(dir);
  for (const f of files) m.files[f] = sha(readFileSync(path.join(dir, f)));
  writeFileSync(path.join(dir, 'manifest.json'), canonicalJson(m));
};

describe('verifyBundle', () => {
  it('loads an untouched bundle', async () => {
    const b = await verifyBundle(copy(), pub);
    expect(b.manifest.name).toBe('Tiny Bank');
    expect(b.nlu.parse('hello there', 'en').ranking[0]?.intent).toBe('greet');
  });

  it('without a public key checks every hash but not the signature', async () => {
    const dir = copy();
    expect((await verifyBundle(dir, null)).manifest.name).toBe('Tiny Bank');
    const f = path.join(dir, 'project/flows/main.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('Hi! How can I help?', 'Send your PIN to win'));
    await expect(verifyBundle(dir, null)).rejects.toThrow(/project\/flows\/main\.json: does not match its hash/);
    // a re-hashed manifest passes without the key: only the signature catches it
    rehash(dir, ['project/flows/main.json']);
    expect((await verifyBundle(dir, null)).manifest.name).toBe('Tiny Bank');
    await expect(verifyBundle(dir, pub)).rejects.toThrow(/manifest\.sig/);
  });

  it('refuses an edited file, naming it', async () => {
    const dir = copy();
    const f = path.join(dir, 'copy/en.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('Hi! How can I help?', 'Send your PIN to win'));
    const e = await refusal(dir);
    expect(e.file).toBe('copy/en.json');
    expect(e.message).toBe('copy/en.json: does not match its hash in the manifest: the file was changed after export');
  });

  it('refuses an edited file and a re-hashed manifest: the signature no longer matches', async () => {
    const dir = copy();
    const f = path.join(dir, 'project/flows/main.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('Hi! How can I help?', 'Send your PIN to win'));
    rehash(dir, ['project/flows/main.json']);
    const e = await refusal(dir);
    expect(e.file).toBe('manifest.sig');
    expect(e.message).toMatch(/does not match manifest\.json: the manifest was changed after export, or signed with another key/);
  });

  it('refuses a bundle re-signed with another key, and a missing signature', async () => {
    const dir = copy();
    const other = generateKeyPairSync('ed25519').privateKey;
    writeFileSync(path.join(dir, 'manifest.sig'), signManifest(readFileSync(path.join(dir, 'manifest.json')), other));
    expect((await refusal(dir)).file).toBe('manifest.sig');
    rmSync(path.join(dir, 'manifest.sig'));
    expect((await refusal(dir)).message).toBe('manifest.sig: the signature is needed but missing');
  });

  it('refuses a listed file that is missing, and an extra file the manifest does not list', async () => {
    const dir = copy();
    rmSync(path.join(dir, 'knowledge.json'));
    expect((await refusal(dir)).message).toBe('knowledge.json: listed in the manifest but missing');
    const dir2 = copy();
    writeFileSync(path.join(dir2, 'plugin.mjs'), 'process.exit(1)');
    expect((await refusal(dir2)).message).toBe('plugin.mjs: is not listed in the manifest (a bundle holds only the files it was signed with)');
    const dir3 = copy();
    rmSync(path.join(dir3, 'Dockerfile'));
    symlinkSync('/etc/hostname', path.join(dir3, 'Dockerfile'));
    expect((await refusal(dir3)).message).toBe('Dockerfile: is not a regular file (links are refused)');
  });

  it('refuses invalid JSON and a schema violation in a signed bundle, naming the file and the field', async () => {
    // Signed by the team's own key (a bug or a hand-made bundle): the schemas still check every file.
    const key = createPrivateKey(readFileSync(keys.privateKeyFile));
    const resign = (dir: string) => writeFileSync(path.join(dir, 'manifest.sig'), signManifest(readFileSync(path.join(dir, 'manifest.json')), key));

    const dir = copy();
    writeFileSync(path.join(dir, 'knowledge.json'), '{"format":"parley-knowledge",');
    rehash(dir, ['knowledge.json']);
    resign(dir);
    expect((await refusal(dir)).message).toMatch(/^knowledge\.json: not valid JSON/);

    const dir2 = copy();
    const flow = JSON.parse(readFileSync(path.join(dir2, 'project/flows/main.json'), 'utf8'));
    flow.nodes[1].say = { en: 42 };
    writeFileSync(path.join(dir2, 'project/flows/main.json'), canonicalJson(flow));
    rehash(dir2, ['project/flows/main.json']);
    resign(dir2);
    const e = await refusal(dir2);
    expect(e.file).toBe('project/flows/main.json');
    expect(e.field).toMatch(/^nodes\[1\]/);

    const dir3 = copy();
    const models = JSON.parse(readFileSync(path.join(dir3, 'nlu/models.json'), 'utf8'));
    models.models[0].model.weights = models.models[0].model.weights.slice(16);
    writeFileSync(path.join(dir3, 'nlu/models.json'), canonicalJson(models));
    rehash(dir3, ['nlu/models.json']);
    resign(dir3);
    const e3 = await refusal(dir3);
    expect(e3.message).toMatch(/^nlu\/models\.json: models\[0\]\.model: intent model: weights, keys and labels do not match/);

    const dir4 = copy();
    const m = JSON.parse(readFileSync(path.join(dir4, 'manifest.json'), 'utf8'));
    m.formatVersion = 2;
    writeFileSync(path.join(dir4, 'manifest.json'), canonicalJson(m));
    resign(dir4);
    expect((await refusal(dir4)).message).toMatch(/^manifest\.json: formatVersion: /);
  });

  it("the README's own commands verify the signature (OpenSSL) and the hashes, and catch an edit", async () => {
    const dir = copy();
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    const openssl = /^ {4}(openssl pkeyutl .*)$/m.exec(readme)![1]!.replace('parley-signing.pub', keys.publicKeyFile).split(' ');
    const hashes = /^ {4}node -e '(.*)'$/m.exec(readme)![1]!;
    const run = promisify(execFile);
    expect((await run(openssl[0]!, openssl.slice(1), { cwd: dir })).stdout).toMatch(/Signature Verified Successfully/);
    await run(process.execPath, ['-e', hashes], { cwd: dir });
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM evil\n');
    await expect(run(process.execPath, ['-e', hashes], { cwd: dir })).rejects.toThrow(/Dockerfile differs/);
    writeFileSync(path.join(dir, 'manifest.json'), readFileSync(path.join(dir, 'manifest.json'), 'utf8').replace('Tiny Bank', 'Tiny Bunk'));
    await expect(run(openssl[0]!, openssl.slice(1), { cwd: dir })).rejects.toThrow();
  });

  it('refuses a key that is not an Ed25519 public key, without quoting it', async () => {
    const priv = readFileSync(keys.privateKeyFile, 'utf8');
    const e = await verifyBundle(copy(), priv).catch((err: Error) => err);
    expect(String(e)).toMatch(/is a private key: give the runtime parley-signing.pub/);
    expect(String(e)).not.toContain(priv.split('\n')[1]!.slice(0, 16));
    await expect(verifyBundle(copy(), 'not a key')).rejects.toThrow(/not a PEM public key/);
  });
});
