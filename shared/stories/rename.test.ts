import { describe, expect, it } from 'vitest';
import { renameNodeInStory } from './rename';

const STORY = `# a comment that must stay
name: Lost card
fixtures:
  llm:
    - node: card_lost/ask_last4   # by node
      reply: "4821"
turns:
  - user: I lost my card ask_last4
    expect:
      path: [main/go_card_lost, card_lost/intro, "card_lost/ask_last4"]
      says:
        - copy: card_lost/ask_last4
        - copy: card_lost/ask_last4.reprompt
        - copy: other/ask_last4
        - contains: card_lost/ask_last4
      waits_at: 'card_lost/ask_last4'
  - user: "1234"
    expect:
      visits: card_lost/ask_last42
      avoids:
        - card_lost/ask_last4
`;

describe('renaming a node in a story', () => {
  it('rewrites every reference to the node, in place, and nothing else', () => {
    const r = renameNodeInStory(STORY, 'card_lost', 'ask_last4', 'last_digits');
    expect(r.count).toBe(6);
    expect(r.text).toBe(
      STORY.replace('- node: card_lost/ask_last4 ', '- node: card_lost/last_digits ')
        .replace('"card_lost/ask_last4"]', '"card_lost/last_digits"]')
        .replace('- copy: card_lost/ask_last4\n', '- copy: card_lost/last_digits\n')
        .replace('- copy: card_lost/ask_last4.reprompt', '- copy: card_lost/last_digits.reprompt')
        .replace("waits_at: 'card_lost/ask_last4'", "waits_at: 'card_lost/last_digits'")
        .replace('avoids:\n        - card_lost/ask_last4', 'avoids:\n        - card_lost/last_digits'),
    );
    // the user's words, a `contains` text, another flow's node and a longer id are not references
    expect(r.text).toContain('I lost my card ask_last4');
    expect(r.text).toContain('contains: card_lost/ask_last4');
    expect(r.text).toContain('copy: other/ask_last4');
    expect(r.text).toContain('visits: card_lost/ask_last42');
    expect(r.text).toContain('# a comment that must stay');
  });

  it('leaves a story without references, or one that does not parse, untouched', () => {
    expect(renameNodeInStory(STORY, 'main', 'menu', 'home')).toEqual({ text: STORY, count: 0 });
    const broken = 'turns: [\n  - user: x\n';
    expect(renameNodeInStory(broken, 'card_lost', 'ask_last4', 'x')).toEqual({ text: broken, count: 0 });
  });
});
