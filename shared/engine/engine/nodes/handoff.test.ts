// The handoff node: the summary for the agent (extracted, written by a scripted model, the extractive one when
// the model fails), the reason code (the node's, or inferred from the turn), the ticket call with the payload
// (its failure never loses the handoff), and business hours (out of hours: the exit, or the message with the
// next opening and the request recorded).
import { describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel, simpleSlots } from '../../../../test/fixtures/engineProject';
import type { FlowNode } from '../../../schema/nodes';
import type { ProjectManifest } from '../../../schema/project';
import { createEngine, initialState, runTurn, type EnginePorts } from '../../engine';
import type { HttpRequest, HttpResult, LlmPort, LlmRequest } from '../../ports';
import type { Output, TraceEntry } from '../../types';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const say = (en: string) => ({ en });

const TICKET = {
  operation: 'create_ticket',
  url: 'https://tickets.test/v1/tickets',
  body: { subject: 'Chat handoff: {{handoff.reason}}', queue: '{{handoff.queue}}', payload: '{{handoff}}' },
  assign: [{ var: 'ticket_id', path: 'id' }],
};

const WEEKDAYS_9_TO_5 = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
};

function project(handoff: Record<string, unknown> = {}, manifest: Partial<ProjectManifest> = {}) {
  const person = n({ id: 'person', kind: 'handoff', queue: 'general', say: say('Connecting you now.'), ...handoff });
  // the handoff and where its exits go, in the main flow and in the flow the `human` global goes to
  const tail = [
    person,
    n({ id: 'closed', kind: 'message', say: say('Closed. We open {{handoff.opensAtText}}. Ticket {{ticket_id}}.') }),
    n({ id: 'lost', kind: 'message', say: say('We could not record it.') }),
  ];
  return makeModel(
    {
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'menu' }),
        n({
          id: 'menu',
          kind: 'listen',
          routes: [{ intent: 'balance', next: 'big' }],
        }),
        n({ id: 'big', kind: 'condition', branches: [{ id: 'rich', when: 'account.balance > 100', next: 'person' }], else: 'menu' }),
        ...tail,
      ]),
      card: flow('Card', [
        n({ id: 'start', kind: 'start', triggers: ['lost_card'], next: 'ask_card' }),
        n({ id: 'ask_card', kind: 'ask', slot: 'slots.card_type', type: 'entity', entity: 'card_type', prompt: say('Which card?'), next: 'block' }),
        n({ id: 'block', kind: 'api', operation: 'block_card', url: 'https://bank.test/block', method: 'POST', next: 'blocked', error: 'to_person' }),
        n({ id: 'blocked', kind: 'message', say: say('Blocked.') }),
        n({ id: 'to_person', kind: 'jump', flow: 'main', node: 'person' }),
      ]),
      human: flow('Human', [n({ id: 'start', kind: 'start', next: 'person' }), ...tail]),
    },
    { globals: [{ id: 'human', intent: 'agent', action: 'goto', flow: 'human' }], ...manifest },
  );
}

const reply = (text: string, seen?: LlmRequest[]): LlmPort => ({
  complete(req) {
    seen?.push(req);
    return Promise.resolve({ text, model: 'test-model', stopReason: 'end_turn', usage: { inputTokens: 30, outputTokens: 12 }, ttftMs: 1, totalMs: 2 });
  },
});

/** Plays the turns (after the start) with the ports; returns the last turn and every request the HTTP port saw. */
async function play(model: ReturnType<typeof project>, inputs: string[], ports: EnginePorts = {}, answer?: (req: HttpRequest) => HttpResult) {
  const engine = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
  const requests: HttpRequest[] = [];
  const all: EnginePorts = {
    clock: { now: () => Date.parse('2026-01-15T12:00:00Z') },
    http: {
      request(req) {
        requests.push(req);
        return answer
          ? answer(req)
          : req.operation === 'block_card'
            ? { ok: true, status: 500, body: { error: 'down' }, ms: 3 }
            : { ok: true, status: 201, body: { id: 'TCK-1' }, ms: 2 };
      },
    },
    ...ports,
  };
  let r = await runTurn(engine, initialState(engine), { type: 'start' }, all);
  for (const text of inputs) r = await runTurn(engine, r.state, { type: 'text', text }, all);
  const handoff = r.outputs.find((o): o is Extract<Output, { type: 'handoff' }> => o.type === 'handoff');
  const entry = r.trace.find((e): e is Extract<TraceEntry, { kind: 'handoff' }> => e.kind === 'handoff');
  const said = r.outputs.flatMap((o) => (o.type === 'text' ? [o.text] : []));
  return { r, handoff, entry, said, requests };
}

describe('handoff summary', () => {
  it('extracts the intent, the filled slots, what was tried and the last messages when no model is asked', async () => {
    const { handoff, entry } = await play(project(), ['I lost my card', 'the debit one']);
    expect(handoff?.reason).toBe('api_failure');
    expect(handoff?.summary).toBe(
      [
        'Reason: a backend call failed (api_failure)',
        'Customer wants: Lost card (lost_card)',
        'Details: card_type = debit',
        'Tried: was at card/ask_card when this message came; flows this turn: card → main; API block_card failed (HTTP 500)',
        'Last messages:',
        '- Customer: I lost my card',
        '- Bot: Which card?',
        '- Customer: the debit one',
      ].join('\n'),
    );
    expect(entry).toMatchObject({ reason: 'api_failure', reasonFrom: 'inferred', summaryBy: 'extract', hours: 'none' });
    expect(handoff?.payload).toMatchObject({ queue: 'general', reason: 'api_failure', intent: 'lost_card', slots: { card_type: 'debit' }, outOfHours: false });
  });

  it('has the model write it when the node asks, the facts in the data block and the instructions in the system prompt', async () => {
    const seen: LlmRequest[] = [];
    const { handoff, entry, r } = await play(
      project({ summary: { by: 'llm', turns: 2, instructions: 'Start with the card.' } }, { llm: { model: 'm1' } }),
      ['I lost my card', 'the debit one'],
      { llm: reply('Debit card lost; blocking failed (500). Customer waiting.', seen) },
    );
    expect(handoff?.summary).toBe('Debit card lost; blocking failed (500). Customer waiting.');
    expect(entry?.summaryBy).toBe('llm');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.system).toContain('Start with the card.');
    expect(seen[0]?.system).toContain('<conversation_data>');
    const content = seen[0]?.messages[0]?.content ?? '';
    expect(content).toMatch(/^<conversation_data>\nHandoff facts:\nReason: a backend call failed \(api_failure\)/);
    expect(content).toContain('Customer: the debit one');
    expect(content).toContain('API block_card failed (HTTP 500)');
    expect(r.trace.filter((e) => e.kind === 'llm')).toMatchObject([
      { node: 'person', reply: 'Debit card lost; blocking failed (500). Customer waiting.', model: 'test-model' },
    ]);
  });

  it('falls back to the extractive summary when the model fails or none is configured, with a warning', async () => {
    const failing: LlmPort = { complete: () => Promise.reject(new Error('overloaded')) };
    const a = await play(project({ summary: { by: 'llm' } }, { llm: { model: 'm1' } }), ['I lost my card', 'the debit one'], { llm: failing });
    expect(a.entry?.summaryBy).toBe('extract');
    expect(a.handoff?.summary).toMatch(/^Reason: a backend call failed/);
    expect(a.r.trace).toContainEqual(
      expect.objectContaining({ kind: 'problem', severity: 'warning', message: expect.stringMatching(/handoff summary: the model failed \(overloaded\)/) }),
    );
    // a reply cut off mid-stream is not a summary either
    const cut: LlmPort = {
      complete: () =>
        Promise.resolve({
          text: 'Debit card lost; bl',
          model: 'm',
          stopReason: null,
          partial: true,
          usage: { inputTokens: 1, outputTokens: 1 },
          ttftMs: 1,
          totalMs: 1,
        }),
    };
    const c = await play(project({ summary: { by: 'llm' } }, { llm: { model: 'm1' } }), ['I lost my card', 'the debit one'], { llm: cut });
    expect(c.entry?.summaryBy).toBe('extract');
    expect(c.r.trace).toContainEqual(expect.objectContaining({ kind: 'llm', partial: true, error: 'LLM: the reply was cut off' }));
    // no llm settings in parley.yaml: no request at all
    const seen: LlmRequest[] = [];
    const b = await play(project({ summary: { by: 'llm' } }), ['I lost my card', 'the debit one'], { llm: reply('never', seen) });
    expect(seen).toEqual([]);
    expect(b.entry?.summaryBy).toBe('extract');
  });

  it("renders an old project's template summary and keeps its reason as written", async () => {
    const { handoff, entry } = await play(project({ summary: 'Customer {{customer.name}} said "{{input}}"', reason: 'customer asked for a person' }), [
      'agent please',
    ]);
    expect(handoff).toMatchObject({ queue: 'general', reason: 'customer asked for a person', summary: 'Customer Alex said "agent please"' });
    expect(entry).toMatchObject({ reasonFrom: 'node', summaryBy: 'template' });
  });
});

describe('handoff reason inference', () => {
  it('reads an explicit request, the fallback limit, a failed call and a flow condition', async () => {
    expect((await play(project(), ['I want an agent'])).handoff?.reason).toBe('user_request');
    expect((await play(project(), ['I lost my card', 'debit'])).handoff?.reason).toBe('api_failure');
    expect((await play(project(), ['my balance please'])).handoff?.reason).toBe('policy');
    const fallback = await play(project(), ['blah', 'blah blah', 'blah blah blah'], {});
    expect(fallback.handoff?.reason).toBe('fallback_limit');
    expect(fallback.handoff?.summary).toContain('message not understood (3 of 3 in a row)');
  });

  it('reads a sensitive topic or another guardrail finding, and the knowledge base not being sure', async () => {
    const { inferReason } = await import('./handoffSummary');
    const g = (check: string) => ({ kind: 'guardrail' as const, flow: 'main', node: 'g', findings: [{ check, detail: 'x' }] });
    expect(inferReason([g('sensitive_topic')])).toBe('sensitive_topic');
    expect(inferReason([g('jailbreak')])).toBe('guardrail');
    // PII alone is redacted, not escalated; the request that came after it wins
    expect(inferReason([g('pii'), { kind: 'global', handler: 'human', intent: 'agent', action: 'goto' }])).toBe('user_request');
    expect(inferReason([g('pii')])).toBe('policy');
    expect(inferReason([{ kind: 'node', flow: 'f', node: 'kb', nodeKind: 'knowledge', exit: 'notSure' }])).toBe('out_of_scope');
    expect(inferReason([{ kind: 'node', flow: 'f', node: 'l', nodeKind: 'listen', exit: 'noMatch' }])).toBe('out_of_scope');
    // the guardrail stage diverting the turn to a flow or the escalation flow (divert.ts)
    const diverted = (rule: string, category: string) => ({ kind: 'global' as const, handler: `guardrails:${rule}`, intent: category, action: 'goto' });
    expect(inferReason([diverted('vulnerable', 'bereavement')])).toBe('sensitive_topic');
    expect(inferReason([diverted('threats', 'abuse')])).toBe('guardrail');
    const { handoffFacts } = await import('./handoffSummary');
    const s = {
      v: 1,
      locale: 'en',
      turn: 2,
      vars: {},
      wait: null,
      stack: [],
      quickReplies: [],
      fallbacks: 0,
      last: { input: '', entities: {} },
      transcript: [],
    } as const;
    const facts = handoffFacts({ ...s, stack: [], quickReplies: [], transcript: [] }, [diverted('vulnerable', 'bereavement')], [], {
      queue: 'care',
      reason: 'sensitive_topic',
      turns: 0,
      intentLabel: (id) => id,
    });
    expect(facts.tried).toEqual(['guardrail rule vulnerable: bereavement']);
    // nearest first: a fallback escalation after an earlier request
    expect(
      inferReason([
        { kind: 'global', handler: 'h', intent: 'agent', action: 'goto' },
        { kind: 'fallback', count: 3, limit: 3, escalated: true },
      ]),
    ).toBe('fallback_limit');
  });
});

describe('handoff ticket', () => {
  it('sends the payload to the ticketing system with the handoff and keeps the ticket number', async () => {
    const { requests, handoff, r } = await play(project({ ticket: TICKET }), ['agent please']);
    const ticket = requests.find((q) => q.operation === 'create_ticket');
    expect(ticket?.method).toBe('POST');
    const body = JSON.parse(ticket?.body ?? '{}') as { subject: string; queue: string; payload: Record<string, unknown> };
    expect(body.subject).toBe('Chat handoff: user_request');
    expect(body.payload).toMatchObject({ queue: 'general', reason: 'user_request', summary: handoff?.summary, outOfHours: false, opensAt: null });
    expect(r.state.vars.ticket_id).toBe('TCK-1');
    expect(r.state.ended?.outcome).toBe('escalated');
  });

  it('still hands off when the ticket call fails, with the failure in the trace', async () => {
    const { handoff, r, said } = await play(project({ ticket: TICKET }), ['agent please'], {}, () => ({
      ok: false,
      reason: 'timeout',
      message: 'no response within 5000 ms',
      ms: 5000,
    }));
    expect(handoff?.queue).toBe('general');
    expect(said).toEqual(['Connecting you now.']);
    expect(r.trace).toContainEqual(expect.objectContaining({ kind: 'api', operation: 'create_ticket', outcome: 'timeout' }));
    expect(r.trace).toContainEqual(
      expect.objectContaining({ kind: 'problem', message: 'handoff ticket create_ticket: the call failed (timeout); the handoff goes on without it' }),
    );
  });
});

describe('handoff in and out of business hours', () => {
  const hours = (extra: Record<string, unknown> = {}) =>
    ({ businessHours: { timezone: 'Europe/London', weekly: WEEKDAYS_9_TO_5, ...extra } }) as Partial<ProjectManifest>;
  const night = { clock: { now: () => Date.parse('2026-01-16T18:30:00Z') } };

  it('hands off in hours', async () => {
    const { handoff, entry } = await play(project({}, hours()), ['agent please']);
    expect(handoff).toBeDefined();
    expect(entry?.hours).toBe('open');
  });

  it('out of hours: records the request with the ticket, says when the team opens, and hands nothing off', async () => {
    const asked: string[] = [];
    const { handoff, entry, said, requests, r } = await play(project({ ticket: { ...TICKET, when: 'outOfHours' } }, hours()), ['agent please'], {
      ...night,
      handoff: { available: (q) => (asked.push(q), true) },
    });
    expect(handoff).toBeUndefined();
    expect(asked).toEqual([]); // nobody is asked for an agent
    expect(entry).toMatchObject({ hours: 'closed', opensAt: '2026-01-19T09:00:00.000Z' });
    expect(said).toEqual([
      'Our team is closed right now. We open again Monday, January 19 at 9:00 AM GMT.',
      "I've passed your request on, so the team can pick it up when they're back.",
    ]);
    expect(JSON.parse(requests.find((q) => q.operation === 'create_ticket')?.body ?? '{}')).toMatchObject({
      payload: { outOfHours: true, opensAt: '2026-01-19T09:00:00.000Z' },
    });
    expect(r.state.ended?.outcome).toBe('unresolved');
  });

  it('out of hours with an exit: takes it, with the opening time and ticket for its copy', async () => {
    const { said, r } = await play(project({ ticket: TICKET, outOfHours: 'closed' }, hours()), ['I lost my card', 'debit'], night, (req) =>
      req.operation === 'block_card' ? { ok: true, status: 500, body: {}, ms: 1 } : { ok: true, status: 201, body: { id: 'TCK-9' }, ms: 1 },
    );
    expect(said).toEqual(['Closed. We open Monday, January 19 at 9:00 AM GMT. Ticket TCK-9.']);
    expect(r.trace).toContainEqual(expect.objectContaining({ kind: 'node', node: 'person', exit: 'outOfHours' }));
  });

  it('out of hours with a failed ticket: its ticketFailed exit, or a line saying it was not recorded', async () => {
    const fail = (): HttpResult => ({ ok: true, status: 503, body: 'busy', ms: 1 });
    const a = await play(project({ ticket: TICKET, ticketFailed: 'lost' }, hours()), ['agent please'], night, fail);
    expect(a.said).toEqual(['We could not record it.']);
    const b = await play(project({ ticket: TICKET, outOfHoursSay: { en: 'Back {{opensAt}}.' } }, hours()), ['agent please'], night, fail);
    expect(b.said).toEqual([
      'Back Monday, January 19 at 9:00 AM GMT.',
      "I couldn't pass your request on just now, so please get in touch again when we're open.",
    ]);
  });

  it("uses a queue's own hours, and none with hours: false", async () => {
    const premier = hours({ queues: { general: { weekly: { fri: [['18:00', '22:00']] } } } });
    expect((await play(project({}, premier), ['agent please'], night)).entry?.hours).toBe('open');
    expect((await play(project({ hours: false }, hours()), ['agent please'], night)).entry?.hours).toBe('none');
  });

  it('out of hours with only an unavailable exit: takes it (the path the flow has for nobody being there)', async () => {
    const { said, r } = await play(project({ unavailable: 'closed', ticket: { ...TICKET, when: 'outOfHours' } }, hours()), ['agent please'], night);
    expect(said).toEqual(['Closed. We open Monday, January 19 at 9:00 AM GMT. Ticket TCK-1.']);
    expect(r.trace).toContainEqual(expect.objectContaining({ kind: 'node', node: 'person', exit: 'unavailable' }));
  });

  it('keeps the unavailable exit in hours when no agent is free', async () => {
    const { r, handoff } = await play(project({ unavailable: 'lost' }, hours()), ['agent please'], { handoff: { available: () => false } });
    expect(handoff).toBeUndefined();
    expect(r.trace).toContainEqual(expect.objectContaining({ kind: 'node', node: 'person', exit: 'unavailable' }));
  });
});
