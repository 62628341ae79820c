// Secrets in the HTTP port: a value is put in only for a host its secret is declared for and the outbound
// policy allows, and never comes back out (response bodies and errors show the marker).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../shared/engine/ports';
import { createPolicyHttpPort, type SecretSource } from './httpPort';

const VALUE = 'tok-3f9a1c77e2"/\\b';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A loopback server that records the headers it is sent and answers `answer`. */
async function server(answer: (headers: IncomingHttpHeaders) => string = () => '{"ok":true}') {
  const seen: IncomingHttpHeaders[] = [];
  const srv = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer(req.headers));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => srv.close(() => r())));
  const port = (srv.address() as AddressInfo).port;
  return { seen, host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` };
}

const source = (hosts: Record<string, string[]>, values: Record<string, string | undefined>): SecretSource => ({
  hosts: (name) => hosts[name],
  value: (name) => values[name],
  hint: (name) => `PARLEY_SECRET_${name.toUpperCase()}`,
});

const request = (url: string, header = 'Authorization'): HttpRequest => ({
  operation: 'op',
  method: 'GET',
  url,
  headers: { [header]: 'Bearer [secret bank_token]', 'X-Other': 'plain' },
  secretHeaders: { [header]: ['Bearer ', { secret: 'bank_token' }] },
  timeoutMs: 5000,
});

function port(allowHosts: string[], secrets?: SecretSource) {
  const p = createPolicyHttpPort({ allowHosts }, secrets ? { secrets } : {});
  cleanups.push(() => p.close());
  return p;
}

describe('secrets in the HTTP port', () => {
  it("puts the value in for the secret's declared host", async () => {
    const bank = await server();
    const p = port([bank.host], source({ bank_token: [bank.host] }, { bank_token: VALUE }));
    expect(await p.request(request(`${bank.url}/v1/balance`))).toMatchObject({ ok: true, status: 200 });
    expect(bank.seen[0]).toMatchObject({ authorization: `Bearer ${VALUE}`, 'x-other': 'plain' });
  });

  // the security test of the host check: without it, the value would reach the other server
  it('sends nothing to a host the policy allows but the secret is not declared for', async () => {
    const bank = await server();
    const other = await server();
    const p = port([bank.host, other.host], source({ bank_token: [bank.host] }, { bank_token: VALUE }));
    const r = await p.request(request(`${other.url}/collect`));
    expect(r).toMatchObject({
      ok: false,
      reason: 'blocked',
      message: `not sent: secret bank_token may only be sent to ${bank.host} (parley.yaml secrets.bank_token.hosts), not to ${other.host}`,
    });
    expect(other.seen).toHaveLength(0);
  });

  it('sends nothing to a host the secret is declared for but the policy does not allow', async () => {
    const bank = await server();
    const p = port([], source({ bank_token: [bank.host] }, { bank_token: VALUE }));
    expect(await p.request(request(`${bank.url}/x`))).toMatchObject({
      ok: false,
      reason: 'blocked',
      message: expect.stringContaining('is not an allowed host'),
    });
    expect(bank.seen).toHaveLength(0);
  });

  it('refuses an undeclared secret, a missing value, a value with a line break, and no secret source', async () => {
    const bank = await server();
    const hosts = { bank_token: [bank.host] };
    const undeclared = await port([bank.host], source({}, { bank_token: VALUE })).request(request(`${bank.url}/x`));
    expect(undeclared).toMatchObject({ ok: false, message: 'not sent: secret bank_token is not declared in parley.yaml (secrets.bank_token)' });
    const missing = await port([bank.host], source(hosts, {})).request(request(`${bank.url}/x`));
    expect(missing).toMatchObject({ ok: false, reason: 'blocked', message: 'not sent: secret bank_token has no value; set PARLEY_SECRET_BANK_TOKEN' });
    const broken = await port([bank.host], source(hosts, { bank_token: 'a\r\nX-Injected: 1' })).request(request(`${bank.url}/x`));
    expect(broken).toMatchObject({ ok: false, message: expect.stringContaining('contains a line break') });
    expect(await port([bank.host]).request(request(`${bank.url}/x`))).toMatchObject({ ok: false, message: 'not sent: no secrets are available here' });
    expect(bank.seen).toHaveLength(0);
  });

  it('refuses a secret in a header that would survive a redirect to another host', async () => {
    const bank = await server();
    const r = await port([bank.host], source({ bank_token: [bank.host] }, { bank_token: VALUE })).request(request(`${bank.url}/x`, 'Accept-Language'));
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('may not go in the Accept-Language header') });
    expect(bank.seen).toHaveLength(0);
  });

  it('a value echoed in the response reaches the engine as the marker', async () => {
    const bank = await server((h) => JSON.stringify({ echo: h.authorization, raw: VALUE }));
    const r = await port([bank.host], source({ bank_token: [bank.host] }, { bank_token: VALUE })).request(request(`${bank.url}/x`));
    expect(r).toMatchObject({ ok: true, body: { echo: 'Bearer [secret bank_token]', raw: '[secret bank_token]' } });
    expect(JSON.stringify(r)).not.toContain('tok-3f9a1c77e2');
  });

  it('a request without secrets is sent as it is, with no secret source', async () => {
    const bank = await server();
    const r = await port([bank.host]).request({ operation: 'op', method: 'GET', url: `${bank.url}/x`, headers: { 'X-A': '1' }, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: true });
    expect(bank.seen[0]).toMatchObject({ 'x-a': '1' });
  });
});
