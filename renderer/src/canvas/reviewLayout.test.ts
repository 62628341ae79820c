import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { CARD, cardHandles, cardSize, exitHandleTop } from './geometry';
import { reviewBodyHeight, reviewFlow, wrappedLines } from './reviewLayout';

/** Every character 8 px wide: easy to count. */
const measure = (t: string) => t.length * 8;

const message = (id: string, say: string, y: number): FlowNode => ({ id, kind: 'message', say: { en: say }, next: 'end', position: { x: 0, y } }) as FlowNode;
const flowOf = (nodes: FlowNode[]): Flow => ({ name: 'f', nodes }) as unknown as Flow;

function overlaps(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('review mode’s cards', () => {
  it('wraps between words, and breaks a word wider than the card', () => {
    expect(wrappedLines('aaaa bbbb', 80, measure)).toBe(1);
    expect(wrappedLines('aaaa bbbb cccc', 80, measure)).toBe(2);
    expect(wrappedLines('one\ntwo', 800, measure)).toBe(2);
    expect(wrappedLines(`x ${'y'.repeat(25)}`, 80, measure)).toBe(4);
  });

  it('grows a card with long copy to hold it all, and leaves a short one as it is', () => {
    expect(reviewBodyHeight(message('a', 'Hi.', 0), 'en', measure)).toBe(CARD.body);
    const long = 'word '.repeat(60);
    const tall = reviewBodyHeight(message('b', long, 0), 'en', measure);
    // 300 characters at 8 px in 220 px: 11 lines of 18.75 px
    expect(tall).toBeGreaterThanOrEqual(11 * 18.75);
    // nodes without copy keep the usual body
    expect(reviewBodyHeight({ id: 'c', kind: 'listen' } as FlowNode, 'en', measure)).toBe(CARD.body);
  });

  it('spreads the flow so grown cards do not overlap, keeps x, and moves the exit handles down with the body', () => {
    const short = message('a', 'Hello there.', 0);
    const long = message('b', 'word '.repeat(50), 0);
    const below = message('c', 'Bye.', cardSize(short, true).height + 20);
    const flow = flowOf([short, { ...long, position: { x: 0, y: cardSize(short, true).height + 20 + cardSize(below, true).height + 20 } } as FlowNode, below]);
    const out = reviewFlow(flow, 'en', measure);
    expect(reviewFlow(flow, 'en', measure)).toBe(out);
    const boxes = out.nodes.map((n) => ({ x: n.position!.x, y: n.position!.y, w: cardSize(n, true).width, h: cardSize(n, true).height }));
    expect(boxes.map((b) => b.x)).toEqual([0, 0, 0]);
    expect(boxes[1]!.h).toBeGreaterThan(cardSize(long, true).height);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
    // the stored flow is untouched, and its cards keep their usual size
    expect(flow.nodes[1]!.position!.y).toBe(cardSize(short, true).height + 20 + cardSize(below, true).height + 20);
    expect(cardSize(flow.nodes[1]!, true).height).toBe(cardSize(short, true).height);
    const grown = out.nodes[1]!;
    const exit = cardHandles(grown, cardSize(grown, true)).find((h) => h.id === 'next');
    expect(exit?.y).toBe(exitHandleTop(0, reviewBodyHeight(long, 'en', measure)));
  });
});
