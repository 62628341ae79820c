// An api node through the real HTTP port (outbound policy, undici) against loopback servers answering badly: an
// HTML page, a 500, a 503 with Retry-After, a hang, a 50 MB body. Each takes the right exit with a clear trace
// entry; a retry's wait goes through the port's sleep (a fake clock here), never a timer in the engine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel } from '../../test/fixtures/engineProject';
import { createEngine, initialState, runTurn } from '../../shared/engine/engine';
import type { FlowNode } from '../../shared/schema/nodes';
import type { TraceEntry } from '../../shared/engine/types';
import { createPolicyHttpPort, retryAfterMs } from './httpPort';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A loopback server; `answer` gets the request's number (0-based). */
async function server(answer: (res: ServerResponse, n: number, req: IncomingMessage) => void) {
  let n = 0;
  const srv = createServer((req, res) => answer(res, n++, req));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  );
  const port = (srv.address() as AddressInfo).port;
  return { host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, calls: () => n };
}

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;

/** Runs a start turn whose api node calls `url`; returns what was said, the api trace and the port's waits. */
async function call(host: string, url: string, api: Record<string, unknown> = {}) {
  const model = makeModel({
    main: flow('Main', [
      n({ id: 'start', kind: 'start', next: 'call' }),
      n({
        id: 'call',
        kind: 'api',
        operation: 'get_balance',
        url,
        timeoutMs: 400,
        assign: [{ var: 'account.balance', path: 'data.balance' }],
        next: 'ok',
        error: 'failed',
        timeout: 'slow',
        ...api,
      }),
      n({ id: 'ok', kind: 'message', say: { en: 'Balance {{account.balance}}.' }, next: 'menu' }),
      n({ id: 'failed', kind: 'message', say: { en: 'Failed.' }, next: 'menu' }),
      n({ id: 'slow', kind: 'message', say: { en: 'Slow.' }, next: 'menu' }),
      n({ id: 'menu', kind: 'listen', routes: [], noMatch: 'menu' }),
    ]),
  });
  const waits: number[] = [];
  const port = createPolicyHttpPort(
    { allowHosts: [host] },
    {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      now: () => Date.parse('2026-01-15T12:00:00Z'),
    },
  );
  cleanups.push(() => port.close());
  const engine = createEngine(model, { nlu: keywordNlu });
  const r = await runTurn(engine, initialState(engine, { seed: 'conv-1' }), { type: 'start' }, { http: port, random: { next: () => 0 } });
  const said = r.outputs.flatMap((o) => (o.type === 'text' ? [o.text] : []));
  const api_ = r.trace.filter((e): e is Extract<TraceEntry, { kind: 'api' }> => e.kind === 'api');
  return { said, api: api_, waits };
}

describe('api calls answered badly', () => {
  it('an HTML page with a 200 takes the error exit, the trace saying it is HTML', async () => {
    const s = await server((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html>\n<html><body>Sign in</body></html>'));
    const r = await call(s.host, `${s.url}/balance`);
    expect(r.said).toEqual(['Failed.']);
    expect(r.api).toEqual([
      expect.objectContaining({
        status: 200,
        outcome: 'error',
        message: 'the response is an HTML page (it starts "<!DOCTYPE html> <html><body>Sign in</body></html>"), so nothing can be assigned from it',
      }),
    ]);
    expect(s.calls()).toBe(1);
  });

  it('a 500 is tried again once for a GET (the wait through the port), never for a POST; then the error exit', async () => {
    const s = await server((res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}'));
    const get = await call(s.host, `${s.url}/balance`);
    expect(get.said).toEqual(['Failed.']);
    expect(get.waits).toEqual([125]); // 250 ms backoff, jittered to its lower half's edge by random 0
    expect(get.api.map((e) => [e.status, e.outcome, e.message])).toEqual([
      [500, 'error', 'attempt 1 of 2: HTTP 500; retrying in 125 ms'],
      [500, 'error', 'attempt 2 of 2'],
    ]);
    expect(get.api[1]?.response).toEqual({ error: 'boom' });
    expect(s.calls()).toBe(2);
    const post = await call(s.host, `${s.url}/balance`, { method: 'POST', body: { a: 1 } });
    expect(post.said).toEqual(['Failed.']);
    expect(s.calls()).toBe(3);
  });

  it('a 503 with Retry-After is waited for within the cap, and the retry succeeds', async () => {
    const s = await server((res, i) =>
      i === 0
        ? res.writeHead(503, { 'retry-after': '1' }).end('busy')
        : res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"balance":77}}'),
    );
    const r = await call(s.host, `${s.url}/balance`);
    expect(r.said).toEqual(['Balance 77.']);
    expect(r.waits).toEqual([1000]);
    expect(r.api.map((e) => e.outcome)).toEqual(['error', 'success']);
  });

  it('a server that hangs takes the timeout exit after each attempt timed out', async () => {
    const s = await server(() => undefined);
    const r = await call(s.host, `${s.url}/balance`, { timeoutMs: 200 });
    expect(r.said).toEqual(['Slow.']);
    expect(r.api.map((e) => [e.outcome, e.failure])).toEqual([
      ['timeout', 'timeout'],
      ['timeout', 'timeout'],
    ]);
    expect(r.api[1]?.message).toBe('attempt 2 of 2: no response within 200 ms');
  });

  it('a 50 MB body is cut at the cap: the error exit, the trace naming the size rule, and no retry', async () => {
    const chunk = Buffer.alloc(1 << 20, 'x');
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const more = () => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent >= 50) res.end();
        else res.once('drain', () => (sent++, more()));
      };
      more();
    });
    const r = await call(s.host, `${s.url}/balance`, { timeoutMs: 5000 });
    expect(r.said).toEqual(['Failed.']);
    expect(r.api).toEqual([expect.objectContaining({ outcome: 'error', failure: 'too_large', message: expect.stringMatching(/1048576|1 MB|larger/i) })]);
    expect(s.calls()).toBe(1);
  });
});

describe('the trace of a call with a secret', () => {
  it('shows the marker where the server got the value, and a value echoed back as the marker', async () => {
    let auth: string | undefined;
    const s = await server((res, _n, req) => {
      auth = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { balance: 5 }, echo: req.headers.authorization }));
    });
    const model = makeModel(
      {
        main: flow('Main', [
          n({ id: 'start', kind: 'start', next: 'call' }),
          n({
            id: 'call',
            kind: 'api',
            operation: 'op',
            url: `${s.url}/b`,
            headers: { Authorization: 'Bearer {{ secrets.bank_token }}' },
            assign: [{ var: 'account.balance', path: 'data.balance' }],
            next: 'menu',
          }),
          n({ id: 'menu', kind: 'listen', routes: [], noMatch: 'menu' }),
        ]),
      },
      { secrets: { bank_token: { hosts: [s.host] } } },
    );
    const port = createPolicyHttpPort(
      { allowHosts: [s.host] },
      { secrets: { hosts: () => [s.host], value: () => 'tok-SECRET-1', hint: () => 'PARLEY_SECRET_BANK_TOKEN' } },
    );
    cleanups.push(() => port.close());
    const engine = createEngine(model, { nlu: keywordNlu });
    const r = await runTurn(engine, initialState(engine), { type: 'start' }, { http: port });
    expect(auth).toBe('Bearer tok-SECRET-1');
    const entry = r.trace.find((e) => e.kind === 'api');
    expect(entry).toMatchObject({
      outcome: 'success',
      request: { headers: { Authorization: 'Bearer [secret bank_token]' } },
      response: { data: { balance: 5 }, echo: 'Bearer [secret bank_token]' },
    });
    expect(JSON.stringify(r.trace)).not.toContain('tok-SECRET-1');
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-15T12:00:00Z');
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 15 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 15 Jan 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('2026', now)).toBe(2_026_000);
  });
});
