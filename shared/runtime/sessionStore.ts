// Where the runtime keeps conversations between turns: plain JSON records behind one interface, so the same
// runtime core serves them from memory (one process) or from Redis (several processes behind a load balancer).
//
// A turn takes a lease on its conversation before it starts and writes its result with a version check:
//   const lease = await store.acquire(id, ttlMs);      // undefined: another turn of it is running -> 409
//   const rec = await store.get(id);                    // read after the lease, never before
//   ... run the turn (its side effects happen once: no other holder can run it meanwhile) ...
//   await store.put({ ...rec, state, version: rec.version + 1 }, { lease, expectedVersion: rec.version });
//   await store.release(lease);
// `put` refuses a write whose lease was lost (expired, taken over) or whose expected version is not the stored
// one, so a turn that outlived its lease can never overwrite a newer turn: the loser reports a conflict.

import type { SessionState } from '../engine/types';
import type { FixtureState } from './fixtures';

/** One conversation as stored: JSON-serialisable, nothing else. */
export interface SessionRecord {
  id: string;
  /** The bundle version the conversation started on (after a deploy, turns on an older one may restart it). */
  bundleVersion: string;
  /** Bumped by every write; `put` checks it. A new record has version 0. */
  version: number;
  /** Milliseconds since the epoch (the runtime's clock). */
  createdAt: number;
  updatedAt: number;
  state: SessionState;
  /** The A/B variant picked for each node with variants (node key -> variant id), sticky for the conversation. */
  variants?: Record<string, string>;
  /**
   * A test conversation's fixtures and where they have got (fixtures.ts): set only by a runtime started with
   * `--fixtures`, for a conversation that brought a story's fixtures. A runtime without it refuses to run such a
   * conversation's turns (its ports would be real backends).
   */
  test?: FixtureState;
}

/** What a store reports of a conversation that expired before it ended (the transcript's `abandoned` event). */
export interface ExpiredSession {
  id: string;
  bundleVersion: string;
  /** The engine's turn count at the last write. */
  turn: number;
  /** Where the conversation waited (`flow/node`), if it waited at a node. */
  waitingAt?: string;
  /** The last write (epoch ms, the runtime's clock). */
  updatedAt: number;
}

/** What the store keeps to report when `record` expires; undefined for an ended conversation (never reported). */
export function expiringOf(record: SessionRecord): ExpiredSession | undefined {
  const { state } = record;
  if (state.ended) return undefined;
  const w = state.wait;
  return {
    id: record.id,
    bundleVersion: record.bundleVersion,
    turn: state.turn,
    ...(w && w.kind !== 'idle' ? { waitingAt: `${w.flow}/${w.node}` } : {}),
    updatedAt: record.updatedAt,
  };
}

/** Proof that a turn holds a conversation: the id and a token only its holder knows. */
export interface Lease {
  id: string;
  token: string;
  /** When it lapses if not released (epoch ms, the store's clock). */
  expiresAt: number;
}

export class SessionStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionStoreUnavailableError';
  }
}

export interface SessionStore {
  /** The record, or undefined when there is none (never started, ended and expired, or deleted). */
  get(id: string): Promise<SessionRecord | undefined>;
  /** Stores a new record (version 0); false when one with that id exists. */
  create(record: SessionRecord): Promise<boolean>;
  /** Takes the conversation's lease for `ttlMs`, or undefined when another holder has it. */
  acquire(id: string, ttlMs: number): Promise<Lease | undefined>;
  /** Writes when `lease` is still held and the stored version is `expectedVersion`; false otherwise (nothing written). */
  put(record: SessionRecord, check: { lease: Lease; expectedVersion: number }): Promise<boolean>;
  /** Gives the lease back (a no-op when it was lost). */
  release(lease: Lease): Promise<void>;
  delete(id: string): Promise<void>;
  /** Stops timers and connections. */
  close(): Promise<void>;
}
