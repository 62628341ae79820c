// The behaviour every SessionStore must have (shared/runtime/sessionStore.ts), as vitest tests: each store's test
// file calls `sessionStoreContract(name, makeStore)`. Time is the harness's: `advance(ms)` moves a fake clock for
// the memory store and really waits for Redis, so assertions are about what happened, never about how long it took.
// The only real-time margin is in "a write extends the idle TTL": with a real clock, the read must reach the store
// within 0.4 × ttlMs of the write (harnesses on real time pick a ttlMs that makes this seconds).
//
// Expiry: a store hands `onExpire` (given when the harness makes it) each conversation that expired before it ended,
// once, by the time `sweep()` has run after the expiry; never a deleted or an ended one.

import { afterEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/engine/types';
import { fixtureState } from '../../shared/runtime/fixtures';
import { expiringOf, type ExpiredSession, type SessionRecord, type SessionStore } from '../../shared/runtime/sessionStore';

export interface ContractHarness {
  store: SessionStore;
  /** Lets `ms` of the store's time pass. */
  advance(ms: number): Promise<void>;
  /** Runs the store's expiry sweep now (its own timer, if any, is off). */
  sweep(): Promise<unknown>;
}

export interface ContractStoreOptions {
  onExpire?: (expired: ExpiredSession) => void;
}

export interface ContractTimes {
  /** The records' idle TTL the harness gave its store. */
  ttlMs: number;
  /** A lease length short enough to wait out (real time: a few hundred ms). */
  shortLeaseMs: number;
}

let seq = 0;
/** A fresh, unique conversation id (stores may share one backend between tests). */
export const newId = (): string => `conv-${process.pid}-${Date.now().toString(36)}-${++seq}`;

export function sampleState(overrides: Partial<SessionState> = {}): SessionState {
  return {
    v: 1,
    locale: 'en',
    turn: 0,
    vars: { customer: { name: 'Ada', tier: 'gold' }, balance: 12.5 },
    wait: { kind: 'listen', flow: 'main', node: 'menu' },
    stack: [{ kind: 'call', flow: 'main', node: 'cards', next: 'bye' }],
    quickReplies: [{ id: 'q1', label: 'Block my card', payload: 'block', flow: 'main', node: 'menu', next: 'block' }],
    fallbacks: 0,
    last: { input: 'hello', intent: 'greet', confidence: 0.93, entities: {} },
    transcript: [
      { role: 'user', text: 'hello' },
      { role: 'bot', text: 'Hi Ada, how can I help? ñ € 🙂' },
    ],
    ...overrides,
  };
}

export function sampleRecord(id = newId(), overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    bundleVersion: '1.4.0',
    version: 0,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    state: sampleState(),
    variants: { 'main/greet': 'warm' },
    ...overrides,
  };
}

/** The record a turn writes: state changed, version bumped. */
export function nextRecord(rec: SessionRecord): SessionRecord {
  return { ...rec, version: rec.version + 1, updatedAt: rec.updatedAt + 1000, state: { ...rec.state, turn: rec.state.turn + 1 } };
}

export function sessionStoreContract(name: string, makeStore: (o?: ContractStoreOptions) => Promise<ContractHarness>, times: ContractTimes): void {
  const { ttlMs, shortLeaseMs } = times;
  const longLeaseMs = 60_000;

  describe(`SessionStore contract: ${name}`, () => {
    const open: SessionStore[] = [];
    const make = async (o?: ContractStoreOptions): Promise<ContractHarness> => {
      const h = await makeStore(o);
      open.push(h.store);
      return h;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('creates a record and gives it back as stored, unknown ids as undefined', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      expect(await store.get(rec.id)).toBeUndefined();
      expect(await store.create(rec)).toBe(true);
      expect(await store.get(rec.id)).toEqual(rec);
      expect(await store.get(newId())).toBeUndefined();
    });

    it('keeps what it stored apart from the caller’s objects', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      // a change to what was put or got either throws (the memory store keeps frozen values) or changes only the
      // caller's copy (Redis keeps JSON): never what is stored
      const attempt = (change: () => void) => {
        try {
          change();
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
        }
      };
      attempt(() => ((rec.state.vars as Record<string, unknown>).balance = 0));
      const got = await store.get(rec.id);
      expect(got?.state.vars.balance).toBe(12.5);
      attempt(() => (got!.state.turn = 99));
      expect((await store.get(rec.id))?.state.turn).toBe(0);
    });

    it('refuses a second create of the same id and keeps the first record', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      expect(await store.create(rec)).toBe(true);
      expect(await store.create({ ...rec, bundleVersion: '9.9.9' })).toBe(false);
      expect((await store.get(rec.id))?.bundleVersion).toBe('1.4.0');
    });

    it('gives a lease to one holder at a time; release lets the next one take it', async () => {
      const { store } = await make();
      const id = newId();
      const a = await store.acquire(id, longLeaseMs);
      expect(a).toMatchObject({ id });
      expect(a!.token.length).toBeGreaterThanOrEqual(16);
      expect(await store.acquire(id, longLeaseMs)).toBeUndefined();
      // another conversation is not affected
      expect(await store.acquire(newId(), longLeaseMs)).toBeDefined();
      await store.release(a!);
      const b = await store.acquire(id, longLeaseMs);
      expect(b).toBeDefined();
      expect(b!.token).not.toBe(a!.token);
    });

    it('writes with the lease and the expected version, bumping what get returns', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      const lease = (await store.acquire(rec.id, longLeaseMs))!;
      const first = nextRecord(rec);
      expect(await store.put(first, { lease, expectedVersion: 0 })).toBe(true);
      const second = nextRecord(first);
      expect(await store.put(second, { lease, expectedVersion: 1 })).toBe(true);
      expect(await store.get(rec.id)).toEqual(second);
    });

    it('refuses a put with a stale version and writes nothing', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      const lease = (await store.acquire(rec.id, longLeaseMs))!;
      const first = nextRecord(rec);
      expect(await store.put(first, { lease, expectedVersion: 0 })).toBe(true);
      const stale = { ...nextRecord(rec), bundleVersion: 'stale' };
      expect(await store.put(stale, { lease, expectedVersion: 0 })).toBe(false);
      expect(await store.put(stale, { lease, expectedVersion: 5 })).toBe(false);
      expect(await store.get(rec.id)).toEqual(first);
    });

    it('refuses a put without the lease: never taken, released, another conversation’s, or a forged token', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      const other = sampleRecord();
      await store.create(rec);
      await store.create(other);
      const otherLease = (await store.acquire(other.id, longLeaseMs))!;
      expect(await store.put(nextRecord(rec), { lease: { ...otherLease, id: rec.id }, expectedVersion: 0 })).toBe(false);
      expect(await store.put(nextRecord(rec), { lease: otherLease, expectedVersion: 0 })).toBe(false);
      const lease = (await store.acquire(rec.id, longLeaseMs))!;
      expect(await store.put(nextRecord(rec), { lease: { ...lease, token: `${lease.token}x` }, expectedVersion: 0 })).toBe(false);
      await store.release(lease);
      expect(await store.put(nextRecord(rec), { lease, expectedVersion: 0 })).toBe(false);
      expect(await store.get(rec.id)).toEqual(rec);
      expect(await store.get(other.id)).toEqual(other);
    });

    it('refuses a put on a record that does not exist (never created, or deleted)', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      const lease = (await store.acquire(rec.id, longLeaseMs))!;
      expect(await store.put(rec, { lease, expectedVersion: 0 })).toBe(false);
      expect(await store.get(rec.id)).toBeUndefined();
    });

    it('lets a lapsed lease be taken over; the old holder’s put is refused, the new holder’s goes through', async () => {
      const { store, advance } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      const old = (await store.acquire(rec.id, shortLeaseMs))!;
      expect(await store.acquire(rec.id, longLeaseMs)).toBeUndefined();
      await advance(shortLeaseMs + 50);
      const taker = await store.acquire(rec.id, longLeaseMs);
      expect(taker).toBeDefined();
      expect(await store.put(nextRecord(rec), { lease: old, expectedVersion: 0 })).toBe(false);
      expect(await store.put(nextRecord(rec), { lease: taker!, expectedVersion: 0 })).toBe(true);
      expect((await store.get(rec.id))?.version).toBe(1);
    });

    it('refuses a put after the lease lapsed even when nobody took it', async () => {
      const { store, advance } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      const lease = (await store.acquire(rec.id, shortLeaseMs))!;
      await advance(shortLeaseMs + 50);
      expect(await store.put(nextRecord(rec), { lease, expectedVersion: 0 })).toBe(false);
      expect(await store.get(rec.id)).toEqual(rec);
    });

    it('treats the release of a lost lease as a no-op that leaves the new holder’s lease alone', async () => {
      const { store, advance } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      const old = (await store.acquire(rec.id, shortLeaseMs))!;
      await advance(shortLeaseMs + 50);
      const taker = (await store.acquire(rec.id, longLeaseMs))!;
      await expect(store.release(old)).resolves.toBeUndefined();
      expect(await store.acquire(rec.id, longLeaseMs)).toBeUndefined();
      expect(await store.put(nextRecord(rec), { lease: taker, expectedVersion: 0 })).toBe(true);
      // releasing twice, or a lease of a conversation nobody holds, is fine too
      await store.release(taker);
      await store.release(taker);
      await store.release({ id: newId(), token: 'nobody', expiresAt: 0 });
    });

    it('deletes a record and its lease; the id can be created again', async () => {
      const { store } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      const lease = (await store.acquire(rec.id, longLeaseMs))!;
      await store.delete(rec.id);
      expect(await store.get(rec.id)).toBeUndefined();
      expect(await store.put(nextRecord(rec), { lease, expectedVersion: 0 })).toBe(false);
      expect(await store.acquire(rec.id, longLeaseMs)).toBeDefined();
      expect(await store.create(rec)).toBe(true);
      await store.delete(newId()); // unknown id: nothing to do
    });

    it('expires a record ttlMs after its last write', async () => {
      const { store, advance } = await make();
      const rec = sampleRecord();
      await store.create(rec);
      await advance(ttlMs + 50);
      expect(await store.get(rec.id)).toBeUndefined();
      expect(await store.create(rec)).toBe(true);
    });

    it('counts the idle TTL from the last put, not from creation or reads', async () => {
      const { store, advance } = await make();
      const rec = sampleRecord();
      const untouched = sampleRecord();
      await store.create(rec);
      await store.create(untouched);
      await advance(ttlMs * 0.5);
      const lease = (await store.acquire(rec.id, longLeaseMs))!;
      expect(await store.put(nextRecord(rec), { lease, expectedVersion: 0 })).toBe(true);
      await store.get(untouched.id);
      await advance(ttlMs * 0.6);
      // past ttlMs since creation: the untouched one is gone (a read does not extend it), the written one is not
      expect(await store.get(untouched.id)).toBeUndefined();
      expect((await store.get(rec.id))?.version).toBe(1);
      await advance(ttlMs * 0.5);
      expect(await store.get(rec.id)).toBeUndefined();
    });

    it('keeps a test conversation’s fixture state with the record, as written by create and by put', async () => {
      const { store } = await make();
      const test = fixtureState({ api: { get_balance: [{ body: { balance: 1 } }, { fail: 'timeout' }] }, agents: false }, '2026-02-01T00:00:00Z');
      const rec = sampleRecord(newId(), { test });
      await store.create(rec);
      expect(await store.get(rec.id)).toEqual(rec);
      const lease = (await store.acquire(rec.id, longLeaseMs))!;
      const next = { ...nextRecord(rec), test: { ...test, apiCalls: { get_balance: 1 }, unanswered: 'no LLM fixture answers main/x' } };
      expect(await store.put(next, { lease, expectedVersion: 0 })).toBe(true);
      expect((await store.get(rec.id))?.test).toEqual(next.test);
    });

    it('reports each conversation that expired unfinished once, with its last write; never a deleted or an ended one', async () => {
      const expired: ExpiredSession[] = [];
      const { store, advance, sweep } = await make({ onExpire: (e) => expired.push(e) });
      const [idle, written, deleted, ended] = [sampleRecord(), sampleRecord(), sampleRecord(), sampleRecord()];
      for (const r of [idle, written, deleted, ended]) await store.create(r);
      const lease = (await store.acquire(written.id, longLeaseMs))!;
      const last = nextRecord(written);
      await store.put(last, { lease, expectedVersion: 0 });
      const endLease = (await store.acquire(ended.id, longLeaseMs))!;
      const endedState = { ...ended.state, wait: { kind: 'idle' as const }, ended: { outcome: 'resolved' as const, at: { flow: 'main', node: 'bye' } } };
      await store.put({ ...nextRecord(ended), state: endedState }, { lease: endLease, expectedVersion: 0 });
      await store.delete(deleted.id);
      await sweep();
      expect(expired).toEqual([]);
      await advance(ttlMs + 50);
      await sweep();
      await sweep();
      const byId = (a: ExpiredSession, b: ExpiredSession) => a.id.localeCompare(b.id);
      expect([...expired].sort(byId)).toEqual([expiringOf(idle)!, expiringOf(last)!].sort(byId));
      expect(expired.find((e) => e.id === written.id)).toEqual({
        id: written.id,
        bundleVersion: '1.4.0',
        turn: 1,
        waitingAt: 'main/menu',
        updatedAt: last.updatedAt,
      });
      expect(await store.get(idle.id)).toBeUndefined();
      await sweep();
      expect(expired).toHaveLength(2);
    });
  });
}
