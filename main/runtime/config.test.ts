import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, readRuntimeConfig } from './config';

const read = (argv: string[], env: Record<string, string | undefined> = { PARLEY_RUNTIME_TOKEN: 'a-long-token' }) =>
  readRuntimeConfig(argv, env, { bundleDir: '/b' });

describe('runtime configuration', () => {
  it('takes flags and environment, with safe defaults', () => {
    const c = read(['--port', '8787']);
    expect(c).toMatchObject({ port: 8787, host: '127.0.0.1', token: 'a-long-token', fixtures: false, redisUrl: undefined, bundleDir: '/b' });
    const r = read(['--host', '0.0.0.0', '--cors', 'https://a.example, https://b.example'], {
      PARLEY_RUNTIME_TOKEN: 'a-long-token',
      REDIS_URL: 'redis://10.0.0.5:6380',
    });
    expect(r.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(r.redisUrl).toBe('redis://10.0.0.5:6380');
  });

  it('needs a token unless told otherwise on loopback', () => {
    expect(() => read([], {})).toThrow(ConfigError);
    expect(() => read([], {})).toThrow(/PARLEY_RUNTIME_TOKEN/);
    expect(read(['--insecure-no-token'], {}).token).toBeUndefined();
    expect(() => read(['--insecure-no-token', '--host', '0.0.0.0'], {})).toThrow(/only on a loopback address/);
    expect(() => read(['--host', '0.0.0.0'], { PARLEY_RUNTIME_TOKEN: 'short' })).toThrow(/too short/);
    expect(read([], { PARLEY_RUNTIME_TOKEN: 't' }).token).toBe('t');
  });

  it('accepts fixtures only on loopback', () => {
    expect(read(['--fixtures']).fixtures).toBe(true);
    expect(read(['--fixtures', '--host', '::1']).fixtures).toBe(true);
    expect(() => read(['--fixtures', '--host', '0.0.0.0'])).toThrow(/--fixtures is refused on 0.0.0.0/);
    expect(() => read(['--fixtures', '--host', '192.168.1.4'])).toThrow(ConfigError);
  });

  it('rejects bad flags with what to fix', () => {
    expect(() => read(['--port', 'http'])).toThrow(/--port must be a whole number/);
    expect(() => read(['--nope'])).toThrow(/unknown option/);
    expect(() => read(['--log-level', 'loud'])).toThrow(/not a level/);
  });

  it('describes what it will use without a secret value', () => {
    const c = read(['--transcripts', '-'], {
      PARLEY_RUNTIME_TOKEN: 'a-long-token',
      PARLEY_LLM_API_KEY: 'sk-secret-value',
      REDIS_URL: 'redis://:pw@redis:6379/0',
    });
    const d = describeConfig(c, {
      llmOrigin: 'https://api.anthropic.com',
      llmKeyVar: 'ANTHROPIC_API_KEY',
      apiHosts: ['api.bank.example'],
      secrets: [
        { name: 'bank_token', envVar: 'PARLEY_SECRET_BANK_TOKEN', hosts: ['api.bank.example'], set: true },
        { name: 'fx_key', envVar: 'PARLEY_SECRET_FX_KEY', hosts: ['fx.example', 'fx2.example'], set: false },
      ],
    });
    const text = JSON.stringify(d);
    expect(d.secrets).toEqual([
      'bank_token from PARLEY_SECRET_BANK_TOKEN (set), sent only to api.bank.example',
      'fx_key from PARLEY_SECRET_FX_KEY (NOT SET: its api calls fail), sent only to fx.example, fx2.example',
    ]);
    expect(text).not.toContain('sk-secret-value');
    expect(text).not.toContain('a-long-token');
    expect(text).not.toContain('pw');
    expect(d.model).toBe('the bundle: https://api.anthropic.com, key from ANTHROPIC_API_KEY');
    expect(d.sessions).toBe('Redis (REDIS_URL, host redis:6379)');
    expect(d.signature).toMatch(/NOT checked/);
  });
});

describe('the deployment files and the runtime agree', () => {
  it("the Dockerfile's and compose file's flags and variables are the ones the runtime reads", async () => {
    const { RUNTIME_CONTRACT, dockerfile, dockerCompose } = await import('../export/deployFiles');
    const { flags, env, port } = RUNTIME_CONTRACT;
    const c = readRuntimeConfig(
      [flags.host, '0.0.0.0', flags.port, String(port)],
      { [env.token]: 'a-long-token-for-prod', [env.redis]: 'redis://redis:6379', [env.publicKey]: '/etc/parley/k.pub' },
      {
        bundleDir: '/app',
      },
    );
    expect(c).toMatchObject({ host: '0.0.0.0', port, token: 'a-long-token-for-prod', redisUrl: 'redis://redis:6379', publicKeyFile: '/etc/parley/k.pub' });
    const files =
      dockerfile({ name: 'x' }) +
      dockerCompose({ name: 'x', version: '1.0.0' }, { schema: 2, name: 'x', defaultLocale: 'en', locales: ['en'], startFlow: 'main' });
    for (const name of [env.token, env.redis, env.publicKey, flags.host, flags.port]) expect(files).toContain(name);
    expect(files).toContain('server.mjs');
    // a declared secret's variable: in the compose file, and the one the runtime reads
    const withSecret = {
      schema: 2,
      name: 'x',
      defaultLocale: 'en',
      locales: ['en'],
      startFlow: 'main',
      secrets: { bank_token: { hosts: ['api.bank.example'] } },
    };
    const compose = dockerCompose({ name: 'x', version: '1.0.0' }, withSecret);
    expect(compose).toContain(`    ${env.secretPrefix}BANK_TOKEN: \${${env.secretPrefix}BANK_TOKEN:-}`);
    const { describeSecrets } = await import('./bundlePorts');
    expect(describeSecrets(withSecret, { [`${env.secretPrefix}BANK_TOKEN`]: 'v' })).toEqual([
      { name: 'bank_token', envVar: `${env.secretPrefix}BANK_TOKEN`, hosts: ['api.bank.example'], set: true },
    ]);
  });
});
