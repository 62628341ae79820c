import http from 'node:http';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMainServices, type MainServices } from '../services/mainServices';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { startWebHost, type WebHost } from './server';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/api/contract';

let host: WebHost;
let services: MainServices;
let projectDir: string;

beforeAll(async () => {
  projectDir = makeTinyProject({ 'knowledge/hours.md': '# Hours\nMon–Fri 9–5\n' });
  // A secret beside the project, and a link inside the project that points at it.
  const outside = mkdtempSync(path.join(os.tmpdir(), 'parley-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'do not leak');
  symlinkSync(outside, path.join(projectDir, 'knowledge', 'escape'));
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'parley-renderer-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Parley</title>');
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  services = await createMainServices({ mode: 'web', projectDir, userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-ud-')), watch: false });
  host = await startWebHost({ services, rendererDir, port: 0, token: 'test-token-123', maxBodyBytes: 64 * 1024, checkOutput: true });
});

afterAll(async () => {
  await host.close();
  await services.dispose();
});

interface Reply {
  status: number;
  body: string;
  json: () => { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

/** A raw request, so that Host, Origin and every other header are exactly what the test says. */
function request(opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: { Host: `127.0.0.1:${host.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) });
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
  it('answers a valid call with the token', async () => {
    const r = await call('app.info', {});
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, value: { mode: 'web' } });
  });

  it('refuses an API call without the token, or with a wrong one: 401', async () => {
    const none = await request({ method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json' }, body: '{"method":"app.info","input":{}}' });
    expect(none.status).toBe(401);
    expect(none.json().error?.code).toBe('UNAUTHORIZED');
    expect((await call('app.info', {}, { Authorization: 'Bearer wrong-token-12' })).status).toBe(401);
    expect((await call('app.info', {}, { Authorization: 'test-token-123' })).status).toBe(401);
  });

  it('refuses a foreign Origin: 403, on the API and on static files', async () => {
    expect((await call('app.info', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await request({ path: '/', headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await call('app.info', {}, { Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
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
  });

  it('sends security headers with static files', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve) =>
      http.get({ host: '127.0.0.1', port: host.port, path: '/', headers: { Host: `127.0.0.1:${host.port}` } }, resolve),
    );
    res.resume();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
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

  it('does not serve files outside the renderer folder', async () => {
    const r = await request({ path: '/..%2f..%2fetc%2fpasswd.txt' });
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('root:');
  });

  it('refuses an oversized body: 413', async () => {
    const big = JSON.stringify({ method: 'file.write', input: { project: projectDir, path: 'knowledge/big.md', text: 'x'.repeat(100 * 1024), baseRevision: null } });
    const r = await request({ method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123' }, body: big });
    expect(r.status).toBe(413);
    expect(r.json().error?.code).toBe('TOO_LARGE');
  });

  it('answers bad input with a typed error, not a crash', async () => {
    const badJson = await request({ method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-123' }, body: '{not json' });
    expect(badJson.status).toBe(400);
    const unknown = await call('project.format_disk', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json().error?.code).toBe('UNKNOWN_METHOD');
    const bad = await call('flow.save', { project: projectDir, flowId: 'Main Flow', flow: {}, baseRevision: null });
    expect(bad.status).toBe(400);
    expect(bad.json().error?.message).toMatch(/^flow\.save: flowId: must be lower_snake_case/);
    const text = await request({ method: 'POST', path: '/api/call', headers: { 'Content-Type': 'text/plain', Authorization: 'Bearer test-token-123' }, body: '{}' });
    expect(text.status).toBe(415);
    // still serving after all that
    expect((await call('app.info', {})).status).toBe(200);
  });

  it('requires the token and a local Origin on the event socket, and pushes events', async () => {
    const url = `ws://127.0.0.1:${host.port}/api/events`;
    const origin = `http://127.0.0.1:${host.port}`;
    const attempt = (protocols: string[], o: string) =>
      new Promise<number | 'open'>((resolve) => {
        const ws = new WebSocket(url, protocols, { origin: o });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await attempt([WS_PROTOCOL], origin)).toBe(401);
    expect(await attempt([WS_PROTOCOL, `${WS_TOKEN_PREFIX}nope`], origin)).toBe(401);
    expect(await attempt([WS_PROTOCOL, `${WS_TOKEN_PREFIX}test-token-123`], 'http://evil.example')).toBe(403);

    const ws = new WebSocket(url, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}test-token-123`], { origin });
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<{ event: string; payload: { file: string } }>((resolve) => ws.on('message', (d) => resolve(JSON.parse(String(d)))));
    services.bus.emit('project.fileChanged', { file: 'flows/main.yaml', revision: null, problems: [] });
    expect(await got).toMatchObject({ event: 'project.fileChanged', payload: { file: 'flows/main.yaml' } });
    ws.close();
  });
});
