import Anthropic from '@anthropic-ai/sdk';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockLlm } from '../llm/mockServer';
import { createPolicyHttpPort } from './httpPort';
import { createOutboundFetch, OutboundBlockedError, type LookupFunction, type OutboundFetch, type OutboundPolicy } from './outbound';

interface TestServer {
  port: number;
  url: string;
  connections: number;
  requests: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A server on 127.0.0.1 that counts connections and records requests (with their bodies). */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_q, r) => r.end('ok')): Promise<TestServer> {
  const s: TestServer = { port: 0, url: '', connections: 0, requests: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      s.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', () => s.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.port = (server.address() as AddressInfo).port;
  s.url = `http://127.0.0.1:${s.port}`;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return s;
}

function outbound(policy: OutboundPolicy): OutboundFetch {
  const f = createOutboundFetch(policy);
  cleanups.push(() => f.close());
  return f;
}

/** DNS for the test: names map to fixed addresses; counts lookups. */
function fakeDns(table: Record<string, string[]>): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup: LookupFunction = (hostname, options, cb) => {
    calls.push(hostname);
    const list = (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (!list.length) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    if (options.all) cb(null, list);
    else cb(null, list[0]!.address, list[0]!.family);
  };
  return Object.assign(lookup, { calls });
}

const blocked = async (p: Promise<unknown>): Promise<OutboundBlockedError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(OutboundBlockedError);
  return e as OutboundBlockedError;
};

const DESCRIBE = 'environment dev (parley.yaml environments.dev.hosts)';

describe('rule 1: the request host must be allowed', () => {
  it('refuses a host not on the list without connecting or resolving, naming the host and where to allow it', async () => {
    const srv = await serve();
    const dns = fakeDns({ 'api.evil.example': ['127.0.0.1'] });
    const f = outbound({ allowHosts: ['api.acme-bank.example'], lookup: dns, describe: DESCRIBE });
    const e = await blocked(f(`${srv.url}/steal`));
    expect(e.reason).toBe('host_not_allowed');
    expect(e.message).toBe(`blocked: 127.0.0.1:${srv.port} is not in the allowed hosts of ${DESCRIBE}; add "127.0.0.1:${srv.port}" there to allow calls to it`);
    const e2 = await blocked(f(`http://api.evil.example:${srv.port}/`));
    expect(e2.message).toContain(`api.evil.example:${srv.port} is not in the allowed hosts`);
    // the allowed name on another port is another service
    expect((await blocked(f(`http://api.acme-bank.example:${srv.port}/`))).reason).toBe('host_not_allowed');
    expect(srv.connections).toBe(0);
    expect(dns.calls).toEqual([]);
  });

  it('refuses URLs that are not http(s), or carry credentials', async () => {
    const f = outbound({ allowHosts: ['api.acme-bank.example'] });
    expect((await blocked(f('file:///etc/passwd'))).reason).toBe('bad_url');
    expect((await blocked(f('not a url'))).reason).toBe('bad_url');
    expect((await blocked(f('https://user:pw@api.acme-bank.example/'))).reason).toBe('bad_url');
  });

  it('an allowed IP literal is reached', async () => {
    const srv = await serve((_q, r) => r.end('hello'));
    const f = outbound({ allowHosts: [`127.0.0.1:${srv.port}`] });
    const res = await f(`${srv.url}/x`);
    expect(await res.text()).toBe('hello');
    expect(srv.requests).toHaveLength(1);
  });
});

describe('rule 2: addresses are checked when connecting', () => {
  it('refuses an allowed name that resolves to loopback, unless that address is allowed too', async () => {
    const srv = await serve((q, r) => r.end(`host=${q.headers.host}`));
    const dns = fakeDns({ 'api.acme-bank.example': ['127.0.0.1'] });
    const url = `http://api.acme-bank.example:${srv.port}/balance`;
    const e = await blocked(outbound({ allowHosts: [`api.acme-bank.example:${srv.port}`], lookup: dns, describe: DESCRIBE })(url));
    expect(e.reason).toBe('private_address');
    expect(e.message).toBe(
      `blocked: api.acme-bank.example resolves to 127.0.0.1, a loopback address, which is not in the allowed hosts of ${DESCRIBE}; add "127.0.0.1:${srv.port}" there if this service is meant to be reached`,
    );
    expect(dns.calls).toEqual(['api.acme-bank.example']);
    expect(srv.connections).toBe(0);

    const ok = await outbound({ allowHosts: [`api.acme-bank.example:${srv.port}`, `127.0.0.1:${srv.port}`], lookup: dns })(url);
    expect(await ok.text()).toBe(`host=api.acme-bank.example:${srv.port}`);
    expect(srv.connections).toBe(1);
  });

  it('refuses a name when any of its addresses is private, and IPv4-mapped loopback', async () => {
    const srv = await serve();
    const dns = fakeDns({ mixed: ['93.184.216.34', '10.0.0.7'], mapped: ['::ffff:127.0.0.1'] });
    const f = outbound({ allowHosts: [`mixed:${srv.port}`, `mapped:${srv.port}`], lookup: dns });
    expect((await blocked(f(`http://mixed:${srv.port}/`))).message).toContain('resolves to 10.0.0.7, a private address');
    expect((await blocked(f(`http://mapped:${srv.port}/`))).message).toContain('resolves to ::ffff:127.0.0.1, a loopback address');
    expect(srv.connections).toBe(0);
  });

  it('an allowed localhost:port is loopback by definition, but not when it resolves elsewhere', async () => {
    const srv = await serve((_q, r) => r.end('local'));
    const f = outbound({ allowHosts: [`localhost:${srv.port}`], lookup: fakeDns({ localhost: ['127.0.0.1'] }) });
    expect(await (await f(`http://localhost:${srv.port}/`)).text()).toBe('local');
    const g = outbound({ allowHosts: [`localhost:${srv.port}`], lookup: fakeDns({ localhost: ['192.168.1.20'] }) });
    expect((await blocked(g(`http://localhost:${srv.port}/`))).reason).toBe('private_address');
  });
});

describe('rule 3: redirects', () => {
  it('refuses a redirect from an allowed host to a loopback port that is not allowed; the target sees nothing', async () => {
    const target = await serve((_q, r) => r.end('internal admin'));
    const origin = await serve((_q, r) => r.writeHead(302, { location: `http://127.0.0.1:${target.port}/admin` }).end());
    const f = outbound({ allowHosts: [`127.0.0.1:${origin.port}`], describe: DESCRIBE });
    const e = await blocked(f(`${origin.url}/start`));
    expect(e.reason).toBe('redirect_not_allowed');
    expect(e.message).toBe(
      `blocked: ${origin.url}/start redirected to ${target.url}/admin, and 127.0.0.1:${target.port} is not in the allowed hosts of ${DESCRIBE}; add "127.0.0.1:${target.port}" there to allow it`,
    );
    expect(target.connections).toBe(0);
  });

  it('refuses a redirect to an allowed name that resolves to loopback (checked at connect)', async () => {
    const target = await serve();
    const origin = await serve((_q, r) => r.writeHead(307, { location: `http://internal.acme-bank.example:${target.port}/` }).end());
    const dns = fakeDns({ 'internal.acme-bank.example': ['127.0.0.1'] });
    const f = outbound({ allowHosts: [`127.0.0.1:${origin.port}`, `*.acme-bank.example:${target.port}`], lookup: dns });
    expect((await blocked(f(`${origin.url}/`))).reason).toBe('private_address');
    expect(target.connections).toBe(0);
  });

  it('follows a redirect within the allowed host, with the method rules of fetch', async () => {
    const srv = await serve((q, r, body) => {
      if (q.url === '/old') r.writeHead(301, { location: '/new' }).end();
      else if (q.url === '/form') r.writeHead(303, { location: '/done' }).end();
      else if (q.url === '/keep') r.writeHead(307, { location: '/kept' }).end();
      else r.end(`${q.method} ${q.url} ${body}`);
    });
    const f = outbound({ allowHosts: [`127.0.0.1:${srv.port}`] });
    const res = await f(`${srv.url}/old`);
    expect(await res.text()).toBe('GET /new ');
    expect(res.redirected).toBe(true);
    expect(res.url).toBe(`${srv.url}/new`);
    expect(await (await f(`${srv.url}/form`, { method: 'POST', body: 'a=1' })).text()).toBe('GET /done ');
    expect(await (await f(`${srv.url}/keep`, { method: 'POST', body: '{"a":1}' })).text()).toBe('POST /kept {"a":1}');
  });

  it('refuses more than maxRedirects', async () => {
    const srv = await serve((q, r) => r.writeHead(302, { location: `/r${Number(q.url?.slice(2) || 0) + 1}` }).end());
    const e = await blocked(outbound({ allowHosts: [`127.0.0.1:${srv.port}`], maxRedirects: 3 })(`${srv.url}/r0`));
    expect(e.reason).toBe('too_many_redirects');
    expect(e.message).toBe(`blocked: more than 3 redirects, starting at ${srv.url}/r0`);
    expect(srv.requests.map((r) => r.url)).toEqual(['/r0', '/r1', '/r2', '/r3']);
  });

  it('drops Authorization and other credentials when a redirect changes origin, keeps them within one', async () => {
    const other = await serve((_q, r) => r.end('other'));
    const srv = await serve((q, r) => {
      if (q.url === '/same') r.writeHead(302, { location: '/here' }).end();
      else if (q.url === '/away') r.writeHead(307, { location: `${other.url}/there` }).end();
      else r.end('here');
    });
    const f = outbound({ allowHosts: [`127.0.0.1:${srv.port}`, `127.0.0.1:${other.port}`] });
    const headers = { authorization: 'Bearer sk-secret', 'x-api-key': 'sk-secret', cookie: 'session=1', 'x-bank-credential': 'c', accept: 'application/json' };
    await (await f(`${srv.url}/same`, { headers })).text();
    expect(srv.requests[1]?.headers).toMatchObject({
      authorization: 'Bearer sk-secret',
      'x-api-key': 'sk-secret',
      cookie: 'session=1',
      'x-bank-credential': 'c',
    });
    await (await f(`${srv.url}/away`, { method: 'POST', headers, body: '{}' })).text();
    const h = other.requests[0]?.headers ?? {};
    expect(h.accept).toBe('application/json');
    expect(other.requests[0]?.body).toBe('{}');
    for (const name of ['authorization', 'x-api-key', 'cookie', 'x-bank-credential']) expect(h[name], name).toBeUndefined();
  });
});

describe('rule 4: response size', () => {
  /** Serves up to 400 MB without a content-length, as fast as the client reads; `closed` tells how it ended. */
  async function hugeServer() {
    let resolveClosed!: (v: { sent: number; finished: boolean }) => void;
    const closed = new Promise<{ sent: number; finished: boolean }>((r) => (resolveClosed = r));
    const total = 400 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const srv = await serve((_q, res) => {
      let sent = 0;
      res.on('close', () => resolveClosed({ sent, finished: res.writableFinished }));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    return { srv, closed, total };
  }

  it('cuts a 400 MB stream at the cap and closes the connection early', async () => {
    const { srv, closed, total } = await hugeServer();
    const f = outbound({ allowHosts: [`127.0.0.1:${srv.port}`], maxResponseBytes: 1_000_000, describe: DESCRIBE });
    const res = await f(`${srv.url}/dump`);
    const e = await blocked(res.arrayBuffer());
    expect(e.reason).toBe('too_large');
    expect(e.message).toBe(`too large: the response from 127.0.0.1:${srv.port} is larger, over the 1 MB response size cap of ${DESCRIBE}`);
    const end = await closed;
    expect(end.finished).toBe(false);
    expect(end.sent).toBeLessThan(total);
  });

  it('refuses a content-length over the cap before reading the body', async () => {
    let resolveClosed!: (finished: boolean) => void;
    const closed = new Promise<boolean>((r) => (resolveClosed = r));
    const srv = await serve((_q, res) => {
      res.on('close', () => resolveClosed(res.writableFinished));
      res.writeHead(200, { 'content-length': String(5_000_000) });
      res.write('x'.repeat(1000)); // and never the rest
    });
    const e = await blocked(outbound({ allowHosts: [`127.0.0.1:${srv.port}`] })(`${srv.url}/`));
    expect(e.reason).toBe('too_large');
    expect(e.message).toContain('declares 5 MB (content-length), over the 1 MB response size cap');
    expect(await closed).toBe(false);
  });

  it('a response under the cap arrives whole', async () => {
    const srv = await serve((_q, r) => r.end('y'.repeat(999_000)));
    const res = await outbound({ allowHosts: [`127.0.0.1:${srv.port}`] })(`${srv.url}/`);
    expect((await res.text()).length).toBe(999_000);
  });

  it('streams: each chunk of a slow SSE response reaches the reader before the next is sent', async () => {
    let next!: () => void;
    const srv = await serve(async (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 1; i <= 3; i++) {
        const sent = new Promise<void>((r) => (next = r));
        res.write(`data: ${i}\n\n`);
        await sent; // the test releases the next chunk only after it read this one
      }
      res.end();
    });
    const res = await outbound({ allowHosts: [`127.0.0.1:${srv.port}`] })(`${srv.url}/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const seen: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen.push(value);
      next();
    }
    expect(seen).toEqual(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']);
  });
});

describe('cancelling', () => {
  it("the caller's signal aborts a response that is streaming, and the connection closes", async () => {
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    const srv = await serve((_q, res) => {
      res.on('close', () => resolveClosed());
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n'); // and then nothing
    });
    const ctrl = new AbortController();
    const res = await outbound({ allowHosts: [`127.0.0.1:${srv.port}`] })(`${srv.url}/events`, { signal: ctrl.signal });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    const pending = reader.read();
    ctrl.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await closed;
  });
});

describe('the HttpPort for api nodes', () => {
  const req = (url: string, over: Partial<Parameters<ReturnType<typeof createPolicyHttpPort>['request']>[0]> = {}) => ({
    operation: 'getBalance',
    method: 'GET',
    url,
    headers: {},
    timeoutMs: 5000,
    ...over,
  });
  const port = (policy: OutboundPolicy) => {
    const p = createPolicyHttpPort(policy);
    cleanups.push(() => p.close());
    return p;
  };

  it('answers JSON and text bodies like the old fetch port', async () => {
    const srv = await serve((q, r, body) =>
      q.url === '/json' ? r.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ got: JSON.parse(body) })) : r.end('plain'),
    );
    const p = port({ allowHosts: [`127.0.0.1:${srv.port}`] });
    expect(await p.request(req(`${srv.url}/json`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }))).toMatchObject({
      ok: true,
      status: 201,
      body: { got: { a: 1 } },
    });
    expect(await p.request(req(`${srv.url}/text`))).toMatchObject({ ok: true, status: 200, body: 'plain' });
  });

  it('maps each policy stop to blocked / too_large with the rule in the message', async () => {
    const target = await serve();
    const srv = await serve((q, r) => {
      if (q.url === '/redirect') r.writeHead(302, { location: `${target.url}/` }).end();
      else r.end('z'.repeat(2000));
    });
    const dns = fakeDns({ 'api.acme-bank.example': ['10.0.0.1'] });
    const p = port({ allowHosts: [`127.0.0.1:${srv.port}`, 'api.acme-bank.example'], maxResponseBytes: 1000, lookup: dns, describe: DESCRIBE });

    const host = await p.request(req('https://api.evil.example/x'));
    expect(host).toMatchObject({
      ok: false,
      reason: 'blocked',
      message: `blocked: api.evil.example is not in the allowed hosts of ${DESCRIBE}; add "api.evil.example" there to allow calls to it`,
    });
    expect(await p.request(req('http://api.acme-bank.example/x'))).toMatchObject({
      ok: false,
      reason: 'blocked',
      message: expect.stringContaining('resolves to 10.0.0.1, a private address'),
    });
    expect(await p.request(req(`${srv.url}/redirect`))).toMatchObject({
      ok: false,
      reason: 'blocked',
      message: expect.stringContaining(`redirected to ${target.url}/`),
    });
    expect(await p.request(req(`${srv.url}/big`))).toMatchObject({
      ok: false,
      reason: 'too_large',
      message: expect.stringContaining('over the 1 kB response size cap'),
    });
    expect(target.connections).toBe(0);
  });

  it('a server that does not answer in time is still a timeout', async () => {
    const srv = await serve(() => {
      /* never answers */
    });
    const p = port({ allowHosts: [`127.0.0.1:${srv.port}`] });
    expect(await p.request(req(`${srv.url}/slow`, { timeoutMs: 50 }))).toMatchObject({ ok: false, reason: 'timeout', message: 'no response within 50 ms' });
  });

  it('a body that stops half-way is a timeout too', async () => {
    const srv = await serve((_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.write('{"balance":'); // and never the rest
    });
    const p = port({ allowHosts: [`127.0.0.1:${srv.port}`] });
    expect(await p.request(req(`${srv.url}/half`, { timeoutMs: 100 }))).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('a refused connection is a network failure', async () => {
    const srv = await serve();
    const dead = srv.port;
    await cleanups.pop()?.();
    const p = port({ allowHosts: [`127.0.0.1:${dead}`] });
    expect(await p.request(req(`http://127.0.0.1:${dead}/`))).toMatchObject({ ok: false, reason: 'network', message: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('the Anthropic SDK through the policy', () => {
  it('streams a reply from an allowed base URL', async () => {
    const mock = await startMockLlm({ script: [{ match: {}, reply: 'Your order shipped yesterday and arrives Friday.' }] });
    cleanups.push(() => mock.close());
    const client = new Anthropic({ apiKey: 'test', baseURL: mock.url, maxRetries: 0, fetch: outbound({ allowHosts: [`127.0.0.1:${mock.port}`] }) });
    const deltas: string[] = [];
    const stream = client.messages.stream({ model: 'claude-test-model', max_tokens: 100, messages: [{ role: 'user', content: 'where is my order?' }] });
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Your order shipped yesterday and arrives Friday.');
    expect(final.stop_reason).toBe('end_turn');
    expect(mock.requests).toHaveLength(1);
  });

  it('a base URL whose host is not allowed makes no request, and the SDK error carries the reason', async () => {
    const mock = await startMockLlm();
    cleanups.push(() => mock.close());
    const client = new Anthropic({ apiKey: 'sk-secret', baseURL: mock.url, maxRetries: 0, fetch: outbound({ allowHosts: ['api.anthropic.com'] }) });
    const e = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(Anthropic.APIConnectionError);
    const cause = (e as Error).cause;
    expect(cause).toBeInstanceOf(OutboundBlockedError);
    expect((cause as OutboundBlockedError).reason).toBe('host_not_allowed');
    expect(mock.requests).toHaveLength(0);
  });
});
