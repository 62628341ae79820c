import { describe, expect, it } from 'vitest';
import { freeSpot, placeNewNode, type Rect } from './placement';

const SIZE = { width: 240, height: 120 };
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('placing a new node', () => {
  it('keeps the wanted spot when it is free, on the grid', () => {
    expect(freeSpot({ x: 103, y: -47 }, SIZE, [])).toEqual({ x: 100, y: -40 });
    expect(freeSpot({ x: 0, y: 0 }, SIZE, [{ x: 1000, y: 1000, width: 240, height: 120 }])).toEqual({ x: 0, y: 0 });
  });

  it('moves to the nearest free spot, keeping the gap, when a card is in the way', () => {
    const card = { x: 0, y: 0, width: 240, height: 120 };
    const at = freeSpot({ x: 0, y: 0 }, SIZE, [card], { gap: 40 });
    const placed = { ...at, ...SIZE };
    expect(overlap({ ...placed, x: placed.x - 39, y: placed.y - 39, width: placed.width + 78, height: placed.height + 78 }, card)).toBe(false);
    // the nearest way out of a 240x120 card is up or down (160 px), not sideways (280 px); down wins a tie
    expect(at).toEqual({ x: 0, y: 160 });
  });

  it('never stacks cards added one after another at the same centre', () => {
    const occupied: Rect[] = [];
    for (let i = 0; i < 12; i++) {
      const at = placeNewNode({ size: SIZE, occupied, centre: { x: 500, y: 300 } });
      const box = { ...at, ...SIZE };
      expect(occupied.some((r) => overlap(r, box))).toBe(false);
      occupied.push(box);
    }
    // and stays near the centre: all within a few cards of it
    for (const r of occupied) expect(Math.hypot(r.x + 120 - 500, r.y + 60 - 300)).toBeLessThan(800);
  });

  it('goes to the right of the selected card when there is room', () => {
    const selected = { x: 400, y: 200, width: 240, height: 160 };
    expect(placeNewNode({ size: SIZE, occupied: [selected], after: selected, centre: { x: 0, y: 0 } })).toEqual({ x: 720, y: 200 });
    // something already there: the nearest free spot to it instead
    const next = { x: 720, y: 200, width: 240, height: 160 };
    const at = placeNewNode({ size: SIZE, occupied: [selected, next], after: selected, centre: { x: 0, y: 0 } });
    expect([selected, next].some((r) => overlap(r, { ...at, ...SIZE }))).toBe(false);
    expect(Math.abs(at.x - 720)).toBeLessThanOrEqual(320);
  });

  it('falls back to below every card when the neighbourhood is full', () => {
    const wall: Rect[] = [];
    for (let y = -2000; y < 2000; y += 150) for (let x = -2000; x < 2000; x += 260) wall.push({ x, y, width: 240, height: 130 });
    const at = freeSpot({ x: 0, y: 0 }, SIZE, wall, { reach: 5 });
    expect(wall.some((r) => overlap(r, { ...at, ...SIZE }))).toBe(false);
    expect(at.y).toBeGreaterThanOrEqual(Math.max(...wall.map((r) => r.y + r.height)));
  });
});
