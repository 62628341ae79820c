// Forms, guards on questions and digressions: what the acme-bank stories (payment_*) do not pin down. A jump in a
// digression's flow leaves it (the finding: a help flow ending in `jump: bot` printed the bot line, then "Now, back
// to where we were." and the question again), an end node with `resume: false` ends one, a form's state in
// expressions, its exits (failed, abandoned without asking, switched after a no), several validation rules, a
// field's `when`, and on questions: notEntities, `intents: ignore`, `clarify`, and entities from earlier messages.
import { describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel, simpleSlots } from '../../../../test/fixtures/engineProject';
import type { FlowNode } from '../../../schema/nodes';
import type { GlobalHandler } from '../../../schema/project';
import { createEngine, initialState, runTurn } from '../../engine';
import type { SessionState } from '../../types';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const say = (en: string) => ({ en });
const HELP: GlobalHandler = { id: 'help', intent: 'help', action: 'digress', flow: 'help' };
const CANCEL: GlobalHandler = { id: 'cancel', intent: 'cancel', action: 'cancel', say: say('Cancelled.') };

function engineFor(main: FlowNode[], help: FlowNode[], globals: GlobalHandler[] = [HELP, CANCEL]) {
  const model = makeModel(
    {
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'menu' }),
        n({ id: 'menu', kind: 'listen', routes: [{ intent: 'payments', next: 'first' }] }),
        ...main,
      ]),
      help: flow('Help', help),
      bot: flow('Bot', [n({ id: 'start', kind: 'start', next: 'about' }), n({ id: 'about', kind: 'message', say: say("I'm a bot.") })]),
      card: flow('Card', [
        n({ id: 'start', kind: 'start', triggers: ['lost_card'], next: 'gone' }),
        n({ id: 'gone', kind: 'message', say: say('Lost card flow.') }),
      ]),
    },
    { globals },
  );
  return createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
}

async function play(engine: ReturnType<typeof engineFor>, inputs: (string | { button: string })[]) {
  let r = await runTurn(engine, initialState(engine), { type: 'start' }, {});
  const turns: { said: string[]; state: SessionState; offers: string[] }[] = [];
  for (const i of inputs) {
    r = await runTurn(engine, r.state, typeof i === 'string' ? { type: 'text', text: i } : { type: 'button', payload: i.button }, {});
    const texts = r.outputs.flatMap((o) => (o.type === 'text' ? [o] : []));
    turns.push({ said: texts.map((o) => o.text), state: r.state, offers: texts.flatMap((o) => (o.quickReplies ?? []).map((q) => q.label)) });
  }
  return turns;
}

const AMOUNT = n({ id: 'first', kind: 'ask', slot: 'slots.amount', type: 'amount', prompt: say('How much?'), next: 'done' });
const DONE = n({ id: 'done', kind: 'message', say: say('Paying {{slots.amount}}.') });

describe('digressions', () => {
  it('a jump in the digression flow leaves it: the question is not asked again', async () => {
    const help = [
      n({ id: 'start', kind: 'start', next: 'tip' }),
      n({ id: 'tip', kind: 'message', say: say('I can take payments.'), next: 'to_bot' }),
      n({ id: 'to_bot', kind: 'jump', flow: 'bot' }),
    ];
    const [, helped, after] = await play(engineFor([AMOUNT, DONE], help), ['payment', 'help', '20']);
    expect(helped!.said).toEqual(['I can take payments.', "I'm a bot."]);
    expect(helped!.state.stack).toEqual([]);
    // the conversation no longer waits at the question: "20" is heard at the idle conversation, not as the amount
    expect(after!.state.vars.slots).toBeUndefined();
  });

  it('a digression that runs out returns to the question; an end node with resume: false does not', async () => {
    const back = [n({ id: 'start', kind: 'start', next: 'tip' }), n({ id: 'tip', kind: 'message', say: say('I can take payments.') })];
    const [, helped] = await play(engineFor([AMOUNT, DONE], back), ['payment', 'help']);
    expect(helped!.said).toEqual(['I can take payments.', 'Now, back to where we were.', 'How much?']);
    const leave = [
      ...back.slice(0, 1),
      n({ id: 'tip', kind: 'message', say: say('I can take payments.'), next: 'stop' }),
      n({ id: 'stop', kind: 'end', resume: false }),
    ];
    const [, left] = await play(engineFor([AMOUNT, DONE], leave), ['payment', 'help']);
    expect(left!.said).toEqual(['I can take payments.']);
    expect(left!.state.ended?.outcome).toBe('resolved');
  });
});

const FORM = (extra: Record<string, unknown> = {}, fields?: unknown[]) =>
  n({
    id: 'first',
    kind: 'form',
    title: 'the payment',
    fields: fields ?? [
      { id: 'card', slot: 'slots.card', type: 'card_last4', prompt: say('Which card?') },
      {
        id: 'amount',
        slot: 'slots.amount',
        type: 'amount',
        prompt: say('How much?'),
        validation: [
          { expr: 'value > 0', message: say('More than zero, please.') },
          { expr: 'value <= 1000', message: say('At most 1000, please.') },
        ],
      },
    ],
    next: 'done',
    failed: 'failed',
    abandoned: 'stopped',
    ...extra,
  });
const TAIL = [DONE, n({ id: 'failed', kind: 'message', say: say('Giving up.') }), n({ id: 'stopped', kind: 'message', say: say('Stopped.') })];
const HELP_FLOW = [
  n({ id: 'start', kind: 'start', next: 'where' }),
  n({ id: 'where', kind: 'condition', branches: [{ id: 'in_form', when: 'form.active && form.requested == "amount"', next: 'in' }], else: 'out' }),
  n({ id: 'in', kind: 'message', say: say('You are in {{form.title}}, asked for {{form.slot}}.') }),
  n({ id: 'out', kind: 'message', say: say('General help.') }),
];

describe('the form node', () => {
  it('says its state to expressions while it waits or digresses, and not after it completes', async () => {
    const turns = await play(engineFor([FORM(), ...TAIL], HELP_FLOW), ['payment', '4821', 'help', '30', 'help']);
    expect(turns[1]!.said).toEqual(['How much?']);
    expect(turns[2]!.said).toEqual(['You are in the payment, asked for slots.amount.', 'Now, back to where we were.', 'How much?']);
    expect(turns[3]!.said).toEqual(['Paying 30.']);
    expect(turns[4]!.said).toEqual(['General help.']);
  });

  it('says the first validation rule that fails, and leaves by `failed` after maxRetries', async () => {
    const turns = await play(engineFor([FORM({ maxRetries: 1 }), ...TAIL], HELP_FLOW), ['payment', '4821', '0', '5000']);
    expect(turns[2]!.said).toEqual(['More than zero, please.']);
    expect(turns[3]!.said).toEqual(['Giving up.']);
    expect(turns[3]!.state.wait).toEqual({ kind: 'idle' });
  });

  it('skips a field whose `when` is false', async () => {
    const fields = [
      { id: 'card', slot: 'slots.card', type: 'card_last4', prompt: say('Which card?'), when: 'customer.cards | length > 5' },
      { id: 'amount', slot: 'slots.amount', type: 'amount', prompt: say('How much?') },
    ];
    const [first] = await play(engineFor([FORM({}, fields), ...TAIL], HELP_FLOW), ['payment']);
    expect(first!.said).toEqual(['How much?']);
  });

  it('abandons at once with confirmLeave: false, keeping the answers with clearOnAbandon: false', async () => {
    const turns = await play(engineFor([FORM({ confirmLeave: false, clearOnAbandon: false }), ...TAIL], HELP_FLOW), ['payment', '4821', 'cancel']);
    expect(turns[2]!.said).toEqual(['Stopped.']);
    expect(turns[2]!.state.vars.slots).toEqual({ card: '4821' });
  });

  it('asks before leaving for another flow; "no" carries on with the same field, "yes" goes', async () => {
    const turns = await play(engineFor([FORM(), ...TAIL], HELP_FLOW), ['payment', '4821', 'I lost it', 'no', 'lost again', 'yes']);
    expect(turns[2]!.said).toEqual(['Do you want to stop the payment and go to "Lost card" instead?']);
    expect(turns[2]!.offers).toEqual(['Yes', 'No']);
    expect(turns[3]!.said).toEqual(["Okay, let's carry on.", 'How much?']);
    expect(turns[5]!.said).toEqual(['Lost card flow.']);
    expect(turns[5]!.state.vars.slots).toEqual({ card: '4821' });
  });

  it('a button answers with its value, not its label', async () => {
    const fields = [
      { id: 'amount', slot: 'slots.amount', type: 'amount', prompt: say('How much?'), buttons: [{ id: 'ten', label: say('Ten pounds'), value: '10' }] },
    ];
    const turns = await play(engineFor([FORM({}, fields), ...TAIL], HELP_FLOW), ['payment', { button: 'answer:10' }]);
    expect(turns[0]!.offers).toEqual(['Ten pounds']);
    expect(turns[1]!.said).toEqual(['Paying 10.']);
  });
});

describe('guards on questions', () => {
  const ask = (extra: Record<string, unknown>) =>
    n({ id: 'first', kind: 'ask', slot: 'slots.card', type: 'entity', entity: 'card_type', prompt: say('Which card?'), next: 'done', ...extra });
  const done = n({ id: 'done', kind: 'message', say: say('Card: {{slots.card}}.') });
  const helpFlow = [n({ id: 'start', kind: 'start', next: 'tip' }), n({ id: 'tip', kind: 'message', say: say('Help here.') })];

  it('notEntities: a message naming a refused entity is no answer', async () => {
    const main = [
      n({ id: 'first', kind: 'ask', slot: 'slots.amount', type: 'amount', prompt: say('How much?'), notEntities: ['card_type'], next: 'done' }),
      DONE,
    ];
    const [, refused, ok] = await play(engineFor(main, helpFlow), ['payment', 'debit 40', '40']);
    expect(refused!.said).toEqual(['How much?']);
    expect(ok!.said).toEqual(['Paying 40.']);
  });

  it('intents: ignore keeps a global intent from interrupting; the default lets it digress', async () => {
    const [, ignored] = await play(engineFor([ask({ intents: 'ignore' }), done], helpFlow), ['payment', 'help']);
    expect(ignored!.said).toEqual(['Which card?']);
    const [, digressed] = await play(engineFor([ask({}), done], helpFlow), ['payment', 'help']);
    expect(digressed!.said[0]).toBe('Help here.');
  });

  it('clarify: between the thresholds, the question asks which of two intents was meant and keeps waiting', async () => {
    const globals: GlobalHandler[] = [HELP, { id: 'agent', intent: 'agent', action: 'goto', flow: 'help' }];
    const [, asked] = await play(engineFor([ask({ clarify: true }), done], helpFlow, globals), ['payment', 'help or an agent']);
    expect(asked!.offers).toEqual(['Help', 'Agent']);
    expect(asked!.state.wait).toMatchObject({ kind: 'ask', node: 'first' });
  });

  it('fromEarlier: an entity said before the question fills it, once', async () => {
    const main = [
      n({ id: 'first', kind: 'message', say: say('Okay.'), next: 'wait' }),
      n({ id: 'wait', kind: 'listen', routes: [{ intent: 'balance', next: 'q1' }] }),
      n({ id: 'q1', kind: 'ask', slot: 'slots.card', type: 'entity', entity: 'card_type', prompt: say('Which card?'), next: 'q2' }),
      n({ id: 'q2', kind: 'ask', slot: 'slots.other', type: 'entity', entity: 'card_type', prompt: say('And the other card?'), next: 'done' }),
      done,
    ];
    const [, asked] = await play(engineFor(main, helpFlow), ['payment with my debit card', 'balance']);
    expect(asked!.said).toEqual(['And the other card?']);
    expect(asked!.state.vars.slots).toEqual({ card: 'debit' });
    const [, off] = await play(
      engineFor(
        main.map((x) => (x.id === 'q1' ? n({ ...x, fromEarlier: false }) : x)),
        helpFlow,
      ),
      ['payment with my debit card', 'balance'],
    );
    expect(off!.said).toEqual(['Which card?']);
  });
});
