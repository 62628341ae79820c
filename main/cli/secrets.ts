// `parley secrets list|set|clear <projectDir> [name]`: the values of a project's `api` secrets, kept in the user's
// data folder (main/secrets), never in the project. `set` reads the value from stdin (a pipe or a file, never an
// argument or a terminal, where it would stay in the shell's history or on screen). Nothing prints a value.
import path from 'node:path';
import { parseYaml } from '../../shared/project/parse';
import { ProjectManifest } from '../../shared/schema/project';
import { createSecretStore } from '../secrets/secretStore';
import { readProjectFile } from '../services/paths';
import { defaultUserDataDir } from '../services/userData';

export interface SecretsCliIo {
  write(s: string): void;
  err(s: string): void;
  /** The value for `set`; null when stdin is a terminal. */
  readStdin(): Promise<string | null>;
}

const Secrets = ProjectManifest.shape.secrets;

/** The secrets parley.yaml declares (name → hosts), checked as the studio checks them. */
async function declared(dir: string): Promise<Record<string, { hosts: string[] }>> {
  const { bytes } = await readProjectFile(dir, 'parley.yaml');
  const value = parseYaml('parley.yaml', bytes.toString('utf8')).value;
  const raw = value && typeof value === 'object' ? (value as Record<string, unknown>).secrets : undefined;
  const parsed = Secrets.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`parley.yaml: secrets${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data ?? {};
}

export async function runSecretsCli(
  action: 'list' | 'set' | 'clear',
  projectDir: string,
  name: string | undefined,
  io: SecretsCliIo,
  o: { userDataDir?: string; env?: Record<string, string | undefined> } = {},
): Promise<number> {
  const dir = path.resolve(projectDir);
  const secrets = await declared(dir);
  const store = createSecretStore({ userDataDir: o.userDataDir ?? defaultUserDataDir(), ...(o.env ? { env: o.env } : {}) });
  const names = Object.keys(secrets);
  if (action === 'list') {
    if (!names.length) {
      io.write('this project declares no secrets (parley.yaml secrets)\n');
      return 0;
    }
    for (const s of await store.status(dir, names)) {
      const where =
        s.source === 'env'
          ? `from ${s.envVar}`
          : s.source
            ? `saved (${s.source === 'keychain' ? 'OS keychain' : store.file})`
            : `not set (set it, or ${s.envVar})`;
      io.write(`${s.name}: ${where}; sent only to ${secrets[s.name]!.hosts.join(', ')}${s.problem ? `; ${s.problem}` : ''}\n`);
    }
    return 0;
  }
  if (!name || !Object.hasOwn(secrets, name)) {
    io.err(`${name ? `"${name}" is not a secret of this project` : 'name the secret'}: parley.yaml declares ${names.join(', ') || 'none'}\n`);
    return 2;
  }
  if (action === 'clear') {
    io.write((await store.clear(dir, name)) ? `forgot the value of ${name}\n` : `no value of ${name} was saved\n`);
    return 0;
  }
  const value = await io.readStdin();
  if (value === null) {
    io.err(`give the value on stdin, not typed: printf %s "$VALUE" | parley secrets set ${projectDir} ${name}   (or < file)\n`);
    return 2;
  }
  const where = await store.set(dir, name, value);
  io.write(
    `saved ${name} for ${dir} (${where === 'keychain' ? 'OS keychain' : store.file}); it is sent only to ${secrets[name]!.hosts.join(', ')}, once you trust the project\n`,
  );
  return 0;
}

/** All of stdin as text, or null when it is a terminal. */
export async function readAllStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
