import { describe, expect, it } from 'vitest';
import { sampleCardLostFlow } from '../testing/sampleFlow';
import type { StoryRunView, TurnView } from '../../../shared/api/contract';
import { walkedEdges, walkFromSimulator, walkFromStory, walkMarks } from './walkthrough';

const at = (flow: string, node: string) => ({ flow, node });
const state = (wait: TurnView['state']['wait']): TurnView['state'] => ({ locale: 'en', wait, stack: [], vars: {}, fallbacks: 0 });

describe('a conversation walked through on the canvas', () => {
  it('takes the simulator’s turns, each path starting where the previous turn waited', () => {
    const turns: TurnView[] = [
      {
        index: 0,
        input: { type: 'start' },
        outputs: [{ type: 'text', text: 'Hi', flow: 'main', node: 'greet', copyId: 'c1' }],
        trace: [],
        path: [at('main', 'start'), at('main', 'greet'), at('main', 'menu')],
        state: state({ kind: 'listen', flow: 'main', node: 'menu' }),
      },
      {
        index: 1,
        input: { type: 'text', text: 'I lost my card' },
        outputs: [{ type: 'text', text: 'Sorry to hear that.', flow: 'card_lost', node: 'intro', copyId: 'c2' }],
        trace: [],
        path: [at('main', 'go_lost'), at('card_lost', 'start'), at('card_lost', 'intro')],
        state: state({ kind: 'ask', flow: 'card_lost', node: 'ask_card_type', retries: 0 }),
      },
    ];
    const walk = walkFromSimulator(turns);
    expect(walk.map((t) => t.user)).toEqual(['(the conversation starts)', 'I lost my card']);
    expect(walk[1]!.says).toEqual(['Sorry to hear that.']);
    expect(walk[0]!.path).toEqual(turns[0]!.path);
    expect(walk[1]!.path[0]).toEqual(at('main', 'menu'));
    expect(walk[1]!.path).toHaveLength(4);
  });

  it('reads a story run’s `flow/node` addresses, and a button press in words', () => {
    const run = {
      file: 'stories/lost.yaml',
      name: 'Lost card',
      tags: [],
      passed: true,
      runs: 1,
      passes: 1,
      ms: 1,
      turns: [
        {
          index: 0,
          input: { type: 'text', text: 'lost card' },
          says: ['Which card?'],
          path: ['card_lost/intro', 'card_lost/ask_card_type'],
          waitsAt: 'card_lost/ask_card_type',
          failures: [],
        },
        { index: 1, input: { type: 'button', payload: 'debit', label: 'Debit' }, says: [], path: ['card_lost/ask_last4'], failures: [] },
      ],
    } satisfies StoryRunView;
    const walk = walkFromStory(run);
    expect(walk[1]!.user).toBe('[Debit]');
    expect(walk[1]!.path).toEqual([at('card_lost', 'ask_card_type'), at('card_lost', 'ask_last4')]);
  });

  it('highlights the edges the step took in this flow, and marks earlier, current and last nodes', () => {
    const flow = sampleCardLostFlow();
    const path = [
      at('card_lost', 'start'),
      at('card_lost', 'forget_card'),
      at('card_lost', 'intro'),
      at('card_lost', 'ask_card_type'),
      at('card_lost', 'ask_last4'),
    ];
    expect([...walkedEdges(flow, 'card_lost', path)].sort()).toEqual(['ask_card_type:next', 'forget_card:next', 'intro:next', 'start:next']);
    // an edge into another flow, or between nodes with no exit between them, is not drawn
    expect(walkedEdges(flow, 'card_lost', [at('main', 'menu'), at('card_lost', 'start'), at('card_lost', 'blocked')]).size).toBe(0);
    const walk = {
      title: 't',
      index: 1,
      turns: [
        { user: 'a', says: [], path: path.slice(0, 3) },
        { user: 'b', says: [], path: path.slice(2) },
      ],
    };
    const marks = walkMarks(walk, 'card_lost');
    expect(Object.fromEntries(marks)).toEqual({ start: 'visited', forget_card: 'visited', intro: 'walked', ask_card_type: 'walked', ask_last4: 'current' });
    expect(walkMarks(walk, 'main').size).toBe(0);
  });
});
