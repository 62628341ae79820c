// A mock of the Anthropic Messages API (POST /v1/messages) on 127.0.0.1, for tests and offline demos
// (`parley mock-llm`). Replies come from a script of rules (first match wins, else an echo), and a rule can
// inject the faults a real client must survive: 429 with retry-after, 529 overloaded, 500, a slow first token,
// and a stream cut off mid-way.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkPattern, compilePattern } from '../../shared/util/regex';

// ---- the request -------------------------------------------------------------------------------------------

const contentBlock = z.looseObject({ type: z.string().min(1) });
const content = z.union([z.string(), z.array(contentBlock)]);

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content })).min(1),
  system: content.optional(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

// ---- the script --------------------------------------------------------------------------------------------

// Scripts are files, so their patterns run on RE2 (linear time) like every pattern from a project or story.
const regex = z.string().superRefine((s, ctx) => {
  const c = checkPattern(s);
  if (!c.ok) ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${c.message}` });
});

const faultSchema = z.strictObject({
  /** answer with this error instead of a reply */
  status: z.literal([429, 500, 529]).optional(),
  /** seconds, sent as the `retry-after` header with an error status */
  retryAfter: z.number().nonnegative().optional(),
  /** wait this long before the first text delta (streaming) or the whole answer */
  firstTokenDelayMs: z.number().int().nonnegative().optional(),
  /** destroy the connection after this many characters of reply text, with no message_stop */
  cutAfterChars: z.number().int().nonnegative().optional(),
  /** the fault applies to the first N requests this rule matches only; then the rule replies normally */
  times: z.number().int().positive().optional(),
});

const ruleSchema = z.strictObject({
  match: z.strictObject({ lastUser: regex.optional(), system: regex.optional() }).default({}),
  reply: z.string(),
  fault: faultSchema.optional(),
});

export const scriptSchema = z.array(ruleSchema);
export type Fault = z.infer<typeof faultSchema>;
export type Rule = z.input<typeof ruleSchema>;

const fieldPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(root)';

function parseScript(rules: unknown, where: string): z.output<typeof scriptSchema> {
  const r = scriptSchema.safeParse(rules);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${where}: ${fieldPath(i.path)}: ${i.message}`);
  throw new Error(lines.join('\n'));
}

/** Reads and validates a YAML script (a list of rules). Errors name the file and the field. */
export async function loadScript(file: string): Promise<Rule[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new Error(`${file}: invalid YAML: ${(e as Error).message}`, { cause: e });
  }
  return parseScript(data ?? [], file);
}

// ---- the server --------------------------------------------------------------------------------------------

export interface MockLlmOptions {
  /** default: any free port */
  port?: number;
  script?: Rule[];
  /** characters per text_delta (default 4) */
  chunkChars?: number;
  /** pause between text deltas (default 2 ms) */
  chunkDelayMs?: number;
  /**
   * When set, every request must carry this key (`Authorization: Bearer <key>`, as the SDK sends it, or
   * `x-api-key: <key>`); any other request gets 401 `authentication_error`, as the real API answers.
   */
  apiKey?: string;
}

export interface MockLlm {
  /** e.g. http://127.0.0.1:40123 — the SDK's `baseURL` */
  url: string;
  port: number;
  /** every valid request body, in order (including those answered with a fault) */
  requests: MessagesRequest[];
  setScript(rules: Rule[]): void;
  close(): Promise<void>;
}

const MAX_BODY = 32 * 1024 * 1024;
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const ERROR_MESSAGES: Record<number, string> = {
  429: 'Number of request tokens has exceeded your rate limit (mock).',
  500: 'Internal server error (mock).',
  529: 'Overloaded (mock).',
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));
const textOf = (c: z.infer<typeof content> | undefined): string =>
  c === undefined ? '' : typeof c === 'string' ? c : c.map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('\n');

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.resume();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startMockLlm(opts: MockLlmOptions = {}): Promise<MockLlm> {
  const chunkChars = Math.max(1, opts.chunkChars ?? 4);
  const chunkDelayMs = opts.chunkDelayMs ?? 2;
  const requests: MessagesRequest[] = [];
  let script = parseScript(opts.script ?? [], 'script');
  let matchCounts = new Map<number, number>();

  const choose = (body: MessagesRequest): { reply: string; fault: Fault | undefined } => {
    const lastUser = textOf([...body.messages].reverse().find((m) => m.role === 'user')?.content);
    const system = textOf(body.system);
    const test = (re: string | undefined, s: string) => re === undefined || compilePattern(re).test(s);
    for (const [i, rule] of script.entries()) {
      if (!test(rule.match.lastUser, lastUser) || !test(rule.match.system, system)) continue;
      const n = (matchCounts.get(i) ?? 0) + 1;
      matchCounts.set(i, n);
      const active = rule.fault && (rule.fault.times === undefined || n <= rule.fault.times);
      return { reply: rule.reply, fault: active ? rule.fault : undefined };
    }
    return { reply: `Echo: ${lastUser}`, fault: undefined };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/v1/messages' || req.method !== 'POST') {
      sendError(res, 404, `${req.method ?? ''} ${path} is not served by the mock (only POST /v1/messages)`);
      return;
    }
    if (opts.apiKey !== undefined) {
      const bearer = /^Bearer (.*)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (bearer !== opts.apiKey && req.headers['x-api-key'] !== opts.apiKey) {
        req.resume();
        return sendError(res, 401, 'invalid x-api-key');
      }
    }
    const raw = await readBody(req);
    if (raw === null) return sendError(res, 413, `request body exceeds ${MAX_BODY} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return sendError(res, 400, 'request body is not valid JSON');
    }
    const parsed = messagesRequestSchema.safeParse(json);
    if (!parsed.success) {
      return sendError(res, 400, parsed.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`).join('; '));
    }
    const body = parsed.data;
    requests.push(body);
    const { reply, fault } = choose(body);

    if (fault?.status !== undefined) {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return sendError(res, fault.status, ERROR_MESSAGES[fault.status] ?? 'error (mock)', headers);
    }

    const id = `msg_mock_${randomBytes(12).toString('hex')}`;
    const inputTokens = estimateTokens(textOf(body.system) + body.messages.map((m) => textOf(m.content)).join(''));
    const outputTokens = estimateTokens(reply);
    const cut = fault?.cutAfterChars;
    const requestId = { 'request-id': `req_mock_${randomBytes(8).toString('hex')}` };

    if (!body.stream) {
      if (fault?.firstTokenDelayMs) await sleep(fault.firstTokenDelayMs);
      const text = JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: reply }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens },
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...requestId });
      if (cut === undefined) res.end(text);
      else res.write(text.slice(0, cut), () => res.socket?.destroy());
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...requestId });
    const event = (type: string, data: Record<string, unknown>, done?: () => void) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`, done);
    event('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: 1 },
      },
    });
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    event('ping', {});
    if (fault?.firstTokenDelayMs) await sleep(fault.firstTokenDelayMs);
    const end = cut === undefined ? reply.length : Math.min(cut, reply.length);
    for (let at = 0; at < end; at += chunkChars) {
      if (res.destroyed) return;
      const text = reply.slice(at, Math.min(at + chunkChars, end));
      const last = at + chunkChars >= end;
      if (last && cut !== undefined) {
        // let the client read what was sent, then drop the connection: no content_block_stop, no message_stop
        event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }, () => {
          setTimeout(() => res.socket?.destroy(), 20);
        });
        return;
      }
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
      if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    }
    if (cut !== undefined) {
      // cut at 0 characters (or an empty reply): drop the connection straight away
      res.socket?.destroy();
      return;
    }
    event('content_block_stop', { index: 0 });
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } });
    event('message_stop', {});
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, 500, `mock failure: ${(e as Error).message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setScript(rules) {
      script = parseScript(rules, 'script');
      matchCounts = new Map();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
