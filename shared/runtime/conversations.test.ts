import { describe, expect, it } from 'vitest';
import { storyBankEngine, storyBankModel } from '../../test/fixtures/storyBank';
import { flow, keywordNlu, makeModel, simpleSlots } from '../../test/fixtures/engineProject';
import { createEngine, type EnginePorts } from '../engine/engine';
import type { HttpResult } from '../engine/ports';
import type { ProjectModel } from '../project/validate';
import type { FlowNode } from '../schema/nodes';
import { createConversations, ConversationError, type ConversationsOptions } from './conversations';
import { fixturePorts, fixtureState, fixtureTurn, type Fixtures } from './fixtures';
import { createMemorySessionStore } from './memoryStore';
import { SessionStoreUnavailableError, type SessionStore } from './sessionStore';
import { createTurnRunner } from './turnRunner';

const BALANCE: Fixtures = { api: { get_balance: { body: { data: { balance: 512.5 } } } }, llm: [{ reply: 'Happy to help.' }] };

function setup(over: Partial<ConversationsOptions> & { fixtures?: Fixtures } = {}) {
  let t = 1_000;
  const clock = () => t;
  const store = createMemorySessionStore({ ttlMs: 60_000, now: clock, schedule: false });
  let n = 0;
  const apiCalls: string[] = [];
  const conversations = createConversations({
    runner: createTurnRunner({ engine: storyBankEngine() }),
    bundleVersion: '2',
    store,
    clock,
    newId: () => `c${++n}`,
    portsFor: () => {
      const ports = fixturePorts(over.fixtures ?? BALANCE);
      return { ...ports, http: { request: (req) => (apiCalls.push(req.operation), ports.http!.request(req)) } };
    },
    ...over,
  });
  return { conversations, store, apiCalls, tick: (ms: number) => (t += ms) };
}

const texts = (outputs: { type: string; text?: string }[]) => outputs.flatMap((o) => (o.type === 'text' ? [o.text] : []));
const code = (e: unknown) => (e instanceof ConversationError ? [e.code, e.status, e.reason] : e);

/** A promise and its resolver, to hold a turn in the middle. */
function gate<T = void>() {
  let open!: (v: T) => void;
  const p = new Promise<T>((r) => (open = r));
  return { p, open };
}

describe('createConversations: start, send, get, end', () => {
  it('starts with the opening, plays turns and keeps the record with its version, times and bundle', async () => {
    const { conversations, tick } = setup();
    const start = await conversations.start({ vars: { customer: { name: 'Sam' } } });
    expect(start.id).toBe('c1');
    expect(texts(start.turn.outputs)).toEqual(['Hi Sam!']);
    expect(start.record).toMatchObject({ id: 'c1', bundleVersion: '2', version: 1, createdAt: 1_000, updatedAt: 1_000 });
    // the id seeds the conversation's A/B variants
    expect(start.record.state.seed).toBe('c1');
    tick(500);
    const r = await conversations.send('c1', { type: 'text', text: 'what is my balance' });
    expect(texts(r.turn.outputs)).toEqual(['Your balance is $512.50.', 'Anything else?']);
    expect(r.record).toMatchObject({ version: 2, createdAt: 1_000, updatedAt: 1_500 });
    expect(await conversations.get('c1')).toEqual(r.record);
    const ended = await conversations.end('c1');
    expect(ended.version).toBe(2);
    await expect(conversations.get('c1').catch(code)).resolves.toEqual(['not_found', 404, undefined]);
    await expect(conversations.send('c1', { type: 'text', text: 'hi' }).catch(code)).resolves.toEqual(['not_found', 404, undefined]);
    await expect(conversations.end('c1').catch(code)).resolves.toEqual(['not_found', 404, undefined]);
  });

  it('stores the transcript redacted and answers with the outputs as said', async () => {
    const { conversations } = setup();
    const { id } = await conversations.start();
    await conversations.send(id, { type: 'text', text: 'a transfer please' });
    const r = await conversations.send(id, { type: 'text', text: 'mail jo@example.com' });
    expect(texts(r.turn.outputs)[0]).toBe('Noted: mail jo@example.com');
    const stored = await conversations.get(id);
    // the flow's variables keep what the flow took (the note), the rest of the record does not
    expect(stored.state.vars).toMatchObject({ slots: { note: 'mail jo@example.com' } });
    expect(JSON.stringify({ ...stored, state: { ...stored.state, vars: {} } })).not.toContain('jo@example.com');
    expect(stored.state.transcript.slice(-2)).toEqual([
      { role: 'user', text: 'mail [email]' },
      { role: 'bot', text: 'Noted: mail [email]' },
    ]);
    expect(stored.state.last.input).toBe('mail [email]');
  });

  it('takes the caller id once, and refuses bad start options', async () => {
    const { conversations } = setup();
    await conversations.start({ id: 'mine' });
    await expect(conversations.start({ id: 'mine' }).catch(code)).resolves.toEqual(['conflict', 409, 'exists']);
    await expect(conversations.start({ id: '' }).catch(code)).resolves.toEqual(['bad_request', 400, undefined]);
    await expect(conversations.start({ vars: 'x' } as never).catch((e: Error) => e.message)).resolves.toBe(
      'start.vars: Invalid input: expected record, received string',
    );
  });

  it('refuses input that is not text, a button or an event, naming the field', async () => {
    const { conversations, store } = setup({ maxInputChars: 10 });
    const { id } = await conversations.start();
    const bad = [
      { type: 'start' },
      { type: 'text', text: 'x'.repeat(11) },
      { type: 'text', text: 'hi', extra: 1 },
      { type: 'button', payload: '' },
      { text: 'hi' },
      null,
    ];
    for (const input of bad) await expect(conversations.send(id, input as never).catch(code)).resolves.toEqual(['bad_request', 400, undefined]);
    await expect(conversations.send(id, { type: 'text', text: 'x'.repeat(11) }).catch((e: Error) => e.message)).resolves.toBe(
      'input.text: text is longer than 10 characters',
    );
    await expect(conversations.send('', { type: 'text', text: 'hi' }).catch(code)).resolves.toEqual(['bad_request', 400, undefined]);
    expect((await store.get(id))?.version).toBe(1);
    // buttons and events go through
    expect(texts((await conversations.send(id, { type: 'button', payload: 'bal' })).turn.outputs)).toContain('Your balance is $512.50.');
    await conversations.send(id, { type: 'event', name: 'timeout' });
  });

  it('streams model text to onToken', async () => {
    const { conversations } = setup();
    const { id } = await conversations.start();
    const tokens: string[] = [];
    const r = await conversations.send(id, { type: 'text', text: 'help me' }, { onToken: (_at, d) => tokens.push(d) });
    expect(tokens).toEqual(['Happy to help.']);
    expect(texts(r.turn.outputs)).toContain('Happy to help.');
  });
});

describe('createConversations: the lease protocol', () => {
  it('runs one of two turns sent at once: the other is busy (409) and its side effects never happen', async () => {
    const held = gate<HttpResult>();
    const entered = gate();
    const { conversations, apiCalls } = setup({
      portsFor: (): EnginePorts => ({
        ...fixturePorts(BALANCE),
        http: {
          request: (req) => {
            apiCalls.push(req.operation);
            entered.open();
            return held.p;
          },
        },
      }),
    });
    const { id } = await conversations.start();
    const first = conversations.send(id, { type: 'text', text: 'what is my balance' });
    await entered.p;
    await expect(conversations.send(id, { type: 'text', text: 'what is my balance' }).catch(code)).resolves.toEqual(['conflict', 409, 'busy']);
    await expect(conversations.end(id).catch(code)).resolves.toEqual(['conflict', 409, 'busy']);
    held.open({ ok: true, status: 200, body: { data: { balance: 5 } }, ms: 0 });
    expect((await first).record.version).toBe(2);
    expect(apiCalls).toEqual(['get_balance']);
    // the lease went back: the next turn runs
    expect((await conversations.send(id, { type: 'text', text: 'bye' })).record.version).toBe(3);
  });

  it('does not apply a turn that outlived its lease and lost the conversation to another turn (409, changed)', async () => {
    const entered = gate();
    const held = gate<HttpResult>();
    let slow = true;
    const s = setup({
      leaseMs: 1_000,
      portsFor: (): EnginePorts => ({
        ...fixturePorts(BALANCE),
        http: {
          request: () => {
            if (!slow) return { ok: true, status: 200, body: { data: { balance: 1 } }, ms: 0 };
            entered.open();
            return held.p;
          },
        },
      }),
    });
    const { id } = await s.conversations.start();
    const late = s.conversations.send(id, { type: 'text', text: 'what is my balance' });
    await entered.p;
    s.tick(2_000); // the lease lapses; another turn takes the conversation and is applied
    slow = false;
    const other = await s.conversations.send(id, { type: 'text', text: 'what is my balance' });
    expect(other.record.version).toBe(2);
    held.open({ ok: true, status: 200, body: { data: { balance: 999 } }, ms: 0 });
    await expect(late.catch(code)).resolves.toEqual(['conflict', 409, 'changed']);
    const stored = await s.conversations.get(id);
    expect(stored.version).toBe(2);
    expect(stored.state.vars).toMatchObject({ account: { balance: 1 } });
  });

  it('reports a store that does not answer as unavailable, with nothing half-applied, and works when it returns', async () => {
    const base = createMemorySessionStore({ ttlMs: 60_000, schedule: false });
    let down = false;
    const guard =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      (...a: A) =>
        down ? Promise.reject(new SessionStoreUnavailableError('store down (test)')) : f(...a);
    let failPut = false;
    const store: SessionStore = {
      get: guard(base.get),
      create: guard(base.create),
      acquire: guard(base.acquire),
      put: (r, c) => (failPut ? Promise.reject(new SessionStoreUnavailableError('went away mid-turn')) : base.put(r, c)),
      release: guard(base.release),
      delete: guard(base.delete),
      close: base.close,
    };
    const { conversations } = setup({ store });
    const { id } = await conversations.start();
    failPut = true;
    await expect(conversations.send(id, { type: 'text', text: 'what is my balance' })).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    failPut = false;
    expect((await base.get(id))?.version).toBe(1);
    down = true;
    await expect(conversations.send(id, { type: 'text', text: 'hi' })).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await expect(conversations.start()).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    down = false;
    // the lease of the failed turn went back
    expect((await conversations.send(id, { type: 'text', text: 'what is my balance' })).record.version).toBe(2);
  });

  it('does not apply a turn that failed, and gives its lease back', async () => {
    const { conversations, store } = setup();
    const { id } = await conversations.start();
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(conversations.send(id, { type: 'text', text: 'help me' }, { signal: ctrl.signal })).rejects.toMatchObject({ kind: 'cancelled' });
    expect((await store.get(id))?.version).toBe(1);
    expect((await conversations.send(id, { type: 'text', text: 'help me' })).record.version).toBe(2);
  });

  it('leaves no conversation behind when the opening fails', async () => {
    const { conversations, store } = setup({
      portsFor: () => {
        throw new Error('no ports');
      },
    });
    await expect(conversations.start({ id: 'x' })).rejects.toThrow('no ports');
    expect(await store.get('x')).toBeUndefined();
  });
});

describe('createConversations: a conversation from an older bundle', () => {
  /** The bank without the transfer question (a later bundle removed it). */
  const without = (model: ProjectModel, node: string): ProjectModel => ({
    ...model,
    flows: { ...model.flows, main: { ...model.flows.main!, nodes: model.flows.main!.nodes.filter((n) => n.id !== node) } },
  });

  it('goes on where it was when its nodes still exist', async () => {
    const store = createMemorySessionStore({ ttlMs: 60_000, schedule: false });
    const v1 = setup({ store, bundleVersion: '1' });
    const { id } = await v1.conversations.start();
    const v2 = setup({ store, bundleVersion: '2' });
    const r = await v2.conversations.send(id, { type: 'text', text: 'what is my balance' });
    expect(r.restarted).toBeUndefined();
    expect(texts(r.turn.outputs)).toEqual(['Your balance is $512.50.', 'Anything else?']);
    expect(r.record.bundleVersion).toBe('1');
  });

  it('starts again politely when it waits at a node this bundle does not have, keeping its profile and locale', async () => {
    const store = createMemorySessionStore({ ttlMs: 60_000, schedule: false });
    const v1 = setup({ store, bundleVersion: '1' });
    const { id } = await v1.conversations.start({ vars: { customer: { name: 'Sam' } } });
    await v1.conversations.send(id, { type: 'text', text: 'a transfer please' });
    const engine2 = createEngine(without(storyBankModel, 'ask_note'), { nlu: keywordNlu, extractSlot: simpleSlots });
    const v2 = setup({ store, bundleVersion: '2', runner: createTurnRunner({ engine: engine2 }) });
    const r = await v2.conversations.send(id, { type: 'text', text: 'my note' });
    expect(r.restarted).toEqual({ fromBundle: '1', missing: ['main/ask_note'] });
    expect(texts(r.turn.outputs)).toEqual(["Sorry, I've been updated since we last spoke and can't pick up where we left off. Let's start again.", 'Hi Sam!']);
    expect(r.turn.trace[0]).toMatchObject({ kind: 'problem', severity: 'warning' });
    expect(r.record).toMatchObject({ bundleVersion: '2', version: 3 });
    expect(r.record.state.turn).toBe(1);
    expect(r.record.state.seed).toBe(id);
    expect(r.record.state.transcript.map((e) => e.role)).toEqual(['bot', 'bot']);
    // and it goes on in the new bundle
    const next = await v2.conversations.send(id, { type: 'text', text: 'what is my balance' });
    expect(next.restarted).toBeUndefined();
  });
});

describe('createConversations: a test conversation (a story’s fixtures kept with the record)', () => {
  /** Two services over one store, as two replicas: ports from the record's `test` part, as a --fixtures runtime makes them. */
  const replicas = () => {
    const store = createMemorySessionStore({ ttlMs: 60_000, schedule: false });
    let n = 0;
    const make = () =>
      createConversations({
        runner: createTurnRunner({ engine: storyBankEngine() }),
        bundleVersion: '2',
        store,
        newId: () => `t${++n}`,
        portsFor: (_id, record) => {
          if (!record.test) throw new Error('not a test conversation');
          const t = fixtureTurn(record.test);
          return { ports: t.ports, test: t.after };
        },
      });
    return { store, a: make(), b: make() };
  };
  // the GET is tried twice when it times out (its default retry): the second turn takes two timeouts
  const balances = {
    api: { get_balance: [{ body: { data: { balance: 1 } } }, { fail: 'timeout' as const }, { fail: 'timeout' as const }, { body: { data: { balance: 3 } } }] },
  };

  it('goes on through a list of API responses whichever service plays the turn', async () => {
    const { store, a, b } = replicas();
    const { id, record } = await a.start({ test: fixtureState(balances, '2026-02-01T00:00:00Z') });
    expect(record.test).toEqual({ fixtures: balances, now: Date.parse('2026-02-01T00:00:00Z'), apiCalls: {} });
    const said: (string | undefined)[][] = [];
    for (const [i, svc] of [a, b, a].entries()) {
      const r = await svc.send(id, { type: 'text', text: 'what is my balance' });
      said.push(texts(r.turn.outputs));
      expect(r.record.test?.apiCalls).toEqual({ get_balance: [1, 3, 4][i] });
    }
    expect(said.map((s) => s[0])).toEqual(['Your balance is low: $1.00.', 'The bank is slow.', 'Your balance is low: $3.00.']);
    expect((await store.get(id))?.test?.apiCalls).toEqual({ get_balance: 4 });
  });

  it('keeps no test part for a conversation started without one, and refuses a turn its ports refuse', async () => {
    const { store, a } = replicas();
    const plain = createConversations({
      runner: createTurnRunner({ engine: storyBankEngine() }),
      bundleVersion: '2',
      store,
      newId: () => 'p1',
      portsFor: (id, record) => {
        if (record.test) throw new ConversationError('bad_request', `conversation ${id} was started with fixtures`);
        return fixturePorts(BALANCE);
      },
    });
    const p = await plain.start();
    expect(p.record.test).toBeUndefined();
    const { id } = await a.start({ test: fixtureState(balances) });
    await expect(plain.send(id, { type: 'text', text: 'what is my balance' }).catch(code)).resolves.toEqual(['bad_request', 400, undefined]);
    // nothing written, the lease given back: the test conversation goes on
    expect((await store.get(id))?.version).toBe(1);
    expect(texts((await a.send(id, { type: 'text', text: 'what is my balance' })).turn.outputs)[0]).toBe('Your balance is low: $1.00.');
  });
});

describe('createConversations: A/B variants forced at the start', () => {
  const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
  const model = makeModel({
    main: flow('Main', [
      n({ id: 'start', kind: 'start', next: 'greet' }),
      n({ id: 'greet', kind: 'message', say: { en: 'Hello.' }, variants: [{ id: 'plain' }, { id: 'warm', say: { en: 'Hello, friend!' } }] }),
    ]),
  });
  const make = () =>
    createConversations({
      runner: createTurnRunner({ engine: createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots }) }),
      bundleVersion: '1',
      store: createMemorySessionStore({ ttlMs: 60_000, schedule: false }),
      newId: () => 'v',
      portsFor: () => fixturePorts(undefined),
    });

  it('plays the forced variant and keeps it with the conversation', async () => {
    for (const id of ['plain', 'warm']) {
      const r = await make().start({ variants: { 'main/greet': id } });
      expect(texts(r.turn.outputs)).toEqual([id === 'warm' ? 'Hello, friend!' : 'Hello.']);
      expect(r.record.state.variants).toEqual({ 'main/greet': id });
    }
  });

  it('refuses a variant the bundle does not have, naming it, and leaves no conversation', async () => {
    const c = make();
    await expect(c.start({ variants: { 'main/greet': 'loud' } }).catch((e: Error) => [code(e), e.message])).resolves.toEqual([
      ['bad_request', 400, undefined],
      'start.variants: "main/greet" has no variant "loud" (it has plain, warm)',
    ]);
    await expect(c.start({ variants: { 'main/nope': 'x' } }).catch((e: Error) => e.message)).resolves.toBe(
      'start.variants: no node "main/nope" (expected flow/node)',
    );
    await expect(c.get('v').catch(code)).resolves.toEqual(['not_found', 404, undefined]);
  });
});
