import { describe, expect, it } from 'vitest';
import { align, distribute, snap, type Box } from './arrange';
import type { FlowChange } from './changes';

const box = (id: string, x: number, y: number, width = 100, height = 50): Box => ({ id, x, y, width, height });

/** The boxes after the changes, for checks on the resulting geometry. */
function after(boxes: readonly Box[], changes: readonly FlowChange[]): Record<string, Box> {
  const out = Object.fromEntries(boxes.map((b) => [b.id, { ...b }]));
  for (const c of changes) {
    if (c.type !== 'node.move') throw new Error(`unexpected ${c.type}`);
    const b = out[c.id]!;
    b.x = c.position.x;
    b.y = c.position.y;
  }
  return out;
}

const moved = (changes: readonly FlowChange[]) => changes.map((c) => (c.type === 'node.move' ? c.id : c.type));

describe('snap', () => {
  it('rounds to the nearest multiple of the grid (20 by default)', () => {
    expect(snap(0)).toBe(0);
    expect(snap(9)).toBe(0);
    expect(snap(10)).toBe(20);
    expect(snap(29.9)).toBe(20);
    expect(snap(31)).toBe(40);
    expect(snap(-9)).toBe(0);
    expect(Object.is(snap(-9), 0)).toBe(true); // not -0
    expect(snap(-11)).toBe(-20);
    expect(snap(37, 8)).toBe(40);
    expect(snap(37, 1)).toBe(37);
  });

  it('only rounds when the grid is not a positive number', () => {
    expect(snap(37.6, 0)).toBe(38);
    expect(snap(37.2, -20)).toBe(37);
    expect(snap(37.2, Number.NaN)).toBe(37);
  });
});

describe('align', () => {
  const boxes = [box('a', 10, 100, 100, 40), box('b', 50, 0, 200, 80), box('c', 30, 300, 60, 60)];

  it('left: every left edge on the leftmost one; y untouched; the leftmost does not move', () => {
    const changes = align(boxes, 'left');
    expect(changes).toEqual([
      { type: 'node.move', id: 'b', position: { x: 10, y: 0 } },
      { type: 'node.move', id: 'c', position: { x: 10, y: 300 } },
    ]);
  });

  it('right: every right edge on the rightmost one', () => {
    const r = after(boxes, align(boxes, 'right'));
    for (const b of Object.values(r)) expect(b.x + b.width).toBe(250);
    expect(moved(align(boxes, 'right'))).toEqual(['a', 'c']);
  });

  it('center: every card centred on the selection’s vertical centre line', () => {
    const r = after(boxes, align(boxes, 'center'));
    // The box spans 10..250, so the centre line is 130.
    expect(Object.values(r).map((b) => b.x + b.width / 2)).toEqual([130, 130, 130]);
    expect(Object.values(r).map((b) => b.y)).toEqual([100, 0, 300]);
  });

  it('top, middle and bottom work on y and leave x alone', () => {
    const top = after(boxes, align(boxes, 'top'));
    expect(Object.values(top).map((b) => b.y)).toEqual([0, 0, 0]);
    expect(Object.values(top).map((b) => b.x)).toEqual([10, 50, 30]);
    const bottom = after(boxes, align(boxes, 'bottom'));
    expect(Object.values(bottom).map((b) => b.y + b.height)).toEqual([360, 360, 360]);
    const middle = after(boxes, align(boxes, 'middle'));
    expect(Object.values(middle).map((b) => b.y + b.height / 2)).toEqual([180, 180, 180]);
  });

  it('rounds to whole pixels (a centre of an odd width)', () => {
    const changes = align([box('a', 0, 0, 100, 10), box('b', 0, 50, 33, 10)], 'center');
    expect(changes).toEqual([{ type: 'node.move', id: 'b', position: { x: 34, y: 50 } }]);
  });

  it('returns nothing for fewer than two cards, or when they are aligned already', () => {
    expect(align([], 'left')).toEqual([]);
    expect(align([box('a', 5, 5)], 'center')).toEqual([]);
    expect(align([box('a', 5, 5), box('b', 5, 90)], 'left')).toEqual([]);
    const once = after(boxes, align(boxes, 'middle'));
    expect(align(Object.values(once), 'middle')).toEqual([]);
  });
});

describe('distribute', () => {
  it('horizontal: equal gaps between neighbours, the outer two stay', () => {
    // Widths 100, 50, 150, 100 between x=0 and x=700 (right edge of d): 400 of cards, 300 of gaps.
    const boxes = [box('d', 600, 5, 100), box('a', 0, 0, 100), box('c', 120, 30, 150), box('b', 400, 10, 50)];
    const changes = distribute(boxes, 'horizontal');
    expect(moved(changes).sort()).toEqual(['b', 'c']);
    const r = after(boxes, changes);
    const order = Object.values(r).sort((p, q) => p.x - q.x);
    expect(order.map((b) => b.id)).toEqual(['a', 'c', 'b', 'd']); // ordered by centre: c (195) before b (425)
    const gaps = order.slice(1).map((b, i) => b.x - (order[i]!.x + order[i]!.width));
    expect(gaps).toEqual([100, 100, 100]);
    expect(r.a).toEqual(boxes[1]);
    expect(r.d).toEqual(boxes[0]);
    // y is untouched.
    expect([r.b!.y, r.c!.y]).toEqual([10, 30]);
  });

  it('vertical: equal gaps along y, x untouched', () => {
    const boxes = [box('a', 0, 0, 100, 40), box('b', 7, 45, 100, 40), box('c', 3, 300, 100, 60)];
    const r = after(boxes, distribute(boxes, 'vertical'));
    // 0..360 holds 140 of cards: two gaps of 110.
    expect(r.b).toEqual({ ...boxes[1], y: 150 });
    expect(r.a).toEqual(boxes[0]);
    expect(r.c).toEqual(boxes[2]);
  });

  it('rounds positions to whole pixels and keeps gaps within a pixel', () => {
    const boxes = [box('a', 0, 0, 100), box('b', 150, 0, 100), box('c', 300, 0, 100), box('d', 1000, 0, 100)];
    const r = Object.values(after(boxes, distribute(boxes, 'horizontal'))).sort((p, q) => p.x - q.x);
    for (const b of r) expect(Number.isInteger(b.x)).toBe(true);
    const gaps = r.slice(1).map((b, i) => b.x - (r[i]!.x + r[i]!.width));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });

  it('overlapping cards get equal (negative) gaps', () => {
    const boxes = [box('a', 0, 0, 100), box('b', 10, 0, 100), box('c', 100, 0, 100)];
    const r = after(boxes, distribute(boxes, 'horizontal'));
    expect(r.b!.x).toBe(50); // gaps of -50 each
  });

  it('returns nothing for fewer than three cards, or when already evenly spaced', () => {
    expect(distribute([], 'horizontal')).toEqual([]);
    expect(distribute([box('a', 0, 0), box('b', 500, 0)], 'horizontal')).toEqual([]);
    const even = [box('a', 0, 0), box('b', 200, 0), box('c', 400, 0)];
    expect(distribute(even, 'horizontal')).toEqual([]);
    const boxes = [box('a', 0, 0), box('b', 37, 90), box('c', 400, 500), box('d', 111, 800)];
    const once = Object.values(after(boxes, distribute(boxes, 'vertical')));
    expect(distribute(once, 'vertical')).toEqual([]);
  });

  it('keeps the input order among cards with the same centre', () => {
    const boxes = [box('a', 0, 0), box('x', 100, 0), box('y', 100, 100), box('b', 500, 0)];
    const r = after(boxes, distribute(boxes, 'horizontal'));
    // Four cards of 100 in 0..600: gaps of 66.67; x comes before y.
    expect([r.x!.x, r.y!.x]).toEqual([167, 333]);
  });
});
