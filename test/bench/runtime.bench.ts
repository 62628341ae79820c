// The exported runtime (issue 12, "Performance"), on the sample (examples/acme-bank) exported once at the start
// of the run with a freshly built server.mjs. Two turns: "what's my balance" (NLU, the API node answered by the
// conversation's fixtures, the balance read out) and "what can I ask you" (NLU, the help digression: no outbound
// call). Each conversation sends its turn again and again (it waits at the main menu after each).
// 1. export time: `exportBundle` in process (esbuild building server.mjs, then the export itself) and the
//    `parley export` command end to end with the built CLI (cold: an empty user data folder); server.mjs size,
//    raw and gzipped. Target: export ≤ 3 s.
// 2. the baseline, the runtime core called directly in this process, wired as serve.ts wires it (verifyBundle →
//    createEngine with the exported NLU → createTurnRunner → createConversations over the memory store, fresh
//    fixturePorts with the balance fixtures for each turn): 50 conversations in flight for 3 s after a 1 s
//    warm-up. Latencies include the wait for the event loop, as an HTTP client's do.
// 3. HTTP in memory: one `node server.mjs --fixtures --insecure-no-token` (default info logging, to a pipe this
//    process drains; rate limits raised out of the way), conversations created with the fixtures, then autocannon
//    at 50 connections, each connection driving its own conversation (one request at a time, so a 409 would be
//    a bug), 2 s warm-up then 10 s (5 s for the help turn). Targets: ≥ 2,000 turns/s and p99 ≤ 50 ms (balance);
//    the ratio to the core's turns/s is the HTTP overhead.
// 4. three `node server.mjs` on a real redis-server (REDIS_URL) behind haproxy (round robin, health check on
//    /ready, a config written for loopback ports), autocannon as in 3, both turns (a conversation's fixtures live
//    in its session record, so every replica answers its balance turn from them). Target ≥ 1,000 turns/s.
// 5. 500 conversations at once through haproxy + Redis, each sending 6 help turns one after the other; every
//    reply's `turn` is checked (1..6, each once, in order) and each transcript read back (GET
//    /v1/conversations/:id) and its turns counted: applied, lost, doubled.
// 6. memory per idle conversation (started, the opening played, waiting): the core over the memory store (heap
//    used after a forced GC, before and after 10,000 conversations; node --expose-gc, given by scripts/bench.mjs)
//    and over Redis (INFO used_memory delta).
// autocannon and the servers share this machine's cores: the load average is printed with the table. The bench
// exits 0 whatever the figures, and 1 only when it breaks; every process it starts is stopped either way.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon, { type Result } from 'autocannon';
import { Redis } from 'ioredis';
import { cliIsFresh } from '../../bin/cliStamp.mjs';
import { exportBundle } from '../../main/export/export';
import { generateSigningKeys } from '../../main/export/keys';
import { buildServerBytes } from '../../main/export/serverFile';
import { verifyBundle } from '../../main/export/verify';
import { createBundlePorts } from '../../main/runtime/bundlePorts';
import { createRedisSessionStore } from '../../main/runtime/redisStore';
import { createEngine } from '../../shared/engine/engine';
import { extractSlotValue } from '../../shared/nlu/entities';
import { createConversations, type Conversations } from '../../shared/runtime/conversations';
import { fixturePorts, type Fixtures } from '../../shared/runtime/fixtures';
import { createMemorySessionStore } from '../../shared/runtime/memoryStore';
import type { SessionStore } from '../../shared/runtime/sessionStore';
import { createTurnRunner } from '../../shared/runtime/turnRunner';
import { startRedis, type RedisServer } from '../support/redis';
import { startHaproxy, startServer, stopAll, type Running } from './runtime/processes';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE = path.join(ROOT, 'examples/acme-bank');
const BALANCE: Fixtures = {
  api: { get_balance: { status: 200, body: { data: { available_balance: 1523.4, account_name: 'Everyday Checking', account_number_last4: '7720' } } } },
};
/**
 * The turns: `balance` reads the balance out (the API node answered by the conversation's fixtures, kept in its
 * session record); `help` lists what the bot can do (NLU, a global digression, a message: no outbound call).
 */
const TURNS = { balance: "what's my balance", help: 'what can I ask you' } as const;
type Turn = keyof typeof TURNS;
const CONNECTIONS = 50;
const LOAD_SECONDS = 10;
const WARMUP_SECONDS = 2;
const MANY = 500;
const MANY_TURNS = 6;
const IDLE = 10_000;
/** Limits high enough that the load test measures turns, not the rate limiter (per process, per minute). */
const NO_LIMITS = ['--rate-limit', '1000000', '--turn-rate-limit', '100000'];

const f0 = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
const percentile = (sorted: readonly number[], p: number) => sorted[Math.floor((sorted.length - 1) * p)]!;
const gc = (globalThis as { gc?: () => void }).gc;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-runtime-'));
let redis: RedisServer | undefined;

// ---- 1. export ------------------------------------------------------------------------------------------------

async function exportPhase() {
  const keys = await generateSigningKeys(mkdtempSync(path.join(tmp, 'keys-')));
  const t0 = performance.now();
  // built from the sources here, as an export from a checkout whose prebuilt runtime is stale (out/runtime/server.mjs)
  const serverFile = path.join(mkdtempSync(path.join(tmp, 'server-')), 'server.mjs');
  writeFileSync(serverFile, await buildServerBytes());
  const built = performance.now();
  const outDir = path.join(tmp, 'bundle');
  const r = await exportBundle({
    projectDir: SAMPLE,
    outDir,
    signingKey: keys.privateKeyFile,
    serverFile,
    version: '1.0.0',
    userDataDir: path.join(tmp, 'user'),
  });
  if (!r.ok) throw new Error(`the sample does not export: ${JSON.stringify(r.report).slice(0, 500)}`);
  const inProcess = (performance.now() - t0) / 1000;
  const esbuild = (built - t0) / 1000;
  const exportOnly = inProcess - esbuild;

  if (!cliIsFresh()) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--cli'], { stdio: 'inherit' });
  const c0 = performance.now();
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'parley.mjs'), 'export', SAMPLE, '--out', path.join(tmp, 'cli-bundle'), '--key', keys.privateKeyFile],
    {
      env: { ...process.env, PARLEY_USER_DATA: path.join(tmp, 'cli-user') },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const cli = (performance.now() - c0) / 1000;
  const server = readFileSync(path.join(outDir, 'server.mjs'));
  return {
    dir: outDir,
    publicKey: readFileSync(keys.publicKeyFile, 'utf8'),
    version: r.manifest.version,
    inProcess,
    esbuild,
    exportOnly,
    cli,
    raw: server.length,
    gzipped: gzipSync(server, { level: 9 }).length,
    files: Object.keys(r.manifest.files).length,
  };
}

// ---- 2. and 6. the core ---------------------------------------------------------------------------------------

/** The runtime core as serve.ts builds it, over `store`; `withFixtures`: the balance fixtures for every conversation. */
async function core(bundleDir: string, publicKey: string, store: SessionStore, withFixtures: boolean) {
  const bundle = await verifyBundle(bundleDir, publicKey);
  const { manifest, project } = bundle;
  const entities = project.nlu.entities ?? [];
  const engine = createEngine(project, { nlu: bundle.nlu, extractSlot: (type, text, ctx) => extractSlotValue(type, text, { entities, ...ctx }) });
  const runner = createTurnRunner({ engine });
  const bundlePorts = createBundlePorts({ manifest: project.manifest, knowledge: bundle.knowledge, env: {} });
  const retrieval = bundlePorts.ports.retrieval;
  const conversations = createConversations({
    runner,
    bundleVersion: manifest.version,
    store,
    // as serve.ts does for a conversation that brought fixtures: fresh fixture ports for every turn
    portsFor: () => (withFixtures ? fixturePorts(BALANCE, retrieval ? { retrieval } : {}) : bundlePorts.ports),
    newId: randomUUID,
  });
  return { conversations, close: () => Promise.allSettled([bundlePorts.close(), store.close()]) };
}

async function corePhase(bundleDir: string, publicKey: string, turn: Turn) {
  const { conversations, close } = await core(bundleDir, publicKey, createMemorySessionStore({ ttlMs: 1_800_000 }), true);
  try {
    const ids = await Promise.all(Array.from({ length: CONNECTIONS }, async () => (await conversations.start()).id));
    const drive = async (seconds: number, lat?: number[]) => {
      const end = performance.now() + seconds * 1000;
      let turns = 0;
      await Promise.all(
        ids.map(async (id) => {
          while (performance.now() < end) {
            const t0 = performance.now();
            const t = await conversations.send(id, { type: 'text', text: TURNS[turn] });
            lat?.push(performance.now() - t0);
            if (t.turn.state.ended) throw new Error(`conversation ${id} ended: the bench's turn no longer loops`);
            turns++;
          }
        }),
      );
      return turns;
    };
    await drive(1);
    const lat: number[] = [];
    const t0 = performance.now();
    const turns = await drive(3, lat);
    const turnsPerSec = turns / ((performance.now() - t0) / 1000);
    lat.sort((a, b) => a - b);
    return { turnsPerSec, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), meanTurnMs: 1000 / turnsPerSec };
  } finally {
    await close();
  }
}

async function startMany(conversations: Conversations, n: number, inFlight = 50): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        next++;
        await conversations.start();
      }
    }),
  );
}

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

async function memoryPhase(bundleDir: string, publicKey: string) {
  if (!gc) throw new Error('run with node --expose-gc (scripts/bench.mjs passes it to this bench)');
  const store = createMemorySessionStore({ ttlMs: 1_800_000 });
  const { conversations, close } = await core(bundleDir, publicKey, store, false);
  try {
    await startMany(conversations, 100); // warm: the engine's caches are filled before the measure
    const before = heapUsed();
    await startMany(conversations, IDLE);
    const after = heapUsed();
    if (store.size !== IDLE + 100) throw new Error(`the memory store holds ${store.size} conversations, not ${IDLE + 100}`);
    const sample = await conversations.get((await conversations.start()).id);
    return { bytes: (after - before) / IDLE, json: JSON.stringify(sample).length };
  } finally {
    await close();
  }
}

async function redisMemoryPhase(bundleDir: string, publicKey: string, url: string) {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  const prefix = 'parley-bench-idle:';
  const store = await createRedisSessionStore({ url, ttlMs: 1_800_000, keyPrefix: prefix });
  const { conversations, close } = await core(bundleDir, publicKey, store, false);
  try {
    const used = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
    await startMany(conversations, 100);
    const before = await used();
    await startMany(conversations, IDLE);
    const after = await used();
    const keys = (await client.keys(`${prefix}*`)).length;
    return { bytes: (after - before) / IDLE, keys };
  } finally {
    await close();
    client.disconnect();
  }
}

// ---- 3. and 4. HTTP -------------------------------------------------------------------------------------------

const json = { 'content-type': 'application/json' };

async function createConversationsOver(url: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async () => {
        const r = await fetch(`${url}/v1/conversations`, { method: 'POST', headers: json, body: JSON.stringify({ fixtures: BALANCE }) });
        if (r.status !== 201) throw new Error(`POST /v1/conversations: ${r.status} ${await r.text()}`);
        return ((await r.json()) as { id: string }).id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/**
 * autocannon at CONNECTIONS connections, each on its own conversation: a warm-up run, then the measured one on
 * other conversations (a turn the warm-up's end cut off may still hold its conversation for a moment: the
 * measured run must not meet it as a 409).
 */
async function load(url: string, turn: Turn, seconds = LOAD_SECONDS): Promise<Result> {
  const run = async (duration: number) => {
    const ids = await createConversationsOver(url, CONNECTIONS);
    let next = 0;
    return autocannon({
      url,
      connections: CONNECTIONS,
      duration,
      timeout: 10,
      setupClient: (client) =>
        client.setRequests([{ method: 'POST', path: `/v1/conversations/${ids[next++]}/messages`, headers: json, body: JSON.stringify({ text: TURNS[turn] }) }]),
    });
  };
  const warm = await run(WARMUP_SECONDS);
  if (warm.non2xx || warm.errors) throw new Error(`the warm-up failed: ${JSON.stringify(warm.statusCodeStats)}, ${warm.errors} errors`);
  await new Promise((r) => setTimeout(r, 500));
  return run(seconds);
}

/** Turns applied (2xx replies) per second. */
const turnsPerSec = (r: Result) => r['2xx'] / r.duration;
const statusText = (r: Result) =>
  Object.entries(r.statusCodeStats)
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ');

/** Turns each server counted (its /metrics), to show how haproxy spread them. */
async function turnsServed(servers: Running[]): Promise<number[]> {
  return Promise.all(
    servers.map(async (s) => {
      const text = await (await fetch(`${s.url}/metrics`)).text();
      return [...text.matchAll(/^parley_turns_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    }),
  );
}

// ---- 5. 500 conversations at once ----------------------------------------------------------------------------

async function manyPhase(url: string) {
  const ids = await createConversationsOver(url, MANY);
  const t0 = performance.now();
  const failures: Record<string, number> = {};
  let wrongReplies = 0;
  const seen = new Map<string, number[]>();
  await Promise.all(
    ids.map(async (id) => {
      const turns: number[] = [];
      seen.set(id, turns);
      for (let i = 0; i < MANY_TURNS; i++) {
        const r = await fetch(`${url}/v1/conversations/${id}/messages`, { method: 'POST', headers: json, body: JSON.stringify({ text: TURNS.help }) });
        if (r.status !== 200) {
          failures[r.status] = (failures[r.status] ?? 0) + 1;
          await r.arrayBuffer();
          continue;
        }
        const reply = (await r.json()) as { turn: number; messages: { text: string }[] };
        if (!reply.messages.some((m) => m.text.includes('Type "agent" at any time'))) wrongReplies++;
        turns.push(reply.turn);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  let applied = 0;
  let lost = 0;
  let doubled = 0;
  let badReplies = 0;
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map(async (id) => {
        const r = await fetch(`${url}/v1/conversations/${id}`);
        if (r.status !== 200) throw new Error(`GET /v1/conversations/${id}: ${r.status}`);
        const t = (await r.json()) as { turns: { turn: number; user?: string }[] };
        const users = t.turns.filter((x) => x.user !== undefined).length;
        applied += users;
        lost += Math.max(0, MANY_TURNS - users);
        doubled += Math.max(0, users - MANY_TURNS);
        // the replies: turns 1..N, each once, in order
        const got = seen.get(id)!;
        if (got.join() !== Array.from({ length: MANY_TURNS }, (_, k) => k + 1).join()) badReplies++;
      }),
    );
  }
  return { expected: MANY * MANY_TURNS, seconds, wrongReplies, applied, lost, doubled, badReplies, failures };
}

// ---- the run -------------------------------------------------------------------------------------------------

try {
  const exp = await exportPhase();
  const base = await corePhase(exp.dir, exp.publicKey, 'balance');
  const baseHelp = await corePhase(exp.dir, exp.publicKey, 'help');

  const args = ['--fixtures', '--insecure-no-token', ...NO_LIMITS];
  const single = await startServer(exp.dir, args, {});
  const mem = await load(single.url, 'balance');
  const memHelp = await load(single.url, 'help', 5);
  await stopAll();

  redis = await startRedis();
  const replicas = await Promise.all([0, 1, 2].map(() => startServer(exp.dir, args, { REDIS_URL: redis!.url })));
  mkdirSync(path.join(tmp, 'haproxy'));
  const proxy = await startHaproxy(
    path.join(tmp, 'haproxy'),
    replicas.map((s) => s.port),
  );
  const before = await turnsServed(replicas);
  const red = await load(proxy.url, 'help');
  const spread = (await turnsServed(replicas)).map((n, i) => n - before[i]!);
  const redBalance = await load(proxy.url, 'balance', 5);
  const many = await manyPhase(proxy.url);
  await stopAll();

  const memory = await memoryPhase(exp.dir, exp.publicKey);
  const redisMemory = await redisMemoryPhase(exp.dir, exp.publicKey, redis.url);

  const memTps = turnsPerSec(mem);
  const redTps = turnsPerSec(red);
  const httpRow = (label: string, r: Result, core: number) => {
    const tps = turnsPerSec(r);
    return [label, f0(tps), ms(r.latency.p50), ms(r.latency.p99), String(r.non2xx + r.errors), `${(tps / core).toFixed(2)}x`];
  };
  const table = [
    ['', 'turns/s', 'p50', 'p99', 'non-2xx', 'vs core'],
    ['balance: core, memory store, 50 in flight (baseline)', f0(base.turnsPerSec), ms(base.p50), ms(base.p99), '', '1.00x'],
    httpRow('balance: HTTP, 1 process, memory, 50 connections', mem, base.turnsPerSec),
    ['help: core, memory store, 50 in flight (baseline)', f0(baseHelp.turnsPerSec), ms(baseHelp.p50), ms(baseHelp.p99), '', '1.00x'],
    httpRow(`help: HTTP, 1 process, memory, 50 conn. (${memHelp.duration.toFixed(0)} s)`, memHelp, baseHelp.turnsPerSec),
    httpRow('help: HTTP, haproxy → 3 processes, Redis, 50 conn.', red, baseHelp.turnsPerSec),
    httpRow(`balance: HTTP, haproxy → 3 processes, Redis, 50 conn. (${redBalance.duration.toFixed(0)} s)`, redBalance, base.turnsPerSec),
  ];
  const w = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log(
    `\nruntime: the acme-bank sample's bundle; turns "${TURNS.balance}" (the balance API answered by fixtures) and "${TURNS.help}" (no outbound call); real NLU, no LLM on these paths; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${os.cpus().length} CPUs`,
  );
  console.log(
    `export: in process ${exp.inProcess.toFixed(2)} s (esbuild of server.mjs ${exp.esbuild.toFixed(2)} s, exportBundle ${exp.exportOnly.toFixed(2)} s), parley export (CLI, cold) ${exp.cli.toFixed(2)} s; ${exp.files} files; server.mjs ${(exp.raw / 1024).toFixed(0)} KB, ${(exp.gzipped / 1024).toFixed(0)} KB gzipped`,
  );
  for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
  console.log(
    `status codes: 1 process ${statusText(mem)}, ${statusText(memHelp)}; haproxy ${statusText(red)} (help turns per process: ${spread.join(' / ')}), ${statusText(redBalance)}`,
  );
  console.log(
    `HTTP overhead: ${(base.turnsPerSec / memTps).toFixed(1)}x the core's time per turn (${ms(base.meanTurnMs)} → ${ms(1000 / memTps)} of machine time per turn)`,
  );
  console.log(
    `${MANY} conversations × ${MANY_TURNS} turns at once (haproxy, Redis; ${many.seconds.toFixed(1)} s, ${f0(many.expected / many.seconds)} turns/s): expected ${many.expected}, applied ${many.applied}, lost ${many.lost}, doubled ${many.doubled}; replies out of sequence ${many.badReplies}, not the help message ${many.wrongReplies}; refused ${JSON.stringify(many.failures)}`,
  );
  console.log(
    `memory per idle conversation: ${f0(memory.bytes)} B of heap in the memory store (the record as JSON: ${f0(memory.json)} B), ${f0(redisMemory.bytes)} B in Redis (${f0(redisMemory.keys)} keys for ${f0(IDLE + 100)} conversations)`,
  );
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log('targets:');
  console.log(`  export ≤ 3 s: ${mark(Math.max(exp.inProcess, exp.cli) <= 3)} (in process ${exp.inProcess.toFixed(2)} s, CLI ${exp.cli.toFixed(2)} s)`);
  console.log(`  ≥ 2,000 turns/s in memory: ${mark(memTps >= 2000)} (${f0(memTps)})`);
  console.log(`  p99 ≤ 50 ms in memory: ${mark(mem.latency.p99 <= 50)} (${ms(mem.latency.p99)})`);
  const redBalanceTps = turnsPerSec(redBalance);
  console.log(
    `  ≥ 1,000 turns/s through haproxy to 3 processes on Redis: ${mark(Math.min(redTps, redBalanceTps) >= 1000)} (help ${f0(redTps)}, balance ${f0(redBalanceTps)})`,
  );
  const clean = many.applied === many.expected && many.lost === 0 && many.doubled === 0 && many.badReplies === 0 && many.wrongReplies === 0;
  console.log(
    `  ${MANY} concurrent conversations, no lost or doubled turn: ${mark(clean)} (${many.applied}/${many.expected} applied, ${many.lost} lost, ${many.doubled} doubled)`,
  );
} finally {
  await stopAll();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
