import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectManifest } from '../../shared/schema/project';
import { cliPolicy, createTrustStore } from './trustStore';

let root: string;
let userData: string;
let project: string;

const manifest = (over: Partial<ProjectManifest> = {}): ProjectManifest => ({
  schema: 2,
  name: 'Bot',
  defaultLocale: 'en',
  locales: ['en'],
  startFlow: 'main',
  llm: { model: 'm', baseUrl: 'https://llm.corp.example/v1', apiKeyEnv: 'CORP_KEY' },
  environments: { sandbox: { hosts: ['api.sandbox.example'] }, prod: { hosts: ['api.bank.example', 'api.sandbox.example'] } },
  ...over,
});

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-trust-'));
  userData = path.join(root, 'user');
  project = path.join(root, 'bot');
  await fs.mkdir(project);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('the trust record', () => {
  it('starts untrusted and lists what the project would do', async () => {
    const st = await createTrustStore(userData).status(project, manifest());
    expect(st).toMatchObject({
      state: 'untrusted',
      llm: { origin: 'https://llm.corp.example', provider: false, loopback: false },
      envVars: [{ name: 'CORP_KEY', origin: 'https://llm.corp.example', approved: false, new: false }],
      apiHosts: [
        { environment: 'sandbox', host: 'api.sandbox.example' },
        { environment: 'prod', host: 'api.bank.example' },
        { environment: 'prod', host: 'api.sandbox.example' },
      ],
      changes: [],
    });
    const policy = await createTrustStore(userData).policy(project, manifest());
    expect(policy.trusted).toBe(false);
    expect(policy.apiHosts('sandbox')).toEqual([]);
    expect(policy.approvedKeyEnv).toBeUndefined();
  });

  it('is kept outside the project, per real folder path, and survives a restart', async () => {
    const st = await createTrustStore(userData).status(project, manifest());
    await createTrustStore(userData).grant(project, manifest(), { digest: st.digest, envVars: ['CORP_KEY'] });
    expect(await fs.readdir(project)).toEqual([]);
    const link = path.join(root, 'link-to-bot');
    await fs.symlink(project, link);
    const again = createTrustStore(userData);
    expect((await again.status(link, manifest())).state).toBe('trusted');
    const policy = await again.policy(project, manifest());
    expect(policy).toMatchObject({ trusted: true, approvedKeyEnv: 'CORP_KEY', environment: 'sandbox' });
    expect(policy.apiHosts('prod')).toEqual(['api.bank.example', 'api.sandbox.example']);
    expect((await fs.stat(path.join(userData, 'trust.json'))).mode & 0o777).toBe(0o600);
    // another folder with the same files is another project
    const copy = path.join(root, 'copy');
    await fs.mkdir(copy);
    expect((await again.status(copy, manifest())).state).toBe('untrusted');
  });

  it('a declined variable stays unapproved but is not asked again; a new one is', async () => {
    const store = createTrustStore(userData);
    const st = await store.status(project, manifest());
    await store.grant(project, manifest(), { digest: st.digest, envVars: [] });
    expect(await store.status(project, manifest())).toMatchObject({ state: 'trusted', envVars: [{ name: 'CORP_KEY', approved: false, new: false }] });
    expect((await store.policy(project, manifest())).approvedKeyEnv).toBeUndefined();

    const changed = manifest({ llm: { model: 'm', baseUrl: 'https://llm.corp.example/v1', apiKeyEnv: 'AWS_SECRET_ACCESS_KEY' } });
    expect(await store.status(project, changed)).toMatchObject({
      state: 'changed',
      changes: ['it now asks to read the environment variable AWS_SECRET_ACCESS_KEY and send it to https://llm.corp.example'],
    });
    expect((await store.policy(project, changed)).trusted).toBe(false);
  });

  it('the same variable sent to a new host is a new request', async () => {
    const store = createTrustStore(userData);
    const st = await store.status(project, manifest());
    await store.grant(project, manifest(), { digest: st.digest, envVars: ['CORP_KEY'] });
    const moved = manifest({ llm: { model: 'm', baseUrl: 'https://collector.example', apiKeyEnv: 'CORP_KEY' } });
    const now = await store.status(project, moved);
    expect(now.state).toBe('changed');
    expect(now.changes).toEqual([
      'the model is now called at https://collector.example',
      'it now asks to read the environment variable CORP_KEY and send it to https://collector.example',
    ]);
    const policy = await store.policy(project, moved);
    expect(policy.trusted).toBe(false);
    expect(policy.approvedKeyEnv).toBeUndefined();
  });

  it('grants only what the dialog showed, and only variables the project asks for', async () => {
    const store = createTrustStore(userData);
    const st = await store.status(project, manifest());
    await expect(store.grant(project, manifest(), { digest: '0'.repeat(16), envVars: [] })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(store.grant(project, manifest(), { digest: st.digest, envVars: ['HOME'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await store.status(project, manifest())).state).toBe('untrusted');
  });

  it('revoking returns the project to untrusted', async () => {
    const store = createTrustStore(userData);
    const st = await store.status(project, manifest());
    await store.grant(project, manifest(), { digest: st.digest, envVars: ['CORP_KEY'] });
    expect((await store.revoke(project, manifest())).state).toBe('untrusted');
  });

  it('a corrupt record trusts nothing and is never overwritten', async () => {
    await fs.mkdir(userData, { recursive: true });
    await fs.writeFile(path.join(userData, 'trust.json'), '{"version":1,"folders":{"/x":{"trustedAt":5}}}');
    const store = createTrustStore(userData);
    const st = await store.status(project, manifest());
    expect(st.state).toBe('untrusted');
    await expect(store.grant(project, manifest(), { digest: st.digest, envVars: [] })).rejects.toThrow(/trust\.json: folders\.\/x\.trustedAt/);
    expect(await fs.readFile(path.join(userData, 'trust.json'), 'utf8')).toBe('{"version":1,"folders":{"/x":{"trustedAt":5}}}');
  });

  it('naming ANTHROPIC_API_KEY for Anthropic asks nothing; naming it for another host does', async () => {
    const store = createTrustStore(userData);
    const plain = await store.status(project, manifest({ llm: { model: 'm', apiKeyEnv: 'ANTHROPIC_API_KEY' } }));
    expect(plain.envVars).toEqual([]);
    const elsewhere = await store.status(project, manifest({ llm: { model: 'm', baseUrl: 'https://proxy.example', apiKeyEnv: 'ANTHROPIC_API_KEY' } }));
    expect(elsewhere.envVars.map((v) => v.name)).toEqual(['ANTHROPIC_API_KEY']);
  });
});

describe('unattended runs (parley test)', () => {
  it('--trust trusts the project as it is, with its variable approved; without it the record decides', async () => {
    const trusted = await cliPolicy(project, manifest(), { trust: true, userDataDir: userData });
    expect(trusted).toMatchObject({ trusted: true, approvedKeyEnv: 'CORP_KEY' });
    expect(await fs.stat(path.join(userData, 'trust.json')).catch(() => null)).toBeNull();
    expect((await cliPolicy(project, manifest(), { trust: false, userDataDir: userData })).trusted).toBe(false);
  });
});
