// The studio's secret values: kept in the user's data folder per project and name (encrypted with the OS
// keychain when there is one), never in the project, never in a status; PARLEY_SECRET_<NAME> when none is saved.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SafeStorageLike } from '../llm/keys';
import { runSecretsCli } from '../cli/secrets';
import { createSecretStore } from './secretStore';

const VALUE = 'tok-5b8e0f1d2c';
let root: string;
let userData: string;
let project: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-secrets-'));
  userData = path.join(root, 'user');
  project = path.join(root, 'bot');
  await fs.mkdir(project);
  await fs.writeFile(
    path.join(project, 'parley.yaml'),
    'schema: 2\nname: Bot\ndefaultLocale: en\nlocales: [en]\nstartFlow: main\nsecrets:\n  bank_token: { hosts: [api.bank.example] }\n',
  );
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Every file under a folder, with its text. */
async function allText(dir: string): Promise<string> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(await fs.readFile(path.join(e.parentPath, e.name), 'utf8'));
  }
  return out.join('\n');
}

/** A stand-in for Electron's safeStorage: reversible, but not the plain text. */
const fakeKeychain: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(s.split('').reverse().join(''), 'utf8'),
  decryptString: (b) => b.toString('utf8').split('').reverse().join(''),
};

describe('the secret store', () => {
  it('keeps a value per project and name in the user data folder (0600), never in the project', async () => {
    const before = await fs.readdir(project);
    const store = createSecretStore({ userDataDir: userData, env: {} });
    expect(await store.set(project, 'bank_token', `${VALUE}\n`)).toBe('file');
    expect(await store.value(project, 'bank_token')).toBe(VALUE);
    expect(await fs.readdir(project)).toEqual(before);
    expect(await allText(project)).not.toContain(VALUE);
    expect(store.file.startsWith(userData)).toBe(true);
    if (process.platform !== 'win32') expect((await fs.stat(store.file)).mode & 0o777).toBe(0o600);
    // another project, or another name, does not get it
    const other = path.join(root, 'other');
    await fs.mkdir(other);
    expect(await store.value(other, 'bank_token')).toBeUndefined();
    expect(await store.value(project, 'other_token')).toBeUndefined();
    expect(await store.clear(project, 'bank_token')).toBe(true);
    expect(await store.value(project, 'bank_token')).toBeUndefined();
  });

  it('encrypts with the OS keychain when there is one', async () => {
    const store = createSecretStore({ userDataDir: userData, safeStorage: fakeKeychain, env: {} });
    expect(await store.set(project, 'bank_token', VALUE)).toBe('keychain');
    expect(await fs.readFile(store.file, 'utf8')).not.toContain(VALUE);
    expect(await store.value(project, 'bank_token')).toBe(VALUE);
    // the command line (no keychain) cannot use it, and says so without the value
    const st = await createSecretStore({ userDataDir: userData, env: {} }).status(project, ['bank_token']);
    expect(st).toEqual([{ name: 'bank_token', set: false, source: null, envVar: 'PARLEY_SECRET_BANK_TOKEN', problem: expect.stringContaining('OS keychain') }]);
  });

  it('falls back to PARLEY_SECRET_<NAME>, never another variable; a saved value comes first', async () => {
    const env = { PARLEY_SECRET_HOME: 'from-env', HOME: '/home/me' };
    const store = createSecretStore({ userDataDir: userData, env });
    expect(await store.value(project, 'home')).toBe('from-env');
    expect(await createSecretStore({ userDataDir: userData, env: { HOME: '/home/me' } }).value(project, 'home')).toBeUndefined();
    await store.set(project, 'home', VALUE);
    expect(await store.value(project, 'home')).toBe(VALUE);
    const status = await store.status(project, ['home', 'bank_token']);
    expect(status).toEqual([
      { name: 'home', set: true, source: 'file', envVar: 'PARLEY_SECRET_HOME' },
      { name: 'bank_token', set: false, source: null, envVar: 'PARLEY_SECRET_BANK_TOKEN' },
    ]);
    expect(JSON.stringify(status)).not.toContain(VALUE);
  });

  it('refuses a value that cannot be a header value, and a name that is not a secret name', async () => {
    const store = createSecretStore({ userDataDir: userData, env: {} });
    await expect(store.set(project, 'bank_token', 'a\r\nX-Evil: 1')).rejects.toThrow(/line break/);
    await expect(store.set(project, 'bank_token', '')).rejects.toThrow(/empty/);
    await expect(store.set(project, '../x', VALUE)).rejects.toThrow(/not a secret name/);
  });
});

describe('parley secrets', () => {
  const io = (stdin: string | null) => {
    const out: string[] = [];
    return { out, io: { write: (s: string) => void out.push(s), err: (s: string) => void out.push(s), readStdin: () => Promise.resolve(stdin) } };
  };

  it('sets a declared secret from stdin, lists it without the value, and refuses others', async () => {
    const set = io(`${VALUE}\n`);
    expect(await runSecretsCli('set', project, 'bank_token', set.io, { userDataDir: userData, env: {} })).toBe(0);
    const list = io(null);
    expect(await runSecretsCli('list', project, undefined, list.io, { userDataDir: userData, env: {} })).toBe(0);
    expect(list.out.join('')).toMatch(/^bank_token: saved \(.*secrets\.json\); sent only to api\.bank\.example\n$/);
    expect(await createSecretStore({ userDataDir: userData, env: {} }).value(project, 'bank_token')).toBe(VALUE);

    const undeclared = io(VALUE);
    expect(await runSecretsCli('set', project, 'aws_key', undeclared.io, { userDataDir: userData, env: {} })).toBe(2);
    expect(undeclared.out.join('')).toContain('"aws_key" is not a secret of this project: parley.yaml declares bank_token');
    const typed = io(null);
    expect(await runSecretsCli('set', project, 'bank_token', typed.io, { userDataDir: userData, env: {} })).toBe(2);
    expect(typed.out.join('')).toContain('give the value on stdin');
    expect([...set.out, ...list.out, ...undeclared.out].join('')).not.toContain(VALUE);
    expect(await allText(project)).not.toContain(VALUE);
  });
});
