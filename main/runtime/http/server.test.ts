// The HTTP layer on its own, with a small scripted backend: routes, auth, validation, errors, streaming and the
// OpenAI-compatible endpoint through the official `openai` client. The runtime core behind it is tested in
// main/runtime/serve.test.ts.
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createRuntimeMetrics } from '../metrics';
import { RuntimeRequestError, type ReplyView, type RuntimeBackend } from './backend';
import { createRuntimeServer } from './server';

const TOKEN = 'test-token-0123456789';

/** An echo bot: enough behaviour to see what the HTTP layer does with replies and errors. */
function echoBackend(): RuntimeBackend & { turns: Map<string, string[]> } {
  const turns = new Map<string, string[]>();
  let n = 0;
  const reply = (id: string, turn: number, text: string): ReplyView => ({
    conversationId: id,
    turn,
    messages: [{ text }],
    quickReplies: text.startsWith('You said: menu') ? [{ id: 'a', label: 'Cards', payload: 'cards' }] : [],
    ...(text.includes('agent') ? { handoff: { queue: 'general' } } : {}),
  });
  return {
    turns,
    bundle: { name: 'echo', version: '1.0.0' },
    async start(o) {
      const id = o.id ?? `c${++n}`;
      if (turns.has(id)) throw new RuntimeRequestError('conflict', 'exists');
      turns.set(id, []);
      return reply(id, 0, o.locale === 'es' ? 'Hola' : 'Hi, I repeat what you say.');
    },
    async send(id, input, o) {
      const t = turns.get(id);
      if (!t) throw new RuntimeRequestError('not_found', `no conversation ${id}`);
      if (id === 'busy') throw new RuntimeRequestError('conflict', 'another turn is running');
      const text = input.type === 'text' ? input.text : input.type === 'button' ? `[${input.payload}]` : input.type === 'event' ? `(${input.name})` : '';
      if (text === 'crash') throw new Error('secret internal detail');
      if (text === 'store down') throw new RuntimeRequestError('unavailable', 'the session store is unavailable');
      for (const w of ['You ', 'said: ']) o?.onToken?.(w);
      t.push(text);
      return reply(id, t.length, `You said: ${text}`);
    },
    async transcript(id) {
      const t = turns.get(id);
      return t && { conversationId: id, bundleVersion: '1.0.0', turns: t.map((u, i) => ({ turn: i + 1, user: u, bot: [`You said: ${u}`] })) };
    },
    async feedback(id) {
      if (!turns.has(id)) throw new RuntimeRequestError('not_found', `no conversation ${id}`);
    },
    ready: async () => true,
  };
}

let app: FastifyInstance;
let base: string;
let backend: ReturnType<typeof echoBackend>;
const logs: string[] = [];

beforeAll(async () => {
  backend = echoBackend();
  backend.turns.set('busy', []);
  app = await createRuntimeServer({
    backend,
    token: TOKEN,
    logger: pino({}, { write: (s: string) => void logs.push(s) }),
    metrics: createRuntimeMetrics({ defaultMetrics: false }),
    rateLimits: { perClient: 1000, perConversation: 5 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(() => app?.close());

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });

describe('runtime HTTP API', () => {
  it('runs a conversation: start, messages, buttons, transcript, feedback', async () => {
    const start = await call('POST', '/v1/conversations', {});
    expect(start.status).toBe(201);
    const { id, messages } = (await start.json()) as { id: string; messages: { text: string }[] };
    expect(messages[0]!.text).toMatch(/repeat/);
    const r = await call('POST', `/v1/conversations/${id}/messages`, { text: 'menu' });
    const body = (await r.json()) as ReplyView;
    expect(body.quickReplies).toEqual([{ id: 'a', label: 'Cards', payload: 'cards' }]);
    const b = (await (await call('POST', `/v1/conversations/${id}/messages`, { payload: 'cards' })).json()) as ReplyView;
    expect(b.messages[0]!.text).toBe('You said: [cards]');
    const t = (await (await call('GET', `/v1/conversations/${id}`)).json()) as { turns: unknown[] };
    expect(t.turns).toHaveLength(2);
    expect((await call('POST', `/v1/conversations/${id}/feedback`, { score: 5, comment: 'great' })).status).toBe(204);
  });

  it('refuses without the token, and with a wrong one, but keeps health open', async () => {
    expect((await fetch(`${base}/v1/conversations`, { method: 'POST' })).status).toBe(401);
    const wrong = await call('POST', '/v1/conversations', {}, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
  });

  it('answers bad input with 400/404/409/413/503 and a JSON error, and never leaks a crash', async () => {
    const bad = await call('POST', '/v1/conversations/c1/messages', '{"text": ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    const field = await call('POST', '/v1/conversations/c1/messages', { text: 'hi', extra: 1 });
    expect(field.status).toBe(400);
    expect(((await field.json()) as { error: { message: string } }).error.message).toMatch(/^body/);
    expect((await call('POST', '/v1/conversations/nope/messages', { text: 'hi' })).status).toBe(404);
    expect((await call('POST', '/v1/conversations/busy/messages', { text: 'hi' })).status).toBe(409);
    expect((await call('POST', '/v1/conversations', { vars: { big: 'x'.repeat(70_000) } })).status).toBe(413);
    const { id } = (await (await call('POST', '/v1/conversations', {})).json()) as { id: string };
    expect((await call('POST', `/v1/conversations/${id}/messages`, { text: 'store down' })).status).toBe(503);
    const crash = await call('POST', `/v1/conversations/${id}/messages`, { text: 'crash' });
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('secret internal detail');
    expect((await call('GET', '/v2/nothing')).status).toBe(404);
    // still serving
    expect((await call('POST', `/v1/conversations/${id}/messages`, { text: 'again' })).status).toBe(200);
  });

  it('rate-limits turns per conversation', async () => {
    const { id } = (await (await call('POST', '/v1/conversations', {})).json()) as { id: string };
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await call('POST', `/v1/conversations/${id}/messages`, { text: `m${i}` })).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it('streams server-sent events when asked', async () => {
    const { id } = (await (await call('POST', '/v1/conversations', {})).json()) as { id: string };
    const r = await call('POST', `/v1/conversations/${id}/messages`, { text: 'stream me' }, { accept: 'text/event-stream' });
    expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = (await r.text())
      .trim()
      .split('\n\n')
      .map((e) => e.split('\n')[0]!.replace('event: ', ''));
    expect(events).toEqual(['token', 'token', 'reply']);
  });

  it('speaks OpenAI chat completions to the official client, streaming and not', async () => {
    const client = new OpenAI({ apiKey: TOKEN, baseURL: `${base}/v1` });
    const named = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hello' }], user: 'alice' });
    expect(named.choices[0]!.message.content).toBe('Hi, I repeat what you say.\n\nYou said: hello');
    const next = await client.chat.completions.create({
      model: 'echo',
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: '...' },
        { role: 'user', content: 'again' },
      ],
      user: 'alice',
    });
    expect(next.choices[0]!.message.content).toBe('You said: again');
    expect(backend.turns.get('oai:alice')).toEqual(['hello', 'again']);
    // no id: the history is replayed into a fresh conversation, and only the last answer is the reply
    const anonymous = await client.chat.completions.create({
      model: 'echo',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
      ],
    });
    expect(anonymous.choices[0]!.message.content).toBe('You said: two');
    expect(backend.turns.get('oai:alice')).toHaveLength(2);
    const stream = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'streamed' }], user: 'bob', stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hi, I repeat what you say.\n\nYou said: streamed');
  });

  it('documents every route it serves', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    const served = app.printRoutes({ commonPrefix: false }).split('\n').filter(Boolean);
    expect(documented.length).toBe(10);
    for (const route of documented) {
      const [method, p] = route.split(' ');
      expect(
        served.some((l) => l.includes(p!.split('/').pop()!) || p === '/'),
        `${route} is served`,
      ).toBe(true);
      expect(app.hasRoute({ method: method as 'GET', url: p! }), route).toBe(true);
    }
  });

  it('serves a chat page whose only script is its own', async () => {
    const r = await fetch(`${base}/`);
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(await r.text()).toContain('<title>echo 1.0.0</title>');
  });
});
