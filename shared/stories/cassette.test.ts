import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicLlm } from '../../main/llm/anthropicLlm';
import { startMockLlm, type MockLlm } from '../../main/llm/mockServer';
import { LlmError, type LlmRequest } from '../engine/ports';
import { cassetteKey, cassettePort, normaliseRequest, type Cassette } from './cassette';

const REQ: LlmRequest = {
  flow: 'hours',
  node: 'answer_hours',
  system: 'You are Ace.\n\nPassage from hours.md:\nBranches open 9 to 5.',
  messages: [{ role: 'user', content: 'what are your opening hours' }],
  model: 'claude-test',
  temperature: 0,
  maxTokens: 200,
};

let mock: MockLlm | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const live = (m: MockLlm) => createAnthropicLlm({ baseUrl: m.url, apiKey: () => 'test-key', model: 'claude-test', maxRetries: 0 });

describe('cassetteKey', () => {
  it('ignores whitespace and the node that asked; keeps model, system, messages, temperature and max tokens', () => {
    const key = cassetteKey(REQ);
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(cassetteKey({ ...REQ, flow: 'other', node: 'elsewhere', system: `  ${REQ.system?.replace(/\n\n/g, '\n   ')} ` })).toBe(key);
    expect(cassetteKey({ ...REQ, messages: [{ role: 'user', content: 'what  are your\nopening hours ' }] })).toBe(key);
    expect(cassetteKey({ ...REQ, timeoutMs: 5000 })).toBe(key);
    const changed: Partial<LlmRequest>[] = [
      { model: 'claude-other' },
      { system: 'You are Ace. Passage: branches open 9 to 6.' },
      { messages: [{ role: 'user', content: 'what are your opening hours?' }] },
      { messages: [{ role: 'assistant', content: 'what are your opening hours' }] },
      { temperature: 0.2 },
      { maxTokens: 201 },
    ];
    const keys = changed.map((c) => cassetteKey({ ...REQ, ...c }));
    for (const k of keys) expect(k).not.toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a request with no model is keyed by the default model', () => {
    const { model: _, ...noModel } = REQ;
    expect(cassetteKey(noModel, 'claude-test')).toBe(cassetteKey(REQ));
    expect(cassetteKey(noModel, 'claude-other')).not.toBe(cassetteKey(REQ));
    expect(normaliseRequest(noModel, 'claude-test')).toEqual({
      model: 'claude-test',
      system: 'You are Ace. Passage from hours.md: Branches open 9 to 5.',
      messages: [{ role: 'user', content: 'what are your opening hours' }],
      temperature: 0,
      maxTokens: 200,
    });
  });
});

describe('cassettePort against the mock Messages API with the real SDK', () => {
  it('records through the live model, then replays offline; a changed request misses with "no recording"', async () => {
    mock = await startMockLlm({ script: [{ match: { lastUser: 'opening hours' }, reply: 'Our branches open 9 am to 5 pm on weekdays.' }] });
    const cassette: Cassette = {};
    const recorder = cassettePort({ cassette, file: 'stories/cassettes/hours.json', live: live(mock), record: true });
    const tokens: string[] = [];
    const first = await recorder.complete(REQ, { onToken: (t) => tokens.push(t) });
    expect(first.text).toBe('Our branches open 9 am to 5 pm on weekdays.');
    expect(tokens.join('')).toBe(first.text);
    expect(recorder.recorded).toBe(1);
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]).toMatchObject({
      model: 'claude-test',
      max_tokens: 200,
      system: REQ.system,
      messages: [{ role: 'user', content: 'what are your opening hours' }],
    });
    expect(Object.values(cassette)).toEqual([
      { request: normaliseRequest(REQ), response: { text: 'Our branches open 9 am to 5 pm on weekdays.', model: 'claude-test', stopReason: 'end_turn' } },
    ]);

    // recording again: what is recorded is replayed, not asked again
    await recorder.complete({ ...REQ, node: 'other' });
    expect(mock.requests).toHaveLength(1);
    expect(recorder.recorded).toBe(1);

    await mock.close();
    mock = undefined;
    const saved = JSON.parse(JSON.stringify(cassette)) as Cassette;
    const player = cassettePort({ cassette: saved, file: 'stories/cassettes/hours.json' });
    const replayTokens: string[] = [];
    const again = await player.complete(REQ, { onToken: (t) => replayTokens.push(t) });
    expect(again).toMatchObject({ text: first.text, model: 'claude-test', stopReason: 'end_turn' });
    expect(replayTokens.join('')).toBe(first.text);

    const miss = await player.complete({ ...REQ, system: 'You are Ace, now friendlier.' }).catch((e: unknown) => e);
    expect(miss).toBeInstanceOf(LlmError);
    expect((miss as LlmError).kind).toBe('not_configured');
    expect((miss as LlmError).message).toBe(
      'no recording of this request to hours/answer_hours in stories/cassettes/hours.json; run parley test --record against a live model',
    );
  });

  it('replay without record never calls the live model', async () => {
    mock = await startMockLlm();
    const port = cassettePort({ cassette: {}, file: 'stories/cassettes/x.json', live: live(mock) });
    await expect(port.complete(REQ)).rejects.toThrow(/no recording/);
    expect(mock.requests).toHaveLength(0);
  });

  it('does not record a reply cut off mid-stream, nor a failed call', async () => {
    mock = await startMockLlm({ script: [{ match: { lastUser: 'opening' }, reply: 'Our branches open 9 am to 5 pm.', fault: { cutAfterChars: 8 } }] });
    const cassette: Cassette = {};
    const port = cassettePort({ cassette, file: 'stories/cassettes/x.json', live: live(mock), record: true });
    const partial = await port.complete(REQ);
    expect(partial.partial).toBe(true);
    expect(cassette).toEqual({});
    expect(port.recorded).toBe(0);

    mock.setScript([{ match: {}, reply: 'never', fault: { status: 500 } }]);
    await expect(port.complete(REQ)).rejects.toMatchObject({ kind: 'server' });
    expect(cassette).toEqual({});
  });
});
