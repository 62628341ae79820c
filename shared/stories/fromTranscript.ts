// "Make a story" from a production conversation (Insights): the customer's turns as the story's turns, with what
// the transcript says happened as expectations (the intent understood, a handoff, how it ended, where the bot
// waited). Every text is redacted again (card numbers, emails, phone numbers...: shared/runtime/pii.ts) before
// anyone sees it, since a story lands in git; the studio shows the result for review before it is written.
import type { Story, StoryTurn, Expect } from './schema';
import { redactPii } from '../runtime/pii';

export interface TranscriptTurn {
  turn: number;
  input: { type: string; text?: string };
  path: string[];
  intent?: string;
  confidence?: number;
  outcomes: string[];
  ended?: string;
}

/** How sure the NLU must have been for the story to expect the intent again. */
const EXPECT_INTENT_AT = 0.7;
const ENDED = new Set(['resolved', 'unresolved', 'escalated']);

export function storyFromTranscript(
  conversation: string,
  turns: readonly TranscriptTurn[],
  o: { name: string; locale?: string },
): { story: Story; redactions: number } {
  let redactions = 0;
  const redact = (text: string) => {
    const r = redactPii(text, o.locale ? { locale: o.locale } : {});
    redactions += r.kinds.length;
    return r.text;
  };
  const out: StoryTurn[] = [];
  for (const t of turns) {
    if (t.input.type === 'start') continue;
    const turn: StoryTurn =
      t.input.type === 'text'
        ? { user: redact(t.input.text ?? '') }
        : t.input.type === 'button'
          ? { button: t.input.text ?? '' }
          : { event: t.input.text ?? 'event' };
    const expect: Expect = {};
    const understood = t.intent && !t.outcomes.includes('fallback') && !t.outcomes.includes('not_sure') && (t.confidence ?? 1) >= EXPECT_INTENT_AT;
    if (understood) expect.intent = t.intent;
    if (t.outcomes.includes('handoff')) expect.handoff = true;
    if (t.ended && ENDED.has(t.ended)) expect.ended = t.ended as NonNullable<Expect['ended']>;
    else if (t.path.length) expect.waits_at = t.path[t.path.length - 1];
    if (Object.keys(expect).length) turn.expect = expect;
    out.push(turn);
  }
  return {
    story: {
      name: o.name,
      description: `Made from production conversation ${conversation}; redacted, then reviewed before it was saved.`,
      tags: ['from_production'],
      ...(o.locale ? { setup: { locale: o.locale } } : {}),
      turns: out.length ? out : [{ user: '' }],
    },
    redactions,
  };
}
