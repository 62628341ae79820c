import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmError } from '../../shared/engine/ports';
import type { SafeStorageLike } from './keys';
import { startMockLlm, type MockLlm } from './mockServer';
import { createProjectLlm } from './projectLlm';

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
  it('uses the variable named in llm.apiKeyEnv, and the project defaults', async () => {
    const { llm, keys } = createProjectLlm({
      settings: { model: 'proj-model', baseUrl: mock.url, apiKeyEnv: 'ACME_KEY', maxTokens: 77, temperature: 0.3 },
      env: { ACME_KEY: KEY, ANTHROPIC_API_KEY: 'sk-not-this-one' },
      configFile,
    });
    const res = await llm.complete(ask);
    expect(res.text).toBe('Echo: hello');
    expect(mock.requests[0]).toMatchObject({ model: 'proj-model', max_tokens: 77, temperature: 0.3 });
    expect(await keys.keyStatus()).toMatchObject({ set: true, source: 'env', location: 'ACME_KEY' });
  });

  it('a key saved later (keychain or config file) is used by the next call', async () => {
    const { llm, keys } = createProjectLlm({
      settings: { model: 'm', baseUrl: mock.url.replace('127.0.0.1', 'localhost.test') }, // not loopback: a key is required
      env: {},
      configFile,
      safeStorage,
      keychainFile: path.join(dir, 'userData', 'llm-key.bin'),
    });
    const err = (await llm.complete(ask).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe('not_configured');
    expect(err.message).toBe(`no API key is set for localhost.test:${mock.port}: save a key in Settings, set the environment variable ANTHROPIC_API_KEY, or put it in ${configFile} (chmod 600)`);

    const local = createProjectLlm({ settings: { model: 'm', baseUrl: mock.url }, env: {}, configFile, safeStorage, keychainFile: path.join(dir, 'userData', 'llm-key.bin') });
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
    const { llm } = createProjectLlm({ settings: { model: 'm', baseUrl: mock.url }, env: {}, configFile });
    const err = (await llm.complete(ask).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('not_configured');
    expect(err.message).toContain(`Run: chmod 600 ${configFile}`);
    expect(err.message).not.toContain(KEY);
    expect(mock.requests).toHaveLength(0);
  });
});
