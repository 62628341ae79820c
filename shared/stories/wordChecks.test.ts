import { describe, expect, it } from 'vitest';
import { checkByCopyId, checksWords, wordChecksOf } from './wordChecks';

const STORY = `name: Lost card
turns:
  - user: I lost my card
    expect:
      # the bot offers to block it
      says:
        - contains: "block your card"
        - copy: card_lost/intro
        - contains: Hi {{customer.first_name}}
  - user: yes
    expect:
      says:
        - contains: Your card is blocked   # the confirmation
`;

describe('stories that check a line by its words', () => {
  it('lists the plain-words checks of a story (not templated ones) and matches them against a line as stories do', () => {
    const checks = wordChecksOf('stories/lost.yaml', STORY);
    expect(checks).toEqual([
      { file: 'stories/lost.yaml', turn: 0, index: 0, words: 'block your card' },
      { file: 'stories/lost.yaml', turn: 1, index: 0, words: 'Your card is blocked' },
    ]);
    expect(checks.filter((c) => checksWords(c, ["I'm sorry. Shall I BLOCK YOUR CARD now?"])).map((c) => c.words)).toEqual(['block your card']);
    expect(wordChecksOf('stories/bad.yaml', 'turns: [oops')).toEqual([]);
  });

  it("match words said with the placeholders filled in: short values, mostly the line's own words", () => {
    const line = "Done. Your {{slots.card_type}} card ending {{slots.card_last4}} is now blocked and can't be used.";
    const matches = (words: string, text = line) => checksWords({ file: 's.yaml', turn: 0, index: 0, words }, [text]);
    expect(matches('debit card ending 9034 is now blocked')).toBe(true);
    expect(matches('Your credit card ending 4821')).toBe(true);
    expect(matches('ending 4821 is now blocked')).toBe(true);
    expect(matches('Hi Alex, welcome', 'Hi {{customer.first_name}}, welcome to Acme Bank.')).toBe(true);
    // a value longer than a value would be, words that are mostly not the line's, words in another order
    expect(matches(`Your ${'x'.repeat(60)} card ending 9034`)).toBe(false);
    expect(matches('something else entirely 9034')).toBe(false);
    expect(matches('is now blocked card ending 9034')).toBe(false);
    expect(matches('card ending 9034 is now frozen')).toBe(false);
  });

  it('rewrites one check to name the line by its copy id, keeping the rest of the file byte for byte', () => {
    const out = checkByCopyId(STORY, 1, 0, 'c_0k3f9x2m1p');
    expect(out).toBe(STORY.replace('- contains: Your card is blocked   # the confirmation', '- copy: c_0k3f9x2m1p   # the confirmation'));
    expect(checkByCopyId(STORY, 0, 0, 'c_0k3f9x2m1p')).toBe(STORY.replace('- contains: "block your card"', '- copy: c_0k3f9x2m1p'));
    // not a word check (any more): nothing to rewrite
    expect(checkByCopyId(STORY, 0, 1, 'c_0k3f9x2m1p')).toBeUndefined();
    expect(checkByCopyId(STORY, 0, 2, 'c_0k3f9x2m1p')).toBeUndefined();
  });
});
