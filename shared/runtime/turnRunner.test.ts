import { describe, expect, it } from 'vitest';
import { keywordNlu, simpleSlots } from '../../test/fixtures/engineProject';
import { storyBankEngine, storyBankModel } from '../../test/fixtures/storyBank';
import { createEngine, type EnginePorts } from '../engine/engine';
import type { SessionState, TraceEntry } from '../engine/types';
import { fixturePorts } from './fixtures';
import { createTurnRunner, isInputScreening } from './turnRunner';

const CARD = '4111 1111 1108 4821'; // Luhn-valid, ends with one of the profile's cards
const engine = storyBankEngine();
const ports = (): EnginePorts => fixturePorts({ api: { block_card: { body: { data: { reference: 'R-1' } } } } });

async function at(runner = createTurnRunner({ engine }), ...texts: string[]) {
  let state = runner.initial();
  let last = await runner.run(state, { type: 'start' }, ports());
  state = last.state;
  for (const text of texts) {
    last = await runner.run(state, { type: 'text', text }, ports());
    state = last.state;
  }
  return { runner, state, last };
}

const inputEntry = (trace: TraceEntry[]) => trace.find((e): e is Extract<TraceEntry, { kind: 'input' }> => e.kind === 'input');

describe('createTurnRunner: what a turn stores is redacted, what the engine sees is not', () => {
  it('keeps the raw text in the flow variables and outputs, and redacts the transcript, last input and trace', async () => {
    const { last } = await at(undefined, 'a transfer please', `my card is ${CARD}, mail jo@example.com`);
    // the engine heard the raw words: the text slot holds them and the bot said them back
    expect(last.state.vars).toMatchObject({ slots: { note: `my card is ${CARD}, mail jo@example.com` } });
    expect(last.outputs[0]).toMatchObject({ type: 'text', text: `Noted: my card is ${CARD}, mail jo@example.com` });
    // what the turn keeps
    const stored = 'my card is [card ••••4821], mail [email]';
    expect(last.state.last.input).toBe(stored);
    expect(last.state.transcript.slice(-2)).toEqual([
      { role: 'user', text: stored },
      { role: 'bot', text: `Noted: ${stored}` },
    ]);
    expect(inputEntry(last.trace)?.input).toEqual({ type: 'text', text: stored });
    expect(JSON.stringify(last.trace)).not.toContain('jo@example.com');
    expect(JSON.stringify(last.trace)).not.toContain('4111');
    expect(last.screening.redacted).toEqual(['card', 'email']);
  });

  it('lets slot extraction read the card number the customer typed', async () => {
    const heard: string[] = [];
    // an extractor that takes the last four digits of a whole card number (the built-in one wants a cue such as "ending")
    const real = createEngine(storyBankModel, {
      nlu: keywordNlu,
      extractSlot: (type, text, ctx) => {
        heard.push(text);
        const whole = /(?:\d[ -]?){12,18}(\d{4})\b/.exec(text);
        return type === 'card_last4' && whole ? { ok: true, value: whole[1] } : simpleSlots(type, text, ctx);
      },
    });
    const { last } = await at(createTurnRunner({ engine: real }), 'I lost my card', 'debit', `it is ${CARD}`);
    expect(heard).toContain(`it is ${CARD}`);
    expect(last.state.vars).toMatchObject({ slots: { last4: '4821' } });
    expect(last.outputs[0]).toMatchObject({ text: 'Block your debit card ending 4821?' });
    expect(last.state.transcript.at(-2)).toEqual({ role: 'user', text: 'it is [card ••••4821]' });
    expect(last.trace.find((e) => e.kind === 'slot')).toMatchObject({ ok: true, value: '4821' });
  });

  it('does not scan or copy the transcript entries earlier turns stored', async () => {
    const { runner, state } = await at(undefined, 'a transfer please', 'jo@example.com');
    const next = await runner.run(state, { type: 'text', text: 'bye' }, ports());
    const before = new Set(state.transcript);
    expect(next.state.transcript.slice(0, state.transcript.length).every((e) => before.has(e))).toBe(true);
  });

  it('returns the state it was given untouched', async () => {
    const { runner, state } = await at(undefined, 'a transfer please');
    const copy = structuredClone(state);
    await runner.run(state, { type: 'text', text: `${CARD}` }, ports());
    expect(state).toEqual(copy);
  });

  it('redacts national phone numbers in the region given when the locale names none', async () => {
    const runner = createTurnRunner({ engine, phoneRegion: 'US' });
    const { last } = await at(runner, 'a transfer please', 'call (202) 555-0143');
    expect(last.state.last.input).toBe('call [phone]');
    expect(runner.redact('call (202) 555-0143')).toBe('call [phone]');
  });
});

describe('createTurnRunner: the input stage records', () => {
  it('records what it found after the input entry, at the node that heard the text, and changes no route when no rule acts', async () => {
    // swearing about a situation is recorded, and passes (the default rules block abuse and slurs only)
    const plain = await at(undefined, 'a transfer please', 'this shit bank again');
    expect(plain.last.screening.findings).toEqual([{ check: 'profanity', detail: 'swearing' }]);
    expect(plain.last.screening.action).toBeUndefined();
    expect(plain.last.trace[0]?.kind).toBe('input');
    expect(plain.last.trace[1]).toEqual({
      kind: 'guardrail',
      flow: 'main',
      node: 'ask_note',
      findings: [{ check: 'profanity', detail: 'swearing' }],
      direction: 'input',
    });
    expect(isInputScreening(engine, plain.last.trace[1] as TraceEntry)).toBe(true);
    // the flow went where it goes without the screen: the text slot took the words
    expect(plain.last.state.vars).toMatchObject({ slots: { note: 'this shit bank again' } });
  });

  it('leaves a guardrail node its own record, told apart from the stage', async () => {
    const { last } = await at(undefined, `payment with my card ${CARD}`);
    const guardrails = last.trace.filter((e) => e.kind === 'guardrail');
    expect(guardrails).toHaveLength(2);
    expect(guardrails.map((e) => isInputScreening(engine, e))).toEqual([true, false]);
    expect(guardrails[0]).toMatchObject({ rule: 'personal_data', action: 'redact' });
    expect(last.path.map((p) => p.node)).toContain('calm');
  });

  it('screens text only, and records nothing when there is nothing to record', async () => {
    const { runner, state, last } = await at(undefined, 'what is my balance');
    expect(last.trace.some((e) => e.kind === 'guardrail')).toBe(false);
    expect(last.screening).toEqual({ findings: [], redacted: [], output: [] });
    const button = await runner.run(state, { type: 'button', payload: 'bal', label: 'fuck you' }, ports());
    expect(button.screening.findings).toEqual([]);
  });

  it('lets "useless" and "stupid" through: frustration is not abuse', async () => {
    const { last } = await at(undefined, 'a transfer please', 'you stupid useless bot');
    expect(last.screening.findings).toEqual([]);
    expect(last.state.vars).toMatchObject({ slots: { note: 'you stupid useless bot' } });
  });
});

describe('createTurnRunner: a fresh conversation', () => {
  it('starts from the manifest with the profile merged, in a locale the project has', () => {
    const runner = createTurnRunner({ engine });
    const s: SessionState = runner.initial({ locale: 'xx', vars: { customer: { name: 'Sam' } } });
    expect(s.locale).toBe('en');
    expect(s.vars).toMatchObject({ customer: { name: 'Sam', cards: ['4821', '9034'] } });
  });
});
