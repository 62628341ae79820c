import { describe, expect, it } from 'vitest';
import { Flow } from '../../../shared/schema/project';
import { cardSize } from './geometry';
import { gridOffset, openingFrame, viewportFor } from './viewportMaths';

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

describe('dot grid offset', () => {
  /** Screen x of the dots a grid drawn across the whole flow shows: every `gap · zoom` px from the view's x. */
  const dotsOnScreen = (x: number, zoom: number, gap: number, from: number, to: number) => {
    const out: number[] = [];
    for (let k = Math.ceil((from - x) / (gap * zoom)); x + k * gap * zoom < to; k++) out.push(Math.round(x + k * gap * zoom));
    return out;
  };
  /** Screen x of the dots the layer shows when moved by `offset`: the layer draws one every `gap · zoom` px from 0. */
  const dotsOfLayer = (offset: number, zoom: number, gap: number, to: number) => {
    const out: number[] = [];
    for (let k = 0; offset + k * gap * zoom < to; k++) if (offset + k * gap * zoom >= 0) out.push(Math.round(offset + k * gap * zoom));
    return out;
  };

  it('moves the layer by the view offset modulo one repeat, less one repeat, whatever the sign of the offset', () => {
    expect(gridOffset(0, 0, 1, 20)).toEqual({ x: -20, y: -20 });
    expect(gridOffset(45, -45, 1, 20)).toEqual({ x: -15, y: -5 });
    expect(gridOffset(-1003.4, 1003.4, 0.5, 20)).toEqual({ x: -3, y: -7 });
  });

  it('shows the same dots as a grid across the whole flow, and covers the pane from its left edge', () => {
    for (const [x, zoom] of [
      [0, 1],
      [137, 1],
      [-2913, 0.25],
      [4410, 1.7],
      [-55.5, 0.05],
    ] as const) {
      const offset = gridOffset(x, 0, zoom, 20).x;
      expect(offset).toBeLessThanOrEqual(0);
      expect(offset).toBeGreaterThan(-20 * zoom - 1);
      const want = dotsOnScreen(x, zoom, 20, 0, 800);
      const got = dotsOfLayer(offset, zoom, 20, 800);
      expect(got.length).toBe(want.length);
      got.forEach((d, i) => expect(Math.abs(d - want[i]!)).toBeLessThanOrEqual(1));
    }
  });
});
