import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../engine/types';
import { luhnValid } from '../nlu/entities/cards';
import { findPii } from '../runtime/pii';
import { storyFromConversation, storyYaml, type ConversationTurn } from './fromConversation';

const start: ConversationTurn = { input: { type: 'start' }, outputs: [], trace: [], state: { wait: null, vars: {} } };

/** A text turn that set `slots` (the trace redacted, as the turn runner stores it; the state's vars as the flow keeps them). */
function said(text: string, slots: Record<string, unknown> = {}, locale?: string): ConversationTurn {
  const trace: TraceEntry[] = Object.keys(slots).length
    ? [{ kind: 'vars', changes: Object.keys(slots).map((k) => ({ path: `slots.${k}`, after: '[redacted in the trace]' })) }]
    : [];
  return { input: { type: 'text', text }, outputs: [], trace, state: { wait: null, vars: { slots }, ...(locale ? { locale } : {}) } };
}

interface SavedStory {
  turns: { user: string; expect?: { vars?: Record<string, unknown> } }[];
}
const saved = (turns: ConversationTurn[], o: { typed?: boolean; locale?: string } = {}) => {
  const yaml = storyYaml(storyFromConversation(turns, { name: 'from the simulator', ...o }));
  return { yaml, story: parse(yaml) as SavedStory };
};

describe('storyFromConversation: personal data the designer typed', () => {
  it('saves a card number as a test card with the same last four digits, never as typed', () => {
    const { yaml, story } = saved([start, said('my card is 4111 1111 1111 1111')]);
    expect(yaml).not.toContain('4111 1111 1111 1111');
    const user = story.turns[0]!.user;
    expect(user).toMatch(/^my card is \d{4} \d{4} \d{4} 1111$/);
    expect(luhnValid(user.replace(/\D/g, ''))).toBe(true);
    expect(findPii(user).map((s) => s.kind)).toEqual(['card']);
  });

  it('gives the slots set from the typed text the same test values, from the flow`s own values, not the redacted trace', () => {
    const { yaml, story } = saved([
      start,
      said('the card is 4111 1111 1100 9034, mail me at jo@gmail.com', { card_number: '4111111111009034', card_last4: '9034', email: 'jo@gmail.com' }),
      said('yes, 4111-1111-1100-9034', { confirmed: 'yes, 4111-1111-1100-9034' }),
    ]);
    expect(yaml).not.toMatch(/4111|jo@gmail|redacted/);
    const [first, second] = story.turns;
    const card = /is ([\d ]+),/.exec(first!.user)?.[1] as string;
    expect(card.slice(-4)).toBe('9034');
    expect(first!.user).toBe(`the card is ${card}, mail me at customer@example.com`);
    expect(first!.expect?.vars).toEqual({ 'slots.card_number': card.replace(/ /g, ''), 'slots.card_last4': '9034', 'slots.email': 'customer@example.com' });
    // the same number again, in another layout: the same test card
    expect(second!.user).toBe(`yes, ${card.replace(/ /g, '-')}`);
    expect(second!.expect?.vars).toEqual({ 'slots.confirmed': `yes, ${card.replace(/ /g, '-')}` });
  });

  it('reads phone numbers in the turn`s locale (else the story`s), as the input stage did', () => {
    // 8 digits: a phone number in Denmark, too short for one with no region to read it in
    expect(saved([start, said('ring til 32 12 34 56', {}, 'da-DK')]).story.turns[0]!.user).toBe('ring til 32 00 00 00');
    expect(saved([start, said('ring til 32 12 34 56')], { locale: 'da-DK' }).story.turns[0]!.user).toBe('ring til 32 00 00 00');
    expect(saved([start, said('ring til 32 12 34 56')]).story.turns[0]!.user).toBe('ring til 32 12 34 56');
    expect(saved([start, said('call me on 020 7123 4567', {}, 'en-GB')]).story.turns[0]!.user).toBe('call me on 020 7946 0000');
  });

  it('keeps them as typed when the designer asks for it', () => {
    const { story } = saved([start, said('my card is 4111 1111 1111 1111', { number: '4111 1111 1111 1111' })], { typed: true });
    expect(story.turns[0]).toEqual({ user: 'my card is 4111 1111 1111 1111', expect: { vars: { 'slots.number': '4111 1111 1111 1111' } } });
  });

  it('gives the customer profile the session started with test values too, the same as the messages`', () => {
    const profile = { user: { name: 'Alex', email: 'alex.doe@gmail.com', phone: '07911 123456', tier: 'gold' } };
    const story = storyFromConversation([start, said('send it to alex.doe@gmail.com')], { name: 'profile', vars: profile, locale: 'en-GB' });
    expect(story.setup?.vars).toEqual({ user: { name: 'Alex', email: 'customer@example.com', phone: '02079 460000', tier: 'gold' } });
    expect(story.turns[0]).toEqual({ user: 'send it to customer@example.com' });
    expect(storyFromConversation([start], { name: 'profile', vars: profile, typed: true }).setup?.vars).toEqual(profile);
  });

  it('leaves a message with no personal data as it is', () => {
    const { story } = saved([start, said('I lost my card, the one ending 4821', { card_last4: '4821' })]);
    expect(story.turns[0]).toEqual({ user: 'I lost my card, the one ending 4821', expect: { vars: { 'slots.card_last4': '4821' } } });
  });
});
