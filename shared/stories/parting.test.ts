import { describe, expect, it } from 'vitest';
import { storyBankModel } from '../../test/fixtures/storyBank';
import { partingFinder } from './parting';

const finder = partingFinder(storyBankModel);
const BALANCE_PATH = ['main/go_balance', 'balance/start', 'balance/fetch', 'balance/check', 'balance/ok_msg', 'balance/done', 'main/anything', 'main/menu'];

describe('where a turn parted from the way to a node', () => {
  it('is the last node of the path that could still reach it: the branch that went elsewhere', () => {
    expect(finder.partedAt(BALANCE_PATH, 'balance/low_msg', 'main/menu')).toBe('balance/check');
    // the api node's error exit, not the message the turn ended with
    expect(finder.partedAt(BALANCE_PATH, 'balance/api_err', 'main/menu')).toBe('balance/fetch');
  });

  it('follows calls into the called flow, and past a call only when the called flow can finish in the turn', () => {
    // main/go_balance → balance (which runs to its end without waiting) → main/anything
    expect(finder.partedAt(['main/sorry', 'main/menu'], 'balance/ok_msg', 'main/menu')).toBe('main/menu');
    // lost waits at its questions: main/go_lost never continues to main/anything in the same turn
    expect(finder.partedAt(['main/go_lost', 'lost/start', 'lost/ask_type'], 'main/anything', 'main/menu')).toBe('main/menu');
  });

  it('is the question the turn stopped at when the node lies beyond it, else the node that heard the message', () => {
    expect(finder.partedAt(['main/go_lost', 'lost/start', 'lost/ask_type'], 'lost/ask_last4', 'main/menu')).toBe('lost/ask_type');
    expect(finder.partedAt(['main/bye'], 'main/pay', 'main/menu')).toBe('main/menu');
    // nothing on the way to it: no node
    expect(finder.partedAt(['main/bye'], 'hours/answer', 'main/menu')).toBeUndefined();
  });
});

describe('where a turn skipped past a node no exit leads to any more', () => {
  it('is the node whose exit now jumps to a node after the target', () => {
    // lost/ask_type's `next` pointed at lost/confirm instead of lost/ask_last4: nothing on the path reaches ask_last4
    const broken = {
      ...storyBankModel,
      flows: {
        ...storyBankModel.flows,
        lost: {
          ...storyBankModel.flows.lost!,
          nodes: storyBankModel.flows.lost!.nodes.map((n) => (n.id === 'ask_type' && n.kind === 'ask' ? { ...n, next: 'confirm' } : n)),
        },
      },
    };
    const f = partingFinder(broken);
    expect(f.partedAt(['lost/ask_type', 'lost/confirm'], 'lost/ask_last4', 'main/menu')).toBe('lost/ask_type');
    // the unbroken project: the question the turn stopped at
    expect(finder.partedAt(['lost/ask_type', 'lost/ask_last4'], 'lost/confirm', 'main/menu')).toBe('lost/ask_last4');
  });
});
