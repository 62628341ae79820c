import { promises as fs, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createKeyStore,
  defaultCredentialsFile,
  isLoopbackUrl,
  keychainFileFor,
  KeyStoreError,
  resolveApiKey,
  takesProviderKey,
  type KeyStoreOptions,
  type SafeStorageLike,
} from './keys';

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
  vi.restoreAllMocks();
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
    await expect(createKeyStore({ env: { XDG_CONFIG_HOME: dir } }).keyStatus()).resolves.toMatchObject({
      configFile: path.join(dir, 'parley', 'credentials.json'),
    });
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
    expect(status).toEqual({
      set: false,
      source: null,
      location: null,
      keychainAvailable: true,
      envVar: 'ANTHROPIC_API_KEY',
      origin: 'https://api.anthropic.com',
      configFile,
      problems: [],
    });
  });
});

describe('the config file must be private (0600)', () => {
  posixOnly('refuses a group- or world-readable file, saying which chmod to run', async () => {
    await writeConfig(JSON.stringify({ anthropic: { apiKey: 'sk-secret-123' } }), 0o644);
    const err = await store()
      .resolveApiKey()
      .catch((e: unknown) => e);
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
    const err = (await store()
      .resolveApiKey()
      .catch((e: unknown) => e)) as Error;
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
    const err = (await store()
      .saveApiKey('sk-abc def', 'config')
      .catch((e: unknown) => e)) as Error;
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
    await expect(store({ safeStorage: fakeSafeStorage({ isEncryptionAvailable: () => false }) }).saveApiKey('sk-1', 'keychain')).rejects.toThrow(
      /keychain is not available/,
    );
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
    for (const u of ['http://localhost:11434', 'http://127.0.0.1:8080/v1', 'http://127.1.2.3', 'http://[::1]:8080', 'http://api.localhost'])
      expect(isLoopbackUrl(u), u).toBe(true);
    for (const u of ['https://api.anthropic.com', 'http://10.0.0.2:11434', 'http://localhost.evil.com', 'http://128.0.0.1', 'not a url', '', undefined])
      expect(isLoopbackUrl(u), String(u)).toBe(false);
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
    expect(await store({ origin: other, env: { CORP_KEY: 'corp-env' }, apiKeyEnv: 'CORP_KEY' }).resolveApiKey()).toMatchObject({
      key: 'corp-env',
      source: 'env',
    });
    await mine.clearApiKey('config');
    await expect(fs.stat(configFile)).rejects.toThrow();
  });
});

describe('loopback and provider origins, exactly', () => {
  it('loopback: every form the URL parser gives for this machine, nothing that only looks like it', () => {
    for (const u of [
      'http://[::ffff:127.0.0.1]:8080',
      'http://[::ffff:7f00:1]',
      'http://[::ffff:127.1.2.3]',
      'http://127.100.20.1',
      'http://[0:0:0:0:0:0:0:1]',
      'http://2130706433',
      'http://0x7f.1',
      'http://LOCALHOST:1',
      'https://a.b.localhost',
    ])
      expect(isLoopbackUrl(u), u).toBe(true);
    for (const u of [
      'http://[::ffff:10.0.0.1]',
      'http://[1::ffff:7f00:1]',
      'http://[::ffff:7f00:1:2]',
      'http://[::1:0]',
      'http://[::2]',
      'http://localhostx',
      'http://xlocalhost',
      'http://127.0.0.1.evil.com',
      'http://127.0.0.1x.com',
      'http://[::ffff:8000:1]',
      'http://x127.0.0.1.nip.io',
      'http://1270.0.0.1.example',
    ])
      expect(isLoopbackUrl(u), u).toBe(false);
  });

  it("the provider's key goes to Anthropic's API origin exactly, or a loopback server", () => {
    expect(takesProviderKey('https://api.anthropic.com')).toBe(true);
    expect(takesProviderKey('http://127.0.0.1:11434')).toBe(true);
    for (const o of ['http://api.anthropic.com', 'https://api.anthropic.com.evil.com', 'https://api.anthropic.com:8443', 'https://evil.com'])
      expect(takesProviderKey(o), o).toBe(false);
  });

  it('the keychain blob of another origin is a file of its own, named by the origin', () => {
    const base = path.join('/u', 'llm-key.bin');
    expect(keychainFileFor(base, 'https://api.anthropic.com')).toBe(base);
    expect(keychainFileFor(base, 'http://localhost:11434')).toBe(base);
    const a = keychainFileFor(base, 'https://a.example');
    expect(a).toMatch(/^\/u\/llm-key\.[0-9a-f]{16}\.bin$/);
    expect(keychainFileFor(base, 'https://b.example')).not.toBe(a);
    expect(keychainFileFor(base, 'https://a.example')).toBe(a);
    expect(keychainFileFor('/u/key', 'https://a.example')).toMatch(/^\/u\/key\.[0-9a-f]{16}\.bin$/);
  });
});

describe('what is refused, and how it is reported', () => {
  it('a key longer than 1000 characters, or with a control character, is refused without echoing it', async () => {
    await store().saveApiKey('k'.repeat(1000), 'config');
    expect((await store().resolveApiKey())?.key).toHaveLength(1000);
    await expect(store().saveApiKey('k'.repeat(1001), 'config')).rejects.toThrow('the API key is longer than 1000 characters');
    for (const k of ['sk-a\u0001b', 'sk-a\u007fb', 'sk-a\tb', 'sk-a\nb']) {
      const err = (await store()
        .saveApiKey(k, 'config')
        .catch((e: unknown) => e)) as Error;
      expect(err, JSON.stringify(k)).toBeInstanceOf(KeyStoreError);
      expect(err.message).toBe('the API key contains spaces or control characters; paste it again');
    }
  });

  posixOnly('the chmod hint quotes a path with spaces', async () => {
    const spaced = path.join(dir, 'my config', 'credentials.json');
    await fs.mkdir(path.dirname(spaced), { recursive: true });
    await fs.writeFile(spaced, '{}', { mode: 0o604 });
    await fs.chmod(spaced, 0o604);
    await expect(store({ configFile: spaced }).resolveApiKey()).rejects.toThrow(
      `${spaced} is readable by other users (mode 604); Parley will not read a key from it. Run: chmod 600 ${JSON.stringify(spaced)}`,
    );
  });

  posixOnly('a world-readable-only file is refused too (any group or other bit)', async () => {
    await writeConfig(JSON.stringify({ apiKey: 'sk-1' }), 0o601);
    await expect(store().resolveApiKey()).rejects.toThrow(/mode 601/);
    await fs.chmod(configFile, 0o610);
    await expect(store().resolveApiKey()).rejects.toThrow(/mode 610/);
    await fs.chmod(configFile, 0o700);
    expect((await store().resolveApiKey())?.key).toBe('sk-1');
  });

  it('a config path that is a folder is reported; one under a file is simply absent', async () => {
    await fs.mkdir(configFile, { recursive: true });
    await expect(store().resolveApiKey()).rejects.toThrow(`${configFile} is not a regular file`);
    vi.spyOn(fs, 'readFile').mockRejectedValueOnce(new Error('no code'));
    await expect(store().saveApiKey('sk-1', 'config')).rejects.toThrow(`${configFile}: cannot read (error)`);
    await expect(store().saveApiKey('sk-1', 'config')).rejects.toThrow(
      new RegExp(`^${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read \\(EISDIR\\)$`),
    );
    const underFile = path.join(dir, 'file', 'credentials.json');
    await fs.writeFile(path.join(dir, 'file'), 'x');
    expect(await store({ configFile: underFile }).resolveApiKey()).toBeNull();
  });

  it('the mode in the message is three octal digits', async () => {
    await writeConfig('{}', 0o600);
    const fake = { stat: async () => ({ isFile: () => true, mode: 0o100004 }), close: async () => undefined };
    vi.spyOn(fs, 'open').mockResolvedValueOnce(fake as unknown as fs.FileHandle);
    await expect(store().resolveApiKey()).rejects.toThrow(/\(mode 004\)/);
  });

  it.runIf(process.platform === 'linux')('reading the config file leaves no file open, whatever it holds', async () => {
    const openOnConfig = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === configFile;
        } catch {
          return false;
        }
      });
    for (const [text, fileMode] of [
      ['{"apiKey": "sk-1"}', 0o600],
      ['not json', 0o600],
      ['{}', 0o644],
    ] as const) {
      await writeConfig(text, fileMode);
      await store()
        .resolveApiKey()
        .catch(() => undefined);
      expect(openOnConfig(), text).toEqual([]);
    }
  });

  it('a config file that cannot be opened names the error', async () => {
    await writeConfig('{}', 0o600);
    vi.spyOn(fs, 'open').mockRejectedValueOnce(Object.assign(new Error('denied'), { code: 'EACCES' }));
    await expect(store().resolveApiKey()).rejects.toThrow(`${configFile}: cannot open (EACCES)`);
    vi.spyOn(fs, 'open').mockRejectedValueOnce(new Error('no code'));
    await expect(store().resolveApiKey()).rejects.toThrow(`${configFile}: cannot open (error)`);
  });

  it('JSON that is not an object is refused, for reading and for saving', async () => {
    for (const text of ['["sk-1"]', 'null', '"sk-1"', '42']) {
      await writeConfig(text, 0o600);
      await expect(store().resolveApiKey(), text).rejects.toThrow(`${configFile} must hold a JSON object (expected {"anthropic": {"apiKey": "..."}})`);
      await expect(store().saveApiKey('sk-2', 'config'), text).rejects.toThrow(
        `${configFile} is not a JSON object; fix or delete it before saving a key there`,
      );
      await expect(store().clearApiKey('config'), text).rejects.toThrow(/is not a JSON object/);
    }
  });

  it('only a non-empty string is a key; the nested form wins over a top-level one', async () => {
    for (const data of [{ anthropic: { apiKey: 42 } }, { anthropic: { apiKey: '   ' } }, { apiKey: ['sk'] }, { anthropic: 'sk-x' }, {}]) {
      await writeConfig(JSON.stringify(data), 0o600);
      expect(await store().resolveApiKey(), JSON.stringify(data)).toBeNull();
    }
    await writeConfig(JSON.stringify({ anthropic: { apiKey: ' sk-nested ' }, apiKey: 'sk-flat' }), 0o600);
    expect((await store().resolveApiKey())?.key).toBe('sk-nested');
    await writeConfig(JSON.stringify({ anthropic: { org: 'x' }, apiKey: 'sk-flat' }), 0o600);
    expect((await store().resolveApiKey())?.key).toBe('sk-flat');
  });

  it('another origin reads only its own entry of the config file', async () => {
    const other = 'https://llm.corp.example';
    for (const hosts of [
      null,
      'x',
      ['a'],
      { [other]: null },
      { [other]: 'corp-key' },
      { [other]: { apiKey: 7 } },
      { 'https://else.example': { apiKey: 'k' } },
    ]) {
      await writeConfig(JSON.stringify({ anthropic: { apiKey: 'sk-ant' }, apiKey: 'sk-flat', hosts }), 0o600);
      expect(await store({ origin: other }).resolveApiKey(), JSON.stringify(hosts)).toBeNull();
    }
    await writeConfig(JSON.stringify({ hosts: { [other]: { apiKey: ' corp-key ' } } }), 0o600);
    expect(await store({ origin: other }).resolveApiKey()).toEqual({ key: 'corp-key', source: 'config', location: configFile });
  });

  it('the variable is trimmed; one holding only spaces is no key', async () => {
    expect(await store({ env: { ANTHROPIC_API_KEY: '  sk-env \n' } }).resolveApiKey()).toEqual({ key: 'sk-env', source: 'env', location: 'ANTHROPIC_API_KEY' });
    expect(await store({ env: { ANTHROPIC_API_KEY: ' ' } }).resolveApiKey()).toBeNull();
  });

  it('every unusable source is reported, in order, when none has a key', async () => {
    await fs.mkdir(path.dirname(keychainFile), { recursive: true });
    await fs.writeFile(keychainFile, 'garbage');
    await writeConfig('not json', 0o600);
    const err = (await store()
      .resolveApiKey()
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(KeyStoreError);
    expect(err.name).toBe('KeyStoreError');
    expect(err.message).toBe(
      `the key saved with the OS keychain cannot be decrypted (saved by another user or machine?); save it again in Settings; ${configFile} is not valid JSON (expected {"anthropic": {"apiKey": "..."}})`,
    );
  });
});

describe('the keychain, when it cannot be used', () => {
  it('a blob that cannot be read is reported with its path and error', async () => {
    await fs.mkdir(keychainFile, { recursive: true });
    await expect(store().resolveApiKey()).rejects.toThrow(`the key saved in the OS keychain cannot be read (${keychainFile}: EISDIR)`);
    vi.spyOn(fs, 'readFile').mockRejectedValueOnce(new Error('no code'));
    await expect(store().resolveApiKey()).rejects.toThrow(`(${keychainFile}: error)`);
  });

  it('a saved blob while the keychain is unavailable (or failing) is reported, and the next source used', async () => {
    await store().saveApiKey('sk-kc', 'keychain');
    const off = fakeSafeStorage({ isEncryptionAvailable: () => false });
    await expect(store({ safeStorage: off }).resolveApiKey()).rejects.toThrow('a key is saved with the OS keychain, but the keychain is not available now');
    const throwing = fakeSafeStorage({
      isEncryptionAvailable: () => {
        throw new Error('dbus');
      },
    });
    await expect(store({ safeStorage: throwing }).resolveApiKey()).rejects.toThrow(/keychain is not available now/);
    expect((await store({ safeStorage: throwing }).keyStatus()).keychainAvailable).toBe(false);
    expect(await store({ safeStorage: off, env: { ANTHROPIC_API_KEY: 'sk-env' } }).resolveApiKey()).toMatchObject({ key: 'sk-env', source: 'env' });
    // no safeStorage (web mode): the blob is not consulted at all
    expect(await store({ safeStorage: null }).resolveApiKey()).toBeNull();
    expect(await store({ keychainFile: null }).resolveApiKey()).toBeNull();
  });

  it('a blob that decrypts to spaces is no key; a decrypted key is trimmed', async () => {
    await fs.mkdir(path.dirname(keychainFile), { recursive: true });
    await fs.writeFile(keychainFile, fakeSafeStorage().encryptString('   '));
    expect(await store().resolveApiKey()).toBeNull();
    await fs.writeFile(keychainFile, fakeSafeStorage().encryptString(' sk-kc\n'));
    expect((await store().resolveApiKey())?.key).toBe('sk-kc');
  });

  it('saving creates the missing folders; clearing when nothing is saved is fine', async () => {
    const deep = path.join(dir, 'a', 'b', 'llm-key.bin');
    await store({ keychainFile: deep }).saveApiKey('sk-deep', 'keychain');
    expect((await store({ keychainFile: deep }).resolveApiKey())?.key).toBe('sk-deep');
    await store().clearApiKey('keychain');
    await store({ origin: 'https://llm.corp.example' }).clearApiKey('keychain');
    await store({ origin: 'https://llm.corp.example' }).clearApiKey('config');
    await store().clearApiKey('config');
    await expect(fs.stat(configFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  posixOnly('saving creates the folder 0700; without a keychain file nothing is saved or cleared', async () => {
    await store().saveApiKey('sk-kc', 'keychain');
    expect(await mode(path.dirname(keychainFile))).toBe(0o700);
    await expect(store({ keychainFile: null }).saveApiKey('sk-1', 'keychain')).rejects.toThrow(/only available in the desktop app/);
    await store({ keychainFile: null }).clearApiKey('keychain');
    expect((await store().resolveApiKey())?.key).toBe('sk-kc');
    const status = await store({ keychainFile: null }).keyStatus();
    expect(status).toMatchObject({ keychainAvailable: false, set: false });
  });

  it('without a storage backend query, the keychain counts as available', async () => {
    const s = fakeSafeStorage();
    delete s.getSelectedStorageBackend;
    expect((await store({ safeStorage: s }).keyStatus()).keychainAvailable).toBe(true);
    expect((await store({ safeStorage: fakeSafeStorage({ getSelectedStorageBackend: () => 'gnome_libsecret' }) }).keyStatus()).keychainAvailable).toBe(true);
    expect((await store({ safeStorage: null }).keyStatus()).keychainAvailable).toBe(false);
  });
});

describe('saving and clearing keep everything else', () => {
  const other = 'https://llm.corp.example';

  it("the provider's key replaces a top-level one and a non-object anthropic entry", async () => {
    await writeConfig(JSON.stringify({ apiKey: 'sk-flat', anthropic: 'junk', keep: 1 }), 0o600);
    await store().saveApiKey('sk-new', 'config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ anthropic: { apiKey: 'sk-new' }, keep: 1 });
    // written for people to read: indented, ending with a newline
    expect(await fs.readFile(configFile, 'utf8')).toBe('{\n  "anthropic": {\n    "apiKey": "sk-new"\n  },\n  "keep": 1\n}\n');
  });

  it("another origin's key is saved beside the others' entries and fields", async () => {
    await writeConfig(
      JSON.stringify({ anthropic: { apiKey: 'sk-ant' }, hosts: { 'https://b.example': { apiKey: 'b' }, [other]: { model: 'm', apiKey: 'old' } } }),
      0o600,
    );
    await store({ origin: other }).saveApiKey('corp-1', 'config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({
      anthropic: { apiKey: 'sk-ant' },
      hosts: { 'https://b.example': { apiKey: 'b' }, [other]: { model: 'm', apiKey: 'corp-1' } },
    });
    await writeConfig(JSON.stringify({ hosts: ['junk'] }), 0o600);
    await store({ origin: other }).saveApiKey('corp-2', 'config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ hosts: { [other]: { apiKey: 'corp-2' } } });
  });

  it("clearing another origin's key keeps its other fields, the other origins and the provider's key", async () => {
    await writeConfig(
      JSON.stringify({ anthropic: { apiKey: 'sk-ant' }, hosts: { 'https://b.example': { apiKey: 'b' }, [other]: { model: 'm', apiKey: 'corp' } } }),
      0o600,
    );
    const s = store({ origin: other });
    await s.clearApiKey('config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({
      anthropic: { apiKey: 'sk-ant' },
      hosts: { 'https://b.example': { apiKey: 'b' }, [other]: { model: 'm' } },
    });
    await writeConfig(JSON.stringify({ anthropic: { apiKey: 'sk-ant' }, hosts: { [other]: { apiKey: 'corp' } } }), 0o600);
    await s.clearApiKey('config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ anthropic: { apiKey: 'sk-ant' } });
    expect(await s.resolveApiKey()).toBeNull();
    await writeConfig(JSON.stringify({ hosts: { 'https://b.example': { apiKey: 'b' }, [other]: { apiKey: 'corp' } } }), 0o600);
    await s.clearApiKey('config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ hosts: { 'https://b.example': { apiKey: 'b' } } });
    await s.clearApiKey('config'); // nothing of this origin's left: the file is kept as it is
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ hosts: { 'https://b.example': { apiKey: 'b' } } });
  });

  it("clearing the provider's key removes both forms and keeps the rest", async () => {
    await writeConfig(JSON.stringify({ apiKey: 'sk-flat', anthropic: { apiKey: 'sk-n' }, hosts: { [other]: { apiKey: 'corp' } } }), 0o600);
    await store().clearApiKey('config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ hosts: { [other]: { apiKey: 'corp' } } });
    await writeConfig(JSON.stringify({ apiKey: 'sk-flat', anthropic: 'junk' }), 0o600);
    await store().clearApiKey('config');
    expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ anthropic: 'junk' });
    for (const anthropic of [['x'], null]) {
      await writeConfig(JSON.stringify({ apiKey: 'sk-flat', anthropic }), 0o600);
      await store().clearApiKey('config');
      expect(JSON.parse(await fs.readFile(configFile, 'utf8'))).toEqual({ anthropic });
    }
  });

  it('resolveApiKey, the one-shot form, resolves like a store', async () => {
    expect(await resolveApiKey({ env: { ANTHROPIC_API_KEY: 'sk-1' }, configFile })).toEqual({ key: 'sk-1', source: 'env', location: 'ANTHROPIC_API_KEY' });
    expect(await resolveApiKey({ env: {}, configFile })).toBeNull();
  });
});
