import { describe, expect, it } from 'vitest';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import type { FlowNode } from '../schema/nodes';
import { validateProject } from './validate';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const say = (en: string) => ({ en });
const unreachable = (model: ReturnType<typeof makeModel>) =>
  validateProject(model)
    .filter((p) => p.message.startsWith('unreachable'))
    .map((p) => `${p.flowId}/${p.nodeId} ${p.field}`);

describe('unreachable nodes', () => {
  it('warns once per node that no exit reaches from the start: an exit pointed elsewhere cuts a branch off', () => {
    const model = makeModel({
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'menu' }),
        n({ id: 'menu', kind: 'listen', routes: [{ intent: 'balance', next: 'bal' }], noMatch: 'sorry' }),
        n({ id: 'bal', kind: 'message', say: say('Balance.'), buttons: [{ id: 'more', label: say('More'), next: 'more' }], next: 'menu' }),
        n({ id: 'more', kind: 'condition', branches: [{ id: 'rich', when: 'true', next: 'rich' }], else: 'menu' }),
        n({ id: 'rich', kind: 'api', operation: 'x', url: 'https://api.test/x', next: 'menu', error: 'oops' }),
        n({ id: 'oops', kind: 'message', say: say('Oops.'), next: 'menu' }),
        n({ id: 'sorry', kind: 'message', say: say('Sorry.'), next: 'menu' }),
        // cut off: nothing leads to old_intro, and it alone leads to old_detail
        n({ id: 'old_intro', kind: 'message', say: say('Hi.'), next: 'old_detail' }),
        n({ id: 'old_detail', kind: 'message', say: say('Details.'), next: 'menu' }),
      ]),
    });
    expect(unreachable(model)).toEqual(['main/old_intro nodes[7].id', 'main/old_detail nodes[8].id']);
    const w = validateProject(model).find((p) => p.nodeId === 'old_intro' && p.message.startsWith('unreachable'));
    expect(w).toMatchObject({ severity: 'warning', file: 'flows/main.yaml' });
  });

  it('counts a node that a jump or call names (from this flow or another) as entered', () => {
    const model = makeModel({
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'go' }),
        n({ id: 'go', kind: 'call', flow: 'cards', node: 'ask_last4', next: 'again' }),
        n({ id: 'again', kind: 'jump', flow: 'main', node: 'resume' }),
        n({ id: 'resume', kind: 'message', say: say('Back.'), next: 'after' }),
        n({ id: 'after', kind: 'end' }),
      ]),
      cards: flow('Cards', [
        n({ id: 'start', kind: 'start', next: 'ask_type' }),
        n({ id: 'ask_type', kind: 'ask', slot: 'slots.t', type: 'text', prompt: say('Type?'), next: 'done' }),
        n({ id: 'ask_last4', kind: 'ask', slot: 'slots.l', type: 'text', prompt: say('Last 4?'), next: 'done' }),
        n({ id: 'done', kind: 'end' }),
        n({ id: 'orphan', kind: 'end' }),
      ]),
    });
    expect(unreachable(model)).toEqual(['cards/orphan nodes[4].id']);
  });

  it('does not check a flow without exactly one start node (that is an error of its own)', () => {
    const model = makeModel({ main: flow('Main', [n({ id: 'a', kind: 'message', say: say('A.') })]) });
    expect(unreachable(model)).toEqual([]);
    expect(validateProject(model).some((p) => p.message === 'the flow has no start node')).toBe(true);
  });
});

describe('answer buttons', () => {
  it('reports an ask node whose buttons share an id, at the second one', () => {
    const model = makeModel({
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'q' }),
        n({
          id: 'q',
          kind: 'ask',
          slot: 'slots.card',
          type: 'text',
          prompt: say('Which card?'),
          buttons: [
            { id: 'card', label: say('Debit'), value: 'debit' },
            { id: 'card', label: say('Credit'), value: 'credit' },
          ],
          next: 'start',
        }),
      ]),
    });
    const dup = validateProject(model).filter((p) => p.message.startsWith('duplicate button'));
    expect(dup).toMatchObject([{ severity: 'error', nodeId: 'q', field: 'nodes[1].buttons[1].id', message: 'duplicate button id "card"' }]);
  });
});
