// Trust and the secrets of `api` nodes: the trust dialog lists each secret with its hosts, approving the project
// covers them, and a project that later sends a secret to another host (a `git pull`) is untrusted until the
// user approves again.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectManifest } from '../../shared/schema/project';
import { cliPolicy, createTrustStore } from './trustStore';

let root: string;
let userData: string;
let project: string;

const manifest = (secretHosts: string[] = ['api.bank.example']): ProjectManifest => ({
  schema: 2,
  name: 'Bot',
  defaultLocale: 'en',
  locales: ['en'],
  startFlow: 'main',
  environments: { prod: { hosts: ['api.bank.example', 'api.other.example'] } },
  secrets: { bank_token: { hosts: secretHosts } },
});

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-trust-secrets-'));
  userData = path.join(root, 'user');
  project = path.join(root, 'bot');
  await fs.mkdir(project);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const trust = async (m: ProjectManifest) => {
  const store = createTrustStore(userData);
  return store.grant(project, m, { digest: (await store.status(project, m)).digest, envVars: [] });
};

describe('secrets in the trust record', () => {
  it('lists each secret with its hosts and variable; untrusted, no host is given for it', async () => {
    const st = await createTrustStore(userData).status(project, manifest());
    expect(st.secrets).toEqual([{ name: 'bank_token', hosts: ['api.bank.example'], envVar: 'PARLEY_SECRET_BANK_TOKEN', new: false }]);
    expect((await createTrustStore(userData).policy(project, manifest())).secretHosts('bank_token')).toBeUndefined();
  });

  it('approving the project covers its secrets', async () => {
    expect((await trust(manifest())).state).toBe('trusted');
    const policy = await createTrustStore(userData).policy(project, manifest());
    expect(policy.secretHosts('bank_token')).toEqual(['api.bank.example']);
    expect(policy.secretHosts('other')).toBeUndefined();
  });

  it('a secret sent to another host later needs approval again', async () => {
    await trust(manifest());
    const moved = manifest(['api.bank.example', 'api.other.example']);
    const before = await createTrustStore(userData).status(project, manifest());
    const st = await createTrustStore(userData).status(project, moved);
    expect(st.digest).not.toBe(before.digest);
    expect(st.state).toBe('changed');
    expect(st.changes).toEqual(['secret bank_token may now be sent to api.other.example']);
    expect(st.secrets[0]).toMatchObject({ name: 'bank_token', new: true });
    const policy = await createTrustStore(userData).policy(project, moved);
    expect(policy.trusted).toBe(false);
    expect(policy.secretHosts('bank_token')).toBeUndefined();
    // fewer hosts asks for nothing new
    expect((await createTrustStore(userData).status(project, manifest([]))).state).toBe('trusted');
  });

  it('a record from before secrets existed does not cover a project that declares one', async () => {
    const noSecrets = { ...manifest(), secrets: undefined };
    await trust(noSecrets);
    const st = await createTrustStore(userData).status(project, manifest());
    expect(st.state).toBe('changed');
    expect(st.changes).toEqual(['secret bank_token may now be sent to api.bank.example']);
  });

  it('`parley test --trust` covers the secrets as they are now', async () => {
    const policy = await cliPolicy(project, manifest(), { trust: true, userDataDir: userData });
    expect(policy.secretHosts('bank_token')).toEqual(['api.bank.example']);
  });
});
