// An exported bundle served over HTTP: the composition of the runtime. Verify the bundle (signature when the
// operator gives the public key, every file's hash always), build the engine from it (the trained NLU as
// exported: nothing is trained here), the turn runner and the conversations service over the session store
// (Redis with REDIS_URL, else memory), and serve them with the HTTP layer, writing transcripts, metrics and logs.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { createEngine, type Engine, type EnginePorts } from '../../shared/engine/engine';
import type { Output, SessionState } from '../../shared/engine/types';
import { extractSlotValue } from '../../shared/nlu/entities';
import { ConversationError, createConversations, type ConversationTurn, type TurnPorts } from '../../shared/runtime/conversations';
import { fixtureState, fixtureTurn } from '../../shared/runtime/fixtures';
import { createMemorySessionStore } from '../../shared/runtime/memoryStore';
import { SessionStoreUnavailableError, type ExpiredSession, type SessionRecord, type SessionStore } from '../../shared/runtime/sessionStore';
import { memoRedact } from '../../shared/runtime/stored';
import { createTurnRunner } from '../../shared/runtime/turnRunner';
import { Story } from '../../shared/stories/schema';
import { turnEvent } from '../../shared/transcripts/format';
import { checkForcedVariants, turnVariants } from '../../shared/engine/variants';
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

/**
 * What `--fixtures` lets a client send when it starts a conversation: a story's fixtures and clock, and A/B
 * variants forced (`flow/node` of a node with variants → one of its variant ids).
 */
const fixtureStart = (engine: Engine) =>
  z.strictObject({
    fixtures: Story.shape.fixtures,
    now: z.iso.datetime({ offset: true }).optional(),
    variants: z
      .record(z.string(), z.string())
      .superRefine((picks, ctx) => {
        for (const [key, id] of Object.entries(picks)) {
          try {
            checkForcedVariants(engine, { [key]: id });
          } catch (e) {
            ctx.addIssue({ code: 'custom', path: [key], message: (e as Error).message.replace(/^variants: /, '') });
          }
        }
      })
      .optional(),
  });

const wrap = <T>(p: Promise<T>): Promise<T> =>
  p.catch((e: unknown) => {
    if (e instanceof ConversationError) throw new RuntimeRequestError(e.code, e.message);
    if (e instanceof SessionStoreUnavailableError) throw new RuntimeRequestError('unavailable', 'the session store is unavailable; retry shortly');
    throw e;
  });

/** What `parley test --target` checks of a turn of a conversation started with fixtures (backend.ts TestTurnView). */
function testViewOf(t: ConversationTurn, unanswered: string | undefined): TestTurnView {
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
    ...(unanswered ? { unanswered } : {}),
  };
}

/** The reply to a turn; `test`: with the test view (a conversation started with fixtures, on a --fixtures runtime). */
function replyOf(t: ConversationTurn, test: boolean): ReplyView {
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
    ...(test ? { test: testViewOf(t, t.record.test?.unanswered) } : {}),
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
  // --environment picks the api nodes' URLs (`urls`) as it picks the hosts they may reach (bundlePorts.ts)
  const served = config.environment ? { ...project, manifest: { ...project.manifest, environment: config.environment } } : project;
  const engine = createEngine(served, { nlu: bundle.nlu, extractSlot: (type, text, ctx) => extractSlotValue(type, text, { entities, ...ctx }) });
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

  // a conversation that expired before it ended, on any replica (each store reports it once)
  const onExpire = (e: ExpiredSession) =>
    sink?.write({
      v: 1,
      type: 'abandoned',
      conversation: e.id,
      bundle: { name: manifest.name, version: e.bundleVersion },
      at: new Date().toISOString(),
      // numbered as turn events are: 0 is the opening
      lastTurn: Math.max(0, e.turn - 1),
      ...(e.waitingAt ? { waitingAt: e.waitingAt } : {}),
    });
  const store: SessionStore = config.redisUrl
    ? await createRedisSessionStore({
        url: config.redisUrl,
        ttlMs: config.sessionTtlMs,
        onExpire,
        onConnectionError: (e) => logger.warn({ err: e }, 'Redis connection'),
        onSweepError: (e) => logger.warn({ err: e }, 'Redis expiry sweep'),
      })
    : createMemorySessionStore({ ttlMs: config.sessionTtlMs, onExpire });
  // Called once per turn, holding the conversation's lease. A conversation started with fixtures keeps them,
  // the clock and how far its API response lists got in its record (`test`), so whichever replica serves the next
  // turn goes on as one process would; a runtime without --fixtures never serves it (its ports are real backends).
  const portsFor = (id: string, record: SessionRecord): EnginePorts | TurnPorts => {
    if (!record.test) return bundlePorts.ports;
    if (!config.fixtures)
      throw new ConversationError(
        'bad_request',
        `conversation ${id} was started with a story's fixtures: only a runtime started with --fixtures serves its turns`,
      );
    const t = fixtureTurn(record.test, bundlePorts.ports.retrieval ? { retrieval: bundlePorts.ports.retrieval } : {});
    return { ports: t.ports, test: t.after };
  };
  const reply = (t: ConversationTurn, testView: boolean | undefined): ReplyView => replyOf(t, !!testView && config.fixtures && t.record.test !== undefined);
  const FixtureStart = fixtureStart(engine);
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
      let fx: z.infer<ReturnType<typeof fixtureStart>> | undefined;
      if ('fixtures' in so || 'now' in so || 'variants' in so) {
        if (!config.fixtures)
          throw new RuntimeRequestError('bad_request', 'fixtures, now and variants are accepted only by a runtime started with --fixtures (loopback)');
        const { fixtures, now, variants } = so;
        const r = FixtureStart.safeParse({ fixtures, now, variants });
        if (!r.success) throw new RuntimeRequestError('bad_request', `body.${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
        fx = r.data;
      }
      const t = await wrap(
        conversations.start({
          id: so.id ?? randomUUID(),
          ...(so.locale ? { locale: so.locale } : {}),
          ...(so.vars ? { vars: so.vars } : {}),
          ...(fx?.variants ? { variants: fx.variants } : {}),
          // only a start that brought fixtures (or a clock) is a test conversation; forced variants alone are not
          ...(fx && ('fixtures' in so || 'now' in so) ? { test: fixtureState(fx.fixtures, fx.now) } : {}),
        }),
      );
      record(t, { type: 'start' }, started);
      return reply(t, so.testView);
    },
    async send(id, input, so) {
      const started = Date.now();
      const t = await wrap(conversations.send(id, input, { ...(so?.onToken ? { onToken: (_at, delta) => so.onToken!(delta) } : {}) }));
      record(t, input, started);
      return reply(t, so?.testView);
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
