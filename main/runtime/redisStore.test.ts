import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/support/redis';
import { newId, nextRecord, sampleRecord, sessionStoreContract } from '../../test/support/sessionStoreContract';
import { SessionStoreUnavailableError, type SessionRecord, type SessionStore } from '../../shared/runtime/sessionStore';
import { createRedisSessionStore, type RedisSessionStore, type RedisSessionStoreOptions } from './redisStore';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A loser's pause before it tries again (spreads retries; never asserted on). */
const backoff = () => sleep(1 + Math.floor(Math.random() * 4));

let redis: RedisServer;
let raw: Redis;
const opened: { close(): Promise<void> }[] = [];
let prefixSeq = 0;

async function makeStore(extra: Partial<RedisSessionStoreOptions> = {}): Promise<RedisSessionStore> {
  const store = await createRedisSessionStore({ url: redis.url, ttlMs: 60_000, keyPrefix: `t${++prefixSeq}:`, ...extra });
  opened.push(store);
  return store;
}

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  raw?.disconnect();
  await redis?.stop();
});

const CONTRACT_TTL = 2_500;
sessionStoreContract(
  'redis',
  async (o) => {
    const store = await createRedisSessionStore({
      url: redis.url,
      ttlMs: CONTRACT_TTL,
      keyPrefix: `c${++prefixSeq}:`,
      sweepEveryMs: 0,
      ...(o?.onExpire ? { onExpire: o.onExpire } : {}),
    });
    return { store, advance: sleep, sweep: () => store.sweep() };
  },
  { ttlMs: CONTRACT_TTL, shortLeaseMs: 200 },
);

describe('redis session store', () => {
  it('keeps a conversation under hash-tagged keys: a hash with version and record, a lease with the token, idle TTLs', async () => {
    const store = await makeStore({ keyPrefix: 'parley:', ttlMs: 60_000 });
    const rec = sampleRecord();
    await store.create(rec);
    const lease = (await store.acquire(rec.id, 5_000))!;
    expect(store.keys(rec.id)).toEqual({ session: `parley:{${rec.id}}:session`, lease: `parley:{${rec.id}}:lease` });
    const stored = await raw.hgetall(`parley:{${rec.id}}:session`);
    expect(stored.version).toBe('0');
    expect(JSON.parse(stored.record!)).toEqual(rec);
    expect(await raw.get(`parley:{${rec.id}}:lease`)).toBe(lease.token);
    const leaseTtl = await raw.pttl(`parley:{${rec.id}}:lease`);
    expect(leaseTtl).toBeGreaterThan(0);
    expect(leaseTtl).toBeLessThanOrEqual(5_000);
    const sessionTtl = await raw.pttl(`parley:{${rec.id}}:session`);
    expect(sessionTtl).toBeGreaterThan(5_000);
    expect(sessionTtl).toBeLessThanOrEqual(60_000);
    await store.put(nextRecord(rec), { lease, expectedVersion: 0 });
    expect(await raw.hget(`parley:{${rec.id}}:session`, 'version')).toBe('1');
    await store.delete(rec.id);
    expect(await raw.exists(`parley:{${rec.id}}:session`, `parley:{${rec.id}}:lease`)).toBe(0);
  });

  it('keeps stores with different key prefixes apart', async () => {
    const a = await makeStore({ keyPrefix: 'bundle-a:' });
    const b = await makeStore({ keyPrefix: 'bundle-b:' });
    const rec = sampleRecord();
    await a.create(rec);
    expect(await b.get(rec.id)).toBeUndefined();
    expect(await b.create({ ...rec, bundleVersion: 'b' })).toBe(true);
    expect((await a.get(rec.id))?.bundleVersion).toBe('1.4.0');
  });

  it('treats a stored value that is not a valid record as missing, reports it without the value, and does not crash', async () => {
    const problems: [string, string][] = [];
    const store = await makeStore({ keyPrefix: 'bad:', onInvalidRecord: (id, problem) => problems.push([id, problem]) });
    const put = (id: string, record: string) => raw.hset(`bad:{${id}}:session`, 'version', '0', 'record', record);
    const [notJson, wrongShape, otherId, badState] = [newId(), newId(), newId(), newId()];
    await put(notJson, '{"id": "secret-value');
    await put(wrongShape, JSON.stringify({ ...sampleRecord(wrongShape), version: 'one' }));
    await put(otherId, JSON.stringify(sampleRecord(newId())));
    await put(badState, JSON.stringify({ ...sampleRecord(badState), state: { v: 2 } }));
    for (const id of [notJson, wrongShape, otherId, badState]) expect(await store.get(id)).toBeUndefined();
    expect(problems.map(([id]) => id)).toEqual([notJson, wrongShape, otherId, badState]);
    expect(problems[0]![1]).toBe('not JSON');
    expect(problems[1]![1]).toMatch(/^version: /);
    expect(problems[3]![1]).toMatch(/^state\.v: /);
    expect(problems.map(([, p]) => p).join(' ')).not.toContain('secret');
  });

  it('shares conversations between two store instances (two runtime processes): written by one, read by the other', async () => {
    const a = await makeStore({ keyPrefix: 'shared:' });
    const b = await makeStore({ keyPrefix: 'shared:' });
    const rec = sampleRecord();
    await a.create(rec);
    expect(await b.get(rec.id)).toEqual(rec);
    const lease = (await b.acquire(rec.id, 10_000))!;
    expect(await a.acquire(rec.id, 10_000)).toBeUndefined();
    const next = nextRecord(rec);
    expect(await b.put(next, { lease, expectedVersion: 0 })).toBe(true);
    await b.release(lease);
    expect(await a.get(rec.id)).toEqual(next);
    const leaseA = (await a.acquire(rec.id, 10_000))!;
    expect(await a.put(nextRecord(next), { lease: leaseA, expectedVersion: 1 })).toBe(true);
    expect((await b.get(rec.id))?.version).toBe(2);
  });

  it('gives exactly one of two concurrent acquires from two instances the lease', async () => {
    const a = await makeStore({ keyPrefix: 'race:' });
    const b = await makeStore({ keyPrefix: 'race:' });
    for (let i = 0; i < 200; i++) {
      const id = newId();
      const [la, lb] = await Promise.all([a.acquire(id, 10_000), b.acquire(id, 10_000)]);
      expect([la, lb].filter(Boolean)).toHaveLength(1);
    }
  });

  it('applies every turn of 500 conversations exactly once when two instances run them at once', { timeout: 120_000 }, async () => {
    const stores = [await makeStore({ keyPrefix: 'load:' }), await makeStore({ keyPrefix: 'load:' })];
    const CONVERSATIONS = 500;
    const TURNS = 4;
    const effects = new Map<string, number>(); // the turn's side effect (an API call), run under the lease
    let refusedLeases = 0;
    let refusedPuts = 0;

    const runTurn = async (store: SessionStore, id: string, turnId: string): Promise<void> => {
      for (;;) {
        const lease = await store.acquire(id, 30_000);
        if (!lease) {
          refusedLeases++;
          await backoff();
          continue;
        }
        try {
          const rec = (await store.get(id))!;
          effects.set(turnId, (effects.get(turnId) ?? 0) + 1);
          const applied = [...((rec.state.vars.applied as string[] | undefined) ?? []), turnId];
          const next: SessionRecord = {
            ...rec,
            version: rec.version + 1,
            state: { ...rec.state, turn: rec.state.turn + 1, vars: { ...rec.state.vars, applied } },
          };
          if (await store.put(next, { lease, expectedVersion: rec.version })) return;
          refusedPuts++;
        } finally {
          await store.release(lease);
        }
      }
    };

    const ids = Array.from({ length: CONVERSATIONS }, () => newId());
    await Promise.all(ids.map((id) => stores[0]!.create(sampleRecord(id, { state: { ...sampleRecord().state, turn: 0, vars: {} } }))));
    // every turn of every conversation at once, alternating between the two instances
    await Promise.all(ids.flatMap((id) => Array.from({ length: TURNS }, (_, t) => runTurn(stores[t % 2]!, id, `${id}#${t}`))));

    for (const id of ids) {
      const rec = (await stores[1]!.get(id))!;
      expect(rec.version).toBe(TURNS);
      expect(rec.state.turn).toBe(TURNS);
      expect([...(rec.state.vars.applied as string[])].sort()).toEqual(Array.from({ length: TURNS }, (_, t) => `${id}#${t}`));
    }
    expect(effects.size).toBe(CONVERSATIONS * TURNS);
    expect([...effects.values()].every((n) => n === 1)).toBe(true);
    // all turns of a conversation asked for its lease at once, so at least TURNS - 1 of them lost the first round
    expect(refusedLeases).toBeGreaterThanOrEqual(CONVERSATIONS * (TURNS - 1));
    // with leases held for the whole turn, no write is ever refused
    expect(refusedPuts).toBe(0);
  });

  it('rejects with SessionStoreUnavailableError when Redis cannot be reached at start', async () => {
    const down = await startRedis();
    await down.stop();
    await expect(createRedisSessionStore({ url: down.url, ttlMs: 1_000, connectTimeoutMs: 500 })).rejects.toBeInstanceOf(SessionStoreUnavailableError);
  });
});

describe('redis session store when Redis goes away mid-run', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ persistence: true });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('fails fast with SessionStoreUnavailableError, applies no turn in part or twice, and recovers when Redis is back', { timeout: 120_000 }, async () => {
    const store = await createRedisSessionStore({ url: server.url, ttlMs: 600_000, connectTimeoutMs: 1_000, commandTimeoutMs: 2_000 });
    opened.push(store);
    const CONVERSATIONS = 40;
    const TURNS = 12;
    const ids = Array.from({ length: CONVERSATIONS }, () => newId());
    for (const id of ids) await store.create(sampleRecord(id, { state: { ...sampleRecord().state, turn: 0, vars: {} } }));

    let succeeded = 0;
    let ambiguous = 0; // a put that threw: Redis may or may not have applied it
    const unavailable: unknown[] = [];
    const perConversation = new Map<string, { ok: number; ambiguous: number }>(ids.map((id) => [id, { ok: 0, ambiguous: 0 }]));
    let outage: Promise<void> | undefined;

    const worker = async (id: string): Promise<void> => {
      const mine = perConversation.get(id)!;
      for (let attempt = 0; ; attempt++) {
        // down for longer than a command's timeout, so the workers' commands meet the outage however the load times them
        if (succeeded >= (CONVERSATIONS * TURNS) / 3 && !outage)
          outage = server
            .stop({ keepData: true })
            .then(() => sleep(2_500))
            .then(() => server.restart());
        let lease;
        try {
          lease = await store.acquire(id, 1_000);
          if (!lease) {
            await backoff();
            continue;
          }
          const rec = (await store.get(id))!;
          if (rec.state.turn >= TURNS) return;
          const applied = [...((rec.state.vars.applied as string[] | undefined) ?? []), `${id}#${attempt}`];
          const next: SessionRecord = {
            ...rec,
            version: rec.version + 1,
            state: { ...rec.state, turn: rec.state.turn + 1, vars: { ...rec.state.vars, applied } },
          };
          let ok: boolean;
          try {
            ok = await store.put(next, { lease, expectedVersion: rec.version });
          } catch (err) {
            ambiguous++;
            mine.ambiguous++;
            throw err;
          }
          if (ok) {
            succeeded++;
            mine.ok++;
          }
          await store.release(lease);
        } catch (err) {
          // anything but Redis being away is a bug: stop this worker (and fail the test) rather than retry it
          if (!(err instanceof SessionStoreUnavailableError)) throw err;
          unavailable.push(err);
          await sleep(20);
        }
      }
    };
    await Promise.all(ids.map(worker));
    await outage;

    expect(unavailable.length).toBeGreaterThan(0);
    expect(store.isConnected()).toBe(true);
    // what Redis holds after the outage is whole: every record's version, turn and list of applied turns agree,
    // each turn is there once, and only turns whose put succeeded (or threw, so may have landed) are there
    for (const id of ids) {
      const rec = (await store.get(id))!;
      const applied = rec.state.vars.applied as string[];
      const { ok, ambiguous: maybe } = perConversation.get(id)!;
      expect(rec.state.turn).toBe(TURNS);
      expect(rec.version).toBe(TURNS);
      expect(applied).toHaveLength(TURNS);
      expect(new Set(applied).size).toBe(TURNS);
      expect(ok).toBeLessThanOrEqual(TURNS);
      expect(ok + maybe).toBeGreaterThanOrEqual(TURNS);
    }
    expect(succeeded + ambiguous).toBeGreaterThanOrEqual(CONVERSATIONS * TURNS);
  });

  it('answers every kind of operation with SessionStoreUnavailableError while Redis is down, then works again', { timeout: 120_000 }, async () => {
    const store = await createRedisSessionStore({ url: server.url, ttlMs: 600_000, connectTimeoutMs: 1_000 });
    opened.push(store);
    const rec = sampleRecord();
    await store.create(rec);
    const lease = (await store.acquire(rec.id, 60_000))!;
    await server.stop({ keepData: true });
    const ops: [string, () => Promise<unknown>][] = [
      ['get', () => store.get(rec.id)],
      ['create', () => store.create(sampleRecord())],
      ['acquire', () => store.acquire(newId(), 1_000)],
      ['put', () => store.put(nextRecord(rec), { lease, expectedVersion: 0 })],
      ['release', () => store.release(lease)],
      ['delete', () => store.delete(rec.id)],
    ];
    for (const [name, op] of ops) {
      const err = await op().then(
        () => new Error(`${name} succeeded with Redis down`),
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(SessionStoreUnavailableError);
      expect((err as Error).message, name).toContain(`(${name})`);
    }
    await server.restart();
    // ioredis reconnects by itself; until it has, operations keep failing fast
    for (;;) {
      try {
        await store.get(rec.id);
        break;
      } catch (err) {
        expect(err).toBeInstanceOf(SessionStoreUnavailableError);
        await sleep(50);
      }
    }
    expect(store.isConnected()).toBe(true);
    // the data survived (this server persists); the turn goes through on the lease taken before the outage
    expect(await store.get(rec.id)).toEqual(rec);
    expect(await store.put(nextRecord(rec), { lease, expectedVersion: 0 })).toBe(true);
    await store.release(lease);
    expect((await store.get(rec.id))?.version).toBe(1);
  });
});
