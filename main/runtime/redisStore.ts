// Sessions in Redis, so several runtime processes behind a load balancer share conversations (issue 12, §4).
//
// Keys: `<prefix>{<id>}:session` (a hash: `version`, the stored version as decimal text, and `record`, the
// SessionRecord as JSON; idle TTL = PEXPIRE on every write) and `<prefix>{<id>}:lease` (the lease token, with
// the lease's PX). The `{<id>}` hash tag puts a conversation's keys in one Redis Cluster slot, which the
// multi-key scripts below need. Leases and version-checked writes are single Redis commands or Lua scripts, so
// they are atomic however many processes share the Redis:
// - acquire = SET lease token NX PX ms;
// - put     = a script: write only when the lease key holds the caller's token and the stored version is the
//             expected one (both in the same step as the write);
// - release = a script: delete the lease key only when it still holds the caller's token.
//
// Abandonment: Redis expires keys silently, so the store keeps an index of when each unfinished conversation
// expires: `<prefix>{expiries}:due` (a sorted set: id → expiry time, ms, Redis's clock) and `<prefix>{expiries}:info`
// (a hash: id → what the `abandoned` event needs, ExpiredSession as JSON). create and put update both in the same
// script as the record (an ended conversation leaves the index), delete removes them. Every store sweeps the index
// every `sweepEveryMs`: a script claims due entries (pushing each one's score to a claim deadline, `claimMs` on),
// the store reports each to `onExpire`, then acknowledges it (removes it if its score is still that deadline; a
// conversation of the same id created meanwhile keeps its own entry). So however many replicas sweep, one claims
// an entry; a claim whose reply was lost lapses and is claimed again; an acknowledgement Redis did not get is
// retried at the next sweep. Reported twice only if a replica dies between reporting and acknowledging and its
// claim lapses; lost only with Redis's data. The index keys share one hash tag (one Cluster slot), not the
// conversations', so on a Redis Cluster the create/put/delete scripts would have to update the index in a second
// step (docs/ARCHITECTURE.md).
//
// Redis going away: commands fail fast with SessionStoreUnavailableError (no offline queue, no retries of a
// command, a connect and a command timeout), so a turn answers 503 instead of waiting; ioredis keeps reconnecting
// in the background and the store works again once Redis is back. A command in flight when the connection drops
// is never resent (a write whose reply was lost must not be applied twice).

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import {
  expiringOf,
  SessionStoreUnavailableError,
  type ExpiredSession,
  type Lease,
  type SessionRecord,
  type SessionStore,
} from '../../shared/runtime/sessionStore';

export interface RedisSessionStoreOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** Idle time to live of a record, in ms: it expires this long after its last write. */
  ttlMs: number;
  /** Prepended to every key; default `parley:`. Distinct prefixes let several bundles share one Redis. */
  keyPrefix?: string;
  /** How long connecting (the first time and on every reconnect) may take; default 2 s. */
  connectTimeoutMs?: number;
  /** How long a command may wait for its reply before it fails; default 2 s. */
  commandTimeoutMs?: number;
  /** The clock of leases' `expiresAt` (epoch ms); default `Date.now`. Redis itself times the lease out. */
  now?: () => number;
  /** A fresh, unguessable lease token; default 128 random bits (node:crypto). */
  newToken?: () => string;
  /**
   * A stored value that is not a valid session record: the store treats it as missing and reports it here (the
   * id and what is wrong; never the value). Default: a process warning.
   */
  onInvalidRecord?: (id: string, problem: string) => void;
  /** Connection errors as ioredis reports them while it reconnects (the store keeps working without a handler). */
  onConnectionError?: (err: Error) => void;
  /**
   * Called once for each conversation that expired before it ended, across every store sharing the Redis and key
   * prefix (never for deleted or ended ones), by the store whose sweep claimed it. It must not throw.
   */
  onExpire?: (expired: ExpiredSession) => void;
  /** How often this store sweeps the expiry index; default min(ttlMs, 5 s). 0: never (call `sweep()` yourself). */
  sweepEveryMs?: number;
  /** How long a claimed expiry waits for its acknowledgement before another sweep may claim it; default 60 s. */
  claimMs?: number;
  /** A sweep that failed (Redis away): the next one tries again. */
  onSweepError?: (err: Error) => void;
}

export interface RedisSessionStore extends SessionStore {
  /** True while connected (for a readiness probe). */
  isConnected(): boolean;
  /** The key names of a conversation (for operators and tests). */
  keys(id: string): { session: string; lease: string };
  /** Claims the expiries that are due, reports each to `onExpire`, acknowledges them; how many it reported. */
  sweep(): Promise<number>;
}

/** What a stored record must look like to be used: the envelope exactly, the engine state's top level. */
const storedRecordSchema = z.looseObject({
  id: z.string(),
  bundleVersion: z.string(),
  version: z.number().int().nonnegative(),
  createdAt: z.number(),
  updatedAt: z.number(),
  state: z.looseObject({
    v: z.literal(1),
    locale: z.string(),
    turn: z.number(),
    vars: z.record(z.string(), z.unknown()),
    wait: z.looseObject({ kind: z.string() }).nullable(),
    stack: z.array(z.looseObject({ kind: z.string() })),
    quickReplies: z.array(z.looseObject({ id: z.string(), payload: z.string() })),
    fallbacks: z.number(),
    last: z.looseObject({ input: z.string(), entities: z.record(z.string(), z.unknown()) }),
    transcript: z.array(z.looseObject({ role: z.string(), text: z.string() })),
  }),
  variants: z.record(z.string(), z.string()).optional(),
  test: z
    .looseObject({
      fixtures: z.looseObject({}),
      now: z.number(),
      apiCalls: z.record(z.string(), z.number().int().nonnegative()),
      unanswered: z.string().optional(),
    })
    .optional(),
});

const expiredSchema = z.strictObject({
  id: z.string(),
  bundleVersion: z.string(),
  turn: z.number().int().nonnegative(),
  waitingAt: z.string().optional(),
  updatedAt: z.number(),
});

// The index of expiries, updated with the record: `summary` is ExpiredSession as JSON, or '' for an ended one.
const INDEX_LUA = `
local function index(due, info, id, ttl, summary)
  if summary == '' then
    redis.call('ZREM', due, id)
    redis.call('HDEL', info, id)
    return
  end
  local t = redis.call('TIME')
  redis.call('ZADD', due, t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ttl), id)
  redis.call('HSET', info, id, summary)
end
`;

// KEYS[1] session, KEYS[2] due, KEYS[3] info. ARGV: version, record JSON, ttl ms, id, summary. 1 created, 0 exists.
const CREATE_LUA = `${INDEX_LUA}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'record', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
index(KEYS[2], KEYS[3], ARGV[4], ARGV[3], ARGV[5])
return 1`;

// KEYS[1] session, KEYS[2] lease, KEYS[3] due, KEYS[4] info. ARGV: token, expected version, new version, record
// JSON, ttl ms, id, summary. 1 written; 0 lease not held by this token; -1 no record; -2 stored version is not the
// expected one.
const PUT_LUA = `${INDEX_LUA}
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local stored = redis.call('HGET', KEYS[1], 'version')
if not stored then return -1 end
if stored ~= ARGV[2] then return -2 end
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'record', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
index(KEYS[3], KEYS[4], ARGV[6], ARGV[5], ARGV[7])
return 1`;

// KEYS[1] session, KEYS[2] lease, KEYS[3] due, KEYS[4] info. ARGV: id.
const DELETE_LUA = `
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1`;

// KEYS[1] due, KEYS[2] info. ARGV: most entries, claim ms. Claims the due entries: each one's score becomes its
// claim deadline. Returns id, summary, deadline for each.
const CLAIM_LUA = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local out = {}
local deadline = now + tonumber(ARGV[2])
for _, id in ipairs(ids) do
  local summary = redis.call('HGET', KEYS[2], id)
  if summary then
    redis.call('ZADD', KEYS[1], deadline, id)
    out[#out + 1] = id
    out[#out + 1] = summary
    out[#out + 1] = tostring(deadline)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`;

// KEYS[1] due, KEYS[2] info. ARGV: id, deadline, id, deadline... Removes each entry still claimed with that deadline.
const ACK_LUA = `
local n = 0
for i = 1, #ARGV, 2 do
  if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i])) == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    n = n + 1
  end
end
return n`;

// KEYS[1] lease. ARGV: token. 1 released, 0 not held by this token (lapsed, taken over, or never held).
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type RedisKey = string;
interface ScriptCommands {
  parleyCreate(session: RedisKey, due: RedisKey, info: RedisKey, version: string, json: string, ttlMs: number, id: string, summary: string): Promise<number>;
  parleyPut(
    ...args: [
      session: RedisKey,
      lease: RedisKey,
      due: RedisKey,
      info: RedisKey,
      token: string,
      expected: string,
      version: string,
      json: string,
      ttlMs: number,
      id: string,
      summary: string,
    ]
  ): Promise<number>;
  parleyRelease(lease: RedisKey, token: string): Promise<number>;
  parleyDelete(session: RedisKey, lease: RedisKey, due: RedisKey, info: RedisKey, id: string): Promise<number>;
  parleyClaim(due: RedisKey, info: RedisKey, limit: number, claimMs: number): Promise<string[]>;
  parleyAck(due: RedisKey, info: RedisKey, ...idDeadlinePairs: string[]): Promise<number>;
}

const jsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** Expiries claimed at a time. */
const CLAIM_BATCH = 200;

const positiveMs = (name: string, ms: number): number => {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${name} must be a positive number of milliseconds, got ${ms}`);
  return Math.max(1, Math.ceil(ms));
};

/**
 * Connects to Redis and resolves once connected (so the first turn does not fail); rejects with
 * SessionStoreUnavailableError when Redis cannot be reached within `connectTimeoutMs`.
 */
export async function createRedisSessionStore(options: RedisSessionStoreOptions): Promise<RedisSessionStore> {
  const ttlMs = positiveMs('ttlMs', options.ttlMs);
  const prefix = options.keyPrefix ?? 'parley:';
  const now = options.now ?? Date.now;
  const newToken = options.newToken ?? (() => randomBytes(16).toString('hex'));
  const onInvalid =
    options.onInvalidRecord ??
    ((id, problem) => process.emitWarning(`session record ${id} in Redis is not valid (${problem}); treated as missing`, 'ParleySessionStore'));

  const client = new Redis(options.url, {
    lazyConnect: true,
    // fail fast while disconnected: no queue of commands waiting for Redis, no resend after a reconnect
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    // keep reconnecting (back-off up to 1 s) for as long as the store is open
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 1_000),
  });
  client.on('error', (err: Error) => options.onConnectionError?.(err));
  client.defineCommand('parleyCreate', { numberOfKeys: 3, lua: CREATE_LUA });
  client.defineCommand('parleyPut', { numberOfKeys: 4, lua: PUT_LUA });
  client.defineCommand('parleyRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
  client.defineCommand('parleyDelete', { numberOfKeys: 4, lua: DELETE_LUA });
  client.defineCommand('parleyClaim', { numberOfKeys: 2, lua: CLAIM_LUA });
  client.defineCommand('parleyAck', { numberOfKeys: 2, lua: ACK_LUA });
  const scripts = client as unknown as ScriptCommands;

  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new SessionStoreUnavailableError(`the Redis session store could not connect: ${(err as Error).message}`, { cause: err });
  }

  const keys = (id: string) => ({ session: `${prefix}{${id}}:session`, lease: `${prefix}{${id}}:lease` });
  const due = `${prefix}{expiries}:due`;
  const info = `${prefix}{expiries}:info`;
  const summaryOf = (record: SessionRecord) => {
    const e = expiringOf(record);
    return e ? JSON.stringify(e) : '';
  };
  let closed = false;

  /** Runs one Redis operation; any failure of Redis (down, timed out, refused) is SessionStoreUnavailableError. */
  const call = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new Error('the session store is closed');
    try {
      return await fn();
    } catch (err) {
      throw new SessionStoreUnavailableError(`the Redis session store is unavailable (${op}): ${(err as Error).message}`, { cause: err });
    }
  };

  const parse = (id: string, json: string): SessionRecord | undefined => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      onInvalid(id, 'not JSON');
      return undefined;
    }
    const result = storedRecordSchema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      onInvalid(id, issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid');
      return undefined;
    }
    if (result.data.id !== id) {
      onInvalid(id, 'its id is another conversation’s');
      return undefined;
    }
    return result.data as unknown as SessionRecord;
  };

  // Expiries this store reported and Redis has not yet acknowledged (id → claim deadline): acknowledged at the
  // next sweep, and never reported again if claimed again meanwhile.
  const unacknowledged = new Map<string, string>();
  const acknowledge = async () => {
    if (!unacknowledged.size) return;
    const pairs = [...unacknowledged].flat();
    await call('sweep', () => scripts.parleyAck(due, info, ...pairs));
    for (let i = 0; i < pairs.length; i += 2) if (unacknowledged.get(pairs[i]!) === pairs[i + 1]) unacknowledged.delete(pairs[i]!);
  };
  const claimMs = positiveMs('claimMs', options.claimMs ?? 60_000);
  const sweepOnce = async (): Promise<number> => {
    await acknowledge();
    let reported = 0;
    for (;;) {
      const claimed = await call('sweep', () => scripts.parleyClaim(due, info, CLAIM_BATCH, claimMs));
      for (let i = 0; i < claimed.length; i += 3) {
        const [id, summary, deadline] = [claimed[i]!, claimed[i + 1]!, claimed[i + 2]!];
        // claimed again before our acknowledgement got through: reported already
        if (!unacknowledged.has(id)) {
          const parsed = expiredSchema.safeParse(jsonOrUndefined(summary));
          if (parsed.success && parsed.data.id === id) {
            try {
              options.onExpire?.(parsed.data as ExpiredSession);
            } catch (e) {
              options.onSweepError?.(e as Error);
            }
            reported++;
          } else onInvalid(id, 'its expiry entry is not valid');
        }
        unacknowledged.set(id, deadline);
      }
      await acknowledge();
      if (claimed.length < CLAIM_BATCH * 3) return reported;
    }
  };
  // one sweep at a time in this store
  let sweeping: Promise<number> | undefined;
  const sweep = (): Promise<number> =>
    (sweeping ??= sweepOnce().finally(() => {
      sweeping = undefined;
    }));
  const every = options.sweepEveryMs ?? Math.min(ttlMs, 5_000);
  const timer =
    every > 0
      ? setInterval(() => {
          sweep().catch((e: unknown) => {
            if (!closed) options.onSweepError?.(e as Error);
          });
        }, every)
      : undefined;
  timer?.unref();

  return {
    isConnected: () => client.status === 'ready',
    keys,
    async get(id) {
      const json = await call('get', () => client.hget(keys(id).session, 'record'));
      return json === null ? undefined : parse(id, json);
    },
    async create(record) {
      const json = JSON.stringify(record);
      const created = await call('create', () =>
        scripts.parleyCreate(keys(record.id).session, due, info, String(record.version), json, ttlMs, record.id, summaryOf(record)),
      );
      return created === 1;
    },
    async acquire(id, leaseMs) {
      const ms = positiveMs('lease ttlMs', leaseMs);
      const token = newToken();
      const expiresAt = now() + ms;
      const ok = await call('acquire', () => client.set(keys(id).lease, token, 'PX', ms, 'NX'));
      return ok === 'OK' ? ({ id, token, expiresAt } satisfies Lease) : undefined;
    },
    async put(record, { lease, expectedVersion }) {
      if (lease.id !== record.id) return false;
      const k = keys(record.id);
      const json = JSON.stringify(record);
      const result = await call('put', () =>
        scripts.parleyPut(
          k.session,
          k.lease,
          due,
          info,
          lease.token,
          String(expectedVersion),
          String(record.version),
          json,
          ttlMs,
          record.id,
          summaryOf(record),
        ),
      );
      return result === 1;
    },
    async release(lease) {
      await call('release', () => scripts.parleyRelease(keys(lease.id).lease, lease.token));
    },
    async delete(id) {
      const k = keys(id);
      await call('delete', () => scripts.parleyDelete(k.session, k.lease, due, info, id));
    },
    sweep,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await sweeping?.catch(() => undefined);
      if (client.status === 'ready') {
        try {
          await client.quit();
          return;
        } catch {
          // fall through: drop the connection
        }
      }
      client.disconnect();
    },
  };
}
