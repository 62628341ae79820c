import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmError } from '../../shared/engine/ports';
import type { SafeStorageLike } from './keys';
import { startMockLlm, type MockLlm } from './mockServer';
import { createProjectLlm } from './projectLlm';
import { policyFor, statusFor, type TrustPolicy } from '../trust/trustStore';
import type { LlmSettings, ProjectManifest } from '../../shared/schema/project';

/** The policy of a project with these llm settings: trusted (with its variable approved) or not. */
function policy(llm: LlmSettings, o: { trusted: boolean; approve?: boolean }): TrustPolicy {
  const manifest: ProjectManifest = { schema: 2, name: 'p', defaultLocale: 'en', locales: ['en'], startFlow: 'main', llm };
  const st = statusFor('/p', manifest, undefined);
  return policyFor(manifest, o.trusted ? { ...st, state: 'trusted', envVars: st.envVars.map((v) => ({ ...v, approved: o.approve ?? false })) } : st);
}

const KEY = 'sk-ant-project-KEY-42';
let mock: MockLlm;
let dir: string;
let configFile: string;
const ask = { flow: 'main', node: 'n1', messages: [{ role: 'user' as const, content: 'hello' }] };
const safeStorage: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(`x${s}`.split('').reverse().join('')),
  decryptString: (b) => b.toString().split('').reverse().join('').slice(1),
};

beforeEach(async () => {
  mock = await startMockLlm({ apiKey: KEY });
  dir = await fs.mkdtemp(path.join(tmpdir(), 'parley-projllm-'));
  configFile = path.join(dir, 'parley', 'credentials.json');
});
afterEach(async () => {
  await mock.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the LLM port from project settings and the key store', () => {
  it('uses the variable named in llm.apiKeyEnv once the user approved it, and the project defaults', async () => {
    const settings = { model: 'proj-model', baseUrl: mock.url, apiKeyEnv: 'ACME_KEY', maxTokens: 77, temperature: 0.3 };
    const env = { ACME_KEY: KEY, ANTHROPIC_API_KEY: 'sk-not-this-one' };
    const { llm, keys } = createProjectLlm({ settings, policy: policy(settings, { trusted: true, approve: true }), env, configFile });
    const res = await llm.complete(ask);
    expect(res.text).toBe('Echo: hello');
    expect(mock.requests[0]).toMatchObject({ model: 'proj-model', max_tokens: 77, temperature: 0.3 });
    expect(await keys.keyStatus()).toMatchObject({ set: true, source: 'env', location: 'ACME_KEY' });

    // not approved: the variable is never read (this loopback server gets the provider's key instead, and refuses it)
    const declined = createProjectLlm({ settings, policy: policy(settings, { trusted: true, approve: false }), env, configFile });
    expect(await declined.keys.keyStatus()).toMatchObject({ source: 'env', location: 'ANTHROPIC_API_KEY' });
    expect(((await declined.llm.complete(ask).catch((e: unknown) => e)) as LlmError).kind).toBe('auth');
  });

  it('an untrusted project reads no key and sends nothing', async () => {
    const settings = { model: 'm', baseUrl: mock.url, apiKeyEnv: 'ACME_KEY' };
    const { llm } = createProjectLlm({ settings, policy: policy(settings, { trusted: false }), env: { ACME_KEY: KEY }, configFile });
    const err = (await llm.complete(ask).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('not_configured');
    expect(err.message).toMatch(/not trusted/);
    expect(mock.requests).toHaveLength(0);
  });

  it('a key saved later (keychain or config file) is used by the next call', async () => {
    const remote = { model: 'm', baseUrl: mock.url.replace('127.0.0.1', 'localhost.test') }; // not loopback: a key is required
    const { llm } = createProjectLlm({
      settings: remote,
      policy: policy(remote, { trusted: true }),
      env: {},
      configFile,
      safeStorage,
      keychainFile: path.join(dir, 'userData', 'llm-key.bin'),
    });
    const err = (await llm.complete(ask).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe('not_configured');
    expect(err.message).toBe(
      `no API key is set for localhost.test:${mock.port}: paste a key for http://localhost.test:${mock.port} in the simulator panel (it is kept for that host only)`,
    );

    const localSettings = { model: 'm', baseUrl: mock.url };
    const local = createProjectLlm({
      settings: localSettings,
      policy: policy(localSettings, { trusted: true }),
      env: {},
      configFile,
      safeStorage,
      keychainFile: path.join(dir, 'userData', 'llm-key.bin'),
    });
    const keys = local.keys;
    await keys.saveApiKey(KEY, 'keychain');
    expect((await local.llm.complete(ask)).text).toBe('Echo: hello');
    await keys.clearApiKey('keychain');
    await keys.saveApiKey(KEY, 'config');
    expect((await local.llm.complete(ask)).text).toBe('Echo: hello');
    expect((await local.keys.keyStatus()).source).toBe('config');
  });

  it('a credentials file readable by others → not_configured, with the chmod to run', async () => {
    if (process.platform === 'win32') return;
    await fs.mkdir(path.dirname(configFile), { recursive: true });
    await fs.writeFile(configFile, JSON.stringify({ anthropic: { apiKey: KEY } }), { mode: 0o644 });
    await fs.chmod(configFile, 0o644);
    const settings = { model: 'm', baseUrl: mock.url };
    const { llm } = createProjectLlm({ settings, policy: policy(settings, { trusted: true }), env: {}, configFile });
    const err = (await llm.complete(ask).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('not_configured');
    expect(err.message).toContain(`Run: chmod 600 ${configFile}`);
    expect(err.message).not.toContain(KEY);
    expect(mock.requests).toHaveLength(0);
  });
});
