import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScript, startMockLlm, type MockLlm } from './mockServer';

const MODEL = 'claude-test-model';
let mock: MockLlm;
const client = (maxRetries = 0) => new Anthropic({ apiKey: 'test', baseURL: mock.url, maxRetries });

beforeEach(async () => {
  mock = await startMockLlm();
});
afterEach(async () => {
  await mock.close();
});

describe('mock Anthropic Messages API', () => {
  it('matches script patterns in linear time: a catastrophic pattern does not block the server', async () => {
    // (a+)+b against many a's and no b: on a backtracking engine this request held the process for a minute
    mock.setScript([{ match: { lastUser: '(a+)+b' }, reply: 'never' }]);
    const text = `${'a'.repeat(30)}!`;
    const msg = await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: text }] });
    expect(msg.content).toEqual([{ type: 'text', text: `Echo: ${text}` }]);
  });

  it('answers a non-streaming request in the Messages API shape, from the script', async () => {
    mock.setScript([
      { match: { lastUser: 'refund' }, reply: 'Refunds take 5 days.' },
      { match: { system: '^You are terse' }, reply: 'OK.' },
    ]);
    const msg = await client().messages.create({
      model: MODEL,
      max_tokens: 100,
      system: 'You are a support bot.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'I want a refund please' }] }],
    });
    expect(msg).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Refunds take 5 days.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBe(Math.ceil('Refunds take 5 days.'.length / 4));

    const terse = await client().messages.create({ model: MODEL, max_tokens: 10, system: 'You are terse.', messages: [{ role: 'user', content: 'hi' }] });
    expect(terse.content).toEqual([{ type: 'text', text: 'OK.' }]);
    const echo = await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hello there' }] });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hello there' }]);
    expect(mock.requests).toHaveLength(3);
    expect(mock.requests[0]?.system).toBe('You are a support bot.');
  });

  it('streams text deltas in the real event order', async () => {
    const reply = 'Your order shipped yesterday and arrives Friday.';
    mock.setScript([{ match: {}, reply }]);
    const deltas: string[] = [];
    const events: string[] = [];
    const stream = client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'where is my order?' }] });
    stream.on('text', (t) => deltas.push(t));
    stream.on('streamEvent', (e) => events.push(e.type));
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(reply);
    expect(final.content).toEqual([{ type: 'text', text: reply }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(Math.ceil(reply.length / 4));
    const distinct = events.filter((e, i) => e !== events[i - 1]);
    expect(distinct).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(mock.requests[0]?.stream).toBe(true);
  });

  it('rejects an invalid body with the Anthropic error shape', async () => {
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('max_tokens');
    expect(mock.requests).toHaveLength(0);
  });

  it('a 429 with retry-after once, then success through the SDK retries', async () => {
    mock.setScript([{ match: { lastUser: 'busy' }, reply: 'Finally.', fault: { status: 429, retryAfter: 1, times: 1 } }]);
    const started = Date.now();
    const msg = await client(2).messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'busy?' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'Finally.' }]);
    expect(mock.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('529 overloaded beyond maxRetries surfaces as an error with status 529', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 529, retryAfter: 0.05, times: 3 } }]);
    const err = await client(1)
      .messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).toContain('overloaded_error');
    expect(mock.requests).toHaveLength(2);
  });

  it('500 is an api_error', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 500 } }]);
    const err = await client(0)
      .messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(500);
    expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).toContain('api_error');
  });

  it('delays the first token', async () => {
    mock.setScript([{ match: {}, reply: 'slow reply', fault: { firstTokenDelayMs: 150 } }]);
    const started = Date.now();
    let firstAt = 0;
    const stream = client().messages.stream({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    stream.on('text', () => (firstAt ||= Date.now()));
    expect(await stream.finalText()).toBe('slow reply');
    expect(firstAt - started).toBeGreaterThanOrEqual(140);
  });

  it('a stream cut mid-way rejects, after a proper prefix of the reply', async () => {
    const reply = 'This answer will be interrupted before it is finished.';
    mock.setScript([{ match: {}, reply, fault: { cutAfterChars: 18 } }]);
    let received = '';
    const stream = client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    stream.on('text', (t) => (received += t));
    stream.on('error', () => {});
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(reply.length);
    expect(reply.startsWith(received)).toBe(true);
    expect(received).toBe(reply.slice(0, 18));
  });
});

describe('mock API key check', () => {
  it('answers 401 authentication_error unless the request carries the expected key', async () => {
    const keyed = await startMockLlm({ apiKey: 'sk-right' });
    try {
      const ask = (apiKey: string) =>
        new Anthropic({ apiKey, baseURL: keyed.url, maxRetries: 0 }).messages.create({
          model: MODEL,
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        });
      const err = await ask('sk-wrong').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(401);
      expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).toContain('authentication_error');
      expect((await ask('sk-right')).content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
      const viaHeader = await fetch(`${keyed.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-right' },
        body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(viaHeader.status).toBe(200);
      expect(keyed.requests).toHaveLength(2);
    } finally {
      await keyed.close();
    }
  });
});

describe('scripts from YAML', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-mock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a valid script', async () => {
    const file = path.join(dir, 'ok.yaml');
    await writeFile(file, '- match: { lastUser: "^hi" }\n  reply: Hello!\n  fault: { status: 429, retryAfter: 1, times: 1 }\n- reply: fallback\n');
    const rules = await loadScript(file);
    expect(rules).toHaveLength(2);
    mock.setScript(rules);
    const msg = await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'what?' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'fallback' }]);
  });

  it('names the file and the field of a bad script', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, '- match: { lastUser: "hi" }\n  reply: Hello\n- reply: Later\n  fault: { status: 418 }\n');
    await expect(loadScript(file)).rejects.toThrow(`${file}: [1].fault.status: Invalid option: expected one of 429|500|529`);
    await writeFile(file, '- match: { lastUser: "(" }\n  reply: x\n');
    await expect(loadScript(file)).rejects.toThrow(/bad\.yaml: \[0\]\.match\.lastUser: not a valid regular expression/);
    await writeFile(file, '- match: { system: "(?<=You are )terse" }\n  reply: x\n');
    await expect(loadScript(file)).rejects.toThrow(/bad\.yaml: \[0\]\.match\.system: not a valid regular expression: lookbehind `\(\?<=` is not supported/);
    await writeFile(file, '- reply: x\n  replyy: y\n');
    await expect(loadScript(file)).rejects.toThrow(/bad\.yaml: \[0\].*replyy/);
  });
});
