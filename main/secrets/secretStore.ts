// The values of a project's `api` secrets in the studio and the command line. Main only: the renderer learns
// whether a secret is set and where from, never its value. Values live outside every project, in the user's
// data folder: `<userDataDir>/secrets.json` (0600 in a 0700 folder), keyed by the project folder's real path
// and the secret's name, each value encrypted with Electron's safeStorage (the OS keychain) when the desktop app
// saves it, else as text in that private file (the command line, web mode), as credentials.json holds the model
// key. Without a saved value the variable PARLEY_SECRET_<NAME> is read, as a bundle's runtime does.
//
// Which host a value may go to is not decided here: the project declares it, the user approves it in the trust
// dialog, and the HTTP port (main/net/httpPort.ts) enforces it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { breaksHeader, secretEnvVar } from '../../shared/engine/secrets';
import type { SafeStorageLike } from '../llm/keys';
import { atomicWrite } from '../services/atomicWrite';

export type SecretSource = 'keychain' | 'file' | 'env';

/** For the UI: never the value or any part of it. */
export interface SecretStatus {
  name: string;
  set: boolean;
  source: SecretSource | null;
  /** The variable read when no value is saved. */
  envVar: string;
  /** A saved value that cannot be used (the keychain is not available here, say). */
  problem?: string;
}

/** A project's secrets, as the HTTP port asks for them. */
export interface ProjectSecretValues {
  value(name: string): Promise<string | undefined>;
  /** Where to set a missing one, for the message of a refused call. */
  hint(name: string): string;
}

export interface SecretStore {
  value(dir: string, name: string): Promise<string | undefined>;
  status(dir: string, names: readonly string[]): Promise<SecretStatus[]>;
  /** Saves a value (encrypted when the keychain is available); returns where it went. */
  set(dir: string, name: string, value: string): Promise<'keychain' | 'file'>;
  /** Forgets a saved value; false when none was saved. */
  clear(dir: string, name: string): Promise<boolean>;
  forProject(dir: string): ProjectSecretValues;
  readonly file: string;
}

export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
}

export interface SecretStoreOptions {
  userDataDir: string;
  /** Electron's safeStorage; absent in web mode and the command line. */
  safeStorage?: SafeStorageLike | null;
  /** Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

const SecretName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);
const Saved = z.union([z.object({ value: z.string().max(20_000) }).strict(), z.object({ keychain: z.string().max(40_000) }).strict()]);
const SecretsFile = z.object({ version: z.literal(1), projects: z.record(z.string().max(5000), z.record(SecretName, Saved)) });
type SecretsFile = z.infer<typeof SecretsFile>;

const MAX_VALUE = 10_000;

/** The value as given (a line read from stdin loses its line ending), or why it cannot be a header value. */
export function checkSecretValue(value: string): string {
  const v = value.replace(/\r?\n$/, '');
  if (!v) throw new SecretStoreError('the value is empty');
  if (v.length > MAX_VALUE) throw new SecretStoreError(`the value is longer than ${MAX_VALUE} characters`);
  if (breaksHeader(v)) throw new SecretStoreError('the value contains a line break or a control character');
  return v;
}

export function createSecretStore(o: SecretStoreOptions): SecretStore {
  const file = path.join(o.userDataDir, 'secrets.json');
  const env = o.env ?? process.env;
  const safe = o.safeStorage ?? null;
  let queue: Promise<unknown> = Promise.resolve();

  const keychainUsable = (): boolean => {
    try {
      return Boolean(safe?.isEncryptionAvailable()) && safe?.getSelectedStorageBackend?.() !== 'basic_text';
    } catch {
      return false;
    }
  };

  const keyOf = async (dir: string): Promise<string> => {
    try {
      return await fs.realpath(path.resolve(dir));
    } catch {
      return path.resolve(dir);
    }
  };

  const read = async (): Promise<SecretsFile> => {
    let text: string;
    try {
      const st = await fs.stat(file);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
        throw new SecretStoreError(`${file} is readable by other users; Parley will not use it. Run: chmod 600 ${file}`);
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, projects: {} };
      if (e instanceof SecretStoreError) throw e;
      throw new SecretStoreError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // never echo the content: it holds values
      throw new SecretStoreError(`${file} is not valid JSON; fix or delete it`);
    }
    const parsed = SecretsFile.safeParse(data);
    if (!parsed.success) throw new SecretStoreError(`${file}: ${parsed.error.issues[0]?.path.join('.') || '(top)'}: not a secrets file; fix or delete it`);
    return parsed.data;
  };

  const update = <T>(fn: (data: SecretsFile) => T): Promise<T> => {
    const run = queue.then(async () => {
      const data = await read();
      const out = fn(data);
      await fs.mkdir(o.userDataDir, { recursive: true, mode: 0o700 });
      await atomicWrite(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      return out;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const checkName = (name: string) => {
    if (!SecretName.safeParse(name).success) throw new SecretStoreError(`"${name}" is not a secret name (lower_snake_case)`);
  };

  const saved = async (dir: string, name: string): Promise<{ value: string; source: 'keychain' | 'file' } | { problem: string } | null> => {
    const entry = (await read()).projects[await keyOf(dir)]?.[name];
    if (!entry) return null;
    if ('value' in entry) return { value: entry.value, source: 'file' };
    if (!safe || !keychainUsable()) return { problem: 'saved with the OS keychain, which is not available here' };
    try {
      return { value: safe.decryptString(Buffer.from(entry.keychain, 'base64')), source: 'keychain' };
    } catch {
      return { problem: 'saved with the OS keychain but cannot be decrypted (another user or machine?); set it again' };
    }
  };

  const resolve = async (dir: string, name: string): Promise<{ value?: string; source: SecretSource | null; problem?: string }> => {
    let problem: string | undefined;
    try {
      const s = await saved(dir, name);
      if (s && 'value' in s) return s;
      if (s) problem = s.problem;
    } catch (e) {
      problem = (e as Error).message;
    }
    const v = env[secretEnvVar(name)];
    if (v) return { value: v, source: 'env' };
    return { source: null, ...(problem ? { problem } : {}) };
  };

  const store: SecretStore = {
    file,
    async value(dir, name) {
      return (await resolve(dir, name)).value;
    },
    async status(dir, names) {
      const out: SecretStatus[] = [];
      for (const name of names) {
        const r = await resolve(dir, name);
        out.push({ name, set: r.value !== undefined, source: r.source, envVar: secretEnvVar(name), ...(r.problem ? { problem: r.problem } : {}) });
      }
      return out;
    },
    async set(dir, name, value) {
      checkName(name);
      const v = checkSecretValue(value);
      const key = await keyOf(dir);
      const entry = keychainUsable() && safe ? { keychain: safe.encryptString(v).toString('base64') } : { value: v };
      await update((data) => {
        data.projects[key] = { ...data.projects[key], [name]: entry };
      });
      return 'keychain' in entry ? 'keychain' : 'file';
    },
    async clear(dir, name) {
      checkName(name);
      const key = await keyOf(dir);
      return update((data) => {
        const project = data.projects[key];
        if (!project || !Object.hasOwn(project, name)) return false;
        delete project[name];
        if (!Object.keys(project).length) delete data.projects[key];
        return true;
      });
    },
    forProject(dir) {
      return {
        value: (name) => store.value(dir, name),
        hint: (name) => `a value with \`parley secrets set ${dir} ${name}\` or the variable ${secretEnvVar(name)}`,
      };
    },
  };
  return store;
}
