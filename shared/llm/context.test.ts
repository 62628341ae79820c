import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { LlmMessage } from '../engine/ports';
import { buildContext, estimateTokens, extractiveLines, summaryRequest, variableLines, type ContextWindow, type Summariser, type Turn } from './context';

const u = (text: string): Turn => ({ role: 'user', text });
const a = (text: string): Turn => ({ role: 'assistant', text });

const dataOf = (w: ContextWindow) => w.data.join('\n\n');

/** The window's cost, counted independently: the data text plus each message with 4 tokens of markup. */
const cost = (w: ContextWindow) => estimateTokens(dataOf(w)) + w.messages.reduce((s, m) => s + estimateTokens(m.content) + 4, 0);

function expectWellFormed(messages: LlmMessage[]): void {
  if (!messages.length) return;
  expect(messages[0]!.role).toBe('user');
  messages.forEach((m, i) => {
    if (i > 0) expect(m.role).not.toBe(messages[i - 1]!.role);
    expect(m.content.trim()).not.toBe('');
  });
}

/** A banking conversation of `pairs` user/bot exchanges, each turn about `words` words long. */
function conversation(pairs: number, words = 30): Turn[] {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => ['please', 'account', 'thanks', 'card', 'today', 'balance'][i % 6]).join(' ');
  const out: Turn[] = [];
  for (let i = 1; i <= pairs; i++) {
    out.push(u(`Question ${i} about my card ending 48${i % 10}1. ${filler(words)}`));
    out.push(a(`Answer ${i}: your limit is ${i * 100} dollars. ${filler(words)}. Anything else?`));
  }
  return out;
}

describe('when everything fits', () => {
  it('sends the transcript verbatim, with no summary and no summariser call', async () => {
    const summarise = vi.fn<Summariser>();
    const transcript = [u('Hi, I lost my card.'), a('Sorry to hear that. Which card: the one ending 4821 or 9034?'), u('The first one.')];
    const w = await buildContext({ transcript, budget: 1000, summarise });
    expect(w.messages).toEqual([
      { role: 'user', content: 'Hi, I lost my card.' },
      { role: 'assistant', content: 'Sorry to hear that. Which card: the one ending 4821 or 9034?' },
      { role: 'user', content: 'The first one.' },
    ]);
    expect(w).toMatchObject({ data: [], summarisedTurns: 0 });
    expect(w.summary).toBeUndefined();
    expect(w.tokens).toBe(cost(w));
    expect(summarise).not.toHaveBeenCalled();
  });
});

describe('variables in the data block', () => {
  it('lists known values as sorted dotted paths, leaving empty ones out', async () => {
    const variables = {
      selected_card: '4821',
      customer: { name: 'Alex Morgan', tier: 'standard', card_last4s: ['4821', '9034'], middle_name: null, nick: '' },
      account: { currency: 'USD', balance: 1520.5, overdraft: false },
      pending: undefined,
      note: 'x'.repeat(300),
    };
    const w = await buildContext({ transcript: [u('hi')], variables, budget: 2000 });
    expect(dataOf(w).split('\n')).toEqual([
      'Known values in this conversation (current; use them to resolve references such as "that one" or "it"):',
      '- account.balance: 1520.5',
      '- account.currency: "USD"',
      '- account.overdraft: false',
      '- customer.card_last4s: ["4821","9034"]',
      '- customer.name: "Alex Morgan"',
      '- customer.tier: "standard"',
      `- note: "${'x'.repeat(119)}…"`,
      '- selected_card: "4821"',
    ]);
  });

  it('is stable whatever the insertion order', () => {
    expect(variableLines({ b: 1, a: { y: 2, x: 3 } })).toEqual(variableLines({ a: { x: 3, y: 2 }, b: 1 }));
    expect(variableLines({ b: 1, a: { y: 2, x: 3 } })).toEqual(['- a.x: 3', '- a.y: 2', '- b: 1']);
  });

  it('keeps a slot resolvable after the turn that set it was summarised', async () => {
    const transcript = [u('I want to freeze a card.'), a('Which one, the card ending 4821 or 9034?'), u('That one ending 9034.'), ...conversation(12)];
    const w = await buildContext({ transcript, variables: { selected_card: '9034' }, budget: 900 });
    expect(w.summarisedTurns).toBeGreaterThan(3);
    expect(w.messages.some((m) => m.content.includes('That one ending 9034'))).toBe(false);
    expect(dataOf(w)).toContain('- selected_card: "9034"');
  });

  it('caps the list at its share of the budget, saying how many were left out', async () => {
    const variables = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`slot_${String(i).padStart(3, '0')}`, `value number ${i}`]));
    const w = await buildContext({ transcript: [u('hi')], variables, budget: 400 });
    expect(estimateTokens(dataOf(w))).toBeLessThanOrEqual(100);
    expect(dataOf(w)).toContain('- slot_000: "value number 0"');
    expect(dataOf(w)).toMatch(/- … and \d+ more$/);
  });
});

describe('over budget: a summary and the recent turns verbatim', () => {
  it('summarises the older turns with the summariser, keeps the latest verbatim, within the budget', async () => {
    const transcript = conversation(20);
    const summarise = vi.fn<Summariser>(async (turns) => `The user asked ${turns.length} things about cards and limits.`);
    const w = await buildContext({ transcript, budget: 800, summarise, variables: { customer: { first_name: 'Alex' } } });
    expect(w.tokens).toBeLessThanOrEqual(800);
    expect(cost(w)).toBe(w.tokens);
    expect(w.summarySource).toBe('llm');
    expect(summarise).toHaveBeenCalledTimes(1);
    expect(summarise.mock.calls[0]![0]).toEqual(transcript.slice(0, w.summarisedTurns));
    expect(summarise.mock.calls[0]![1]).toBeUndefined();
    expect(w.summary).toBe(`The user asked ${w.summarisedTurns} things about cards and limits.`);
    expect(dataOf(w)).toContain(`Summary of the earlier conversation:\n${w.summary}`);
    expect(dataOf(w).indexOf('customer.first_name')).toBeLessThan(dataOf(w).indexOf('Summary'));
    // the rest, verbatim and complete: summarised + kept = the whole transcript
    expect(w.messages).toEqual(transcript.slice(w.summarisedTurns).map((t) => ({ role: t.role, content: t.text })));
    expect(w.messages.length).toBeGreaterThanOrEqual(4);
    expectWellFormed(w.messages);
  });

  it('falls back to an extractive summary when the summariser fails (or says nothing)', async () => {
    const transcript = [
      u('I was charged twice at Fresh Mart. Can you check? It was yesterday.'),
      a('I can help with that. I see two charges of $42.10 on May 3. Do you want to dispute the second one?'),
      u('Yes, the second one please. Thanks.'),
      a('Done. Your dispute reference is D-7781. It takes 5 business days.'),
      ...conversation(4, 60),
    ];
    for (const summarise of [vi.fn<Summariser>(async () => Promise.reject(new Error('529 overloaded'))), vi.fn<Summariser>(async () => '  ')]) {
      const w = await buildContext({ transcript, budget: 600, summarise });
      expect(summarise).toHaveBeenCalledTimes(1);
      expect(w.summarySource).toBe('extractive');
      expect(w.summary).toContain('User: I was charged twice at Fresh Mart.');
      expect(w.summary).not.toContain('Can you check?'); // only the first sentence of a user turn
      expect(w.summary).toContain('Assistant: I see two charges of $42.10 on May 3. Do you want to dispute the second one?');
      expect(w.summary).toContain('Assistant: Your dispute reference is D-7781. It takes 5 business days.');
      expect(w.summary).toContain('User: Yes, the second one please.');
      expect(estimateTokens(w.summary!)).toBeLessThanOrEqual(600 / 4);
      expect(w.tokens).toBeLessThanOrEqual(600);
      expectWellFormed(w.messages);
    }
    // no summariser at all: the same
    expect((await buildContext({ transcript, budget: 600 })).summarySource).toBe('extractive');
  });

  it("trims an extractive summary to its share, keeping the user's opening request and the latest lines", async () => {
    const transcript = conversation(40);
    const w = await buildContext({ transcript, budget: 1000 });
    expect(estimateTokens(w.summary!)).toBeLessThanOrEqual(250);
    expect(w.summary!.startsWith('User: Question 1 about my card ending 4811.\n…\n')).toBe(true);
    expect(w.summary).not.toContain('Question 2 about');
    const lastSummarised = transcript[w.summarisedTurns - 2]!; // the last user turn summarised
    expect(w.summary).toContain(lastSummarised.text.split('. ')[0]);
  });

  it('trims a long model summary to its share of the budget', async () => {
    const w = await buildContext({ transcript: conversation(20), budget: 800, summarise: async () => 'The user asked a lot. '.repeat(200) });
    expect(estimateTokens(w.summary!)).toBeLessThanOrEqual(200);
    expect(w.summary!.endsWith('…')).toBe(true);
    expect(w.tokens).toBeLessThanOrEqual(800);
  });

  it('keeps the last user turn even when it alone exceeds the budget, squeezed to fit (head and tail)', async () => {
    const huge = `START ${'lorem ipsum '.repeat(2000)} END`;
    const w = await buildContext({ transcript: [...conversation(3), u(huge)], budget: 500 });
    expect(w.tokens).toBeLessThanOrEqual(500);
    expect(w.messages).toHaveLength(1);
    expect(w.messages[0]!.content).toMatch(/^START lorem ipsum .* \[…\] .*ipsum\s+END$/s);
    expect(w.summarisedTurns).toBe(6);
  });
});

describe('roles the Messages API accepts', () => {
  it('merges consecutive turns of one role and drops empty ones', async () => {
    const w = await buildContext({ transcript: [u('Hello'), u('  '), u('I need help'), a('Sure.'), a('What with?'), u('My card')], budget: 1000 });
    expect(w.messages).toEqual([
      { role: 'user', content: 'Hello\n\nI need help' },
      { role: 'assistant', content: 'Sure.\n\nWhat with?' },
      { role: 'user', content: 'My card' },
    ]);
  });

  it('starts with a user turn: a leading bot greeting goes to the summary as is, without a model call', async () => {
    const summarise = vi.fn<Summariser>();
    const w = await buildContext({ transcript: [a("Hi, I'm the Acme Bank assistant. How can I help?"), u('What is my balance?')], budget: 1000, summarise });
    expect(summarise).not.toHaveBeenCalled();
    expect(w.messages).toEqual([{ role: 'user', content: 'What is my balance?' }]);
    expect(w.summary).toBe("Assistant: Hi, I'm the Acme Bank assistant. How can I help?");
    expect(w.summarisedTurns).toBe(1);

    const greetingOnly = await buildContext({ transcript: [a('Welcome! How can I help?')], budget: 1000, summarise });
    expect(greetingOnly).toMatchObject({ messages: [], summarisedTurns: 1, summary: 'Assistant: Welcome! How can I help?' });
  });

  it('holds for any transcript and budget: within budget, starts with user, alternates, a verbatim suffix', async () => {
    const turn = fc.record({ role: fc.constantFrom('user' as const, 'assistant' as const), text: fc.string({ minLength: 0, maxLength: 600 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(turn, { maxLength: 40 }),
        fc.integer({ min: 300, max: 3000 }),
        fc.boolean(),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        async (transcript, budget, withModel, variables) => {
          const w = await buildContext({
            transcript,
            budget,
            variables,
            ...(withModel ? { summarise: async (ts: readonly Turn[]) => `Summary of ${ts.length} turns.` } : {}),
          });
          expect(w.tokens).toBe(cost(w));
          expect(w.tokens).toBeLessThanOrEqual(budget);
          expectWellFormed(w.messages);
          const rest = transcript.slice(w.summarisedTurns).filter((t) => t.text.trim());
          if (rest.length && w.messages.length) {
            // everything after the summary is sent, merged by role, and only the longest messages may be squeezed
            const merged: LlmMessage[] = [];
            for (const t of rest) {
              const last = merged.at(-1);
              if (last?.role === t.role) last.content += `\n\n${t.text.trim()}`;
              else merged.push({ role: t.role, content: t.text.trim() });
            }
            expect(w.messages.map((m) => m.role)).toEqual(merged.map((m) => m.role));
            w.messages.forEach((m, i) => {
              if (m.content !== merged[i]!.content) expect(m.content).toContain(' […] ');
            });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('incremental: the summary is reused across turns', () => {
  it('reuses the previous summary until more turns must go, then summarises only those, with it', async () => {
    const summarise = vi.fn<Summariser>(async (turns, previous) => `${previous ? `${previous} ` : ''}[${turns.length} turns]`);
    const transcript = conversation(20);
    const first = await buildContext({ transcript, budget: 900, summarise });
    expect(summarise).toHaveBeenCalledTimes(1);
    const k = first.summarisedTurns;
    expect(first.summary).toBe(`[${k} turns]`);

    // one more exchange: it fits in the room left by the cut, so no model call
    transcript.push(u('And my other card?'), a('It ends 9034.'));
    const second = await buildContext({ transcript, budget: 900, summarise, previous: { summary: first.summary!, turns: k } });
    expect(summarise).toHaveBeenCalledTimes(1);
    expect(second).toMatchObject({ summary: first.summary, summarySource: 'previous', summarisedTurns: k });
    expect(second.messages.at(-1)).toEqual({ role: 'assistant', content: 'It ends 9034.' });

    // many more: only the turns newly pushed out are summarised, on top of the previous summary
    let prev = { summary: second.summary!, turns: second.summarisedTurns };
    let calls = 1;
    for (let i = 0; i < 12; i++) {
      transcript.push(...conversation(1));
      const w = await buildContext({ transcript, budget: 900, summarise, previous: prev });
      expect(w.tokens).toBeLessThanOrEqual(900);
      expectWellFormed(w.messages);
      if (summarise.mock.calls.length > calls) {
        calls = summarise.mock.calls.length;
        const [turns, previous] = summarise.mock.calls.at(-1)!;
        expect(previous).toBe(prev.summary);
        expect(turns).toEqual(transcript.slice(prev.turns, w.summarisedTurns));
        expect(w.summarySource).toBe('llm');
      } else expect(w.summarisedTurns).toBe(prev.turns);
      prev = { summary: w.summary!, turns: w.summarisedTurns };
    }
    // thanks to the slack left at each cut, far fewer calls than turns
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(7);
  });

  it('ignores a previous summary that covers more turns than the transcript has (a restart)', async () => {
    const w = await buildContext({ transcript: [u('hi')], budget: 500, previous: { summary: 'Old chat.', turns: 10 } });
    expect(w).toMatchObject({ messages: [{ role: 'user', content: 'hi' }], summarisedTurns: 0, data: [] });
  });

  it('extractive fallback builds on the previous summary', async () => {
    const transcript = conversation(20);
    const w = await buildContext({
      transcript,
      budget: 900,
      previous: { summary: 'Earlier: the user froze card 4821.', turns: 4 },
      summarise: async () => Promise.reject(new Error('down')),
    });
    expect(w.summarySource).toBe('extractive');
    expect(w.summary!.startsWith('Earlier: the user froze card 4821.\n')).toBe(true);
    expect(w.summary).toContain(`User: ${transcript[w.summarisedTurns - 2]!.text.split('. ')[0]}.`);
  });
});

describe('helpers', () => {
  it('extractive lines: first user sentence, bot sentences with figures or questions', () => {
    expect(
      extractiveLines([u('My card was stolen! Please block it.'), a('I have blocked it. Anything else?'), a('OK.'), a('Thank you for waiting. All set.')]),
    ).toEqual(['User: My card was stolen!', 'Assistant: Anything else?', 'Assistant: OK.']);
  });

  it('summaryRequest asks the model for a short factual summary', () => {
    const r = summaryRequest([u('I lost my card'), a('Which one?')], 'The user is Alex.');
    expect(r.system).toMatch(/at most 120 words.*\n\nText between <conversation_data>/s);
    expect(r.messages).toEqual([
      {
        role: 'user',
        content:
          '<conversation_data>\nSummary so far:\nThe user is Alex.\n\nNewer turns:\nUser: I lost my card\nAssistant: Which one?\n</conversation_data>\n\nSummarise the conversation in the data above.',
      },
    ]);
  });
});
