import { describe, expect, it } from 'vitest';
import { nextRecord, sampleRecord, sessionStoreContract } from '../../test/support/sessionStoreContract';
import { createMemorySessionStore, type MemorySessionStoreOptions } from './memoryStore';
import { expiringOf, type ExpiredSession } from './sessionStore';

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** A scheduler the test drives: `tick()` runs every scheduled function once. */
function fakeScheduler() {
  const jobs = new Map<number, { everyMs: number; fn: () => void }>();
  let next = 0;
  return {
    jobs,
    schedule: (everyMs: number, fn: () => void) => {
      const key = next++;
      jobs.set(key, { everyMs, fn });
      return () => void jobs.delete(key);
    },
    tick: () => {
      for (const job of jobs.values()) job.fn();
    },
  };
}

const TTL = 10_000;

function makeStore(extra: Partial<MemorySessionStoreOptions> = {}) {
  const clock = fakeClock();
  const store = createMemorySessionStore({ ttlMs: TTL, now: clock.now, schedule: false, ...extra });
  return { store, clock };
}

sessionStoreContract(
  'memory',
  async (o) => {
    const { store, clock } = makeStore(o?.onExpire ? { onExpire: o.onExpire } : {});
    return { store, advance: async (ms) => clock.advance(ms), sweep: async () => store.sweep() };
  },
  { ttlMs: TTL, shortLeaseMs: 1_000 },
);

describe('memory session store', () => {
  it('calls onExpire once for each record that expires, from the sweep or from an access, never for deleted ones', async () => {
    const expired: ExpiredSession[] = [];
    const { store, clock } = makeStore({ onExpire: (r) => expired.push(r) });
    const [a, b, c, d] = [sampleRecord(), sampleRecord(), sampleRecord(), sampleRecord()];
    await store.create(a);
    await store.create(b);
    await store.create(d);
    clock.advance(TTL / 2);
    await store.create(c);
    await store.delete(d.id);
    clock.advance(TTL / 2);
    // a and b are due, c is not
    expect(await store.get(a.id)).toBeUndefined();
    expect(expired.map((r) => r.id)).toEqual([a.id]);
    expect(expired[0]).toEqual({ id: a.id, bundleVersion: '1.4.0', turn: 0, waitingAt: 'main/menu', updatedAt: a.updatedAt });
    expect(store.sweep()).toBe(1);
    expect(expired.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(store.size).toBe(1);
    expect(store.sweep()).toBe(0);
    clock.advance(TTL / 2);
    expect(store.sweep()).toBe(1);
    expect(expired.map((r) => r.id)).toEqual([a.id, b.id, c.id]);
    expect(store.size).toBe(0);
  });

  it('hands onExpire the last write, and nothing for a conversation that ended', async () => {
    const expired: ExpiredSession[] = [];
    const { store, clock } = makeStore({ onExpire: (r) => expired.push(r) });
    const rec = sampleRecord();
    await store.create(rec);
    const lease = (await store.acquire(rec.id, 5_000))!;
    const written = nextRecord(rec);
    await store.put(written, { lease, expectedVersion: 0 });
    const ended = sampleRecord(undefined, {
      state: { ...sampleRecord().state, wait: { kind: 'idle' }, ended: { outcome: 'resolved', at: { flow: 'main', node: 'bye' } } },
    });
    await store.create(ended);
    clock.advance(TTL);
    expect(store.sweep()).toBe(2);
    expect(expired).toEqual([expiringOf(written)]);
    expect(expired[0]).toMatchObject({ turn: 1, updatedAt: written.updatedAt });
  });

  it('sweeps in order of last write: a record written again moves behind the others', async () => {
    const expired: string[] = [];
    const { store, clock } = makeStore({ onExpire: (r) => expired.push(r.id) });
    const [a, b] = [sampleRecord(), sampleRecord()];
    await store.create(a);
    clock.advance(1);
    await store.create(b);
    clock.advance(1);
    const lease = (await store.acquire(a.id, 5_000))!;
    await store.put(nextRecord(a), { lease, expectedVersion: 0 });
    clock.advance(TTL - 1);
    expect(store.sweep()).toBe(1);
    expect(expired).toEqual([b.id]);
    clock.advance(1);
    expect(store.sweep()).toBe(1);
    expect(expired).toEqual([b.id, a.id]);
  });

  it('runs the sweep on the injected scheduler and cancels it on close', async () => {
    const sched = fakeScheduler();
    const expired: string[] = [];
    const { store, clock } = makeStore({ schedule: sched.schedule, sweepEveryMs: 250, onExpire: (r) => expired.push(r.id) });
    expect([...sched.jobs.values()].map((j) => j.everyMs)).toEqual([250]);
    const rec = sampleRecord();
    await store.create(rec);
    clock.advance(TTL);
    sched.tick();
    expect(expired).toEqual([rec.id]);
    await store.close();
    expect(sched.jobs.size).toBe(0);
    await expect(store.get(rec.id)).rejects.toThrow(/closed/);
  });

  it('sweeps every min(ttl, 60 s) by default', () => {
    const sched = fakeScheduler();
    createMemorySessionStore({ ttlMs: 5_000, schedule: sched.schedule });
    createMemorySessionStore({ ttlMs: 30 * 60_000, schedule: sched.schedule });
    expect([...sched.jobs.values()].map((j) => j.everyMs)).toEqual([5_000, 60_000]);
  });

  it('drops lapsed leases in the sweep, keeps live ones', async () => {
    const { store, clock } = makeStore();
    const [a, b] = ['a', 'b'];
    await store.acquire(a, 1_000);
    const held = (await store.acquire(b, 5_000))!;
    clock.advance(2_000);
    store.sweep();
    expect(await store.acquire(a, 1_000)).toBeDefined();
    expect(await store.acquire(b, 1_000)).toBeUndefined();
    expect(held.expiresAt).toBe(clock.now() - 2_000 + 5_000);
  });

  it('makes lease tokens with the injected factory, or 128 random bits by default', async () => {
    let n = 0;
    const { store } = makeStore({ newToken: () => `t${++n}` });
    expect((await store.acquire('x', 1_000))?.token).toBe('t1');
    const real = createMemorySessionStore({ ttlMs: TTL, schedule: false });
    const tokens = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const lease = (await real.acquire(`c${i}`, 1_000))!;
      expect(lease.token).toMatch(/^[0-9a-f]{16}-[0-9a-z]+$/);
      tokens.add(lease.token);
    }
    expect(tokens.size).toBe(50);
  });

  it('stores frozen values: neither what was put nor what was read can change what is stored', async () => {
    const { store } = makeStore();
    const rec = sampleRecord();
    const put = { ...rec, state: { ...rec.state, vars: { account: { balance: 10 } } } };
    await store.create(put);
    const got = (await store.get(rec.id))!;
    expect(() => {
      (got.state.vars.account as { balance: number }).balance = 99;
    }).toThrow(TypeError);
    expect(() => {
      (put.state.vars.account as { balance: number }).balance = 99;
    }).toThrow(TypeError);
    expect(() => got.state.transcript.push({ role: 'user', text: 'x' })).toThrow(TypeError);
    expect((await store.get(rec.id))!.state.vars).toEqual({ account: { balance: 10 } });
  });

  it('rejects a TTL that is not a positive number', () => {
    expect(() => createMemorySessionStore({ ttlMs: 0 })).toThrow(/ttlMs/);
    expect(() => createMemorySessionStore({ ttlMs: Number.NaN })).toThrow(/ttlMs/);
  });
});
