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
// Redis going away: commands fail fast with SessionStoreUnavailableError (no offline queue, no retries of a
// command, a connect and a command timeout), so a turn answers 503 instead of waiting; ioredis keeps reconnecting
// in the background and the store works again once Redis is back. A command in flight when the connection drops
// is never resent (a write whose reply was lost must not be applied twice).

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { SessionStoreUnavailableError, type Lease, type SessionRecord, type SessionStore } from '../../shared/runtime/sessionStore';

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
}

export interface RedisSessionStore extends SessionStore {
  /** True while connected (for a readiness probe). */
  isConnected(): boolean;
  /** The key names of a conversation (for operators and tests). */
  keys(id: string): { session: string; lease: string };
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
});

// KEYS[1] session. ARGV: version, record JSON, ttl ms. 1 created, 0 exists.
const CREATE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'record', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

// KEYS[1] session, KEYS[2] lease. ARGV: token, expected version, new version, record JSON, ttl ms.
// 1 written; 0 lease not held by this token; -1 no record; -2 stored version is not the expected one.
const PUT_LUA = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local stored = redis.call('HGET', KEYS[1], 'version')
if not stored then return -1 end
if stored ~= ARGV[2] then return -2 end
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'record', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

// KEYS[1] lease. ARGV: token. 1 released, 0 not held by this token (lapsed, taken over, or never held).
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type RedisKey = string;
interface ScriptCommands {
  parleyCreate(session: RedisKey, version: string, json: string, ttlMs: number): Promise<number>;
  parleyPut(session: RedisKey, lease: RedisKey, token: string, expected: string, version: string, json: string, ttlMs: number): Promise<number>;
  parleyRelease(lease: RedisKey, token: string): Promise<number>;
}

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
  client.defineCommand('parleyCreate', { numberOfKeys: 1, lua: CREATE_LUA });
  client.defineCommand('parleyPut', { numberOfKeys: 2, lua: PUT_LUA });
  client.defineCommand('parleyRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
  const scripts = client as unknown as ScriptCommands;

  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new SessionStoreUnavailableError(`the Redis session store could not connect: ${(err as Error).message}`, { cause: err });
  }

  const keys = (id: string) => ({ session: `${prefix}{${id}}:session`, lease: `${prefix}{${id}}:lease` });
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

  return {
    isConnected: () => client.status === 'ready',
    keys,
    async get(id) {
      const json = await call('get', () => client.hget(keys(id).session, 'record'));
      return json === null ? undefined : parse(id, json);
    },
    async create(record) {
      const json = JSON.stringify(record);
      const created = await call('create', () => scripts.parleyCreate(keys(record.id).session, String(record.version), json, ttlMs));
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
      const result = await call('put', () => scripts.parleyPut(k.session, k.lease, lease.token, String(expectedVersion), String(record.version), json, ttlMs));
      return result === 1;
    },
    async release(lease) {
      await call('release', () => scripts.parleyRelease(keys(lease.id).lease, lease.token));
    },
    async delete(id) {
      const k = keys(id);
      await call('delete', () => client.del(k.session, k.lease));
    },
    async close() {
      if (closed) return;
      closed = true;
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
