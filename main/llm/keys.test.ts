import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyStore, defaultCredentialsFile, isLoopbackUrl, KeyStoreError, type KeyStoreOptions, type SafeStorageLike } from './keys';

const posixOnly = process.platform === 'win32' ? it.skip : it;
let dir: string;
let configFile: string;
let keychainFile: string;

/** A stand-in for Electron's safeStorage: reversible, but never stores the plain text. */
function fakeSafeStorage(over: Partial<SafeStorageLike> = {}): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64').split('').reverse().join('')}`),
    decryptString: (b) => {
      const t = b.toString();
      if (!t.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(t.slice(4).split('').reverse().join(''), 'base64').toString();
    },
    ...over,
  };
}

const store = (over: KeyStoreOptions = {}) => createKeyStore({ env: {}, configFile, keychainFile, safeStorage: fakeSafeStorage(), ...over });
const mode = async (p: string) => (await fs.stat(p)).mode & 0o777;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'parley-keys-'));
  configFile = path.join(dir, 'config', 'parley', 'credentials.json');
  keychainFile = path.join(dir, 'userData', 'llm-key.bin');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function writeConfig(content: string, fileMode: number): Promise<void> {
  await fs.mkdir(path.dirname(configFile), { recursive: true });
  await fs.writeFile(configFile, content);
  await fs.chmod(configFile, fileMode);
}

describe('where the credentials file is', () => {
  it('follows XDG_CONFIG_HOME, else ~/.config', async () => {
    expect(defaultCredentialsFile({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe(path.join('/x/cfg', 'parley', 'credentials.json'));
    expect(defaultCredentialsFile({}, '/home/u')).toBe(path.join('/home/u', '.config', 'parley', 'credentials.json'));
    // a relative XDG_CONFIG_HOME is invalid per the spec, and ignored
    expect(defaultCredentialsFile({ XDG_CONFIG_HOME: 'rel' }, '/home/u')).toBe(path.join('/home/u', '.config', 'parley', 'credentials.json'));
    await expect(createKeyStore({ env: { XDG_CONFIG_HOME: dir } }).keyStatus()).resolves.toMatchObject({ configFile: path.join(dir, 'parley', 'credentials.json') });
  });
});

describe('precedence: keychain, then environment, then config file', () => {
  it('takes the first source that has a key', async () => {
    await writeConfig(JSON.stringify({ anthropic: { apiKey: 'sk-from-config' } }), 0o600);
    expect(await store().resolveApiKey()).toEqual({ key: 'sk-from-config', source: 'config', location: configFile });

    const withEnv = store({ env: { ANTHROPIC_API_KEY: 'sk-from-env' } });
    expect(await withEnv.resolveApiKey()).toEqual({ key: 'sk-from-env', source: 'env', location: 'ANTHROPIC_API_KEY' });

    await withEnv.saveApiKey('sk-from-keychain', 'keychain');
    expect(await withEnv.resolveApiKey()).toEqual({ key: 'sk-from-keychain', source: 'keychain', location: keychainFile });

    await withEnv.clearApiKey('keychain');
    expect((await withEnv.resolveApiKey())?.source).toBe('env');
  });

  it('reads the variable the project names in llm.apiKeyEnv, and ignores an empty one', async () => {
    const env = { ANTHROPIC_API_KEY: 'sk-default', ACME_LLM_KEY: 'sk-acme', EMPTY: '  ' };
    expect(await store({ env, apiKeyEnv: 'ACME_LLM_KEY' }).resolveApiKey()).toMatchObject({ key: 'sk-acme', location: 'ACME_LLM_KEY' });
    expect(await store({ env, apiKeyEnv: 'EMPTY' }).resolveApiKey()).toBeNull();
  });

  it('returns null when no source has a key (and no keychain in web mode)', async () => {
    expect(await store().resolveApiKey()).toBeNull();
    expect(await store({ safeStorage: null, keychainFile: null }).resolveApiKey()).toBeNull();
    const status = await store().keyStatus();
    expect(status).toEqual({ set: false, source: null, location: null, keychainAvailable: true, envVar: 'ANTHROPIC_API_KEY', origin: 'https://api.anthropic.com', configFile, problems: [] });
  });
});

describe('the config file must be private (0600)', () => {
  posixOnly('refuses a group- or world-readable file, saying which chmod to run', async () => {
    await writeConfig(JSON.stringify({ anthropic: { apiKey: 'sk-secret-123' } }), 0o644);
    const err = await store().resolveApiKey().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyStoreError);
    expect((err as Error).message).toContain(`chmod 600 ${configFile}`);
    expect((err as Error).message).toContain('mode 644');
    expect((err as Error).message).not.toContain('sk-secret-123');

    await fs.chmod(configFile, 0o640);
    await expect(store().resolveApiKey()).rejects.toThrow(/readable by other users/);

    // a key from an earlier source means the file is never consulted
    expect((await store({ env: { ANTHROPIC_API_KEY: 'sk-env' } }).resolveApiKey())?.source).toBe('env');

    // the UI learns the problem, not the key
    const status = await store().keyStatus();
    expect(status.set).toBe(false);
    expect(status.problems).toHaveLength(1);
    expect(status.problems[0]).toContain('chmod 600');
    expect(JSON.stringify(status)).not.toContain('sk-secret-123');

    await fs.chmod(configFile, 0o600);
    expect(await store().resolveApiKey()).toMatchObject({ key: 'sk-secret-123', source: 'config' });
  });

  it('reports invalid JSON without echoing the content', async () => {
    await writeConfig('{"anthropic": {"apiKey": "sk-half', 0o600);
    const err = (await store().resolveApiKey().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.message).not.toContain('sk-half');
    await expect(store().saveApiKey('sk-new', 'config')).rejects.toThrow(/fix or delete it/);
  });

  it('accepts a hand-written top-level apiKey', async () => {
    await writeConfig('{"apiKey": "sk-flat"}', 0o600);
    expect((await store().resolveApiKey())?.key).toBe('sk-flat');
  });
});

describe('saving and clearing', () => {
  posixOnly('creates the directory 0700 and the file 0600', async () => {
    await store().saveApiKey('  sk-saved-1  ', 'config');
    expect(await mode(path.dirname(configFile))).toBe(0o700);
    expect(await mode(configFile)).toBe(0o600);
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ anthropic: { apiKey: 'sk-saved-1' } });
    expect(await store().resolveApiKey()).toMatchObject({ key: 'sk-saved-1', source: 'config' });
  });

  posixOnly('replaces the file atomically (a new file renamed over the old), keeps other settings, tightens the mode', async () => {
    await writeConfig(JSON.stringify({ anthropic: { apiKey: 'sk-old', org: 'acme' }, other: true }), 0o644);
    const before = await fs.stat(configFile);
    await store().saveApiKey('sk-new', 'config');
    const after = await fs.stat(configFile);
    expect(after.ino).not.toBe(before.ino); // renamed into place, not rewritten in place
    expect(after.mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ anthropic: { apiKey: 'sk-new', org: 'acme' }, other: true });
    expect(await fs.readdir(path.dirname(configFile))).toEqual(['credentials.json']); // no temp file left behind
  });

  it('refuses an empty key or one with spaces, without echoing it', async () => {
    await expect(store().saveApiKey('   ', 'config')).rejects.toThrow(/empty/);
    const err = (await store().saveApiKey('sk-abc def', 'config').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/spaces or control characters/);
    expect(err.message).not.toContain('sk-abc');
    await expect(fs.stat(configFile)).rejects.toThrow();
  });

  it('clears the key from the config file, keeping other settings, and removes a file left empty', async () => {
    await writeConfig(JSON.stringify({ anthropic: { apiKey: 'sk-x', org: 'acme' } }), 0o600);
    const s = store();
    await s.clearApiKey('config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ anthropic: { org: 'acme' } });
    expect(await s.resolveApiKey()).toBeNull();
    await s.saveApiKey('sk-y', 'config');
    await fs.writeFile(configFile, JSON.stringify({ anthropic: { apiKey: 'sk-y' } }));
    await s.clearApiKey('config');
    await expect(fs.stat(configFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await s.clearApiKey('config'); // nothing to clear is fine
  });

  posixOnly('the keychain blob is encrypted, 0600, and never holds the key in clear', async () => {
    const s = store();
    await s.saveApiKey('sk-keychain-42', 'keychain');
    const blob = await fs.readFile(keychainFile);
    expect(blob.toString()).not.toContain('sk-keychain-42');
    expect(await mode(keychainFile)).toBe(0o600);
    expect(await s.keyStatus()).toEqual({
      set: true,
      source: 'keychain',
      location: keychainFile,
      keychainAvailable: true,
      envVar: 'ANTHROPIC_API_KEY',
      origin: 'https://api.anthropic.com',
      configFile,
      problems: [],
    });
  });

  it('refuses the keychain when safeStorage cannot encrypt, or only has the basic_text fallback', async () => {
    await expect(store({ safeStorage: fakeSafeStorage({ isEncryptionAvailable: () => false }) }).saveApiKey('sk-1', 'keychain')).rejects.toThrow(/keychain is not available/);
    const basic = store({ safeStorage: fakeSafeStorage({ getSelectedStorageBackend: () => 'basic_text' }) });
    await expect(basic.saveApiKey('sk-1', 'keychain')).rejects.toThrow(/no OS keychain/);
    expect((await basic.keyStatus()).keychainAvailable).toBe(false);
    await expect(store({ safeStorage: null }).saveApiKey('sk-1', 'keychain')).rejects.toThrow(/only available in the desktop app/);
    await expect(fs.stat(keychainFile)).rejects.toThrow();
  });

  it('a keychain blob that cannot be decrypted falls through to the next source, and is reported', async () => {
    await fs.mkdir(path.dirname(keychainFile), { recursive: true });
    await fs.writeFile(keychainFile, 'garbage');
    expect((await store({ env: { ANTHROPIC_API_KEY: 'sk-env' } }).resolveApiKey())?.source).toBe('env');
    await expect(store().resolveApiKey()).rejects.toThrow(/cannot be decrypted/);
    expect((await store().keyStatus()).problems[0]).toMatch(/save it again in Settings/);
  });
});

describe('loopback base URLs (local servers may need no key)', () => {
  it('recognises this machine only', () => {
    for (const u of ['http://localhost:11434', 'http://127.0.0.1:8080/v1', 'http://127.1.2.3', 'http://[::1]:8080', 'http://api.localhost']) expect(isLoopbackUrl(u), u).toBe(true);
    for (const u of ['https://api.anthropic.com', 'http://10.0.0.2:11434', 'http://localhost.evil.com', 'http://128.0.0.1', 'not a url', '', undefined]) expect(isLoopbackUrl(u), String(u)).toBe(false);
  });
});

describe('a key belongs to its origin', () => {
  const other = 'https://llm.corp.example';

  it('the saved Anthropic key and ANTHROPIC_API_KEY go to Anthropic and loopback servers only', async () => {
    await store().saveApiKey('sk-ant-saved', 'config');
    const env = { ANTHROPIC_API_KEY: 'sk-ant-env' };
    expect((await store({ env }).resolveApiKey())?.key).toBe('sk-ant-env');
    expect((await store({ env, origin: 'http://127.0.0.1:11434' }).resolveApiKey())?.key).toBe('sk-ant-env');
    expect((await store({ origin: 'http://localhost:11434' }).resolveApiKey())?.key).toBe('sk-ant-saved');
    await store().saveApiKey('sk-ant-keychain', 'keychain');
    expect(await store({ env, origin: other }).resolveApiKey()).toBeNull();
    expect(await store({ env, origin: 'http://10.0.0.2:11434' }).resolveApiKey()).toBeNull();
    expect((await store({ env, origin: other }).keyStatus()).envVar).toBeNull();
  });

  it('another origin has keys of its own, saved for it by the user, and a variable only when approved', async () => {
    const mine = store({ origin: other });
    await mine.saveApiKey('corp-key-1', 'config');
    await mine.saveApiKey('corp-key-2', 'keychain');
    expect(await mine.resolveApiKey()).toMatchObject({ key: 'corp-key-2', source: 'keychain' });
    await mine.clearApiKey('keychain');
    expect(await mine.resolveApiKey()).toMatchObject({ key: 'corp-key-1', source: 'config' });
    // neither reaches Anthropic's host, nor a third origin
    expect(await store().resolveApiKey()).toBeNull();
    expect(await store({ origin: 'https://elsewhere.example' }).resolveApiKey()).toBeNull();
    const saved = JSON.parse(await fs.readFile(configFile, 'utf8')) as Record<string, unknown>;
    expect(saved).toEqual({ hosts: { [other]: { apiKey: 'corp-key-1' } } });
    // an approved variable is read (the caller passes only approved ones)
    expect(await store({ origin: other, env: { CORP_KEY: 'corp-env' }, apiKeyEnv: 'CORP_KEY' }).resolveApiKey()).toMatchObject({ key: 'corp-env', source: 'env' });
    await mine.clearApiKey('config');
    await expect(fs.stat(configFile)).rejects.toThrow();
  });
});
