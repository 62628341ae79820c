// An exported bundle served over HTTP: the composition of the runtime. Verify the bundle (signature when the
// operator gives the public key, every file's hash always), build the engine from it (the trained NLU as
// exported: nothing is trained here), the turn runner and the conversations service over the session store
// (Redis with REDIS_URL, else memory), and serve them with the HTTP layer, writing transcripts, metrics and logs.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { createEngine } from '../../shared/engine/engine';
import type { EnginePorts } from '../../shared/engine/engine';
import type { Output, SessionState } from '../../shared/engine/types';
import { extractSlotValue } from '../../shared/nlu/entities';
import { ConversationError, createConversations, type ConversationTurn } from '../../shared/runtime/conversations';
import { fixturePorts, type Fixtures } from '../../shared/runtime/fixtures';
import { createMemorySessionStore } from '../../shared/runtime/memoryStore';
import { SessionStoreUnavailableError, type SessionStore } from '../../shared/runtime/sessionStore';
import { memoRedact } from '../../shared/runtime/stored';
import { createTurnRunner } from '../../shared/runtime/turnRunner';
import { Story } from '../../shared/stories/schema';
import { turnEvent } from '../../shared/transcripts/format';
import { turnVariants } from '../../shared/engine/variants';
import { createRedactor } from '../../shared/util/redact';
import { verifyBundle } from '../export/verify';
import { createBundlePorts, type BundlePortsOptions } from './bundlePorts';
import { describeConfig, type RuntimeConfig } from './config';
import { RuntimeRequestError, type ReplyView, type RuntimeBackend, type TestTurnView, type TranscriptView } from './http/backend';
import { createRuntimeServer } from './http/server';
import { createRuntimeLogger } from './log';
import { createRuntimeMetrics } from './metrics';
import { createRedisSessionStore } from './redisStore';
import { folderTranscripts, stdoutTranscripts, type TranscriptSink } from './transcriptSink';

export interface RuntimeOptions {
  env: Record<string, string | undefined>;
  /** Logs (default stdout). */
  logDestination?: DestinationStream;
  /** Tests: DNS and loopback addresses the outbound policy may reach. */
  outbound?: BundlePortsOptions['outbound'];
}

export interface RunningRuntime {
  url: string;
  close(): Promise<void>;
}

/** What `--fixtures` lets a client send when it starts a conversation (a story's fixtures and clock). */
const FixtureStart = z.strictObject({ fixtures: Story.shape.fixtures, now: z.iso.datetime({ offset: true }).optional() });

const wrap = <T>(p: Promise<T>): Promise<T> =>
  p.catch((e: unknown) => {
    if (e instanceof ConversationError) throw new RuntimeRequestError(e.code, e.message);
    if (e instanceof SessionStoreUnavailableError) throw new RuntimeRequestError('unavailable', 'the session store is unavailable; retry shortly');
    throw e;
  });

/** A conversation started with fixtures (`--fixtures`): its ports, made once as a story's are, and what they heard. */
interface FixtureConversation {
  ports: EnginePorts;
  /** Last turn (epoch ms): entries idle longer than the session TTL are dropped, as their sessions are. */
  touched: number;
  /** The first model request of the current turn that no fixture answered. */
  unanswered?: string;
}

/** What `parley test --target` checks of a turn of a conversation started with fixtures (backend.ts TestTurnView). */
function testViewOf(t: ConversationTurn, f: FixtureConversation): TestTurnView {
  const { path, outputs, trace, state } = t.turn;
  return {
    path,
    outputs,
    trace,
    state: {
      locale: state.locale,
      turn: state.turn,
      vars: state.vars,
      wait: state.wait,
      ...(state.ended ? { ended: state.ended } : {}),
      transcript: state.transcript,
      last: state.last,
    },
    ...(f.unanswered ? { unanswered: f.unanswered } : {}),
  };
}

function replyOf(t: ConversationTurn, fixture?: FixtureConversation): ReplyView {
  const { outputs, state } = t.turn;
  const text = outputs.filter((o): o is Extract<Output, { type: 'text' }> => o.type === 'text');
  const handoff = outputs.find((o): o is Extract<Output, { type: 'handoff' }> => o.type === 'handoff');
  return {
    conversationId: t.id,
    // the engine counts the opening as turn 1; clients count it as 0, user turns from 1
    turn: Math.max(0, state.turn - 1),
    messages: text.map((o) => ({ text: o.text, copyId: o.copyId, ...(o.quickReplies ? { quickReplies: o.quickReplies } : {}) })),
    quickReplies: state.quickReplies.map((q) => ({ id: q.id, label: q.label, payload: q.payload })),
    ...(handoff
      ? { handoff: { queue: handoff.queue, ...(handoff.reason ? { reason: handoff.reason } : {}), ...(handoff.summary ? { summary: handoff.summary } : {}) } }
      : {}),
    ...(state.ended ? { ended: { outcome: state.ended.outcome } } : {}),
    ...(fixture ? { test: testViewOf(t, fixture) } : {}),
  };
}

function transcriptOf(id: string, bundleVersion: string, state: SessionState): TranscriptView {
  const turns: TranscriptView['turns'] = [];
  let current: TranscriptView['turns'][number] = { turn: 0, bot: [] };
  for (const e of state.transcript) {
    if (e.role === 'user') {
      if (current.user !== undefined || current.bot.length) turns.push(current);
      current = { turn: (current.turn ?? 0) + 1, user: e.text, bot: [] };
    } else current.bot.push(e.text);
  }
  if (current.user !== undefined || current.bot.length) turns.push(current);
  return { conversationId: id, bundleVersion, turns, ...(state.ended ? { ended: { outcome: state.ended.outcome } } : {}) };
}

export async function startRuntime(config: RuntimeConfig, o: RuntimeOptions): Promise<RunningRuntime> {
  const publicKey = config.publicKeyFile ? await readFile(config.publicKeyFile, 'utf8') : null;
  const bundle = await verifyBundle(config.bundleDir, publicKey);
  const { manifest, project } = bundle;
  const entities = project.nlu.entities ?? [];
  const engine = createEngine(project, { nlu: bundle.nlu, extractSlot: (type, text, ctx) => extractSlotValue(type, text, { entities, ...ctx }) });
  const runner = createTurnRunner({ engine });
  const bundlePorts = createBundlePorts({
    manifest: project.manifest,
    knowledge: bundle.knowledge,
    env: o.env,
    ...(config.environment ? { environment: config.environment } : {}),
    ...(config.llmBaseUrl ? { llmBaseUrl: config.llmBaseUrl } : {}),
    ...(o.outbound ? { outbound: o.outbound } : {}),
  });
  const secrets = createRedactor([
    config.token,
    ...Object.entries(o.env)
      .filter(([k]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(k))
      .map(([, v]) => v),
  ]);
  const redact = (s: string) => runner.redact(secrets(s));
  // log lines repeat their strings (ids, paths): each is redacted once
  const logger = createRuntimeLogger({ level: config.logLevel, redact: memoRedact(redact), ...(o.logDestination ? { destination: o.logDestination } : {}) });
  const metrics = createRuntimeMetrics();
  const info = { name: manifest.name, version: manifest.version };
  const sink: TranscriptSink | undefined =
    config.transcripts === '-' ? stdoutTranscripts() : config.transcripts ? folderTranscripts(config.transcripts) : undefined;

  const store: SessionStore = config.redisUrl
    ? await createRedisSessionStore({ url: config.redisUrl, ttlMs: config.sessionTtlMs, onConnectionError: (e) => logger.warn({ err: e }, 'Redis connection') })
    : createMemorySessionStore({
        ttlMs: config.sessionTtlMs,
        onExpire: (r) => {
          if (r.state.ended) return;
          const w = r.state.wait;
          sink?.write({
            v: 1,
            type: 'abandoned',
            conversation: r.id,
            bundle: { name: manifest.name, version: r.bundleVersion },
            at: new Date().toISOString(),
            lastTurn: r.state.turn,
            ...(w && w.kind !== 'idle' ? { waitingAt: `${w.flow}/${w.node}` } : {}),
          });
        },
      });
  // conversations started with fixtures: their ports live as long as the conversation, as a story's do (API
  // responses given as a list go on in order from one turn to the next)
  const fixtures = new Map<string, FixtureConversation>();
  const fixtureConversation = (f: Fixtures | undefined, now: string | undefined): FixtureConversation => {
    const now0 = Date.now();
    for (const [id, old] of fixtures) if (old.touched < now0 - config.sessionTtlMs) fixtures.delete(id);
    const c: FixtureConversation = { ports: bundlePorts.ports, touched: now0 };
    c.ports = fixturePorts(f, {
      ...(now ? { now } : {}),
      ...(bundlePorts.ports.retrieval ? { retrieval: bundlePorts.ports.retrieval } : {}),
      onUnanswered: (message) => {
        c.unanswered ??= message;
      },
    });
    return c;
  };
  // called once per turn, holding the conversation's lease: the turn hears afresh
  const portsFor = (id: string): EnginePorts => {
    const f = fixtures.get(id);
    if (!f) return bundlePorts.ports;
    f.touched = Date.now();
    delete f.unanswered;
    return f.ports;
  };
  const reply = (t: ConversationTurn): ReplyView => replyOf(t, fixtures.get(t.id));
  const conversations = createConversations({ runner, bundleVersion: manifest.version, store, portsFor, newId: randomUUID, leaseMs: config.leaseMs });

  /** After a turn: its metrics, its transcript event and a log line (no words). */
  const record = (t: ConversationTurn, input: Parameters<RuntimeBackend['send']>[1] | { type: 'start' }, started: number) => {
    const ms = Date.now() - started;
    metrics.turn(t.turn, ms / 1000);
    const locale = t.turn.state.locale;
    sink?.write(
      turnEvent(t.turn, {
        conversation: t.id,
        bundle: info,
        at: started,
        ms,
        turn: Math.max(0, t.turn.state.turn - 1),
        input,
        variants: turnVariants(t.turn),
        redact: (s) => runner.redact(secrets(s), locale),
      }),
    );
    logger.info(
      {
        conversation: t.id,
        turn: Math.max(0, t.turn.state.turn - 1),
        path: t.turn.path.map((p) => `${p.flow}/${p.node}`).slice(-3),
        ms,
        ...(t.restarted ? { restarted: t.restarted } : {}),
      },
      'turn',
    );
  };

  const backend: RuntimeBackend = {
    bundle: info,
    async start(so) {
      const started = Date.now();
      let fx: z.infer<typeof FixtureStart> | undefined;
      if ('fixtures' in so || 'now' in so) {
        if (!config.fixtures) throw new RuntimeRequestError('bad_request', 'fixtures are accepted only by a runtime started with --fixtures (loopback)');
        const r = FixtureStart.safeParse({ fixtures: (so as { fixtures?: unknown }).fixtures, now: (so as { now?: unknown }).now });
        if (!r.success) throw new RuntimeRequestError('bad_request', `body.${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
        fx = r.data;
      }
      const id = so.id ?? randomUUID();
      if (fx) fixtures.set(id, fixtureConversation(fx.fixtures, fx.now));
      const t = await wrap(conversations.start({ id, ...(so.locale ? { locale: so.locale } : {}), ...(so.vars ? { vars: so.vars } : {}) }));
      record(t, { type: 'start' }, started);
      return reply(t);
    },
    async send(id, input, so) {
      const started = Date.now();
      const t = await wrap(conversations.send(id, input, { ...(so?.onToken ? { onToken: (_at, delta) => so.onToken!(delta) } : {}) }));
      record(t, input, started);
      return reply(t);
    },
    async transcript(id) {
      const r = await wrap(conversations.get(id)).catch((e: unknown) => {
        if (e instanceof RuntimeRequestError && e.code === 'not_found') return undefined;
        throw e;
      });
      return r && transcriptOf(id, r.bundleVersion, r.state);
    },
    async feedback(id, score, comment) {
      const r = await wrap(conversations.get(id));
      sink?.write({
        v: 1,
        type: 'feedback',
        conversation: id,
        bundle: { name: manifest.name, version: r.bundleVersion },
        at: new Date().toISOString(),
        score,
        ...(comment ? { comment: redact(comment) } : {}),
      });
    },
    ready: async () => {
      await store.get('__ready__');
      return true;
    },
  };

  const app = await createRuntimeServer({
    backend,
    token: config.token,
    logger,
    metrics,
    corsOrigins: config.corsOrigins,
    rateLimits: config.rateLimits,
    acceptFixtures: config.fixtures,
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ bundle: info, ...describeConfig(config, bundlePorts.describe) }, `serving ${manifest.name} ${manifest.version} at ${url}`);
  if (!publicKey) logger.warn('the bundle signature was not checked: give the team public key with --public-key or PARLEY_PUBLIC_KEY_FILE');

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        // in-flight turns finish first (Fastify waits for open requests), then the store and the files close
        await app.close();
        await Promise.allSettled([store.close(), sink?.close(), bundlePorts.close()]);
        logger.info('stopped');
      })()),
  };
}
