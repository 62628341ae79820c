import { describe, expect, it } from 'vitest';
import { LlmError } from '../engine/ports';
import { DEFAULT_FIXTURE_NOW, fixturePorts, fixtureState, fixtureTurn, type FixtureState } from './fixtures';

const req = (operation: string) => ({ operation, method: 'GET', url: 'https://bank.test/x', headers: {}, timeoutMs: 50 });
const ask = (node: string, content: string) => ({ flow: 'main', node, messages: [{ role: 'user' as const, content }] });

describe('fixturePorts', () => {
  it('answers API operations in order, the last answer repeating, and fails the ones it has no fixture for', async () => {
    const p = fixturePorts({ api: { bal: [{ body: 1 }, { fail: 'timeout' }, { status: 503 }] } });
    const http = p.http!;
    expect(await http.request(req('bal'))).toEqual({ ok: true, status: 200, body: 1, ms: 0 });
    expect(await http.request(req('bal'))).toMatchObject({ ok: false, reason: 'timeout', message: 'no response within 50 ms (fixture)' });
    expect(await http.request(req('bal'))).toEqual({ ok: true, status: 503, body: null, ms: 0 });
    expect(await http.request(req('bal'))).toEqual({ ok: true, status: 503, body: null, ms: 0 });
    expect(await http.request(req('other'))).toMatchObject({ ok: false, reason: 'network' });
    expect(await http.request(req('constructor'))).toMatchObject({ ok: false, reason: 'network' });
  });

  it('keeps a fixed clock (ISO, epoch ms, or the default) and the agents fixture', async () => {
    expect(fixturePorts(undefined).clock!.now()).toBe(DEFAULT_FIXTURE_NOW);
    expect(fixturePorts(undefined, { now: '2026-03-01T00:00:00Z' }).clock!.now()).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(fixturePorts(undefined, { now: 42 }).clock!.now()).toBe(42);
    expect(await fixturePorts({ agents: false }).handoff!.available('q')).toBe(false);
    expect(await fixturePorts({}).handoff!.available('q')).toBe(true);
  });

  it('answers model requests from the first matching fixture, then the fallback port, and reports the unanswered', async () => {
    const unanswered: string[] = [];
    const p = fixturePorts(
      {
        llm: [
          { node: 'main/a', reply: 'A' },
          { prompt: 'refund', reply: 'R' },
          { node: 'main/f', fail: 'overloaded' },
        ],
      },
      { onUnanswered: (m) => unanswered.push(m) },
    );
    const tokens: string[] = [];
    expect((await p.llm!.complete(ask('a', 'x'), { onToken: (t) => tokens.push(t) })).text).toBe('A');
    expect(tokens).toEqual(['A']);
    expect((await p.llm!.complete(ask('b', 'a REFUND please'))).text).toBe('R');
    await expect(p.llm!.complete(ask('f', 'x'))).rejects.toMatchObject({ kind: 'overloaded' });
    await expect(p.llm!.complete(ask('z', 'x'))).rejects.toBeInstanceOf(LlmError);
    expect(unanswered).toHaveLength(1);
    const fallback = fixturePorts(undefined, {
      llm: {
        complete: () => Promise.resolve({ text: 'live', model: 'm', stopReason: null, usage: { inputTokens: 0, outputTokens: 0 }, ttftMs: 0, totalMs: 0 }),
      },
    });
    expect((await fallback.llm!.complete(ask('z', 'x'))).text).toBe('live');
  });

  it('starts from the API responses already given and says how far they got', async () => {
    const p = fixturePorts({ api: { bal: [{ body: 1 }, { body: 2 }, { body: 3 }] } }, { apiCalls: { bal: 1, gone: 4 } });
    expect(p.apiCalls()).toEqual({ bal: 1 });
    expect(await p.http!.request(req('bal'))).toMatchObject({ body: 2 });
    expect(p.apiCalls()).toEqual({ bal: 2 });
    await p.http!.request(req('other'));
    expect(p.apiCalls()).toEqual({ bal: 2 });
  });
});

describe('fixtureTurn: a fixture conversation turn after turn, its state through JSON', () => {
  /** The state as a store gives it back: through JSON, as Redis keeps it. */
  const stored = (s: FixtureState): FixtureState => JSON.parse(JSON.stringify(s)) as FixtureState;

  it('goes on through a list of API responses from one turn to the next, with the same clock', async () => {
    let state = stored(fixtureState({ api: { bal: [{ body: 'first' }, { body: 'second' }] }, agents: false }, '2026-03-01T00:00:00Z'));
    expect(state).toEqual({
      fixtures: { api: { bal: [{ body: 'first' }, { body: 'second' }] }, agents: false },
      now: Date.parse('2026-03-01T00:00:00Z'),
      apiCalls: {},
    });
    const bodies: unknown[] = [];
    for (let turn = 0; turn < 3; turn++) {
      const t = fixtureTurn(state);
      expect(t.ports.clock!.now()).toBe(Date.parse('2026-03-01T00:00:00Z'));
      expect(await t.ports.handoff!.available('q')).toBe(false);
      bodies.push(((await t.ports.http!.request(req('bal'))) as { body: unknown }).body);
      state = stored(t.after());
    }
    expect(bodies).toEqual(['first', 'second', 'second']);
    expect(state.apiCalls).toEqual({ bal: 3 });
    expect(fixtureState(undefined)).toEqual({ fixtures: {}, now: DEFAULT_FIXTURE_NOW, apiCalls: {} });
    expect(() => fixtureState(undefined, 'not a time')).toThrow(RangeError);
  });

  it('keeps the first unanswered model request of the turn, and only of that turn', async () => {
    const first = fixtureTurn(fixtureState({ llm: [{ node: 'main/a', reply: 'A' }] }));
    await first.ports.llm!.complete(ask('z', 'x')).catch(() => undefined);
    await first.ports.llm!.complete(ask('y', 'x')).catch(() => undefined);
    const after = stored(first.after());
    expect(after.unanswered).toMatch(/^no LLM fixture or recording answers main\/z/);
    const second = fixtureTurn(after);
    expect((await second.ports.llm!.complete(ask('a', 'x'))).text).toBe('A');
    expect(second.after().unanswered).toBeUndefined();
  });
});
