import http from 'node:http';
import net from 'node:net';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMainServices, type MainServices } from '../services/mainServices';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { startWebHost, type WebHost } from './server';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/api/contract';
import { CONTENT_SECURITY_POLICY } from '../../shared/api/security';

let host: WebHost;
let services: MainServices;
let projectDir: string;
let rendererDir: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

/** A raw request, so that Host, Origin and every other header are exactly what the test says. */
function request(opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; to?: WebHost }): Promise<Reply> {
  const to = opts.to ?? host;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: to.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: { Host: `127.0.0.1:${to.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      },
    );
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

const call = (method: string, input: unknown, headers: Record<string, string> = {}) =>
  request({
    method: 'POST',
    path: '/api/call',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123', ...headers },
    body: JSON.stringify({ method, input }),
  });

describe('web host', () => {
  // Set up inside this block: a failing setup then fails these tests only, not the ones below.
  beforeAll(async () => {
    projectDir = makeTinyProject({ 'knowledge/hours.md': '# Hours\nMon–Fri 9–5\n' });
    // A secret beside the project, and a link inside the project that points at it.
    const outside = mkdtempSync(path.join(os.tmpdir(), 'parley-outside-'));
    writeFileSync(path.join(outside, 'secret.txt'), 'do not leak');
    symlinkSync(outside, path.join(projectDir, 'knowledge', 'escape'));
    // The renderer folder, with a secret file beside it and a link inside it that leads out.
    const webRoot = mkdtempSync(path.join(os.tmpdir(), 'parley-webroot-'));
    rendererDir = path.join(webRoot, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(path.join(webRoot, 'beside.txt'), 'renderer neighbour secret');
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Parley</title>');
    mkdirSync(path.join(rendererDir, 'assets'));
    writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(rendererDir, 'assets', 'data.bin'), 'binary');
    for (const ext of ['mjs', 'css', 'json', 'svg', 'png', 'ico', 'ttf', 'woff', 'woff2', 'map'])
      writeFileSync(path.join(rendererDir, 'assets', `f.${ext}`), ext);
    mkdirSync(path.join(webRoot, 'renderer-outside'));
    symlinkSync(outside, path.join(rendererDir, 'assets', 'out'));
    services = await createMainServices({ mode: 'web', projectDir, userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-ud-')), watch: false });
    host = await startWebHost({ services, rendererDir, port: 0, token: 'test-token-123', maxBodyBytes: 64 * 1024, checkOutput: true });
  });

  afterAll(async () => {
    await host.close();
    await services.dispose();
  });

  it('answers a valid call with the token', async () => {
    const r = await call('app.info', {});
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, value: { mode: 'web' } });
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    // a Content-Type with parameters is still JSON
    expect((await call('app.info', {}, { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('refuses an API call without the token, or with a wrong one: 401', async () => {
    const none = await request({
      method: 'POST',
      path: '/api/call',
      headers: { 'Content-Type': 'application/json' },
      body: '{"method":"app.info","input":{}}',
    });
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'missing or wrong token' } });
    // the token under another scheme of the same length is not a bearer token
    expect((await call('app.info', {}, { Authorization: 'Token: test-token-123' })).status).toBe(401);
    expect((await call('app.info', {}, { Authorization: 'Bearer wrong-token-12' })).status).toBe(401);
    expect((await call('app.info', {}, { Authorization: 'test-token-123' })).status).toBe(401);
  });

  it('refuses a foreign Origin: 403, on the API and on static files', async () => {
    expect((await call('app.info', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await request({ path: '/', headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await call('app.info', {}, { Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await call('app.info', {}, { Origin: `http://localhost:${host.port}` })).status).toBe(200);
    const refused = await request({ path: '/', headers: { Origin: 'http://evil.example' } });
    expect(refused.body).toBe('403 Forbidden: cross-origin request refused\n');
    expect(refused.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('refuses a foreign Host (DNS rebinding): 403, static files included', async () => {
    expect((await request({ path: '/', headers: { Host: `evil.example:${host.port}` } })).status).toBe(403);
    expect((await request({ path: '/assets/app.js', headers: { Host: 'attacker.test' } })).status).toBe(403);
    expect((await call('app.info', {}, { Host: `rebind.example:${host.port}` })).status).toBe(403);
    const ok = await request({ path: '/', headers: { Host: `localhost:${host.port}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>Parley</title>');
  });

  it('refuses cross-site requests flagged by the browser: 403', async () => {
    expect((await call('app.info', {}, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await call('app.info', {}, { 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
    // our own page's requests, and the user typing the URL
    expect((await call('app.info', {}, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await request({ path: '/', headers: { 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
  });

  it('sends security headers with static files', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve) =>
      http.get({ host: '127.0.0.1', port: host.port, path: '/', headers: { Host: `127.0.0.1:${host.port}` } }, resolve),
    );
    res.resume();
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('serves the renderer: types, caching, client-side routes, HEAD, and 405 for other methods', async () => {
    const page = await request({ path: '/' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    const asset = await request({ path: '/assets/app.js' });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const types: Record<string, string> = {
      mjs: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
      json: 'application/json; charset=utf-8',
      svg: 'image/svg+xml',
      png: 'image/png',
      ico: 'image/x-icon',
      ttf: 'font/ttf',
      woff: 'font/woff',
      woff2: 'font/woff2',
      map: 'application/json; charset=utf-8',
    };
    for (const [ext, type] of Object.entries(types)) expect((await request({ path: `/assets/f.${ext}` })).headers['content-type'], ext).toBe(type);
    const unknown = await request({ path: '/assets/data.bin' });
    expect(unknown.status).toBe(200);
    expect(unknown.headers['content-type']).toBe('application/octet-stream');
    // a path without an extension is a route of the page; a missing file with one is a 404
    const route = await request({ path: '/flows/main' });
    expect(route.status).toBe(200);
    expect(route.body).toContain('<title>Parley</title>');
    expect((await request({ path: '/assets/missing.js' })).status).toBe(404);
    // an encoded slash at the start still names the file inside the folder
    expect((await request({ path: '/%2Fassets/app.js' })).body).toBe('console.log(1)');
    const head = await request({ method: 'HEAD', path: '/assets/app.js' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE']) expect((await request({ method, path: '/' })).status, method).toBe(405);
  });

  it('refuses paths outside the project: traversal, absolute, and a symlink that escapes', async () => {
    for (const p of ['../../etc/passwd', 'knowledge/../../x', '/etc/passwd', 'knowledge\\..\\..\\x']) {
      const r = await call('file.read', { path: p });
      expect(r.status, p).toBe(400);
      expect(r.json().error?.message, p).toMatch(/relative path|must not contain/);
    }
    const link = await call('file.read', { path: 'knowledge/escape/secret.txt' });
    expect(link.status).toBe(403);
    expect(link.json().error?.code).toBe('PATH_OUTSIDE_PROJECT');
    expect(link.body).not.toContain('do not leak');
    const write = await call('file.write', { project: projectDir, path: 'knowledge/escape/planted.txt', text: 'x', baseRevision: null });
    expect(write.json().error?.code).toBe('PATH_OUTSIDE_PROJECT');
    const ok = await call('file.read', { path: 'knowledge/hours.md' });
    expect(ok.json()).toMatchObject({ ok: true, value: { text: '# Hours\nMon–Fri 9–5\n' } });
  });

  it('does not serve files outside the renderer folder: encoded traversal, or a link that leads out', async () => {
    const r = await request({ path: '/..%2f..%2fetc%2fpasswd.txt' });
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('root:');
    // a file that exists right beside the renderer folder
    for (const p of ['/..%2fbeside.txt', '/assets/..%2f..%2fbeside.txt', '/%2e%2e/beside.txt', '/..%2frenderer-outside']) {
      const beside = await request({ path: p });
      expect(beside.status, p).toBe(404);
      expect(beside.body, p).not.toContain('secret');
    }
    const link = await request({ path: '/assets/out/secret.txt' });
    expect(link.status).toBe(404);
    expect(link.body).not.toContain('do not leak');
    expect((await request({ path: '/assets/app.js' })).body).toBe('console.log(1)');
  });

  it('answers a malformed path with 400, not a crash or 500', async () => {
    for (const p of ['/%E0%A4%A', '/%', '/assets/%ZZ.js', '/%C0%AF']) {
      const r = await request({ path: p });
      expect(r.status, p).toBe(400);
      expect(r.body, p).toBe('400 Bad Request: malformed URL\n');
      expect(r.headers['content-type'], p).toBe('text/plain; charset=utf-8');
    }
    expect((await request({ path: '/' })).status).toBe(200);
  });

  it('answers an unparsable request target with 400, on HTTP and on a socket upgrade, and keeps serving', async () => {
    const raw = (lines: string[]) =>
      new Promise<string>((resolve, reject) => {
        const sock = net.connect(host.port, '127.0.0.1', () => sock.write(lines.join('\r\n') + '\r\n\r\n'));
        let got = '';
        sock.on('data', (d) => (got += String(d)));
        sock.on('end', () => resolve(got));
        sock.on('close', () => resolve(got));
        sock.on('error', reject);
        setTimeout(() => sock.end(), 500);
      });
    const hostHeader = `Host: 127.0.0.1:${host.port}`;
    for (const target of ['//[', 'http://[']) {
      const get = await raw([`GET ${target} HTTP/1.1`, hostHeader, 'Connection: close']);
      expect(get, target).toMatch(/^HTTP\/1\.1 400 /);
      const upgrade = await raw([
        `GET ${target} HTTP/1.1`,
        hostHeader,
        `Origin: http://127.0.0.1:${host.port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Sec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_TOKEN_PREFIX}test-token-123`,
      ]);
      expect(upgrade.split('\r\n')[0], target).toBe('HTTP/1.1 400 Bad Request');
    }
    expect((await call('app.info', {})).status).toBe(200);
  });

  it('listens on 127.0.0.1 only, never on every interface', () => {
    expect(host.address).toBe('127.0.0.1');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
  });

  it('sends the same strict Content-Security-Policy on every response: page, asset, API, errors', async () => {
    const csps: string[] = [];
    const grab = (opts: { method?: string; path: string; headers?: Record<string, string> }, body?: string) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: host.port, ...opts, headers: { Host: `127.0.0.1:${host.port}`, ...opts.headers } }, (res) => {
          csps.push(String(res.headers['content-security-policy'] ?? ''));
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
    await grab({ path: '/' });
    await grab({ path: '/assets/app.js' });
    await grab({ path: '/missing.js' });
    await grab({ path: '/%E0%A4%A' });
    await grab({ method: 'DELETE', path: '/' });
    await grab({ path: '/', headers: { Origin: 'http://evil.example' } });
    await grab(
      { method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123' } },
      '{"method":"app.info","input":{}}',
    );
    await grab({ method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json' } }, '{}');
    expect(csps).toHaveLength(8);
    for (const csp of csps) expect(csp).toBe(CONTENT_SECURITY_POLICY);

    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    // scripts: our own files only; no inline script, no eval, no data: or blob: scripts
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'wasm-unsafe-eval'");
    // the one loosening: inline styles, which Monaco sets on its elements (style attributes cannot run code)
    for (const [name, values] of directives) if (name !== 'style-src') expect(values, name).not.toContain("'unsafe-inline'");
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });

  it('refuses an oversized body: 413', async () => {
    const big = JSON.stringify({
      method: 'file.write',
      input: { project: projectDir, path: 'knowledge/big.md', text: 'x'.repeat(100 * 1024), baseRevision: null },
    });
    const r = await request({
      method: 'POST',
      path: '/api/call',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123' },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(r.json().error).toEqual({ code: 'TOO_LARGE', message: 'request body larger than 65536 bytes' });
    expect(r.headers.connection).toBe('close');
  });

  it('refuses a body whose declared length is too large before reading it, and takes one of exactly the limit', async () => {
    const early = await new Promise<Reply>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: '/api/call',
          headers: {
            Host: `127.0.0.1:${host.port}`,
            'Content-Type': 'application/json',
            Authorization: 'Bearer test-token-123',
            'Content-Length': String(64 * 1024 + 1),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.write('{"method":'); // the rest never comes: only the declared length can tell
    });
    expect(early.status).toBe(413);

    const exact = JSON.stringify({ method: 'app.info', input: {} }).padEnd(64 * 1024, ' ');
    const r = await request({
      method: 'POST',
      path: '/api/call',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123', 'Content-Length': String(exact.length) },
      body: exact,
    });
    expect(r.status).toBe(200);
  });

  it('answers bad input with a typed error, not a crash', async () => {
    const badJson = await request({
      method: 'POST',
      path: '/api/call',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123' },
      body: '{not json',
    });
    expect(badJson.status).toBe(400);
    expect(badJson.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'body is not valid JSON' } });
    const get = await request({ method: 'GET', path: '/api/call', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123' } });
    expect(get.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'use POST' } });
    const unknown = await call('project.format_disk', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json().error?.code).toBe('UNKNOWN_METHOD');
    const bad = await call('flow.save', { project: projectDir, flowId: 'Main Flow', flow: {}, baseRevision: null });
    expect(bad.status).toBe(400);
    expect(bad.json().error?.message).toMatch(/^flow\.save: flowId: must be lower_snake_case/);
    const text = await request({
      method: 'POST',
      path: '/api/call',
      headers: { 'Content-Type': 'text/plain', Authorization: 'Bearer test-token-123' },
      body: '{}',
    });
    expect(text.status).toBe(415);
    expect(text.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'Content-Type must be application/json' } });
    const untyped = await request({
      method: 'POST',
      path: '/api/call',
      headers: { Authorization: 'Bearer test-token-123' },
      body: '{"method":"app.info","input":{}}',
    });
    expect(untyped.status).toBe(415);
    // still serving after all that
    expect((await call('app.info', {})).status).toBe(200);
  });

  it('requires the token and a local Origin on the event socket, and pushes events', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    const token = `${WS_TOKEN_PREFIX}test-token-123`;
    /** '<status> <reason>' of a refused socket, or 'open'. */
    const attempt = (protocols: string[], o: string | undefined, where = '/api/events') =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}${where}`, protocols, o === undefined ? {} : { origin: o });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(`${res.statusCode} ${res.statusMessage}`));
        ws.on('error', () => undefined);
      });
    expect(await attempt([WS_PROTOCOL], origin)).toBe('401 Unauthorized');
    expect(await attempt([WS_PROTOCOL, `${WS_TOKEN_PREFIX}nope`], origin)).toBe('401 Unauthorized');
    expect(await attempt([], origin)).toBe('401 Unauthorized');
    // the token without our subprotocol
    expect(await attempt([token], origin)).toBe('401 Unauthorized');
    expect(await attempt([WS_PROTOCOL, token], 'http://evil.example')).toBe('403 Forbidden');
    // no Origin at all: a browser always sends one, so a socket without it is not our page
    expect(await attempt([WS_PROTOCOL, token], undefined)).toBe('403 Forbidden');
    // the right token and Origin, but not the events path
    expect(await attempt([WS_PROTOCOL, token], origin, '/api/other')).toBe('404 Not Found');
    expect(await attempt([WS_PROTOCOL, token], origin)).toBe('open');

    // a browser separates the subprotocols with ", "
    const upgrade = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(host.port, '127.0.0.1', () =>
        sock.write(
          [
            'GET /api/events HTTP/1.1',
            `Host: 127.0.0.1:${host.port}`,
            `Origin: ${origin}`,
            'Connection: Upgrade',
            'Upgrade: websocket',
            'Sec-WebSocket-Version: 13',
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
            `Sec-WebSocket-Protocol: ${token}, ${WS_PROTOCOL}`,
            '',
            '',
          ].join('\r\n'),
        ),
      );
      sock.once('data', (d) => {
        resolve(String(d).split('\r\n')[0]!);
        sock.destroy();
      });
      sock.on('error', reject);
    });
    expect(upgrade).toBe('HTTP/1.1 101 Switching Protocols');

    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, [WS_PROTOCOL, token], { origin });
    await new Promise((r) => ws.on('open', r));
    expect(ws.protocol).toBe(WS_PROTOCOL);
    const got = new Promise<{ event: string; payload: { file: string } }>((resolve) => ws.on('message', (d) => resolve(JSON.parse(String(d)))));
    services.bus.emit('project.fileChanged', { file: 'flows/main.yaml', revision: null, problems: [] });
    expect(await got).toMatchObject({ event: 'project.fileChanged', payload: { file: 'flows/main.yaml' } });

    // what the page sends is ignored, up to 64 KB a message; a larger one closes the socket (1009), and the host lives on
    ws.send('x'.repeat(1024));
    const again = new Promise((resolve) => ws.once('message', resolve));
    services.bus.emit('project.fileChanged', { file: 'flows/main.yaml', revision: null, problems: [] });
    await again;
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('x'.repeat(100 * 1024));
    expect(await closed).toBe(1009);
    expect((await call('app.info', {})).status).toBe(200);
  });
});

describe('web host defaults and failures', () => {
  const bus = () => {
    const listeners = new Set<(event: string, payload: unknown) => void>();
    return {
      subscribe: (fn: (event: string, payload: unknown) => void) => {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
      emit: (event: string, payload: unknown) => listeners.forEach((fn) => fn(event, payload)),
    };
  };
  /** A host over stand-in handlers, with nothing but `rendererDir` and `log` set. */
  async function bareHost(
    handlers: Record<string, (input: unknown) => Promise<unknown>>,
    rendererDir: string,
    log: (l: string) => void,
    more: { checkOutput?: boolean; port?: number } = {},
  ) {
    const services = { handlers, bus: bus() } as unknown as Pick<MainServices, 'handlers' | 'bus'>;
    return startWebHost({ services, rendererDir, log, ...more });
  }

  it('fails to start on a port in use, and close() frees the port and ends open sockets', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-renderer-empty-'));
    const first = await bareHost({}, dir, () => undefined);
    await expect(bareHost({}, dir, () => undefined, { port: first.port })).rejects.toThrow(/EADDRINUSE/);
    const ws = new WebSocket(`ws://127.0.0.1:${first.port}/api/events`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${first.token}`], {
      origin: `http://127.0.0.1:${first.port}`,
    });
    await new Promise((r) => ws.on('open', r));
    const ended = new Promise((resolve) => ws.on('close', resolve));
    await first.close();
    await ended;
    const refused = await new Promise<string>((resolve) => {
      const sock = net.connect(first.port, '127.0.0.1', () => {
        sock.destroy();
        resolve('connected');
      });
      sock.on('error', (e: NodeJS.ErrnoException) => resolve(String(e.code)));
    });
    expect(refused).toBe('ECONNREFUSED');
    // the same fixed port is free again
    const second = await bareHost({}, dir, () => undefined, { port: first.port });
    expect(second.port).toBe(first.port);
    await second.close();
  });

  it('makes a random token per launch, takes bodies up to 16 MB, does not check outputs, and logs internal errors', async () => {
    const lines: string[] = [];
    const emptyRenderer = mkdtempSync(path.join(os.tmpdir(), 'parley-renderer-empty-'));
    const bare = await bareHost(
      {
        'app.info': async () => ({ not: 'the contract' }),
        'project.current': async () => {
          throw new Error('disk on fire');
        },
      },
      emptyRenderer,
      (l) => lines.push(l),
    );
    const other = await bareHost({ 'app.info': async () => ({ not: 'the contract' }) }, emptyRenderer, () => undefined, { checkOutput: true });
    try {
      expect(bare.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(other.token).not.toBe(bare.token);
      // checkOutput (tests) turns a reply that breaks the contract into INTERNAL
      const checked = await request({
        to: other,
        method: 'POST',
        path: '/api/call',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${other.token}` },
        body: '{"method":"app.info","input":{}}',
      });
      expect(checked.status).toBe(500);
      expect(bare.launchUrl).toBe(`http://127.0.0.1:${bare.port}/#token=${bare.token}`);
      const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${bare.token}` };
      const info = await request({ to: bare, method: 'POST', path: '/api/call', headers: auth, body: '{"method":"app.info","input":{}}' });
      expect(info.json()).toEqual({ ok: true, value: { not: 'the contract' } });
      const big = await request({
        to: bare,
        method: 'POST',
        path: '/api/call',
        headers: { ...auth, 'Content-Length': String(16 * 1024 * 1024 + 1) },
        body: '',
      });
      expect(big.status).toBe(413);
      const failed = await request({ to: bare, method: 'POST', path: '/api/call', headers: auth, body: '{"method":"project.current","input":{}}' });
      expect(failed.status).toBe(500);
      expect(lines).toContain('internal error in project.current: disk on fire');
      // no index.html to fall back on: the request fails cleanly, and the host keeps serving
      const route = await request({ to: bare, path: '/flows/main' });
      expect(route.status).toBe(500);
      expect(route.json()).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'request failed' } });
      expect(lines.some((l) => l.startsWith('request failed: ENOENT'))).toBe(true);
      expect((await request({ to: bare, method: 'POST', path: '/api/call', headers: auth, body: '{"method":"app.info","input":{}}' })).status).toBe(200);
    } finally {
      await bare.close();
      await other.close();
    }
  });
});
