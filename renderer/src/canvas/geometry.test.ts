import { describe, expect, it } from 'vitest';
import { Flow } from '../../../shared/schema/project';
import { CARD, cardHandles, cardSize } from './geometry';

const nodes = Flow.parse({
  name: 'Shapes',
  nodes: [
    { id: 'start', kind: 'start', next: 'a' },
    { id: 'a', kind: 'message', say: { en: 'Hi' }, next: 'b' },
    { id: 'b', kind: 'message', say: { en: 'Bye' }, next: 'c' },
    { id: 'c', kind: 'message', say: { en: 'Pick' }, buttons: [{ id: 'yes', label: { en: 'Yes' }, next: 'a' }], next: 'd' },
    { id: 'd', kind: 'end' },
  ],
}).nodes;
const byId = (id: string) => nodes.find((n) => n.id === id)!;
const handlesOf = (id: string) => cardHandles(byId(id), cardSize(byId(id), false));

describe('card handles', () => {
  it('puts the input at the middle of the left edge and one exit per row on the right', () => {
    const size = cardSize(byId('c'), false);
    const h = CARD.handle;
    const top = CARD.borderTop + CARD.head + CARD.body + CARD.rule + CARD.exitsPad;
    expect(handlesOf('c')).toEqual([
      { id: null, type: 'target', position: 'left', x: -h / 2, y: size.height / 2 - h / 2, width: h, height: h },
      { id: 'button:yes', type: 'source', position: 'right', x: size.width - h / 2, y: top + CARD.row / 2 - h / 2, width: h, height: h },
      { id: 'next', type: 'source', position: 'right', x: size.width - h / 2, y: top + CARD.row + CARD.row / 2 - h / 2, width: h, height: h },
    ]);
    expect(handlesOf('start').map((x) => x.type)).toEqual(['source']);
    expect(handlesOf('d')).toHaveLength(1);
  });

  it('shares one list between cards of the same shape, and not between different ones', () => {
    expect(handlesOf('a')).toBe(handlesOf('b'));
    expect(handlesOf('a')).not.toBe(handlesOf('c'));
    expect(handlesOf('start')).not.toBe(handlesOf('a'));
  });
});
