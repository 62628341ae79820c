import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmPort } from '../../shared/engine/ports';
import type { ProjectManifest } from '../../shared/schema/project';
import { createKeyStore } from '../llm/keys';
import type { TrustPolicy } from '../trust/trustStore';
import { createProjectPorts, liveProjectLlm, type PortsProject, type ProjectAccess } from './projectPorts';

const manifest = (extra: Record<string, unknown> = {}) =>
  ({ schema: 2, name: 'P', defaultLocale: 'en', locales: ['en'], startFlow: 'main', ...extra }) as unknown as ProjectManifest;

function access(trusted: boolean, hosts: string[] = [], secrets?: { hosts: string[]; values: Record<string, string> }): ProjectAccess {
  const policy: TrustPolicy = {
    trusted,
    untrustedReason: 'not trusted (test)',
    llm: null,
    approvedKeyEnv: undefined,
    environment: hosts.length ? 'sandbox' : undefined,
    apiHosts: (env) => (trusted && env ? hosts : []),
    maxResponseBytes: () => undefined,
    secretHosts: (name) => (trusted && secrets && name in secrets.values ? secrets.hosts : undefined),
  };
  return {
    policy,
    keys: createKeyStore({ env: {}, configFile: path.join(os.tmpdir(), 'parley-none', 'credentials.json') }),
    ...(secrets ? { secrets: { value: (name: string) => Promise.resolve(secrets.values[name]), hint: (name: string) => `parley secrets set . ${name}` } } : {}),
  };
}

const stubLlm: LlmPort = {
  complete: () => Promise.resolve({ text: 'stub', model: 'stub', stopReason: 'end_turn', usage: { inputTokens: 0, outputTokens: 0 }, ttftMs: 0, totalMs: 0 }),
};
const get = (url: string) => ({ operation: 'op', method: 'GET', url, headers: {}, timeoutMs: 2000 });

let dir: string;
let server: Server;
let base: string;
const auths: (string | undefined)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-ports-'));
  await mkdir(path.join(dir, 'knowledge'));
  await writeFile(path.join(dir, 'knowledge', 'hours.md'), '# Opening hours\n\nBranches are open 9 to 5, Monday to Friday.\n');
  server = createServer((req, res) => {
    auths.push(req.headers.authorization);
    res.end(JSON.stringify({ ok: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('createProjectPorts', () => {
  it('gives an untrusted project a model and HTTP that refuse, without asking the test seams', async () => {
    let asked = 0;
    const ports = createProjectPorts<PortsProject>({
      llmFactory: () => (asked++, stubLlm),
      http: { request: () => (asked++, { ok: true, status: 200, body: 1, ms: 0 }) },
    });
    const p = { dir, manifest: manifest({ llm: { model: 'claude-sonnet-5-5' } }) };
    const llm = ports.llmFor(p, access(false));
    await expect(llm?.complete({ flow: 'f', node: 'n', messages: [] })).rejects.toMatchObject({
      kind: 'not_configured',
      message: expect.stringContaining('not trusted (test)'),
    });
    expect(await ports.httpFor(access(false)).request(get(`http://${base}/`))).toMatchObject({
      ok: false,
      reason: 'blocked',
      message: 'not called: not trusted (test)',
    });
    expect(asked).toBe(0);
    // no model configured and no seam: no model port at all
    expect(createProjectPorts<PortsProject>().llmFor({ dir, manifest: manifest() }, access(false))).toBeUndefined();
  });

  it('uses the seams for a trusted project', async () => {
    const http = { request: () => ({ ok: true as const, status: 201, body: 'seam', ms: 0 }) };
    const ports = createProjectPorts<PortsProject & { tag: string }>({ llmFactory: (p) => (p.tag === 'x' ? stubLlm : undefined), http });
    const p = { dir, manifest: manifest(), tag: 'x' };
    expect(ports.llmFor(p, access(true))).toBe(stubLlm);
    expect(ports.httpFor(access(true))).toBe(http);
  });

  it('sends API calls through the outbound policy: only the hosts of the environment, one pool per policy', async () => {
    const ports = createProjectPorts<PortsProject>({ outbound: { allowAddresses: [base] } });
    const allowed = ports.httpFor(access(true, ['api.bank.example']));
    expect(await allowed.request(get(`http://${base}/x`))).toMatchObject({ ok: true, status: 200, body: { ok: 1 } });
    expect(await allowed.request(get('http://169.254.169.254/latest'))).toMatchObject({ ok: false, reason: 'blocked' });
    expect(ports.httpFor(access(true, ['api.bank.example']))).toBe(allowed);
    expect(ports.httpFor(access(true, ['other.example']))).not.toBe(allowed);
    await ports.close();
    const strict = createProjectPorts<PortsProject>();
    expect(await strict.httpFor(access(true, ['api.bank.example'])).request(get(`http://${base}/x`))).toMatchObject({ ok: false, reason: 'blocked' });
    await strict.close();
  });

  it("sends a trusted project's secrets to their approved hosts only, each project its own value through one pool", async () => {
    const ports = createProjectPorts<PortsProject>({ outbound: { allowAddresses: [base] } });
    const withSecret = (url: string) => ({
      ...get(url),
      headers: { Authorization: 'Bearer [secret t]' },
      secretHeaders: { Authorization: ['Bearer ', { secret: 't' }] },
    });
    auths.length = 0;
    const a = ports.httpFor(access(true, ['api.bank.example'], { hosts: [base], values: { t: 'value-a' } }));
    const b = ports.httpFor(access(true, ['api.bank.example'], { hosts: [base], values: { t: 'value-b' } }));
    expect(await a.request(withSecret(`http://${base}/x`))).toMatchObject({ ok: true });
    expect(await b.request(withSecret(`http://${base}/x`))).toMatchObject({ ok: true });
    expect(auths).toEqual(['Bearer value-a', 'Bearer value-b']);
    // approved for another host: nothing is sent
    const elsewhere = ports.httpFor(access(true, ['api.bank.example'], { hosts: ['api.bank.example'], values: { t: 'value-a' } }));
    expect(await elsewhere.request(withSecret(`http://${base}/x`))).toMatchObject({
      ok: false,
      message: expect.stringContaining('may only be sent to api.bank.example'),
    });
    // no secret values given (or untrusted): nothing secret is sent
    expect(await ports.httpFor(access(true, ['api.bank.example'])).request(withSecret(`http://${base}/x`))).toMatchObject({ ok: false, reason: 'blocked' });
    expect(await ports.httpFor(access(false, [], { hosts: [base], values: { t: 'v' } })).request(withSecret(`http://${base}/x`))).toMatchObject({ ok: false });
    expect(auths).toHaveLength(2);
    await ports.close();
  });

  it('makes every port of a turn: knowledge from the files, the model (or the one given), guardrail, agents, clock', async () => {
    const ports = createProjectPorts<PortsProject>({
      llmFactory: () => stubLlm,
      http: { request: () => ({ ok: true, status: 200, body: null, ms: 0 }) },
      clock: { now: () => 7 },
    });
    const p = { dir, manifest: manifest() };
    const all = await ports.portsFor(p, access(true));
    expect(all.llm).toBe(stubLlm);
    const hits = await all.retrieval!.search('when are branches open', { sources: [], limit: 3 });
    expect(hits[0]).toMatchObject({ source: 'hours.md' });
    expect(await all.guardrail!.check('fuck you', ['profanity'], [])).toEqual([{ check: 'profanity', detail: 'abuse' }]);
    expect(await all.handoff!.available('any')).toBe(true);
    expect(all.clock!.now()).toBe(7);
    const wizard: LlmPort = { complete: () => Promise.reject(new Error('wizard')) };
    expect((await ports.portsFor(p, access(false), { llm: wizard })).llm).toBe(wizard);
    expect(await (await ports.portsFor(p, access(false), { llm: wizard })).http!.request(get('http://x.test/'))).toMatchObject({ reason: 'blocked' });
  });
});

describe('liveProjectLlm', () => {
  it('says why there is no live model: none configured, or the project is not trusted', async () => {
    const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-ud-'));
    try {
      expect(await liveProjectLlm({ dir, manifest: manifest(), trust: false, userDataDir })).toEqual({
        refused: 'no model is configured: add an llm section to parley.yaml',
      });
      const withLlm = manifest({ llm: { model: 'claude-sonnet-5-5' } });
      expect(await liveProjectLlm({ dir, manifest: withLlm, trust: false, userDataDir })).toMatchObject({ refused: expect.stringContaining('not trusted') });
      expect(await liveProjectLlm({ dir, manifest: withLlm, trust: true, userDataDir, env: {} })).toHaveProperty('llm');
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  });
});
