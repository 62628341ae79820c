import { describe, expect, it } from 'vitest';
import { FlowNode } from '../schema/nodes';
import { checkQuestions } from './validateQuestions';

const ctx = { knownIntent: (id: string) => ['cancel', 'check_balance'].includes(id), knownEntity: (id: string) => id === 'payment_amount' };

function problems(node: Record<string, unknown>) {
  const parsed = FlowNode.parse(node);
  const out: string[] = [];
  checkQuestions(parsed, ctx, (severity, path, message) => out.push(`${severity} ${path.join('.')}: ${message}`));
  return out;
}

const field = (id: string, extra: Record<string, unknown> = {}) => ({ id, slot: `slots.${id}`, type: 'amount', prompt: { en: 'How much?' }, ...extra });

describe('question and form checks', () => {
  it('accepts known intents and entities, built-in entities included', () => {
    expect(
      problems({
        id: 'q',
        kind: 'ask',
        slot: 's',
        type: 'amount',
        prompt: { en: 'x' },
        notIntents: ['check_balance'],
        notEntities: ['payment_amount', 'date'],
      }),
    ).toEqual([]);
  });

  it('names unknown intents and entities, and refusing the very entity asked for', () => {
    expect(
      problems({ id: 'q', kind: 'ask', slot: 's', type: 'amount', prompt: { en: 'x' }, notIntents: ['balance'], notEntities: ['colour', 'amount'] }),
    ).toEqual([
      'error notIntents.0: unknown intent "balance"',
      'error notEntities.0: unknown entity "colour"',
      'warning notEntities.1: "amount" is what this question asks for, so no answer would be heard',
    ]);
  });

  it("checks a form's fields: ids, slots, entities, buttons, and its abandonOn intents", () => {
    const form = {
      id: 'f',
      kind: 'form',
      fields: [
        field('amount', {
          buttons: [
            { id: 'min', label: { en: 'Min' } },
            { id: 'min', label: { en: 'Minimum' } },
          ],
        }),
        field('amount', { slot: 'slots.other' }),
        field('other', { type: 'entity', slot: 'slots.kind' }),
        field('third', { type: 'entity', entity: 'nope', slot: 'slots.amount' }),
      ],
      abandonOn: ['cancel', 'stop_it'],
    };
    expect(problems(form)).toEqual([
      'error fields.0.buttons.1.id: duplicate button id "min"',
      'error fields.2.entity: an entity slot needs an entity',
      'error fields.3.entity: unknown entity "nope"',
      'error fields.1.id: duplicate field id "amount"',
      'warning fields.3.slot: two fields fill "slots.amount": the second is skipped once the first is answered',
      'error abandonOn.1: unknown intent "stop_it"',
    ]);
  });
});
