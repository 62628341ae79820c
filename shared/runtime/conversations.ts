// Conversations served from a session store: start, send, get, end. Each turn follows the store's lease
// protocol (sessionStore.ts): take the conversation's lease, read the record, run the turn (the turn runner:
// input stage, engine, redaction of what is stored), write it with the version read, give the lease back. A turn
// whose write is refused (the lease lapsed, another write came first) is reported as a conflict and is not
// applied; a store that does not answer raises SessionStoreUnavailableError (sessionStore.ts; 503), passed through
// as the store threw it. Nothing here knows HTTP: the errors carry the code the HTTP layer maps to a status
// (ConversationError.status).
//
// After a deploy, a conversation that started on an older bundle goes on where it was if every node its state
// refers to still exists; otherwise it starts again, with a short notice before the new opening, never an error.
import { z } from 'zod';
import type { EnginePorts } from '../engine/engine';
import type { Output, SessionState, TraceEntry, UserInput } from '../engine/types';
import type { FixtureState } from './fixtures';
import type { Lease, SessionRecord, SessionStore } from './sessionStore';
import type { RunTurnOptions, RuntimeTurn, TurnRunner } from './turnRunner';
import { missingNodes, restartNotice } from './restart';

export type ConversationErrorCode = 'not_found' | 'conflict' | 'bad_request';

/** A request the service refuses: unknown conversation (404), busy or changed meanwhile (409), bad input (400). */
export class ConversationError extends Error {
  readonly status: 404 | 409 | 400;
  constructor(
    readonly code: ConversationErrorCode,
    message: string,
    /** For a conflict: another turn holds the conversation (`busy`), or the record changed under the turn (`changed`). */
    readonly reason?: 'busy' | 'changed' | 'exists',
  ) {
    super(message);
    this.name = 'ConversationError';
    this.status = code === 'not_found' ? 404 : code === 'conflict' ? 409 : 400;
  }
}

export interface ConversationsOptions {
  runner: TurnRunner;
  /** The version of the bundle being served; each record keeps the one it started on. */
  bundleVersion: string;
  store: SessionStore;
  /**
   * The ports for one turn of a conversation (the bundle's real ports, a story's fixtures...), called holding its
   * lease; a `TurnPorts` also says what the record keeps of them after the turn. It may throw a ConversationError
   * to refuse the turn (nothing is written).
   */
  portsFor: (conversationId: string, record: SessionRecord) => EnginePorts | TurnPorts | Promise<EnginePorts | TurnPorts>;
  /** A new conversation id (unguessable in production: it is the only key to a conversation). */
  newId: () => string;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
  /** How long a turn may hold its conversation (default 30 s); a turn that outlives it is not applied. */
  leaseMs?: number;
  /** Longest text input accepted (default 10,000 characters). */
  maxInputChars?: number;
  /** The notice said before the new opening when an old conversation cannot go on (default: restart.ts, by locale). */
  restartNotice?: (locale: string) => string;
}

export type TurnOptions = RunTurnOptions;

/** A turn's ports, and the record's `test` part after the turn (a fixture conversation's state, moved on by it). */
export interface TurnPorts {
  ports: EnginePorts;
  test?: () => FixtureState;
}

const isTurnPorts = (p: EnginePorts | TurnPorts): p is TurnPorts => 'ports' in p;

/** A turn as applied: the record as stored after it, and the turn (outputs as said; state and trace redacted). */
export interface ConversationTurn {
  id: string;
  record: SessionRecord;
  turn: RuntimeTurn;
  /** Set when an old conversation could not go on in this bundle and started again. */
  restarted?: { fromBundle: string; missing: string[] };
}

export interface Conversations {
  /**
   * Starts a conversation and plays the bot's opening. `id`: the caller's (a conflict if it exists); `variants`:
   * A/B variants forced (`flow/node` → variant id; a bad one is a bad request); `test`: a story's fixtures (the
   * record keeps them: only a caller that accepts fixtures passes it).
   */
  start(o?: StartOptions, turn?: TurnOptions): Promise<ConversationTurn>;
  /** One input: text, a button's payload or an event (not `start`). */
  send(id: string, input: UserInput, o?: TurnOptions): Promise<ConversationTurn>;
  /** The conversation as stored (its transcript is `record.state.transcript`, redacted and bounded). */
  get(id: string): Promise<SessionRecord>;
  /** Removes the conversation (after any turn in flight); the record as it was. */
  end(id: string): Promise<SessionRecord>;
}

const Id = z.string().min(1).max(200);
const Vars = z.record(z.string(), z.unknown());
const StartOptions = z.strictObject({
  locale: z.string().min(1).max(35).optional(),
  vars: Vars.optional(),
  id: Id.optional(),
  variants: z.record(z.string().max(300), z.string().max(200)).optional(),
  test: z.custom<FixtureState>((v) => typeof v === 'object' && v !== null, 'the fixtures state').optional(),
});
export type StartOptions = z.input<typeof StartOptions>;
const inputSchema = (maxChars: number) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('text'), text: z.string().max(maxChars, `text is longer than ${maxChars} characters`) }),
    z.strictObject({ type: z.literal('button'), payload: z.string().min(1).max(500), label: z.string().max(500).optional() }),
    z.strictObject({ type: z.literal('event'), name: z.string().min(1).max(100) }),
  ]);

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${what}.${issue.path.join('.')}` : what;
  throw new ConversationError('bad_request', `${where}: ${issue?.message ?? 'invalid'}`);
}

export function createConversations(o: ConversationsOptions): Conversations {
  const { runner, store, bundleVersion } = o;
  const clock = o.clock ?? Date.now;
  const leaseMs = o.leaseMs ?? 30_000;
  const Input = inputSchema(o.maxInputChars ?? 10_000);
  const notice = o.restartNotice ?? restartNotice;

  /** Runs `fn` holding the conversation's lease; the lease goes back whatever happens (a lost one lapses anyway). */
  const withLease = async <T>(id: string, fn: (record: SessionRecord, lease: Lease) => Promise<T>): Promise<T> => {
    const lease = await store.acquire(id, leaseMs);
    if (!lease) {
      // busy, or nothing to hold: tell them apart for the caller
      if (!(await store.get(id))) throw new ConversationError('not_found', `no conversation ${id} (it ended, expired or never existed)`);
      throw new ConversationError('conflict', `conversation ${id} is busy with another turn; send again when it has answered`, 'busy');
    }
    try {
      const record = await store.get(id);
      if (!record) throw new ConversationError('not_found', `no conversation ${id} (it ended, expired or never existed)`);
      return await fn(record, lease);
    } finally {
      await store.release(lease).catch(() => undefined);
    }
  };

  /** Plays one input on the record and writes the result; refused writes are conflicts, never applied turns. */
  const play = async (record: SessionRecord, lease: Lease, input: UserInput, opts: TurnOptions): Promise<ConversationTurn> => {
    let state: SessionState = record.state;
    let restarted: ConversationTurn['restarted'];
    let next = record;
    if (record.bundleVersion !== bundleVersion) {
      const missing = missingNodes(runner.engine, state);
      if (missing.length) {
        restarted = { fromBundle: record.bundleVersion, missing };
        state = runner.initial({ locale: state.locale, seed: record.id, ...(state.profile ? { vars: state.profile } : {}) });
        next = { ...record, bundleVersion, state };
        input = { type: 'start' };
      }
    }
    const made = await o.portsFor(record.id, next);
    const [ports, test] = isTurnPorts(made) ? [made.ports, made.test] : [made, undefined];
    let turn = await runner.run(state, input, ports, opts);
    if (restarted) turn = withNotice(turn, notice(turn.state.locale), restarted);
    const stored: SessionRecord = { ...next, state: turn.state, version: record.version + 1, updatedAt: clock(), ...(test ? { test: test() } : {}) };
    if (!(await store.put(stored, { lease, expectedVersion: record.version }))) {
      throw new ConversationError(
        'conflict',
        `conversation ${record.id} changed while the turn ran (or the turn took too long); it was not applied`,
        'changed',
      );
    }
    return { id: record.id, record: stored, turn, ...(restarted ? { restarted } : {}) };
  };

  return {
    async start(raw = {}, opts = {}) {
      const so = parse(StartOptions, raw, 'start');
      const id = so.id ?? o.newId();
      const now = clock();
      // the id seeds the conversation's A/B variants: sticky, and the same on every replica
      let state: SessionState;
      try {
        state = runner.initial({
          seed: id,
          ...(so.locale ? { locale: so.locale } : {}),
          ...(so.vars ? { vars: so.vars } : {}),
          ...(so.variants ? { variants: so.variants } : {}),
        });
      } catch (e) {
        // a forced variant the bundle does not have (initialState names it)
        if (e instanceof RangeError) throw new ConversationError('bad_request', `start.${e.message}`);
        throw e;
      }
      // the id is taken before the opening runs: its side effects belong to this conversation only
      if (!(await store.create({ id, bundleVersion, version: 0, createdAt: now, updatedAt: now, state, ...(so.test ? { test: so.test } : {}) })))
        throw new ConversationError('conflict', `a conversation with id ${id} exists`, 'exists');
      try {
        return await withLease(id, (record, lease) => play(record, lease, { type: 'start' }, opts));
      } catch (e) {
        // an opening that did not apply leaves no half-started conversation behind (best effort: the store may be away)
        await store.delete(id).catch(() => undefined);
        throw e;
      }
    },
    async send(id, raw, opts = {}) {
      parse(Id, id, 'id');
      const input = parse(Input, raw, 'input');
      return withLease(id, (record, lease) => play(record, lease, input, opts));
    },
    async get(id) {
      parse(Id, id, 'id');
      const record = await store.get(id);
      if (!record) throw new ConversationError('not_found', `no conversation ${id} (it ended, expired or never existed)`);
      return record;
    },
    async end(id) {
      parse(Id, id, 'id');
      return withLease(id, async (record) => {
        await store.delete(id);
        return record;
      });
    },
  };
}

function withNotice(turn: RuntimeTurn, text: string, restarted: NonNullable<ConversationTurn['restarted']>): RuntimeTurn {
  const out: Output = { type: 'text', text, flow: '', node: '', copyId: '' };
  const problem: TraceEntry = {
    kind: 'problem',
    severity: 'warning',
    message: `started again: the conversation began on bundle ${restarted.fromBundle} and was at ${restarted.missing.join(', ')}, which this bundle does not have`,
  };
  return {
    ...turn,
    outputs: [out, ...turn.outputs],
    trace: [problem, ...turn.trace],
    state: { ...turn.state, transcript: [{ role: 'bot', text }, ...turn.state.transcript] },
  };
}
