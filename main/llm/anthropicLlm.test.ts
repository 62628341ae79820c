// The LLM port against the mock Messages API (main/llm/mockServer.ts) through the real @anthropic-ai/sdk:
// everything on 127.0.0.1, nothing else on the network.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmError, type LlmRequest } from '../../shared/engine/ports';
import { anthropicLlmOptions, createAnthropicLlm, PLACEHOLDER_KEY, type AnthropicLlmOptions } from './anthropicLlm';
import { KeyStoreError } from './keys';
import { startMockLlm, type MockLlm, type MockLlmOptions } from './mockServer';

const KEY = 'sk-ant-test-SECRET-0123456789';
const MODEL = 'claude-test-model';
let mock: MockLlm;
const errorsSeen: unknown[] = [];

async function withMock(opts: MockLlmOptions = {}): Promise<void> {
  await mock?.close();
  mock = await startMockLlm({ apiKey: KEY, ...opts });
}
beforeEach(async () => {
  mock = await startMockLlm({ apiKey: KEY });
});
afterEach(async () => {
  await mock.close();
});
afterAll(() => {
  // every failure of every test in this file: none may carry the key
  expect(errorsSeen.length).toBeGreaterThan(10);
  for (const e of errorsSeen) {
    const err = e as LlmError;
    expect(`${err.message} ${err.partialText ?? ''} ${JSON.stringify(err)} ${String(err.stack)}`).not.toContain(KEY);
  }
});

const llm = (over: Partial<AnthropicLlmOptions> = {}) =>
  createAnthropicLlm({ baseUrl: mock.url, apiKey: () => ({ key: KEY, source: 'env', location: 'ANTHROPIC_API_KEY' }), model: MODEL, ...over });
const ask = (text: string, over: Partial<LlmRequest> = {}): LlmRequest => ({
  flow: 'main',
  node: 'answer',
  messages: [{ role: 'user', content: text }],
  ...over,
});

/** The LlmError a promise rejects with (recorded for the key check). */
async function failure(p: Promise<unknown>): Promise<LlmError> {
  const e = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
  errorsSeen.push(e);
  expect(e).toBeInstanceOf(LlmError);
  return e as LlmError;
}

describe('streaming', () => {
  it('hands text to onToken as it arrives, in order, in more than one piece', async () => {
    await withMock({ chunkDelayMs: 15 });
    const reply = 'Your card ending 4821 has been frozen. A new one arrives in 5 days.';
    mock.setScript([{ match: { lastUser: 'card' }, reply }]);
    const deltas: Array<{ text: string; at: number }> = [];
    const started = Date.now();
    const res = await llm().complete(ask('I lost my card'), { onToken: (text) => deltas.push({ text, at: Date.now() }) });
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.text).join('')).toBe(reply);
    // progressive: the first piece came well before the last
    expect(deltas.at(-1)!.at - deltas[0]!.at).toBeGreaterThanOrEqual(100);
    expect(deltas[0]!.at - started).toBeLessThan(Date.now() - started);
    expect(res).toMatchObject({ text: reply, model: MODEL, stopReason: 'end_turn', attempts: 1 });
    expect(res.partial).toBeUndefined();
    expect(mock.requests[0]?.stream).toBe(true);
  });

  it('records usage, time to first token and total time', async () => {
    const reply = 'Branches open at nine.';
    mock.setScript([{ match: {}, reply, fault: { firstTokenDelayMs: 200 } }]);
    const system = 'You are the Acme Bank assistant.';
    const res = await llm().complete(ask('When do branches open?', { system }));
    expect(res.ttftMs).toBeGreaterThanOrEqual(190);
    expect(res.totalMs).toBeGreaterThanOrEqual(res.ttftMs);
    expect(res.usage).toEqual({ inputTokens: Math.ceil((system + 'When do branches open?').length / 4), outputTokens: Math.ceil(reply.length / 4) });
  });

  it('measures with the injected clock', async () => {
    let t = 1_000;
    const clock = { now: () => (t += 10) };
    const res = await llm({ clock }).complete(ask('hi'));
    expect(res.ttftMs % 10).toBe(0);
    expect(res.ttftMs).toBeGreaterThan(0);
    expect(res.totalMs).toBeGreaterThan(res.ttftMs);
  });

  it('sends the per-node model, temperature, maxTokens and system; falls back to the project defaults', async () => {
    const port = createAnthropicLlm(anthropicLlmOptions({ model: 'project-model', maxTokens: 300, temperature: 0.2, baseUrl: mock.url }, () => KEY));
    await port.complete(ask('first'));
    const res = await port.complete(ask('second', { model: 'node-model', temperature: 0.9, maxTokens: 42, system: 'Be brief.' }));
    expect(res.model).toBe('node-model');
    expect(mock.requests[0]).toMatchObject({ model: 'project-model', max_tokens: 300, temperature: 0.2, stream: true });
    expect(mock.requests[0]?.system).toBeUndefined();
    expect(mock.requests[1]).toMatchObject({ model: 'node-model', max_tokens: 42, temperature: 0.9, system: 'Be brief.' });
    expect(mock.requests[1]?.messages).toEqual([{ role: 'user', content: 'second' }]);
  });
});

describe('retries', () => {
  it('429 with retry-after: waits what the server asked, then succeeds', async () => {
    mock.setScript([{ match: { lastUser: 'busy' }, reply: 'Finally.', fault: { status: 429, retryAfter: 1, times: 1 } }]);
    const started = Date.now();
    const res = await llm().complete(ask('busy?'));
    expect(res.text).toBe('Finally.');
    expect(res.attempts).toBe(2);
    expect(mock.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(res.ttftMs).toBeGreaterThanOrEqual(950); // the wait counts towards the first token
  });

  it('529 is retried maxRetries times, then a clear overloaded error', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 529, retryAfter: 0.05 } }]);
    const err = await failure(llm().complete(ask('hi')));
    expect(err.kind).toBe('overloaded');
    expect(err.message).toMatch(/^the model is overloaded \(529\) after 3 attempts/);
    expect(mock.requests).toHaveLength(3);

    mock.setScript([{ match: {}, reply: 'never', fault: { status: 529, retryAfter: 0.05 } }]);
    const fewer = await failure(llm({ maxRetries: 1 }).complete(ask('hi')));
    expect(fewer.message).toMatch(/after 2 attempts/);
    expect(mock.requests).toHaveLength(5);
  });

  it('529 once, then success', async () => {
    mock.setScript([{ match: {}, reply: 'Back.', fault: { status: 529, retryAfter: 0.05, times: 1 } }]);
    const res = await llm().complete(ask('hi'));
    expect(res).toMatchObject({ text: 'Back.', attempts: 2 });
  });

  it('500 without retry-after backs off on its own, then a server error', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 500 } }]);
    const started = Date.now();
    const err = await failure(llm({ maxRetries: 1 }).complete(ask('hi')));
    expect(err.kind).toBe('server');
    expect(err.message).toMatch(/^the model server failed \(500\) after 2 attempts: Internal server error \(mock\)\./);
    expect(mock.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350); // the SDK's first backoff: 0.5 s less up to 25 % jitter
  });

  it('429 after the limit is rate_limited', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 429, retryAfter: 0.02 } }]);
    const err = await failure(llm({ maxRetries: 0 }).complete(ask('hi')));
    expect(err.kind).toBe('rate_limited');
    expect(err.message).toMatch(/^the rate limit was reached \(429\) after 1 attempt:/);
  });

  it('does not wait for a retry-after longer than the call timeout: fails at once', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 529, retryAfter: 30 } }]);
    const started = Date.now();
    const err = await failure(llm({ timeoutMs: 3000 }).complete(ask('hi')));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err.kind).toBe('overloaded');
    expect(err.message).toContain("it asked to retry after 30 s, beyond the call's 3 s timeout");
    expect(mock.requests).toHaveLength(1);
  });

  it('a timeout that runs out during the backoff keeps the real cause', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 529 } }]); // no retry-after: the SDK backs off 0.5 s, 1 s
    const err = await failure(llm({ timeoutMs: 700 }).complete(ask('hi')));
    expect(err.kind).toBe('overloaded');
    expect(err.message).toMatch(/the model is overloaded \(529\) after \d attempts?; the call's 0.7 s timeout ran out/);
  });
});

describe('cut streams, timeouts and cancellation', () => {
  it('a stream cut mid-way resolves with the text so far, marked partial, and is not retried', async () => {
    const reply = 'This answer will be interrupted before it is finished.';
    mock.setScript([{ match: {}, reply, fault: { cutAfterChars: 18 } }]);
    let streamed = '';
    const res = await llm().complete(ask('hi'), { onToken: (t) => (streamed += t) });
    expect(res).toMatchObject({ text: reply.slice(0, 18), partial: true, stopReason: null, attempts: 1 });
    expect(streamed).toBe(res.text);
    expect(mock.requests).toHaveLength(1);
  });

  it('a connection dropped before any text is a network error', async () => {
    mock.setScript([{ match: {}, reply: 'never seen', fault: { cutAfterChars: 0 } }]);
    const err = await failure(llm({ maxRetries: 0 }).complete(ask('hi')));
    expect(err.kind).toBe('network');
    expect(err.partialText).toBeUndefined();
  });

  it('no first token within timeoutMs → timeout, promptly, without a retry', async () => {
    mock.setScript([{ match: {}, reply: 'too late', fault: { firstTokenDelayMs: 3000 } }]);
    const started = Date.now();
    const err = await failure(llm().complete(ask('hi', { timeoutMs: 300 })));
    const took = Date.now() - started;
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`the model did not start answering within 0.3 s (${MODEL} at 127.0.0.1:${mock.port})`);
    expect(took).toBeGreaterThanOrEqual(290);
    // it did not wait for the server's first token (3 s): a behaviour, not a speed check, so no tighter bound
    expect(took).toBeLessThan(3000);
    expect(mock.requests).toHaveLength(1);
  });

  it('the abort signal cancels a call waiting for its first token, and the request', async () => {
    mock.setScript([{ match: {}, reply: 'too late', fault: { firstTokenDelayMs: 3000 } }]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const started = Date.now();
    const err = await failure(llm().complete(ask('hi'), { signal: ac.signal }));
    expect(err.kind).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('cancels mid-stream, keeping the text so far in partialText', async () => {
    await withMock({ chunkDelayMs: 40 });
    const reply = 'A long answer that streams slowly, piece by piece, for a while.';
    mock.setScript([{ match: {}, reply }]);
    const ac = new AbortController();
    let streamed = '';
    const err = await failure(
      llm().complete(ask('hi'), {
        signal: ac.signal,
        onToken: (t) => {
          streamed += t;
          if (streamed.length >= 8) ac.abort();
        },
      }),
    );
    expect(err.kind).toBe('cancelled');
    expect(err.partialText).toBe(streamed);
    expect(streamed.length).toBeLessThan(reply.length);
  });

  it('cancels during a retry wait, and before starting', async () => {
    mock.setScript([{ match: {}, reply: 'never', fault: { status: 429, retryAfter: 10 } }]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = Date.now();
    const err = await failure(llm({ timeoutMs: 60_000 }).complete(ask('hi'), { signal: ac.signal }));
    expect(err.kind).toBe('cancelled');
    // cancelled inside the 10 s retry wait, not after it (a behaviour bound: a busy machine stays far below it)
    expect(Date.now() - started).toBeLessThan(5000);
    expect(mock.requests).toHaveLength(1);

    const already = await failure(llm().complete(ask('hi'), { signal: AbortSignal.abort() }));
    expect(already.kind).toBe('cancelled');
    expect(mock.requests).toHaveLength(1);
  });

  it('an onToken callback that throws stops the call with its own error', async () => {
    await withMock({ chunkDelayMs: 20 });
    mock.setScript([{ match: {}, reply: 'one two three four five six seven' }]);
    const boom = new Error('renderer gone');
    await expect(
      llm().complete(ask('hi'), {
        onToken: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
  });
});

describe('keys and configuration', () => {
  it('401 → auth, naming the key source to check, never the key', async () => {
    const wrong = 'sk-ant-WRONG-key-987654';
    const err = await failure(llm({ apiKey: () => ({ key: wrong, source: 'env', location: 'ACME_KEY' }) }).complete(ask('hi')));
    expect(err.kind).toBe('auth');
    expect(err.message).toBe('the model server rejected the API key (401): invalid x-api-key. Check the environment variable ACME_KEY.');
    expect(err.message).not.toContain(wrong);
    expect(mock.requests).toHaveLength(0); // not retried, not even parsed

    const fromConfig = await failure(
      llm({ apiKey: () => ({ key: wrong, source: 'config', location: '/home/u/.config/parley/credentials.json' }) }).complete(ask('hi')),
    );
    expect(fromConfig.message).toContain('Check the key in /home/u/.config/parley/credentials.json.');
    const fromKeychain = await failure(llm({ apiKey: () => ({ key: wrong, source: 'keychain', location: '/x' }) }).complete(ask('hi')));
    expect(fromKeychain.message).toContain('Check the key saved in Settings (OS keychain).');
  });

  it('redacts the key even when a server echoes it back', async () => {
    const echo: Server = createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      const status = req.headers['x-test-status'] ? Number(req.headers['x-test-status']) : 400;
      res.writeHead(status, { 'content-type': 'application/json', 'x-should-retry': 'false' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: `bad request from ${auth}` } }));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    try {
      const err = await failure(llm({ baseUrl: url }).complete(ask('hi')));
      expect(err.kind).toBe('bad_request');
      expect(err.message).toBe('the model server rejected the request (400): bad request from Bearer [redacted]');
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });

  it('redacts parts of the key a server echoes: the middle 8 or 20 characters, or the key split by a line break', async () => {
    const long = 'sk-ant-api03-Zq8vN2xLr5TkWc1HjPm7YsBd4GfUe9Ao3KiXt6RwVn0QyMlEb-hJ2cD5sF8gA1kP7uZx4vT9wR3nL6mB0qY2eC-AAAA';
    const echo: Server = createServer((req, res) => {
      const key = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer /, '');
      const message = `middle8=${key.slice(40, 48)} middle20=${key.slice(30, 50)} split=${key.slice(0, 50)}\n${key.slice(50)} seven=${key.slice(60, 67)}`;
      res.writeHead(400, { 'content-type': 'application/json', 'x-should-retry': 'false' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    try {
      const err = await failure(llm({ baseUrl: url, apiKey: () => long }).complete(ask('hi')));
      expect(err.message).toBe(
        `the model server rejected the request (400): middle8=[redacted] middle20=[redacted] split=[redacted]\n[redacted] seven=${long.slice(60, 67)}`,
      );
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });

  it('redacts a part of the key in the reply text and in partialText', async () => {
    const fragment = KEY.slice(4, 20);
    mock.setScript([{ match: {}, reply: `here is ${fragment} for you` }]);
    const res = await llm().complete(ask('hi'));
    expect(res.text).toBe('here is [redacted] for you');

    await withMock({ chunkDelayMs: 30 });
    mock.setScript([{ match: {}, reply: `${fragment} and then a long tail of words that keeps streaming for a while` }]);
    const controller = new AbortController();
    let streamed = '';
    const err = await failure(
      llm().complete(ask('hi'), {
        signal: controller.signal,
        onToken: (t) => {
          streamed += t;
          if (streamed.length > fragment.length + 6) controller.abort();
        },
      }),
    );
    expect(err.kind).toBe('cancelled');
    expect(err.partialText).toMatch(/^\[redacted\] and/);
  });

  it('no key for a remote server → not_configured, before any request', async () => {
    const err = await failure(llm({ baseUrl: 'https://models.example.invalid', apiKey: () => null }).complete(ask('hi')));
    expect(err.kind).toBe('not_configured');
    expect(err.message).toMatch(/^no API key is set for models\.example\.invalid: save a key in Settings, set the environment variable ANTHROPIC_API_KEY/);
    const viaSettings = createAnthropicLlm(anthropicLlmOptions({ model: MODEL, baseUrl: 'https://models.example.invalid', apiKeyEnv: 'ACME_KEY' }, () => null));
    expect((await failure(viaSettings.complete(ask('hi')))).message).toContain('ACME_KEY');
  });

  it('a loopback server needs no key: a placeholder is sent', async () => {
    await withMock({ apiKey: PLACEHOLDER_KEY });
    const res = await llm({ apiKey: () => null }).complete(ask('hello'));
    expect(res.text).toBe('Echo: hello');

    await withMock({ apiKey: 'sk-the-server-wants-this' });
    const err = await failure(llm({ apiKey: () => undefined }).complete(ask('hello')));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain(`Check whether the server at ${mock.url} needs an API key (none is set:`);
  });

  it('a key source that fails (e.g. a credentials file readable by others) → not_configured with its message', async () => {
    const err = await failure(
      llm({
        apiKey: () => {
          throw new KeyStoreError(
            '/home/u/.config/parley/credentials.json is readable by other users (mode 644); Run: chmod 600 /home/u/.config/parley/credentials.json',
          );
        },
      }).complete(ask('hi')),
    );
    expect(err.kind).toBe('not_configured');
    expect(err.message).toContain('chmod 600 /home/u/.config/parley/credentials.json');
  });

  it('an unreachable server → network, connection refused', async () => {
    const url = mock.url;
    await mock.close();
    const err = await failure(llm({ baseUrl: url, maxRetries: 0 }).complete(ask('hi')));
    expect(err.kind).toBe('network');
    expect(err.message).toBe(`could not reach the model server at 127.0.0.1:${mock.port} (connection refused) after 1 attempt`);
    mock = await startMockLlm(); // for afterEach
  });

  it('no model anywhere → not_configured; no messages → bad_request', async () => {
    expect((await failure(llm({ model: undefined }).complete(ask('hi')))).kind).toBe('not_configured');
    expect((await failure(llm().complete(ask('hi', { messages: [] })))).kind).toBe('bad_request');
    expect(mock.requests).toHaveLength(0);
  });

  it('picks up a new key without being rebuilt', async () => {
    let key = 'sk-old-key-0000';
    const port = llm({ apiKey: () => key });
    expect((await failure(port.complete(ask('hi')))).kind).toBe('auth');
    key = KEY;
    expect((await port.complete(ask('hi'))).text).toBe('Echo: hi');
  });
});

describe('streams the mock cannot script (a raw SSE server on 127.0.0.1)', () => {
  type Step = { event: string; data: Record<string, unknown> } | { wait: number } | 'hang' | 'end';
  let raw: Server;
  let rawUrl = '';
  let closedAt: number | null = null;
  const sse = (steps: Step[]) => {
    raw?.close();
    closedAt = null;
    raw = createServer((req, res) => {
      req.resume();
      res.on('close', () => (closedAt ??= Date.now()));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        for (const s of steps) {
          if (s === 'hang') return;
          if (s === 'end') return void res.end();
          if ('wait' in s) await new Promise((r) => setTimeout(r, s.wait));
          else res.write(`event: ${s.event}\ndata: ${JSON.stringify({ type: s.event, ...s.data })}\n\n`);
        }
      })();
    });
    return new Promise<void>((r) =>
      raw.listen(0, '127.0.0.1', () => {
        rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
        r();
      }),
    );
  };
  const start: Step = {
    event: 'message_start',
    data: {
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 7, output_tokens: 1 },
      },
    },
  };
  const block: Step = { event: 'content_block_start', data: { index: 0, content_block: { type: 'text', text: '' } } };
  const delta = (text: string): Step => ({ event: 'content_block_delta', data: { index: 0, delta: { type: 'text_delta', text } } });
  afterAll(() => raw?.close());
  afterEach(() => raw?.closeAllConnections());

  it('cancelling closes the HTTP connection', async () => {
    await sse([start, block, 'hang']);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await failure(llm({ baseUrl: rawUrl }).complete(ask('hi'), { signal: ac.signal }));
    const abortedAt = Date.now();
    expect(err.kind).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 100));
    expect(closedAt).not.toBeNull();
    expect(closedAt! - abortedAt).toBeLessThan(100);
  });

  it('a timeout closes the HTTP connection too', async () => {
    await sse([start, block, 'hang']);
    const err = await failure(llm({ baseUrl: rawUrl, timeoutMs: 200 }).complete(ask('hi')));
    expect(err.kind).toBe('timeout');
    await new Promise((r) => setTimeout(r, 100));
    expect(closedAt).not.toBeNull();
  });

  it('a stream that stalls after some text resolves partial once timeoutMs of silence has passed', async () => {
    await sse([start, block, delta('Your balance '), { wait: 50 }, delta('is '), 'hang']);
    const started = Date.now();
    const res = await llm({ baseUrl: rawUrl, timeoutMs: 300 }).complete(ask('balance?'));
    expect(res).toMatchObject({ text: 'Your balance is ', partial: true, stopReason: null, usage: { inputTokens: 7, outputTokens: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(330); // 50 ms of text, then 300 ms of silence
  });

  it('a slow but steady stream is not cut by timeoutMs (it bounds silence, not length)', async () => {
    const steps: Step[] = [start, block];
    for (let i = 0; i < 8; i++) steps.push(delta(`w${i} `), { wait: 60 });
    steps.push(
      { event: 'message_delta', data: { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 8 } } },
      { event: 'message_stop', data: {} },
      'end',
    );
    await sse(steps);
    const res = await llm({ baseUrl: rawUrl, timeoutMs: 250 }).complete(ask('hi'));
    expect(res.totalMs).toBeGreaterThan(400);
    expect(res).toMatchObject({ text: 'w0 w1 w2 w3 w4 w5 w6 w7 ', stopReason: 'end_turn', usage: { inputTokens: 7, outputTokens: 8 } });
    expect(res.partial).toBeUndefined();
  });

  it('an error event before any text maps to its kind; after some text, the reply is partial', async () => {
    const overloaded: Step = { event: 'error', data: { error: { type: 'overloaded_error', message: 'Overloaded' } } };
    await sse([start, block, overloaded, 'end']);
    const err = await failure(llm({ baseUrl: rawUrl }).complete(ask('hi')));
    expect(err.kind).toBe('overloaded');
    expect(err.message).toBe('the model stopped with an error before answering (overloaded_error): Overloaded');

    await sse([start, block, delta('Half an '), overloaded, 'end']);
    const res = await llm({ baseUrl: rawUrl }).complete(ask('hi'));
    expect(res).toMatchObject({ text: 'Half an ', partial: true });
  });

  it('a stream that ends cleanly without message_stop is partial', async () => {
    await sse([start, block, delta('Cut short'), 'end']);
    expect(await llm({ baseUrl: rawUrl }).complete(ask('hi'))).toMatchObject({ text: 'Cut short', partial: true });
  });
});
