// Abandonment with Redis sessions: conversations that expire unfinished are reported once across every store (every
// runtime replica) sharing the Redis, never the deleted or ended ones, also when Redis goes away mid-sweep.
// The contract suite (redisStore.test.ts) has the single-store case.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/support/redis';
import { newId, nextRecord, sampleRecord } from '../../test/support/sessionStoreContract';
import type { ExpiredSession, SessionRecord } from '../../shared/runtime/sessionStore';
import { createRedisSessionStore, type RedisSessionStore, type RedisSessionStoreOptions } from './redisStore';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let prefixSeq = 0;
const opened: RedisSessionStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/**
 * Waits until `done()`, running `step` (default: a pause) between looks; fails after `limitMs` naming `what` (a hang
 * guard: the test asserts the outcome, not the time).
 */
async function until(done: () => boolean, what: string, limitMs = 60_000, step: () => Promise<unknown> = () => sleep(25)): Promise<void> {
  for (const t0 = Date.now(); !done(); await step()) if (Date.now() - t0 > limitMs) throw new Error(`still waiting for ${what}`);
}

const endedRecord = (r: SessionRecord): SessionRecord => ({
  ...nextRecord(r),
  state: { ...r.state, wait: { kind: 'idle' }, ended: { outcome: 'resolved', at: { flow: 'main', node: 'bye' } } },
});

/** Writes `count` conversations through `store`: every third one then ends, every fifth one is deleted. */
async function populate(store: RedisSessionStore, count: number): Promise<{ unfinished: string[]; gone: string[] }> {
  const unfinished: string[] = [];
  const gone: string[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const rec = sampleRecord(newId());
      await store.create(rec);
      const lease = (await store.acquire(rec.id, 10_000))!;
      if (i % 5 === 4) {
        await store.delete(rec.id);
        gone.push(rec.id);
      } else if (i % 3 === 2) {
        expect(await store.put(endedRecord(rec), { lease, expectedVersion: 0 })).toBe(true);
        gone.push(rec.id);
      } else {
        expect(await store.put(nextRecord(rec), { lease, expectedVersion: 0 })).toBe(true);
        unfinished.push(rec.id);
      }
      await store.release(lease).catch(() => undefined);
    }),
  );
  return { unfinished, gone };
}

/** How many times each id was reported. */
const counts = (reported: ExpiredSession[]) => {
  const m = new Map<string, number>();
  for (const e of reported) m.set(e.id, (m.get(e.id) ?? 0) + 1);
  return m;
};

describe('redis session store: expiries', () => {
  let redis: RedisServer;
  let raw: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url);
  }, 60_000);
  afterAll(async () => {
    raw?.disconnect();
    await redis?.stop();
  });
  const make = async (extra: Partial<RedisSessionStoreOptions>) => {
    const s = await createRedisSessionStore({ url: redis.url, ttlMs: 60_000, ...extra });
    opened.push(s);
    return s;
  };

  it('indexes unfinished conversations under one hash tag, and drops ended and deleted ones from the index', async () => {
    const prefix = `ix${++prefixSeq}:`;
    const store = await make({ keyPrefix: prefix, sweepEveryMs: 0 });
    const [open, ended, deleted] = [sampleRecord(), sampleRecord(), sampleRecord()];
    for (const r of [open, ended, deleted]) await store.create(r);
    const due = `${prefix}{expiries}:due`;
    const info = `${prefix}{expiries}:info`;
    expect((await raw.zrange(due, 0, -1)).sort()).toEqual([open.id, ended.id, deleted.id].sort());
    // the index entry expires with the record (Redis's clock)
    const [score, pttl] = [Number(await raw.zscore(due, open.id)), await raw.pttl(store.keys(open.id).session)];
    const [seconds, micros] = await raw.time();
    expect(Math.abs(score - (Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) + pttl))).toBeLessThan(1_000);
    expect(JSON.parse((await raw.hget(info, open.id))!)).toEqual({
      id: open.id,
      bundleVersion: '1.4.0',
      turn: 0,
      waitingAt: 'main/menu',
      updatedAt: open.updatedAt,
    });
    const lease = (await store.acquire(ended.id, 10_000))!;
    await store.put(endedRecord(ended), { lease, expectedVersion: 0 });
    await store.delete(deleted.id);
    expect(await raw.zrange(due, 0, -1)).toEqual([open.id]);
    expect(await raw.hkeys(info)).toEqual([open.id]);
  });

  it(
    'reports each of many expired conversations exactly once across two stores sweeping at once, never an ended or deleted one',
    { timeout: 120_000 },
    async () => {
      const keyPrefix = `two${++prefixSeq}:`;
      const reported: [string, ExpiredSession][] = [];
      // the two stores sweep side by side, started together (not on timers, whose order the machine's load decides),
      // once every entry is due: each one's first claim reaches Redis before either is answered, so with more due
      // than one claim takes (200), both must take part, and none may report what the other claimed
      const opts = { keyPrefix, ttlMs: 1_500, sweepEveryMs: 0 };
      const a = await make({ ...opts, onExpire: (e) => reported.push(['a', e]) });
      const b = await make({ ...opts, onExpire: (e) => reported.push(['b', e]) });
      const first = await populate(a, 300);
      const second = await populate(b, 300);
      const unfinished = [...first.unfinished, ...second.unfinished];
      expect(unfinished.length).toBeGreaterThan(200);
      await sleep(opts.ttlMs + 200); // all due before the first sweep, so it finds more than one claim takes
      await until(
        () => reported.length >= unfinished.length,
        'every unfinished conversation reported',
        60_000,
        () => Promise.all([a.sweep(), b.sweep(), sleep(25)]),
      );
      // a few more sweeps of both: nothing more comes
      await Promise.all([a.sweep(), b.sweep()]);
      await sleep(200);
      await Promise.all([a.sweep(), b.sweep()]);
      const n = counts(reported.map(([, e]) => e));
      expect([...n.keys()].sort()).toEqual([...unfinished].sort());
      expect([...n.values()].every((c) => c === 1)).toBe(true);
      for (const id of [...first.gone, ...second.gone]) expect(n.has(id)).toBe(false);
      // both replicas took part, and each report is the conversation's last write
      expect(new Set(reported.map(([by]) => by))).toEqual(new Set(['a', 'b']));
      expect(reported.every(([, e]) => e.turn === 1 && e.waitingAt === 'main/menu')).toBe(true);
      expect(await raw.zcard(`${keyPrefix}{expiries}:due`)).toBe(0);
      expect(await raw.hlen(`${keyPrefix}{expiries}:info`)).toBe(0);
    },
  );

  it('does not report a conversation written again before it expired, only after its last write expires', { timeout: 60_000 }, async () => {
    const reported: ExpiredSession[] = [];
    const store = await make({ keyPrefix: `again${++prefixSeq}:`, ttlMs: 1_000, sweepEveryMs: 0, onExpire: (e) => reported.push(e) });
    let rec = sampleRecord();
    await store.create(rec);
    for (let i = 0; i < 4; i++) {
      await sleep(400);
      const lease = (await store.acquire(rec.id, 10_000))!;
      const next = nextRecord(rec);
      expect(await store.put(next, { lease, expectedVersion: rec.version })).toBe(true);
      await store.release(lease);
      rec = next;
      expect(await store.sweep()).toBe(0);
    }
    await until(
      () => reported.length > 0,
      'the expiry',
      60_000,
      () => sleep(25).then(() => store.sweep()),
    );
    expect(reported).toEqual([{ id: rec.id, bundleVersion: '1.4.0', turn: 4, waitingAt: 'main/menu', updatedAt: rec.updatedAt }]);
  });
});

describe('redis session store: expiries when Redis goes away mid-sweep', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ persistence: true });
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('reports every expired conversation exactly once after Redis stops in the middle of a sweep and returns', { timeout: 120_000 }, async () => {
    const keyPrefix = `outage${++prefixSeq}:`;
    const reported: ExpiredSession[] = [];
    const sweepErrors: Error[] = [];
    let outage: Promise<void> | undefined;
    const onExpire = (e: ExpiredSession) => {
      reported.push(e);
      // the first report: this store has claimed entries it has not acknowledged yet; Redis goes away now
      outage ??= redis.stop({ keepData: true }).then(() => sleep(300).then(() => redis.restart()));
    };
    const opts = {
      url: redis.url,
      keyPrefix,
      ttlMs: 1_500,
      sweepEveryMs: 25,
      claimMs: 8_000,
      connectTimeoutMs: 500,
      onSweepError: (e: Error) => sweepErrors.push(e),
    };
    const a = await createRedisSessionStore({ ...opts, onExpire });
    const b = await createRedisSessionStore({ ...opts, onExpire });
    opened.push(a, b);
    const { unfinished, gone } = await populate(a, 200);
    await until(() => outage !== undefined, 'the first report');
    await outage;
    await until(() => new Set(reported.map((e) => e.id)).size >= unfinished.length, 'every unfinished conversation reported after the outage', 90_000);
    // both reconnected: their sweeps acknowledge what they reported during the outage, and the index is empty,
    // so nothing is left to be claimed (and reported) again once the claims lapse
    await until(() => a.isConnected() && b.isConnected(), 'both stores reconnected');
    await Promise.all([a.sweep(), b.sweep()]);
    const raw = new Redis(redis.url);
    expect(await raw.zcard(`${keyPrefix}{expiries}:due`)).toBe(0);
    raw.disconnect();
    const n = counts(reported);
    expect([...n.keys()].sort()).toEqual([...unfinished].sort());
    expect([...n.entries()].filter(([, c]) => c !== 1)).toEqual([]);
    for (const id of gone) expect(n.has(id)).toBe(false);
    expect(sweepErrors.length).toBeGreaterThan(0);
    expect(a.isConnected() && b.isConnected()).toBe(true);
  });
});
