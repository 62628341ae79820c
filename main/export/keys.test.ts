import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { generateSigningKeys, manifestSignatureValid, signManifest } from './keys';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'parley-keys-'));

describe('signing keys', () => {
  it('writes an Ed25519 pair: PKCS#8 private key with mode 0600, SPKI public key, that sign and verify', async () => {
    const dir = path.join(tmp(), 'nested', 'keys');
    const { privateKeyFile, publicKeyFile } = await generateSigningKeys(dir);
    expect(path.basename(privateKeyFile)).toBe('parley-signing.key');
    expect(path.basename(publicKeyFile)).toBe('parley-signing.pub');
    const privatePem = readFileSync(privateKeyFile, 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(publicKeyFile, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    if (process.platform !== 'win32') expect(statSync(privateKeyFile).mode & 0o777).toBe(0o600);
    const data = Buffer.from('{"a":1}');
    const sig = signManifest(data, createPrivateKey(privatePem));
    const pub = createPublicKey(readFileSync(publicKeyFile));
    expect(pub.asymmetricKeyType).toBe('ed25519');
    expect(manifestSignatureValid(data, sig, pub)).toBe(true);
    expect(manifestSignatureValid(Buffer.from('{"a":2}'), sig, pub)).toBe(false);
  });

  it('refuses to overwrite a key, leaving it as it was', async () => {
    const dir = tmp();
    const { privateKeyFile } = await generateSigningKeys(dir);
    const before = readFileSync(privateKeyFile, 'utf8');
    await expect(generateSigningKeys(dir)).rejects.toThrow(/parley-signing\.key already exists; not overwriting a key/);
    expect(readFileSync(privateKeyFile, 'utf8')).toBe(before);
    const dir2 = tmp();
    writeFileSync(path.join(dir2, 'parley-signing.pub'), 'mine');
    await expect(generateSigningKeys(dir2)).rejects.toThrow(/parley-signing\.pub already exists/);
    expect(readFileSync(path.join(dir2, 'parley-signing.pub'), 'utf8')).toBe('mine');
  });

  it('refuses a folder inside a project (projects travel through git)', async () => {
    const project = makeTinyProject();
    await expect(generateSigningKeys(path.join(project, 'keys'))).rejects.toThrow(/is inside the project .*keep the signing key outside every project/);
  });
});
