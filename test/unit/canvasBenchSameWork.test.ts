// The canvas bench's check that a gesture did the same work on every page (test/bench/canvas/measure.ts): it
// must fire on a view or a dragged node that differs by more than its tolerance, and on a missed drag step.
import { describe, expect, it } from 'vitest';
import type { GestureEffect } from '../bench/canvas/harness';
import { differs } from '../bench/canvas/measure';

const view = (x: number, y: number, k: number) => ({ x, y, k });
const drag: GestureEffect = {
  view: { before: view(-1000, -700, 0.25), after: view(-1000, -700, 0.25) },
  node: { id: 'n204', before: { x: 1280, y: 1000 }, after: { x: 1660, y: 1228 } },
};
const pan: GestureEffect = { view: { before: view(-1070, -620, 1), after: view(-1370, -820, 1) } };

describe('canvas bench: same work on every page', () => {
  it('accepts the same gesture, within a pixel', () => {
    expect(differs(pan, { view: { before: view(-1070.6, -619.5, 1.0002), after: view(-1369.4, -820.9, 1.0002) } })).toBeUndefined();
    expect(differs(drag, { ...drag, node: { ...drag.node!, after: { x: 1662, y: 1229 } } })).toBeUndefined();
  });

  it('rejects a different view before or after', () => {
    expect(differs(pan, { view: { before: view(-1074, -620, 1), after: view(-1374, -820, 1) } })).toMatch(/view before/);
    expect(differs(pan, { view: { before: pan.view.before, after: view(-1358, -812, 1) } })).toMatch(/view after/);
    expect(differs(pan, { view: { before: view(-1070, -620, 1.003), after: view(-1370, -820, 1.003) } })).toMatch(/view before/);
  });

  it('rejects another node, or the node moved one drag step (5 px) less', () => {
    expect(differs(drag, { ...drag, node: { ...drag.node!, id: 'n205' } })).toMatch(/dragged node n204 vs n205/);
    expect(differs(drag, { ...drag, node: { ...drag.node!, after: { x: 1640, y: 1216 } } })).toMatch(/node n204 after/);
    expect(differs(drag, { view: drag.view })).toMatch(/one page dragged a node/);
  });
});
