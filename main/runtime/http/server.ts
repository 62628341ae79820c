// The runtime's HTTP API on Fastify: the native conversation API (JSON or server-sent events), the
// OpenAI-compatible chat completions, health, readiness, Prometheus metrics, the OpenAPI document and a small
// web chat page. A bearer token guards /v1 and /metrics unless the operator turns it off (on loopback only);
// CORS is off unless origins are configured; bodies are limited and validated; every error is JSON.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RuntimeMetrics } from '../metrics';
import { STATUS, RuntimeRequestError, type ReplyView, type RuntimeBackend } from './backend';
import { chatPage } from './chatPage';
import { openApiDocument } from './openapi';
import { ChatRequest, chunk, completion, conversationIdOf, replyText, userTexts, parleyFields } from './openai';

export interface ServerOptions {
  backend: RuntimeBackend;
  /** The bearer token clients must send; undefined only with `insecureNoToken` on a loopback host. */
  token: string | undefined;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Origins allowed to call the API from a browser (none: CORS off). */
  corsOrigins?: string[];
  /** Requests a minute per client address, and turns a minute per conversation. */
  rateLimits?: { perClient: number; perConversation: number };
  /** Largest request body, bytes (default 64 KB). */
  bodyLimit?: number;
  /** `--fixtures`: a conversation may start with a story's fixtures (`fixtures`, `now`) and forced A/B `variants`. */
  acceptFixtures?: boolean;
}

const startFields = { locale: z.string().min(2).max(20).optional(), vars: z.record(z.string(), z.unknown()).optional() };
const StartBody = z.object(startFields).strict().optional();
const FixtureStartBody = z
  .object({ ...startFields, fixtures: z.unknown().optional(), now: z.unknown().optional(), variants: z.unknown().optional() })
  .strict()
  .optional();
const MessageBody = z.union([
  z.object({ text: z.string().max(4000) }).strict(), // a blank message is an input flows handle, as in the studio
  z.object({ payload: z.string().min(1).max(500), label: z.string().max(200).optional() }).strict(),
  z.object({ event: z.string().min(1).max(100) }).strict(),
]);
const FeedbackBody = z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() }).strict();
const IdParam = z.object({ id: z.string().regex(/^[\w.:@-]{1,140}$/, 'not a conversation id') });

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new HttpError(400, 'bad_request', `${what}${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** SSE: the reply's raw stream, with a helper writing one event. */
function openStream(reply: FastifyReply) {
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  return {
    event: (name: string, data: unknown) => reply.raw.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
    raw: (text: string) => reply.raw.write(text),
    end: () => reply.raw.end(),
  };
}

const wantsStream = (req: FastifyRequest) => String(req.headers.accept ?? '').includes('text/event-stream');
/**
 * Whether the client asks for the test view of a turn (`Parley-Test-View: 1`): what `parley test --target`
 * checks (path, trace, state), only ever for a conversation started with fixtures on a --fixtures runtime. Other
 * clients get the reply alone, as in production: a fixture conversation's turn then costs what any other does.
 */
const wantsTestView = (req: FastifyRequest) => req.headers['parley-test-view'] === '1';

export async function createRuntimeServer(o: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: o.bodyLimit ?? 64 * 1024, trustProxy: false });
  const expected = o.token ? digest(o.token) : undefined;
  const { backend, metrics, logger } = o;

  if (o.corsOrigins?.length) await app.register(cors, { origin: o.corsOrigins, allowedHeaders: ['authorization', 'content-type', 'x-conversation-id'] });
  const limits = o.rateLimits ?? { perClient: 600, perConversation: 60 };
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => {
      metrics.refused('rate_limited');
      return { statusCode: 429, error: { code: 'rate_limited', message: `too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s` } };
    },
  });
  const perClient = { rateLimit: { max: limits.perClient, timeWindow: 60_000 } };
  const perConversation = {
    rateLimit: { max: limits.perConversation, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `conv:${(req.params as { id?: string }).id ?? ''}` },
  };

  app.setErrorHandler((err, req, reply) => {
    const e = err as Error & { statusCode?: number; code?: string };
    let status = 500;
    let code = 'internal';
    let message = 'the server failed to serve this request';
    if (e instanceof HttpError) [status, code, message] = [e.status, e.code, e.message];
    else if (e instanceof RuntimeRequestError) [status, code, message] = [STATUS[e.code], e.code, e.message];
    else if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') [status, code, message] = [413, 'too_large', 'the request body is too large'];
    else if (e.statusCode && e.statusCode < 500) [status, code, message] = [e.statusCode, e.statusCode === 429 ? 'rate_limited' : 'bad_request', e.message];
    if (status === 409) metrics.refused('busy');
    if (status === 503) metrics.refused('unavailable');
    if (status >= 500) logger.error({ err: e, method: req.method, url: req.routeOptions.url }, 'request failed');
    void reply.status(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler(
    (req, reply) => void reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  // The token, compared in constant time on its hash; /health, /ready, / and /openapi.json stay open.
  app.addHook('onRequest', async (req) => {
    const guarded = req.url.startsWith('/v1/') || req.url === '/metrics';
    if (!guarded || !expected) return;
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m || !timingSafeEqual(digest(m[1]!), expected))
      throw new HttpError(401, 'unauthorized', 'a bearer token is required (Authorization: Bearer <PARLEY_RUNTIME_TOKEN>)');
  });

  app.get('/health', async () => ({ ok: true, bundle: backend.bundle }));
  app.get('/ready', async (_req, reply) => {
    const ready = await backend.ready().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ ready });
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/openapi.json', async () => openApiDocument(backend.bundle));
  app.get('/', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', chatPage.csp).send(chatPage.html(backend.bundle)),
  );

  const timedTurn = async (run: () => Promise<ReplyView>) => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof RuntimeRequestError || e instanceof HttpError) throw e;
      logger.error({ err: e }, 'turn failed');
      throw new HttpError(500, 'internal', 'the turn failed');
    }
  };

  app.post('/v1/conversations', { config: perClient }, async (req, reply) => {
    const body = parse(o.acceptFixtures ? FixtureStartBody : StartBody, req.body ?? undefined, 'body') as z.infer<typeof FixtureStartBody>;
    const r = await timedTurn(() =>
      backend.start({
        ...(wantsTestView(req) ? { testView: true } : {}),
        ...(body?.locale ? { locale: body.locale } : {}),
        ...(body?.vars ? { vars: body.vars } : {}),
        ...(body && 'fixtures' in body ? { fixtures: body.fixtures } : {}),
        ...(body && 'now' in body ? { now: body.now } : {}),
        ...(body && 'variants' in body ? { variants: body.variants } : {}),
      }),
    );
    metrics.conversationStarted();
    return reply.status(201).send({ id: r.conversationId, ...r });
  });

  app.post('/v1/conversations/:id/messages', { config: perConversation }, async (req, reply) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(MessageBody, req.body, 'body');
    const input =
      'text' in body
        ? ({ type: 'text', text: body.text } as const)
        : 'payload' in body
          ? ({ type: 'button', payload: body.payload, ...(body.label ? { label: body.label } : {}) } as const)
          : ({ type: 'event', name: body.event } as const);
    const testView = wantsTestView(req) ? { testView: true } : {};
    if (!wantsStream(req)) return timedTurn(() => backend.send(id, input, testView));
    const stream = openStream(reply);
    try {
      const r = await timedTurn(() => backend.send(id, input, { ...testView, onToken: (delta) => stream.event('token', { delta }) }));
      stream.event('reply', r);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : e instanceof RuntimeRequestError ? STATUS[e.code] : 500;
      stream.event('error', { status, error: { code: e instanceof RuntimeRequestError ? e.code : 'internal', message: (e as Error).message } });
    }
    stream.end();
  });

  app.get('/v1/conversations/:id', { config: perClient }, async (req) => {
    const { id } = parse(IdParam, req.params, 'path');
    const t = await backend.transcript(id);
    if (!t) throw new HttpError(404, 'not_found', `no conversation ${id}`);
    return t;
  });

  app.post('/v1/conversations/:id/feedback', { config: perConversation }, async (req, reply) => {
    const { id } = parse(IdParam, req.params, 'path');
    const body = parse(FeedbackBody, req.body, 'body');
    await backend.feedback(id, body.score, body.comment);
    metrics.feedback(body.score);
    return reply.status(204).send();
  });

  app.post('/v1/chat/completions', { config: perClient }, async (req, reply) => {
    const body = parse(ChatRequest, req.body, 'body');
    const header = req.headers['x-conversation-id'];
    let named: string | undefined;
    try {
      named = conversationIdOf(body, typeof header === 'string' ? header : undefined);
    } catch (e) {
      throw new HttpError(400, 'bad_request', (e as Error).message);
    }
    const texts = userTexts(body).filter(Boolean);
    if (!texts.length) throw new HttpError(400, 'bad_request', 'body.messages: no user message with text');
    const model = body.model ?? backend.bundle.name;
    const created = Math.floor(Date.now() / 1000);
    const cid = `chatcmpl-${randomUUID()}`;
    const stream = body.stream ? openStream(reply) : undefined;
    try {
      const replies: ReplyView[] = [];
      // A named conversation: continue it (or start it under that name). None: replay the user messages anew.
      const existing = named ? await backend.transcript(named) : undefined;
      if (!existing) replies.push(await timedTurn(() => backend.start(named ? { id: named } : {})));
      const id = named ?? replies[0]!.conversationId;
      const toSend = named ? texts.slice(-1) : texts;
      for (const text of toSend) replies.push(await timedTurn(() => backend.send(id, { type: 'text', text })));
      // Replayed turns before the last are context, not the answer; a new named conversation shows its opening too.
      const shown = named ? replies : replies.slice(-1);
      const last = replies[replies.length - 1]!;
      const text = replyText(shown);
      if (!stream) return reply.header('x-conversation-id', parleyFields(last).conversation_id).send(completion(cid, model, created, text, last));
      // Streamed a message at a time: a turn's messages are known when the turn ends.
      stream.raw(chunk(cid, model, created, { role: 'assistant', content: '' }, null));
      text.split(/(?<=\n\n)/).forEach((part) => stream.raw(chunk(cid, model, created, { content: part }, null)));
      stream.raw(chunk(cid, model, created, {}, 'stop', { parley: parleyFields(last) }));
      stream.raw('data: [DONE]\n\n');
      stream.end();
    } catch (e) {
      if (!stream) throw e;
      const status = e instanceof HttpError ? e.status : e instanceof RuntimeRequestError ? STATUS[e.code] : 500;
      stream.raw(
        `data: ${JSON.stringify({ error: { status, code: e instanceof RuntimeRequestError ? e.code : 'internal', message: (e as Error).message } })}\n\n`,
      );
      stream.end();
    }
  });

  return app;
}
