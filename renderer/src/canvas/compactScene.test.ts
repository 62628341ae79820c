import { describe, expect, it } from 'vitest';
import { Flow } from '../../../shared/schema/project';
import { buildScene, drawScene, liveBox, movedCards, movedKey, needsDraw, type Colors, type View } from './compactScene';

const say = { en: 'Hi' };
/** a → b → c in a row, and d off to the right with no edges. */
const flow = Flow.parse({
  name: 'Row',
  nodes: [
    { id: 'a', kind: 'message', say, next: 'b', position: { x: 0, y: 0 } },
    { id: 'b', kind: 'message', say, next: 'c', position: { x: 320, y: 0 } },
    { id: 'c', kind: 'end', position: { x: 640, y: 0 } },
    { id: 'd', kind: 'end', position: { x: 5000, y: 0 } },
  ],
});
const scene = buildScene(flow, false);
const colors: Colors = { edge: '#999', card: '#fff', border: '#ddd', accent: '#00f', error: '#f00', kinds: new Map() };
const everywhere = { left: -1e6, top: -1e6, right: 1e6, bottom: 1e6 };

/** A stand-in 2D context that records which boxes were outlined (one per card) and where curves start. */
function recorder() {
  const boxes: [number, number][] = [];
  const curves: [number, number][] = [];
  const ctx = {
    fillRect: () => undefined,
    moveTo: (x: number, y: number) => curves.push([x, y]),
    strokeRect: (x: number, y: number) => boxes.push([x, y]),
    setLineDash: () => undefined,
    beginPath: () => undefined,
    bezierCurveTo: () => undefined,
    stroke: () => undefined,
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, boxes, curves };
}

describe('compact scene', () => {
  it('has one segment per connected exit, indexed by both of its cards', () => {
    expect(scene.segments.map((s) => `${s.source}>${s.target}`)).toEqual(['a>b', 'b>c']);
    expect(scene.segmentsOf.get('b')?.map((s) => `${s.source}>${s.target}`)).toEqual(['a>b', 'b>c']);
    expect(scene.segmentsOf.get('d')).toBeUndefined();
  });

  it('finds the cards React Flow holds elsewhere than the flow places them', () => {
    const lookup = new Map([
      ['a', { internals: { positionAbsolute: { x: 0, y: 0 } } }],
      ['b', { internals: { positionAbsolute: { x: 330, y: 5 } } }],
      ['group:g', { internals: { positionAbsolute: { x: 1, y: 1 } } }],
    ]);
    const moved = movedCards(scene, lookup);
    expect([...moved]).toEqual([['b', { x: 330, y: 5 }]]);
    expect(movedKey(moved)).toBe('b');
    expect(movedKey(new Map())).toBe('');
  });

  it('draws all but the moved cards and their edges on the base, and only those on the live canvas', () => {
    const moved = new Map([['b', { x: 330, y: 50 }]]);
    const base = recorder();
    drawScene(base.ctx, scene, everywhere, 1, moved, false, colors, { selected: new Set(), errors: new Set() });
    expect(base.boxes).toEqual([
      [0, 0],
      [640, 0],
      [5000, 0],
    ]);
    expect(base.curves).toEqual([]);
    const live = recorder();
    drawScene(live.ctx, scene, everywhere, 1, moved, true, colors, { selected: new Set(), errors: new Set() });
    expect(live.boxes).toEqual([[330, 50]]);
    // a's exit to b's new place, and b's exit from its new place
    expect(live.curves).toEqual([
      [240, scene.segments[0]!.sy],
      [330 + 240, 50 + scene.segments[1]!.sy],
    ]);
  });

  it('leaves out what is outside the area', () => {
    const r = recorder();
    drawScene(r.ctx, scene, { left: -10, top: -10, right: 300, bottom: 300 }, 1, new Map(), false, colors, { selected: new Set(), errors: new Set() });
    expect(r.boxes).toEqual([[0, 0]]);
    expect(r.curves).toEqual([[240, scene.segments[0]!.sy]]);
  });
});

describe('when the base canvas is drawn again', () => {
  const view: View = { x: 100, y: 50, zoom: 0.25, width: 800, height: 600 };
  const drawn = { at: view, margin: 200, moved: '' };

  it('not while a pan stays within the margin', () => {
    expect(needsDraw(drawn, { ...view, x: 300, y: -150 }, '')).toBe(false);
    expect(needsDraw(drawn, { ...view, x: 301 }, '')).toBe(true);
    expect(needsDraw(drawn, { ...view, y: -151 }, '')).toBe(true);
  });

  it('when the zoom, the pane or the moved cards change, or nothing was drawn yet', () => {
    expect(needsDraw(undefined, view, '')).toBe(true);
    expect(needsDraw(drawn, { ...view, zoom: 0.26 }, '')).toBe(true);
    expect(needsDraw(drawn, { ...view, width: 801 }, '')).toBe(true);
    expect(needsDraw(drawn, view, 'n1')).toBe(true);
  });

  it('on any pan after a draw for the pane only (while zooming)', () => {
    expect(needsDraw({ ...drawn, margin: 0 }, view, '')).toBe(false);
    expect(needsDraw({ ...drawn, margin: 0 }, { ...view, x: 101 }, '')).toBe(true);
  });
});

describe('the live canvas box', () => {
  const view: View = { x: 10, y: 20, zoom: 0.5, width: 800, height: 600 };

  it('covers a moved card and its edges, curves included, in pixels of the pane', () => {
    // b moved to (320, 100): its edges come from a's exit at x 240 and go to c's input at x 640
    const box = liveBox(scene, new Map([['b', { x: 320, y: 100 }]]), view);
    // the highest point is c's input, where b's edge ends (c at y 0)
    expect(box.x).toBe(Math.floor(240 * 0.5 + 10 - 4));
    expect(box.y).toBe(Math.floor(scene.segments[1]!.ty * 0.5 + 20 - 4));
    expect(box.x + box.width).toBe(Math.ceil(640 * 0.5 + 10 + 4));
    // b's box bottom is its lowest point
    expect(box.y + box.height).toBe(Math.ceil((100 + scene.byId.get('b')!.size.height) * 0.5 + 20 + 4));
  });

  it('is empty with nothing moved, and stays within the pane', () => {
    expect(liveBox(scene, new Map(), view)).toEqual({ x: 0, y: 0, width: 0, height: 0 });
    const off = liveBox(scene, new Map([['d', { x: 5000, y: 0 }]]), view);
    expect(off.width).toBe(0);
    const edge = liveBox(scene, new Map([['a', { x: -100, y: 0 }]]), view);
    expect(edge.x).toBe(0);
  });
});
