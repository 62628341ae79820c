// A bundle's secrets in the runtime: each value from PARLEY_SECRET_<NAME> of the operator's environment (a
// bundle cannot name another variable), described at start by name and variable only, and a missing one fails
// the api call (its error exit) instead of the process.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../shared/engine/ports';
import type { ProjectManifest } from '../../shared/schema/project';
import { createBundlePorts, describeSecrets, envSecrets } from './bundlePorts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const manifest = (hosts: string[], secrets: ProjectManifest['secrets']): ProjectManifest => ({
  schema: 2,
  name: 'Bank',
  defaultLocale: 'en',
  locales: ['en'],
  startFlow: 'main',
  environments: { test: { hosts } },
  secrets,
});

const call = (url: string, secret: string): HttpRequest => ({
  operation: 'op',
  method: 'GET',
  url,
  headers: { Authorization: `Bearer [secret ${secret}]` },
  secretHeaders: { Authorization: ['Bearer ', { secret }] },
  timeoutMs: 5000,
});

async function bank() {
  const seen: IncomingHttpHeaders[] = [];
  const srv = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => srv.close(() => r())));
  const port = (srv.address() as AddressInfo).port;
  return { seen, host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` };
}

describe("a bundle's secrets come from PARLEY_SECRET_<NAME> only", () => {
  it('reads the prefixed variable, never the one a name looks like (HOME, AWS_SECRET_ACCESS_KEY)', async () => {
    const m = manifest(['x.test'], { home: { hosts: ['x.test'] }, aws_secret_access_key: { hosts: ['x.test'] } });
    const s = envSecrets(m, { HOME: '/root', AWS_SECRET_ACCESS_KEY: 'aws-value', home: 'lower', PARLEY_SECRET_HOME: 'the-operator-set-this' });
    expect(await s.value('home')).toBe('the-operator-set-this');
    expect(await s.value('aws_secret_access_key')).toBeUndefined();
    expect(s.hint('aws_secret_access_key')).toBe("PARLEY_SECRET_AWS_SECRET_ACCESS_KEY in the runtime's environment");
    // a name the bundle does not declare has neither hosts nor a value, whatever the environment holds
    expect(s.hosts('other')).toBeUndefined();
    expect(await envSecrets(m, { PARLEY_SECRET_OTHER: 'v' }).value('other')).toBeUndefined();
  });

  it('describes each secret by name, variable, hosts and whether it is set; never the value', () => {
    const m = manifest(['api.bank.example'], { bank_token: { hosts: ['api.bank.example'] }, fx_key: { hosts: ['fx.example'] } });
    const env = { PARLEY_SECRET_BANK_TOKEN: 'tok-value-123' };
    const d = createBundlePorts({ manifest: m, knowledge: [], env });
    cleanups.push(() => d.close());
    expect(d.describe.secrets).toEqual([
      { name: 'bank_token', envVar: 'PARLEY_SECRET_BANK_TOKEN', hosts: ['api.bank.example'], set: true },
      { name: 'fx_key', envVar: 'PARLEY_SECRET_FX_KEY', hosts: ['fx.example'], set: false },
    ]);
    expect(JSON.stringify(d.describe)).not.toContain('tok-value-123');
    expect(describeSecrets(manifest([], undefined), env)).toEqual([]);
  });

  it('sends the value to the declared host; a missing value fails the call with the variable to set', async () => {
    const b = await bank();
    const m = manifest([b.host], { bank_token: { hosts: [b.host] } });
    const set = createBundlePorts({ manifest: m, knowledge: [], env: { PARLEY_SECRET_BANK_TOKEN: 'tok-value-123' } });
    cleanups.push(() => set.close());
    expect(await set.ports.http!.request(call(`${b.url}/v1/x`, 'bank_token'))).toMatchObject({ ok: true, status: 200 });
    expect(b.seen[0]?.authorization).toBe('Bearer tok-value-123');

    const unset = createBundlePorts({ manifest: m, knowledge: [], env: { BANK_TOKEN: 'not-this-one' } });
    cleanups.push(() => unset.close());
    expect(await unset.ports.http!.request(call(`${b.url}/v1/x`, 'bank_token'))).toMatchObject({
      ok: false,
      reason: 'blocked',
      message: "not sent: secret bank_token has no value; set PARLEY_SECRET_BANK_TOKEN in the runtime's environment",
    });
    expect(b.seen).toHaveLength(1);
  });
});
