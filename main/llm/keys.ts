// API key resolution for the LLM service. Main process only: the renderer never sees a key, only
// `keyStatus()` (where a key comes from, never the key itself).
//
// Sources, first found wins:
//   1. keychain: a blob encrypted with Electron's safeStorage (OS keychain / DPAPI / libsecret), kept in a file
//      in the user data dir. Electron is injected (`SafeStorageLike`), never imported here, so this module runs
//      in web mode and in tests.
//   2. env: the environment variable the user approved for this project and host (`llm.apiKeyEnv`), else
//      ANTHROPIC_API_KEY for Anthropic's host or a loopback server.
//   3. config: a user file outside any project, `$XDG_CONFIG_HOME/parley/credentials.json` (default
//      `~/.config/parley/credentials.json`), which must be private (0600): a file readable by group or others is
//      refused, with the `chmod 600` to run. Written atomically, created 0600 in a 0700 directory.
//
// A key belongs to its provider. A store is made for one origin (scheme://host:port): the saved Anthropic key
// and ANTHROPIC_API_KEY go only to https://api.anthropic.com or a loopback server; any other origin has keys of
// its own, which the user sets for that origin (a keychain blob per origin, `hosts[origin].apiKey` in the
// config file). A project names a base URL, never which secret goes there.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atomicWrite } from '../services/atomicWrite';

/** The part of Electron's `safeStorage` we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron: 'basic_text' means no real keychain (a hard-coded password); we will not save there. */
  getSelectedStorageBackend?(): string;
}

export type KeySource = 'keychain' | 'env' | 'config';
/** Where `saveApiKey`/`clearApiKey` write: the environment is the user's to set. */
export type KeyTarget = 'keychain' | 'config';

export interface ResolvedKey {
  key: string;
  source: KeySource;
  /** Not secret: the keychain blob's path, the environment variable's name, or the config file's path. */
  location: string;
}

/** For the UI: never contains the key or any part of it. */
export interface KeyStatus {
  set: boolean;
  source: KeySource | null;
  /** The keychain file, the variable name or the config file the key comes from (null when not set). */
  location: string | null;
  /** Whether saving to the keychain is possible (Electron with a working safeStorage). */
  keychainAvailable: boolean;
  /** The variable (none for another origin without an approved one) and the file that are consulted. */
  envVar: string | null;
  /** The origin the key is for. */
  origin: string;
  configFile: string;
  /** Sources that exist but could not be used (unreadable, too permissive, corrupt), in source order. */
  problems: string[];
}

export const ANTHROPIC_ORIGIN = 'https://api.anthropic.com';

/** Whether the user's Anthropic key may go to this origin: Anthropic's API, or a server on this machine. */
export const takesProviderKey = (origin: string): boolean => origin === ANTHROPIC_ORIGIN || isLoopbackUrl(origin);

export interface KeyStoreOptions {
  /** The origin the key is for (default Anthropic's API). */
  origin?: string;
  /** Electron's `safeStorage`; absent in web mode and the CLI. */
  safeStorage?: SafeStorageLike | null;
  /** Where the encrypted blob lives, e.g. `path.join(app.getPath('userData'), 'llm-key.bin')`. */
  keychainFile?: string | null;
  /** Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * A variable the user approved for this project and origin (the project's `llm.apiKeyEnv`). Without it the
   * store reads ANTHROPIC_API_KEY for a provider origin and no variable for any other.
   */
  apiKeyEnv?: string;
  /** Default `defaultCredentialsFile()`. */
  configFile?: string;
}

export interface KeyStore {
  /** The key from the first source that has one; null when none has. Throws `KeyStoreError` when no source
   * gave a key but one of them is present and unusable (e.g. a credentials file readable by others). */
  resolveApiKey(): Promise<ResolvedKey | null>;
  saveApiKey(key: string, target: KeyTarget): Promise<void>;
  clearApiKey(target: KeyTarget): Promise<void>;
  keyStatus(): Promise<KeyStatus>;
}

export class KeyStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyStoreError';
  }
}

export const DEFAULT_API_KEY_ENV = 'ANTHROPIC_API_KEY';

/** `$XDG_CONFIG_HOME/parley/credentials.json`, else `~/.config/parley/credentials.json`. */
export function defaultCredentialsFile(env: Readonly<Record<string, string | undefined>> = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
  return path.join(base, 'parley', 'credentials.json');
}

/** True for http(s) URLs on this machine (localhost, 127.0.0.0/8, ::1): local model servers may need no key. */
export function isLoopbackUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  // The URL parser gives canonical forms: IPv4 as dotted decimal, IPv4-mapped IPv6 in hex (::ffff:7f00:1).
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '::1' ||
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)
  );
}

const MAX_KEY_LENGTH = 1000;

function checkKey(key: string): string {
  const k = key.trim();
  if (!k) throw new KeyStoreError('the API key is empty');
  if (k.length > MAX_KEY_LENGTH) throw new KeyStoreError(`the API key is longer than ${MAX_KEY_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(k)) throw new KeyStoreError('the API key contains spaces or control characters; paste it again');
  return k;
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;
const chmodHint = (file: string) => `chmod 600 ${/[^\w@%+=:,./-]/.test(file) ? JSON.stringify(file) : file}`;
/** POSIX permission bits mean nothing on Windows (ACLs decide there). */
const checksModes = () => process.platform !== 'win32';

type Outcome = { key: string } | { problem: string } | null;

/** The config file's content: `{ "anthropic": { "apiKey": "..." } }` (a top-level `apiKey` is accepted too). */
function keyFromConfig(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as { anthropic?: { apiKey?: unknown }; apiKey?: unknown };
  const k = d.anthropic?.apiKey ?? d.apiKey;
  return typeof k === 'string' && k.trim() ? k.trim() : null;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};

/** `hosts` in the config file: keys the user set for origins other than Anthropic's, by origin. */
const hostsOf = (data: Record<string, unknown>): Record<string, unknown> => asRecord(data.hosts);

async function readConfig(file: string): Promise<{ data: Record<string, unknown> } | { problem: string } | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return null;
    return { problem: `${file}: cannot open (${errno(e) ?? 'error'})` };
  }
  try {
    // fstat the opened file, so what we check is what we read
    const st = await handle.stat();
    if (!st.isFile()) return { problem: `${file} is not a regular file` };
    if (checksModes() && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
      return {
        problem: `${file} is readable by other users (mode ${mode}); Parley will not read a key from it. Run: ${chmodHint(file)}`,
      };
    }
    const text = await handle.readFile('utf8');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // never echo the content: it holds a key
      return { problem: `${file} is not valid JSON (expected {"anthropic": {"apiKey": "..."}})` };
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return { problem: `${file} must hold a JSON object (expected {"anthropic": {"apiKey": "..."}})` };
    }
    return { data: data as Record<string, unknown> };
  } finally {
    await handle.close();
  }
}

/** The keychain blob for an origin: the given file for the provider, a sibling named by the origin's hash else. */
export function keychainFileFor(keychainFile: string, origin: string): string {
  if (takesProviderKey(origin)) return keychainFile;
  const digest = createHash('sha256').update(origin).digest('hex').slice(0, 16);
  return keychainFile.replace(/(\.bin)?$/, `.${digest}.bin`);
}

export function createKeyStore(options: KeyStoreOptions = {}): KeyStore {
  const env = options.env ?? process.env;
  const origin = options.origin ?? ANTHROPIC_ORIGIN;
  const provider = takesProviderKey(origin);
  const envVar = options.apiKeyEnv ?? (provider ? DEFAULT_API_KEY_ENV : null);
  const configFile = options.configFile ?? defaultCredentialsFile(env);
  const safe = options.safeStorage ?? null;
  const keychainFile = options.keychainFile ? keychainFileFor(options.keychainFile, origin) : null;

  const keychainUsable = (): boolean => {
    if (!safe || !keychainFile) return false;
    try {
      return safe.isEncryptionAvailable();
    } catch {
      return false;
    }
  };

  const fromKeychain = async (): Promise<Outcome> => {
    if (!safe || !keychainFile) return null;
    let blob: Buffer;
    try {
      blob = await fs.readFile(keychainFile);
    } catch (e) {
      if (errno(e) === 'ENOENT') return null;
      return { problem: `the key saved in the OS keychain cannot be read (${keychainFile}: ${errno(e) ?? 'error'})` };
    }
    if (!keychainUsable()) return { problem: 'a key is saved with the OS keychain, but the keychain is not available now' };
    try {
      const key = safe.decryptString(blob).trim();
      return key ? { key } : null;
    } catch {
      return { problem: 'the key saved with the OS keychain cannot be decrypted (saved by another user or machine?); save it again in Settings' };
    }
  };

  const fromEnv = (): Outcome => {
    const v = envVar ? env[envVar]?.trim() : undefined;
    return v ? { key: v } : null;
  };

  const fromConfig = async (): Promise<Outcome> => {
    const r = await readConfig(configFile);
    if (r === null) return null;
    if ('problem' in r) return r;
    const key = provider ? keyFromConfig(r.data) : keyFromConfig(hostsOf(r.data)[origin]);
    return key ? { key } : null;
  };

  const sources: Array<{ source: KeySource; location: () => string; read: () => Promise<Outcome> | Outcome }> = [
    { source: 'keychain', location: () => keychainFile ?? '', read: fromKeychain },
    { source: 'env', location: () => envVar ?? '', read: fromEnv },
    { source: 'config', location: () => configFile, read: fromConfig },
  ];

  const resolve = async (): Promise<{ found: ResolvedKey | null; problems: string[] }> => {
    const problems: string[] = [];
    for (const s of sources) {
      const r = await s.read();
      if (r === null) continue;
      if ('problem' in r) {
        problems.push(r.problem);
        continue;
      }
      return { found: { key: r.key, source: s.source, location: s.location() }, problems };
    }
    return { found: null, problems };
  };

  const writeConfig = async (data: Record<string, unknown>): Promise<void> => {
    await fs.mkdir(path.dirname(configFile), { recursive: true, mode: 0o700 });
    await atomicWrite(configFile, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  };

  const existingConfig = async (): Promise<Record<string, unknown>> => {
    let text: string;
    try {
      text = await fs.readFile(configFile, 'utf8');
    } catch (e) {
      if (errno(e) === 'ENOENT') return {};
      throw new KeyStoreError(`${configFile}: cannot read (${errno(e) ?? 'error'})`);
    }
    try {
      const data: unknown = JSON.parse(text);
      if (typeof data === 'object' && data !== null && !Array.isArray(data)) return data as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new KeyStoreError(`${configFile} is not a JSON object; fix or delete it before saving a key there`);
  };

  return {
    async resolveApiKey() {
      const { found, problems } = await resolve();
      if (!found && problems.length) throw new KeyStoreError(problems.join('; '));
      return found;
    },

    async saveApiKey(key, target) {
      const k = checkKey(key);
      if (target === 'keychain') {
        if (!safe || !keychainFile) throw new KeyStoreError('the OS keychain is only available in the desktop app; save the key to the config file instead');
        if (!keychainUsable())
          throw new KeyStoreError(
            'the OS keychain is not available (on Linux, a secret service such as gnome-keyring or KWallet is needed); save the key to the config file instead',
          );
        if (safe.getSelectedStorageBackend?.() === 'basic_text') {
          throw new KeyStoreError('no OS keychain was found (safeStorage would use a fixed password); save the key to the config file instead');
        }
        const blob = safe.encryptString(k);
        await fs.mkdir(path.dirname(keychainFile), { recursive: true, mode: 0o700 });
        await atomicWrite(keychainFile, blob, { mode: 0o600 });
        return;
      }
      const data = await existingConfig();
      if (!provider) {
        const hosts = hostsOf(data);
        await writeConfig({ ...data, hosts: { ...hosts, [origin]: { ...asRecord(hosts[origin]), apiKey: k } } });
        return;
      }
      const anthropic = asRecord(data.anthropic);
      const next: Record<string, unknown> = { ...data, anthropic: { ...anthropic, apiKey: k } };
      delete next.apiKey; // one place for the key: the nested form
      await writeConfig(next);
    },

    async clearApiKey(target) {
      if (target === 'keychain') {
        if (keychainFile) await fs.rm(keychainFile, { force: true });
        return;
      }
      const data = await existingConfig();
      const next: Record<string, unknown> = { ...data };
      if (!provider) {
        const hosts = { ...hostsOf(data) };
        const entry = { ...asRecord(hosts[origin]) };
        delete entry.apiKey;
        if (Object.keys(entry).length) hosts[origin] = entry;
        else delete hosts[origin];
        if (Object.keys(hosts).length) next.hosts = hosts;
        else delete next.hosts;
        if (Object.keys(next).length === 0) await fs.rm(configFile, { force: true });
        else await writeConfig(next);
        return;
      }
      delete next.apiKey;
      if (typeof next.anthropic === 'object' && next.anthropic !== null && !Array.isArray(next.anthropic)) {
        const a: Record<string, unknown> = { ...(next.anthropic as Record<string, unknown>) };
        delete a.apiKey;
        if (Object.keys(a).length) next.anthropic = a;
        else delete next.anthropic;
      }
      if (Object.keys(next).length === 0) await fs.rm(configFile, { force: true });
      else await writeConfig(next);
    },

    async keyStatus() {
      const { found, problems } = await resolve();
      return {
        set: found !== null,
        source: found?.source ?? null,
        location: found?.location ?? null,
        keychainAvailable: keychainUsable() && safe?.getSelectedStorageBackend?.() !== 'basic_text',
        envVar,
        origin,
        configFile,
        problems,
      };
    },
  };
}

/** One-shot form of `createKeyStore(options).resolveApiKey()`. */
export function resolveApiKey(options: KeyStoreOptions = {}): Promise<ResolvedKey | null> {
  return createKeyStore(options).resolveApiKey();
}
