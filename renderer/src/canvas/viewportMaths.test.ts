import { describe, expect, it } from 'vitest';
import { Flow } from '../../../shared/schema/project';
import { cardSize } from './geometry';
import { gridRect, openingFrame, viewportFor } from './viewportMaths';

const canvas = { width: 800, height: 600 };
const say = { en: 'Hi' };

/** A start, then a message with two buttons and a next, each leading on; `far` sits far to the right. */
function branching(): Flow {
  return Flow.parse({
    name: 'Branching',
    nodes: [
      { id: 'start', kind: 'start', next: 'menu', position: { x: 0, y: 0 } },
      {
        id: 'menu',
        kind: 'message',
        say,
        buttons: [
          { id: 'one', label: say, next: 'a' },
          { id: 'two', label: say, next: 'b' },
        ],
        next: 'c',
        position: { x: 320, y: 0 },
      },
      { id: 'a', kind: 'message', say, next: 'far', position: { x: 640, y: 0 } },
      { id: 'b', kind: 'end', position: { x: 640, y: 200 } },
      { id: 'c', kind: 'end', position: { x: 640, y: 400 } },
      { id: 'far', kind: 'end', position: { x: 5000, y: 0 } },
    ],
  });
}

describe('opening frame', () => {
  it('frames the whole flow when it fits at a readable zoom', () => {
    const small = Flow.parse({ name: 'Small', nodes: [{ id: 'start', kind: 'start', position: { x: 0, y: 0 } }] });
    expect(openingFrame(small, false, canvas)).toEqual({ minZoom: 0.5, maxZoom: 1 });
  });

  it('frames the start and the four nodes after it, breadth first, when the flow is too big', () => {
    const frame = openingFrame(branching(), false, canvas);
    expect(frame.minZoom).toBe(0.7);
    expect(frame.maxZoom).toBe(1);
    expect([...(frame.nodes ?? [])].sort()).toEqual(['a', 'b', 'c', 'menu', 'start']);
  });
});

describe('viewport for a frame', () => {
  it('centres a frame that fits, at no more than the frame’s largest zoom', () => {
    const flow = Flow.parse({ name: 'One', nodes: [{ id: 'hello', kind: 'message', say, next: 'hello', position: { x: 100, y: 50 } }] });
    const size = cardSize(flow.nodes[0]!, false);
    expect(viewportFor(flow, { minZoom: 0.5, maxZoom: 1 }, false, canvas)).toEqual({
      x: (canvas.width - size.width) / 2 - 100,
      y: (canvas.height - size.height) / 2 - 50,
      zoom: 1,
    });
  });

  it('shows the top-left of a frame too wide at its smallest zoom, and centres it the other way', () => {
    const flow = branching();
    const height = cardSize(flow.nodes[4]!, false).height + 400;
    const v = viewportFor(flow, { minZoom: 0.7, maxZoom: 1 }, false, canvas);
    expect(v.zoom).toBe(0.7);
    expect(v.x).toBe(40);
    expect(v.y).toBeCloseTo((canvas.height - height * 0.7) / 2);
  });

  it('counts nodes without a position at their grid slot', () => {
    const flow = Flow.parse({
      name: 'Unplaced',
      nodes: [
        { id: 'first', kind: 'end' },
        { id: 'second', kind: 'end' },
      ],
    });
    const size = cardSize(flow.nodes[0]!, false);
    // the second node's slot is 320 to the right of the first's: both fit side by side at zoom 1
    expect(viewportFor(flow, { minZoom: 0.05, maxZoom: 1 }, false, canvas)).toEqual({
      x: (canvas.width - (320 + size.width)) / 2,
      y: (canvas.height - size.height) / 2,
      zoom: 1,
    });
  });
});

describe('dot grid rectangle', () => {
  const card = (x: number, y: number) => ({ position: { x, y }, width: 240, height: 130 });

  it('covers the cards and the margin around them, its edges on whole repeats of the gap', () => {
    const r = gridRect([card(13, -7), card(1000.5, 480)], 20, 100);
    expect(r).toEqual({ left: -100, top: -120, width: 1460, height: 840 });
    for (const v of Object.values(r)) expect(Math.abs(v % 20)).toBe(0);
    expect(r.left).toBeLessThanOrEqual(13 - 100);
    expect(r.top).toBeLessThanOrEqual(-7 - 100);
    expect(r.left + r.width).toBeGreaterThanOrEqual(1000.5 + 240 + 100);
    expect(r.top + r.height).toBeGreaterThanOrEqual(480 + 130 + 100);
  });

  it('keeps its dots where they were as the cards move (the grid is one grid across the plane)', () => {
    const a = gridRect([card(0, 0)], 20, 1000);
    const b = gridRect([card(-333, 77)], 20, 1000);
    expect(Math.abs((a.left - b.left) % 20)).toBe(0);
    expect(Math.abs((a.top - b.top) % 20)).toBe(0);
  });

  it('an empty flow: the margin around the origin', () => {
    expect(gridRect([], 20, 100)).toEqual({ left: -100, top: -100, width: 200, height: 200 });
  });
});
