import { describe, expect, it } from 'vitest';
import { pinnedIds, viewRect, windowFor, windowIds, windowIndex, windowServes } from './nodeWindow';

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
    const ids = windowIds(windowIndex(cards, edges), { left: 0, top: 0, right: 500, bottom: 500 });
    expect([...ids].sort()).toEqual(['far-left', 'far-right', 'in', 'out']);
  });

  it('finds the same cards as testing every card and edge against the window, for random flows and windows', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const cards = Array.from({ length: 60 }, (_, i) => card(`n${i}`, Math.floor(rand() * 4000), Math.floor(rand() * 3000)));
      const edges = Array.from({ length: 90 }, () => ({ source: `n${Math.floor(rand() * 62)}`, target: `n${Math.floor(rand() * 60)}` }));
      const left = rand() * 3000;
      const top = rand() * 2000;
      const win = { left, top, right: left + 200 + rand() * 1500, bottom: top + 200 + rand() * 1000 };
      const byId = new Map(cards.map((c) => [c.id, c]));
      const hit = (l: number, t: number, r: number, b: number) => l < win.right && r > win.left && t < win.bottom && b > win.top;
      const want = new Set(cards.filter((c) => hit(c.position.x, c.position.y, c.position.x + 100, c.position.y + 50)).map((c) => c.id));
      for (const e of edges) {
        const a = byId.get(e.source);
        const b = byId.get(e.target);
        if (!a || !b) continue; // an edge to a card that is not there (n60, n61) is not drawn
        const [l, t] = [Math.min(a.position.x, b.position.x), Math.min(a.position.y, b.position.y)];
        const [r, btm] = [Math.max(a.position.x, b.position.x) + 100, Math.max(a.position.y, b.position.y) + 50];
        if (hit(l, t, r, btm)) want.add(a.id).add(b.id);
      }
      expect([...windowIds(windowIndex(cards, edges), win)].sort()).toEqual([...want].sort());
    }
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
