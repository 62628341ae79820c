import { describe, expect, it } from 'vitest';
import { LlmError } from '../engine/ports';
import { DEFAULT_FIXTURE_NOW, fixturePorts } from './fixtures';

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
});
