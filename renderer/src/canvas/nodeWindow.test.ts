import { describe, expect, it } from 'vitest';
import { pinnedIds, viewRect, windowFor, windowIds, windowServes } from './nodeWindow';

const card = (id: string, x: number, y: number) => ({ id, position: { x, y }, width: 100, height: 50 });

describe('the window of cards React Flow holds', () => {
  it('is the view grown by half its size on every side', () => {
    const view = viewRect([-100, -200, 0.5], 400, 300)!;
    expect(view).toEqual({ left: 200, top: 400, right: 1000, bottom: 1000 });
    expect(windowFor(view)).toEqual({ left: -200, top: 100, right: 1400, bottom: 1300 });
    expect(viewRect([0, 0, 1], 0, 300)).toBeUndefined();
  });

  it('serves a view until it comes within a quarter of its size of an edge, or is far smaller', () => {
    const view = { left: 0, top: 0, right: 400, bottom: 400 };
    const win = windowFor(view);
    expect(windowServes(win, view)).toBe(true);
    expect(windowServes(win, { left: 100, top: 0, right: 500, bottom: 400 })).toBe(true);
    expect(windowServes(win, { left: 101, top: 0, right: 501, bottom: 400 })).toBe(false);
    expect(windowServes(win, { left: 0, top: 0, right: 99, bottom: 99 })).toBe(false);
  });

  it('holds the cards in it and both ends of edges whose box crosses it', () => {
    const cards = [card('in', 10, 10), card('out', 5000, 5000), card('far-left', -3000, 100), card('far-right', 3000, 120), card('alone', 0, 4000)];
    const edges = [
      { source: 'in', target: 'out' },
      { source: 'far-left', target: 'far-right' },
      { source: 'alone', target: 'out' },
    ];
    const ids = windowIds(cards, edges, { left: 0, top: 0, right: 500, bottom: 500 });
    expect([...ids].sort()).toEqual(['far-left', 'far-right', 'in', 'out']);
  });

  it('pins the selected cards, their neighbours and the ends of selected edges', () => {
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' },
      { source: 'c', target: 'd' },
      { source: 'x', target: 'y', selected: true },
    ];
    expect([...pinnedIds(['b'], edges)].sort()).toEqual(['a', 'b', 'c', 'x', 'y']);
  });
});
