import { describe, expect, it } from 'vitest';
import type { Output, SessionState, TraceEntry } from '../engine/types';
import { redactText } from './pii';
import { memoRedact, redactOutputs, redactState, redactTrace } from './stored';

const redact = (s: string) => redactText(s);

const state = (transcript: SessionState['transcript'], input = '', entities: Record<string, unknown> = {}): SessionState => ({
  v: 1,
  locale: 'en',
  turn: 1,
  vars: { email: 'jo@example.com' },
  wait: null,
  stack: [],
  quickReplies: [],
  fallbacks: 0,
  last: { input, entities },
  transcript,
});

describe('redactState', () => {
  it('redacts the entries the turn added, last.input and string entity values; keeps vars and earlier entries', () => {
    const earlier = { role: 'user' as const, text: 'kept as stored: jo@example.com' };
    const before = state([earlier]);
    const after = state([earlier, { role: 'user', text: 'mail bo@example.com' }, { role: 'bot', text: 'Sent to bo@example.com' }], 'mail bo@example.com', {
      email: 'bo@example.com',
      number: 4,
      nested: { phone: '+44 20 7946 0958' },
    });
    const r = redactState(after, before, redact);
    expect(r.transcript).toEqual([earlier, { role: 'user', text: 'mail [email]' }, { role: 'bot', text: 'Sent to [email]' }]);
    expect(r.transcript[0]).toBe(earlier);
    expect(r.last).toEqual({ input: 'mail [email]', entities: { email: '[email]', number: 4, nested: { phone: '[phone]' } } });
    expect(r.vars).toEqual({ email: 'jo@example.com' });
    expect(after.last.input).toBe('mail bo@example.com');
  });

  it('drops remembered entities whose words hold personal data, and keeps the others', () => {
    const s: SessionState = {
      ...state([], 'pay 50 on friday, receipt to bo@example.com'),
      memory: [
        { entity: 'date', text: 'friday', turn: 1 },
        { entity: 'email', text: 'bo@example.com', turn: 1 },
      ],
    };
    expect(redactState(s, undefined, redact).memory).toEqual([{ entity: 'date', text: 'friday', turn: 1 }]);
    expect(JSON.stringify(redactState(s, undefined, redact))).not.toContain('bo@example.com');
  });

  it('returns the same state when there is nothing to redact', () => {
    const s = state([{ role: 'user', text: 'hello' }], 'hello');
    expect(redactState(s, undefined, redact)).toBe(s);
  });
});

describe('redactOutputs', () => {
  it('redacts the texts, handoff reasons and summaries, and error messages, and keeps the rest', () => {
    const outputs: Output[] = [
      { type: 'text', text: 'We wrote to jo@example.com', flow: 'f', node: 'n', copyId: 'f/n' },
      { type: 'text', text: 'Fine', flow: 'f', node: 'n', copyId: 'f/n' },
      { type: 'handoff', queue: 'q', reason: 'card 4111 1111 1111 1111', summary: 'call +44 20 7946 0958', flow: 'f', node: 'h' },
      { type: 'error', message: 'failed for jo@example.com' },
      { type: 'end', outcome: 'resolved', flow: 'f', node: 'e' },
    ];
    const r = redactOutputs(outputs, redact);
    expect(r).toEqual([
      { type: 'text', text: 'We wrote to [email]', flow: 'f', node: 'n', copyId: 'f/n' },
      outputs[1],
      { type: 'handoff', queue: 'q', reason: 'card [card ••••1111]', summary: 'call [phone]', flow: 'f', node: 'h' },
      { type: 'error', message: 'failed for [email]' },
      outputs[4],
    ]);
    expect(r[1]).toBe(outputs[1]);
  });

  it("redacts a handoff's payload: the last messages and slots it carries", () => {
    const payload = { queue: 'q', summary: 'mail jo@example.com', transcript: [{ role: 'user', text: 'my card is 4111 1111 1111 1111' }], slots: { n: 3 } };
    const [r] = redactOutputs([{ type: 'handoff', queue: 'q', reason: 'user_request', payload, flow: 'f', node: 'h' }], redact);
    expect(r).toMatchObject({ payload: { summary: 'mail [email]', transcript: [{ role: 'user', text: 'my card is [card ••••1111]' }], slots: { n: 3 } } });
    expect(payload.summary).toBe('mail jo@example.com');
  });
});

describe('memoRedact', () => {
  it('answers as the redaction does, asking it once per recent distinct string', () => {
    const asked: string[] = [];
    const memo = memoRedact((s) => (asked.push(s), redact(s)), 2);
    const a = 'mail jo@example.com';
    const b = 'call +44 20 7946 0958';
    expect([memo(a), memo(a), memo(b), memo(a)]).toEqual(['mail [email]', 'mail [email]', 'call [phone]', 'mail [email]']);
    expect(asked).toEqual([a, b]);
    memo('a third string!'); // the oldest (a) goes
    memo(a);
    expect(asked).toEqual([a, b, 'a third string!', a]);
  });
});

describe('redactTrace', () => {
  it('redacts every entry but the knowledge passages found', () => {
    const hits = [{ source: 'faq.md', text: 'Call us on +44 20 7946 0958', score: 0.9 }];
    const trace: TraceEntry[] = [
      { kind: 'input', input: { type: 'text', text: 'is jo@example.com right' } },
      { kind: 'retrieval', flow: 'f', node: 'k', query: 'is jo@example.com right', hits, grounded: true },
      { kind: 'node', flow: 'f', node: 'k', nodeKind: 'knowledge', exit: 'next' },
    ];
    const r = redactTrace(trace, redact);
    expect(r[0]).toEqual({ kind: 'input', input: { type: 'text', text: 'is [email] right' } });
    expect(r[1]).toEqual({ kind: 'retrieval', flow: 'f', node: 'k', query: 'is [email] right', hits, grounded: true });
    expect(r[2]).toBe(trace[2]);
    expect(redactTrace([trace[2]!], redact)).toEqual([trace[2]]);
  });
});
