import { describe, expect, it } from 'vitest';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import type { FlowNode } from '../schema/nodes';
import { escalationRules, handoffsFrom } from './escalation';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const say = (en: string) => ({ en });

function bank() {
  return makeModel(
    {
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'screen' }),
        n({ id: 'screen', kind: 'guardrail', checks: ['sensitive_topic'], topics: ['bereavement'], next: 'menu', flagged: 'care' }),
        n({ id: 'care', kind: 'message', say: say('Sorry for your loss.'), next: 'to_human' }),
        n({ id: 'to_human', kind: 'jump', flow: 'human' }),
        n({
          id: 'menu',
          kind: 'listen',
          routes: [
            { intent: 'agent', next: 'to_human' },
            { intent: 'balance', next: 'lookup' },
          ],
          noMatch: 'kb',
        }),
        n({ id: 'lookup', kind: 'api', operation: 'get_balance', url: 'https://api.test/b', next: 'menu', error: 'sorry', timeout: 'menu' }),
        n({ id: 'sorry', kind: 'message', say: say('Something failed.'), next: 'menu' }),
        n({ id: 'kb', kind: 'knowledge', next: 'menu', notSure: 'offer' }),
        // waits for the customer: what follows is not "at once"
        n({ id: 'offer', kind: 'ask', slot: 'slots.ok', type: 'yes_no', prompt: say('Talk to someone?'), next: 'to_human' }),
      ]),
      card: flow('Card', [
        n({ id: 'start', kind: 'start', next: 'block' }),
        n({ id: 'block', kind: 'api', operation: 'block_card', url: 'https://api.test/c', next: 'done', error: 'escalate' }),
        n({ id: 'escalate', kind: 'call', flow: 'human', next: 'done' }),
        n({ id: 'done', kind: 'end' }),
      ]),
      human: flow('Human', [
        n({ id: 'start', kind: 'start', next: 'tier' }),
        n({ id: 'tier', kind: 'condition', branches: [{ id: 'vip', when: 'customer.vip', next: 'vip' }], else: 'general' }),
        n({
          id: 'vip',
          kind: 'handoff',
          queue: 'premier',
          reason: 'user_request',
          hours: 'premier',
          unavailable: 'closed',
          ticket: { operation: 'create_ticket', url: 'https://t.test', when: 'outOfHours' },
        }),
        n({ id: 'general', kind: 'handoff', summary: { by: 'llm' }, outOfHours: 'closed' }),
        n({ id: 'closed', kind: 'end' }),
      ]),
    },
    {
      nlu: { fallbackLimit: 2 },
      globals: [
        { id: 'help', intent: 'help', action: 'digress', flow: 'card' },
        { id: 'human', intent: 'agent', action: 'goto', flow: 'human' },
      ],
      businessHours: { timezone: 'Europe/London', weekly: { mon: [['09:00', '17:00']] }, queues: { premier: { timezone: 'America/New_York', weekly: {} } } },
    },
  );
}

describe('escalationRules', () => {
  it('lists every way the project escalates, each with where it is and the handoffs it reaches', () => {
    const rows = escalationRules({
      ...bank(),
      guardrails: {
        rules: [
          { id: 'hardship', detector: 'sensitive_topic', categories: ['financial_hardship'], action: 'route', flow: 'human' },
          { id: 'threats', detector: 'profanity', categories: ['abuse'], action: 'escalate', queue: 'security' },
          { id: 'off', detector: 'sensitive_topic', action: 'escalate', enabled: false },
          { id: 'cards', detector: 'pii', action: 'redact' },
        ],
      },
    });
    const both = ['human/vip', 'human/general'];
    expect(rows.map((r) => [r.kind, r.at ? `${r.at.flow}/${r.at.node}` : '-', r.handoffs.map((h) => `${h.flow}/${h.node}`)])).toEqual([
      ['fallback', 'human/vip', both],
      // the help global digresses to the card flow, whose API failure calls the human flow
      ['request', 'human/vip', both],
      ['request', 'human/vip', both],
      ['sensitive_topic', 'human/vip', both],
      ['guardrail', 'human/vip', both],
      ['sensitive_topic', 'main/screen', both],
      ['request', 'main/menu', both],
      ['api_failure', 'card/block', both],
      ['handoff', 'human/vip', ['human/vip']],
      ['handoff', 'human/general', ['human/general']],
    ]);
    expect(rows[0]).toMatchObject({
      when: '2 messages in a row the bot cannot understand (nlu.fallbackLimit)',
      then: 'says it is bringing in a person, then flow human (global human) → human/vip, human/general',
      file: 'parley.yaml',
      field: 'nlu.fallbackLimit',
    });
    expect(rows[4]).toMatchObject({
      when: "Guardrail rule threats: profanity (abuse) in a customer's message",
      then: 'escalates to queue security',
      field: 'rules[1]',
    });
    expect(rows[8]?.then).toBe(
      "queue premier · reason: user_request · hours: queue premier's own hours (America/New_York) · summary: extracted · records it with create_ticket (out of hours) · out of hours → human/closed (as with no agent free)",
    );
    expect(rows[9]?.then).toBe(
      'queue general · reason: inferred from how the conversation got here · hours: businessHours (Europe/London) · summary: written by the model · out of hours → human/closed',
    );
  });

  it('does not count what follows a question to the customer, nor an API whose failure goes nowhere near a person', () => {
    const rows = escalationRules(bank());
    // the knowledge node's not-sure path asks first; main/lookup's error path goes back to the menu
    expect(rows.some((r) => r.at?.node === 'kb' || r.at?.node === 'lookup')).toBe(false);
    expect(handoffsFrom(bank().flows, { flow: 'main', node: 'offer' })).toEqual([
      { flow: 'human', node: 'vip' },
      { flow: 'human', node: 'general' },
    ]);
  });

  it('says where a fallback goes when no global leads to a handoff', () => {
    const rows = escalationRules(makeModel({ main: flow('Main', [n({ id: 'start', kind: 'start' })]) }));
    expect(rows).toEqual([
      {
        kind: 'fallback',
        when: '3 messages in a row the bot cannot understand (nlu.fallbackLimit)',
        then: 'hands off to queue general (no goto global leads to a handoff flow)',
        file: 'parley.yaml',
        field: 'nlu.fallbackLimit',
        handoffs: [],
      },
    ]);
  });
});
