import { describe, expect, it } from 'vitest';
import { autoLayout, canonicalOrder, DEFAULT_NODE_SIZE } from './layout';
import { applyChanges, type FlowChange } from './changes';
import { exitsOf } from '../schema/exits';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';
import { seededRandom } from '../util/random';

type Size = { width: number; height: number };

const start = (id: string, next?: string): FlowNode => ({ id, kind: 'start', next });
const say = (id: string, next?: string, buttons: string[] = []): FlowNode => ({
  id,
  kind: 'message',
  say: { en: id },
  next,
  ...(buttons.length ? { buttons: buttons.map((b, i) => ({ id: `b${i}`, label: { en: b }, next: b })) } : {}),
});
const listen = (id: string, routes: string[], noMatch?: string): FlowNode => ({
  id,
  kind: 'listen',
  routes: routes.map((next, i) => ({ intent: `intent_${i}`, next })),
  noMatch,
});
const end = (id: string): FlowNode => ({ id, kind: 'end' });
const flowOf = (nodes: FlowNode[]): Flow => ({ name: 'Test', nodes });

/** A small support flow: a greeting, a menu of intents, branches that join again, and a stray note card. */
const small = (): Flow =>
  flowOf([
    start('start', 'welcome'),
    say('welcome', 'menu'),
    listen('menu', ['balance', 'transfer', 'agent'], 'sorry'),
    say('balance', 'anything_else'),
    say('transfer', 'anything_else'),
    { id: 'agent', kind: 'handoff', unavailable: 'sorry' },
    say('sorry', 'menu'), // a loop back
    say('anything_else', undefined, ['menu', 'bye']),
    end('bye'),
    say('orphan_a'),
    say('orphan_b'),
  ]);

/**
 * A flow of `count` nodes. Acyclic when `loops` is false: every exit points to a node later in the list.
 * Mixes messages, listens with several intents, conditions, APIs, ends, and a few unconnected nodes.
 */
function generate(count: number, seed: number, loops = false): Flow {
  const r = seededRandom(seed);
  const ids = Array.from({ length: count }, (_, i) => (i === 0 ? 'start' : `n${i}`));
  const later = (i: number): string | undefined => {
    if (i >= count - 1 || r() < 0.08) return undefined;
    if (loops && r() < 0.05) return ids[Math.floor(r() * (i + 1))];
    const span = Math.min(count - 1 - i, 12);
    return ids[i + 1 + Math.floor(r() * span)];
  };
  const nodes: FlowNode[] = ids.map((id, i): FlowNode => {
    if (i === 0) return start(id, later(i));
    const pick = r();
    if (i > count - 4 || pick < 0.1) return end(id);
    if (pick < 0.45) return say(id, later(i));
    if (pick < 0.65)
      return listen(
        id,
        Array.from({ length: 1 + Math.floor(r() * 4) }, () => later(i) ?? ids[count - 1]!),
        later(i),
      );
    if (pick < 0.8)
      return {
        id,
        kind: 'condition',
        branches: [
          { id: 'b1', when: 'x > 1', next: later(i) },
          { id: 'b2', when: 'x > 2', next: later(i) },
        ],
        else: later(i),
      };
    if (pick < 0.95) return { id, kind: 'api', operation: 'op', url: 'https://x', next: later(i), error: later(i) };
    return say(id); // nothing leads out; often nothing leads in either
  });
  return flowOf(nodes);
}

function sizesFor(flow: Flow, seed: number): Record<string, Size> {
  const r = seededRandom(seed);
  return Object.fromEntries(flow.nodes.map((n) => [n.id, { width: 200 + Math.round(r() * 120), height: 80 + Math.round(r() * 160) }]));
}

async function laidOut(flow: Flow, direction: 'LR' | 'TB', sizes?: Record<string, Size>): Promise<{ flow: Flow; changes: FlowChange[] }> {
  const changes = await autoLayout(flow, { direction, ...(sizes ? { sizes } : {}) });
  return { flow: applyChanges(flow, changes), changes };
}

const positions = (flow: Flow) => Object.fromEntries(flow.nodes.map((n) => [n.id, n.position]));

function boxes(flow: Flow, sizes?: Record<string, Size>) {
  return flow.nodes.map((n) => {
    expect(n.position, `${n.id} has a position`).toBeDefined();
    const s = sizes?.[n.id] ?? DEFAULT_NODE_SIZE;
    return { id: n.id, x: n.position!.x, y: n.position!.y, w: s.width, h: s.height };
  });
}

function expectNoOverlap(flow: Flow, sizes?: Record<string, Size>) {
  const bs = boxes(flow, sizes).sort((a, b) => a.x - b.x);
  // Sweep along x: only boxes whose x-ranges overlap need the y test.
  for (let i = 0; i < bs.length; i++) {
    const a = bs[i]!;
    for (let j = i + 1; j < bs.length && bs[j]!.x < a.x + a.w; j++) {
      const b = bs[j]!;
      const overlap = b.y < a.y + a.h && a.y < b.y + b.h;
      expect(overlap, `${a.id} (${a.x},${a.y} ${a.w}x${a.h}) overlaps ${b.id} (${b.x},${b.y} ${b.w}x${b.h})`).toBe(false);
    }
  }
}

function edges(flow: Flow): [FlowNode, FlowNode][] {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  return flow.nodes.flatMap((n) => exitsOf(n).flatMap((e) => (e.target && byId.has(e.target) ? [[n, byId.get(e.target)!] as [FlowNode, FlowNode]] : [])));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const r = seededRandom(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ELK is pure JavaScript on one thread: generous timeouts, as CI runs test files side by side on two cores.
describe('autoLayout', { timeout: 60_000 }, () => {
  it('places every node of a small flow on the grid, without overlaps', async () => {
    const { flow, changes } = await laidOut(small(), 'LR');
    expect(changes).toHaveLength(small().nodes.length); // nothing had a position
    expect(changes.every((c) => c.type === 'node.move')).toBe(true);
    for (const n of flow.nodes) {
      expect(n.position!.x % 20).toBe(0);
      expect(n.position!.y % 20).toBe(0);
    }
    expectNoOverlap(flow);
    // The layout starts at the origin when nothing had a position.
    expect(Math.min(...flow.nodes.map((n) => n.position!.x))).toBe(0);
    expect(Math.min(...flow.nodes.map((n) => n.position!.y))).toBe(0);
    // Unconnected nodes are placed too, not stacked on each other.
    const p = positions(flow);
    expect(p.orphan_a).not.toEqual(p.orphan_b);
    // It reads from the start node on; only the two loops back to the menu point left.
    expect(p.start!.x).toBe(0);
    const leftwards = edges(flow).filter(([from, to]) => to.position!.x <= from.position!.x);
    expect(leftwards.map(([from, to]) => `${from.id}->${to.id}`).sort()).toEqual(['anything_else->menu', 'sorry->menu']);
  });

  it('fans a listen node’s intents out in their order (top to bottom in LR, left to right in TB)', async () => {
    const flow = flowOf([start('start', 'menu'), listen('menu', ['one', 'two', 'three', 'four']), end('one'), end('two'), end('three'), end('four')]);
    // Listing the targets in another order must not change their order on the canvas.
    const scrambled = flowOf([flow.nodes[0]!, flow.nodes[1]!, end('four'), end('two'), end('one'), end('three')]);
    for (const f of [flow, scrambled]) {
      const lr = positions((await laidOut(f, 'LR')).flow);
      expect([lr.one!.y, lr.two!.y, lr.three!.y, lr.four!.y]).toEqual([lr.one!.y, lr.two!.y, lr.three!.y, lr.four!.y].sort((a, b) => a - b));
      expect(new Set([lr.one!.y, lr.two!.y, lr.three!.y, lr.four!.y]).size).toBe(4);
      const tb = positions((await laidOut(f, 'TB')).flow);
      expect([tb.one!.x, tb.two!.x, tb.three!.x, tb.four!.x]).toEqual([tb.one!.x, tb.two!.x, tb.three!.x, tb.four!.x].sort((a, b) => a - b));
      expect(new Set([tb.one!.x, tb.two!.x, tb.three!.x, tb.four!.x]).size).toBe(4);
    }
  });

  it('keeps buttons in order too', async () => {
    const flow = flowOf([say('ask', undefined, ['yes', 'no', 'maybe']), end('maybe'), end('no'), end('yes')]);
    const p = positions((await laidOut(flow, 'LR')).flow);
    expect(p.yes!.y).toBeLessThan(p.no!.y);
    expect(p.no!.y).toBeLessThan(p.maybe!.y);
  });

  it('is stable: laying out a laid-out flow again moves nothing', async () => {
    for (const direction of ['LR', 'TB'] as const) {
      for (const flow of [small(), generate(60, 7, true)]) {
        const once = (await laidOut(flow, direction)).flow;
        expect(await autoLayout(once, { direction })).toEqual([]);
      }
    }
  });

  it('is deterministic, whatever the order of the nodes in the file', async () => {
    const flow = generate(80, 3, true);
    const sizes = sizesFor(flow, 3);
    const a = positions((await laidOut(flow, 'LR', sizes)).flow);
    const b = positions((await laidOut(flow, 'LR', sizes)).flow);
    const c = positions((await laidOut(flowOf(shuffled(flow.nodes, 99)), 'LR', sizes)).flow);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('keeps the flow where it was: the top-left corner of the current box stays put (snapped)', async () => {
    const flow = applyChanges(small(), [
      { type: 'node.move', id: 'welcome', position: { x: 1003, y: -497 } },
      { type: 'node.move', id: 'bye', position: { x: 2000, y: 300 } },
    ]);
    const after = (await laidOut(flow, 'LR')).flow;
    expect(Math.min(...after.nodes.map((n) => n.position!.x))).toBe(1000);
    expect(Math.min(...after.nodes.map((n) => n.position!.y))).toBe(-500);
  });

  it('returns changes only for nodes that move', async () => {
    const laid = (await laidOut(small(), 'LR')).flow;
    const moved = applyChanges(laid, [{ type: 'node.move', id: 'menu', position: { x: 5000, y: 5000 } }]);
    expect(await autoLayout(moved, { direction: 'LR' })).toEqual([{ type: 'node.move', id: 'menu', position: laid.nodes[2]!.position }]);
  });

  it('uses the given sizes: big cards push their neighbours apart', async () => {
    const flow = small();
    const sizes = { menu: { width: 600, height: 500 }, welcome: { width: 100, height: 40 } };
    const after = (await laidOut(flow, 'LR', sizes)).flow;
    expectNoOverlap(after, sizes);
    const p = positions(after);
    // Whatever follows the menu starts right of its 600px width.
    expect(p.balance!.x).toBeGreaterThanOrEqual(p.menu!.x + 600);
  });

  it('lays out a generated acyclic flow: LR puts targets to the right, TB below, nothing overlaps', async () => {
    const flow = generate(100, 42);
    const sizes = sizesFor(flow, 42);
    const lr = (await laidOut(flow, 'LR', sizes)).flow;
    expectNoOverlap(lr, sizes);
    for (const [from, to] of edges(lr)) {
      expect(to.position!.x, `${from.id} -> ${to.id}`).toBeGreaterThanOrEqual(from.position!.x + sizes[from.id]!.width);
    }
    const tb = (await laidOut(flow, 'TB', sizes)).flow;
    expectNoOverlap(tb, sizes);
    for (const [from, to] of edges(tb)) {
      expect(to.position!.y, `${from.id} -> ${to.id}`).toBeGreaterThanOrEqual(from.position!.y + sizes[from.id]!.height);
    }
  });

  it('lays out a flow with loops without overlaps', async () => {
    const flow = generate(100, 5, true);
    expectNoOverlap((await laidOut(flow, 'TB')).flow);
  });

  it('places a flow of unconnected nodes in a grid-like block, not on a line or a heap', async () => {
    const flow = flowOf(Array.from({ length: 30 }, (_, i) => say(`note_${i}`)));
    const after = (await laidOut(flow, 'LR')).flow;
    expectNoOverlap(after);
    const xs = new Set(after.nodes.map((n) => n.position!.x));
    const ys = new Set(after.nodes.map((n) => n.position!.y));
    expect(xs.size).toBeGreaterThan(1);
    expect(ys.size).toBeGreaterThan(1);
  });

  it('copes with empty flows, dangling exits, self-loops and duplicate ids', async () => {
    expect(await autoLayout(flowOf([]), { direction: 'LR' })).toEqual([]);
    const flow = flowOf([say('a', 'missing'), say('b', 'b'), say('a', 'b')]);
    const changes = await autoLayout(flow, { direction: 'TB' });
    expect(changes.map((c) => (c.type === 'node.move' ? c.id : c.type))).toEqual(['a', 'b']);
  });

  it('lays out a 500-node flow', { timeout: 180_000 }, async () => {
    const flow = generate(500, 11, true);
    const started = performance.now();
    const { flow: after, changes } = await laidOut(flow, 'LR');
    const ms = Math.round(performance.now() - started);
    expect(changes).toHaveLength(500);
    expectNoOverlap(after);
    console.info(`autoLayout: 500 nodes, ${edges(flow).length} edges in ${ms} ms`);
  });
});

describe('canonicalOrder', () => {
  it('reads from the start along the exits; only the loops point backwards; whatever the array order', () => {
    const order = canonicalOrder(small().nodes).map((n) => n.id);
    expect(order).toEqual(['start', 'welcome', 'menu', 'balance', 'transfer', 'anything_else', 'bye', 'agent', 'sorry', 'orphan_a', 'orphan_b']);
    expect(canonicalOrder(shuffled(small().nodes, 1)).map((n) => n.id)).toEqual(order);
    const backwards = edges(small())
      .filter(([from, to]) => order.indexOf(to.id) < order.indexOf(from.id))
      .map(([from, to]) => `${from.id}->${to.id}`);
    expect(backwards.sort()).toEqual(['anything_else->menu', 'sorry->menu']);
  });

  it('is a topological order of an acyclic flow', () => {
    const flow = generate(300, 8);
    const order = new Map(canonicalOrder(shuffled(flow.nodes, 2)).map((n, i) => [n.id, i]));
    expect(order.size).toBe(300);
    for (const [from, to] of edges(flow)) if (from !== to) expect(order.get(from.id)!).toBeLessThan(order.get(to.id)!);
  });
});
