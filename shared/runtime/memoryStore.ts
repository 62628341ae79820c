// The in-process session store: the runtime's default when there is no Redis (one process serves every turn).
// Records are kept as frozen values: `put` and `create` freeze the record given, deeply, and `get` hands out that
// same record, so no caller can change what is stored (an attempt throws: ES modules are strict) and a turn pays
// for no copy. (This store kept JSON text until the load bench showed its parse and stringify at ~7 % of a turn.)
// Unlike Redis's JSON, a property whose value is undefined is kept as such: a record is JSON data by its type, and
// the runtime reads such a property as absent either way.
//
// Time comes only from the injected clock and the injected scheduler, so tests control it:
// - a record expires `ttlMs` after its last write (create or put: an idle TTL; reads do not extend it). Expiry is
//   checked on every access and by `sweep()`, which the scheduler runs every `sweepEveryMs`; `onExpire` hears
//   once of each record that expired before its conversation ended (the runtime writes it as abandoned);
// - a lease lapses at its `expiresAt`; after that anyone may take it, and the old holder's `put` is refused.

import { expiringOf, type ExpiredSession, type Lease, type SessionRecord, type SessionStore } from './sessionStore';

export interface MemorySessionStoreOptions {
  /** Idle time to live of a record, in ms: it expires this long after its last write. */
  ttlMs: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** Called once for every record that expires before its conversation ended (not for deleted or ended ones). It must not throw. */
  onExpire?: (expired: ExpiredSession) => void;
  /**
   * A fresh lease token, unique in this store; default a random prefix (from `crypto.getRandomValues`, once) and a
   * counter. A token never leaves the process: it tells a lease's holder from a later one, it guards nothing.
   */
  newToken?: () => string;
  /**
   * Runs `fn` every `everyMs` until the returned function is called. Default: the host's `setInterval`, unref'd
   * where the host supports it (it never keeps a Node process alive). `false`: no timer; call `sweep()` yourself.
   */
  schedule?: ((everyMs: number, fn: () => void) => () => void) | false;
  /** How often the scheduled sweep runs; default min(ttlMs, 60 s). */
  sweepEveryMs?: number;
}

export interface MemorySessionStore extends SessionStore {
  /** Removes every record past its TTL (calling `onExpire` for the unfinished ones) and every lapsed lease; the number of records expired. */
  sweep(): number;
  /** Records held, expired ones not yet swept included. */
  readonly size: number;
}

interface Entry {
  record: SessionRecord;
  version: number;
  /** The store's clock at the last write. */
  writtenAt: number;
}

interface HeldLease {
  token: string;
  expiresAt: number;
}

export function createMemorySessionStore(options: MemorySessionStoreOptions): MemorySessionStore {
  const { ttlMs } = options;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  const now = options.now ?? Date.now;
  const newToken = options.newToken ?? defaultTokenFactory();
  // Kept in order of last write (a write deletes and re-inserts), so the oldest writes come first and a sweep
  // stops at the first record still alive.
  const records = new Map<string, Entry>();
  const leases = new Map<string, HeldLease>();
  let closed = false;

  const write = (record: SessionRecord): void => {
    records.delete(record.id);
    records.set(record.id, { record: deepFreeze(record), version: record.version, writtenAt: now() });
  };

  const expire = (id: string, entry: Entry): void => {
    records.delete(id);
    leases.delete(id);
    if (!options.onExpire) return;
    const expired = expiringOf(entry.record);
    if (expired) options.onExpire(expired);
  };

  /** The record's entry when it exists and has not expired (an expired one is removed on the way). */
  const live = (id: string): Entry | undefined => {
    const entry = records.get(id);
    if (entry && now() - entry.writtenAt >= ttlMs) {
      expire(id, entry);
      return undefined;
    }
    return entry;
  };

  const heldLease = (id: string): HeldLease | undefined => {
    const held = leases.get(id);
    if (held && held.expiresAt <= now()) {
      leases.delete(id);
      return undefined;
    }
    return held;
  };

  const sweep = (): number => {
    const t = now();
    const expired: [string, Entry][] = [];
    for (const [id, entry] of records) {
      if (t - entry.writtenAt < ttlMs) break;
      expired.push([id, entry]);
    }
    for (const [id, entry] of expired) expire(id, entry);
    for (const [id, held] of leases) if (held.expiresAt <= t) leases.delete(id);
    return expired.length;
  };

  const schedule = options.schedule === undefined ? defaultSchedule() : options.schedule;
  const cancel = schedule ? schedule(options.sweepEveryMs ?? Math.min(ttlMs, 60_000), sweep) : undefined;

  const open = (): void => {
    if (closed) throw new Error('the session store is closed');
  };

  return {
    get size() {
      return records.size;
    },
    sweep,
    async get(id) {
      open();
      const entry = live(id);
      return entry?.record;
    },
    async create(record) {
      open();
      if (live(record.id)) return false;
      write(record);
      return true;
    },
    async acquire(id, leaseMs) {
      open();
      if (heldLease(id)) return undefined;
      const lease: Lease = { id, token: newToken(), expiresAt: now() + leaseMs };
      leases.set(id, { token: lease.token, expiresAt: lease.expiresAt });
      return lease;
    },
    async put(record, { lease, expectedVersion }) {
      open();
      if (lease.id !== record.id || heldLease(record.id)?.token !== lease.token) return false;
      const entry = live(record.id);
      if (!entry || entry.version !== expectedVersion) return false;
      write(record);
      return true;
    },
    async release(lease) {
      open();
      if (leases.get(lease.id)?.token === lease.token) leases.delete(lease.id);
    },
    async delete(id) {
      open();
      records.delete(id);
      leases.delete(id);
    },
    async close() {
      if (closed) return;
      closed = true;
      cancel?.();
      records.clear();
      leases.clear();
    },
  };
}

interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

function defaultTokenFactory(): () => string {
  const source = (globalThis as { crypto?: Partial<RandomSource> }).crypto;
  if (typeof source?.getRandomValues !== 'function') {
    throw new Error('no crypto.getRandomValues on this host: pass newToken to createMemorySessionStore');
  }
  let prefix = '';
  for (const b of (source as RandomSource).getRandomValues(new Uint8Array(8))) prefix += b.toString(16).padStart(2, '0');
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}

/** `value` and everything reachable from it frozen (a record is JSON data: plain objects and arrays). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const v of value) deepFreeze(v);
  else for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
  return value;
}

type IntervalHost = {
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
};

function defaultSchedule(): ((everyMs: number, fn: () => void) => () => void) | false {
  const host = globalThis as IntervalHost;
  const { setInterval, clearInterval } = host;
  if (typeof setInterval !== 'function' || typeof clearInterval !== 'function') return false;
  return (everyMs, fn) => {
    const handle = setInterval.call(globalThis, fn, everyMs);
    (handle as { unref?: () => void }).unref?.();
    return () => clearInterval.call(globalThis, handle);
  };
}
