import type { ELK, ElkExtendedEdge, ElkNode, ElkPort, LayoutOptions } from 'elkjs/lib/elk.bundled.js';
import { exitsOf } from '../schema/exits';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';
import type { FlowChange } from './changes';
import { snap } from './arrange';

/**
 * One-click auto-layout of a flow with ELK's layered (Sugiyama) algorithm.
 *
 * - Edges are the nodes' exits (`exitsOf`); every exit is an ELK port with a fixed order, so a listen node's
 *   intents, a message's buttons and a condition's branches fan out in the order the canvas lists them.
 * - The flow reads from its start node (first column in LR, first row in TB); loops ("anything else?" back to
 *   the menu, a retry) are the edges that point backwards. See `canonicalOrder`.
 * - Deterministic: ELK sees the nodes in a canonical order computed from the graph (a walk from the start
 *   nodes along the exits, ties by id), never from the array order or the current positions. So the same graph
 *   always gives the same layout, and laying out a laid-out flow again moves nothing.
 * - The result keeps the top-left corner of the flow's current bounding box (snapped), so the flow does not
 *   jump away from where the user is looking; every position is snapped to the 20px grid.
 * - Unconnected nodes and separate parts of the flow are packed next to each other, never stacked.
 *
 * ELK is loaded on the first call (a 1.5 MB module, 450 kB gzipped: its own chunk in the Vite build) and runs
 * on the calling thread, blocking it: ~0.1 s for a flow of tens of nodes (~0.5 s on the very first call, which
 * loads and warms ELK up), 1-3 s for 500 nodes, 20-80 s for 5,000. It also runs inside a Web Worker.
 */

export interface LayoutSize {
  width: number;
  height: number;
}

export interface AutoLayoutOptions {
  direction: 'LR' | 'TB';
  /** Measured card sizes by node id; nodes missing here get `DEFAULT_NODE_SIZE`. */
  sizes?: Record<string, LayoutSize>;
}

export const DEFAULT_NODE_SIZE: Readonly<LayoutSize> = { width: 240, height: 140 };
/** Gap between consecutive layers (columns in LR, rows in TB). */
export const LAYER_SPACING = 80;
/** Gap between nodes of the same layer, and between unconnected parts of the flow. */
export const NODE_SPACING = 40;
export const COMPONENT_SPACING = 80;
export const GRID = 20;

/** Returns `node.move` changes for the nodes whose position changes, in the order of `flow.nodes`. */
export async function autoLayout(flow: Flow, options: AutoLayoutOptions): Promise<FlowChange[]> {
  const nodes = uniqueNodes(flow.nodes);
  if (nodes.length === 0) return [];
  const { graph, nodeIdOf } = buildGraph(nodes, options);
  const elk = await getElk();
  const laid = await elk.layout(graph);

  const laidOut = new Map<string, { x: number; y: number }>();
  for (const child of laid.children ?? []) {
    const nodeId = nodeIdOf.get(child.id);
    // Snap first, then shift the whole layout onto the anchor (below): the snapped box then starts exactly at
    // the anchor, so a second run sees the same anchor and gives the same positions.
    if (nodeId !== undefined) laidOut.set(nodeId, { x: snap(child.x ?? 0, GRID), y: snap(child.y ?? 0, GRID) });
  }
  let minX = Infinity;
  let minY = Infinity;
  for (const p of laidOut.values()) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
  }
  const anchor = anchorOf(nodes);

  const changes: FlowChange[] = [];
  for (const node of nodes) {
    const p = laidOut.get(node.id);
    if (!p) continue;
    const position = { x: p.x - minX + anchor.x, y: p.y - minY + anchor.y };
    if (node.position && node.position.x === position.x && node.position.y === position.y) continue;
    changes.push({ type: 'node.move', id: node.id, position });
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------

/** First node of each id: a duplicate id is an error the validator reports; layout ignores the copies. */
function uniqueNodes(all: readonly FlowNode[]): FlowNode[] {
  const seen = new Set<string>();
  return all.filter((n) => (seen.has(n.id) ? false : (seen.add(n.id), true)));
}

function anchorOf(nodes: readonly FlowNode[]): { x: number; y: number } {
  let x = Infinity;
  let y = Infinity;
  for (const n of nodes) {
    if (!n.position) continue;
    x = Math.min(x, n.position.x);
    y = Math.min(y, n.position.y);
  }
  return Number.isFinite(x) && Number.isFinite(y) ? { x: snap(x, GRID), y: snap(y, GRID) } : { x: 0, y: 0 };
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The nodes in a canonical order that depends only on the graph, never on the array order or the positions.
 *
 * A depth-first walk along the exits (in their order) from the start nodes, then from nodes nothing leads to,
 * then from whatever is left (cycles nothing enters), ties by id, finds the back edges: the loops of the
 * conversation ("anything else?" back to the menu, a retry). Without them the graph is acyclic, and the order
 * returned is a topological order of it that prefers the walk's discovery order. ELK's MODEL_ORDER cycle
 * breaking then reverses exactly the back edges, so a flow reads from its start node on, with loops going back.
 */
export function canonicalOrder(nodes: readonly FlowNode[]): FlowNode[] {
  const index = new Map(nodes.map((n) => [n.id, n]));
  const targets = new Map(
    nodes.map((n) => [n.id, exitsOf(n).flatMap((e) => (e.target !== undefined && e.target !== n.id && index.has(e.target) ? [e.target] : []))]),
  );
  const entered = new Set<string>();
  for (const ts of targets.values()) for (const t of ts) entered.add(t);
  const ids = nodes.map((n) => n.id).sort(byId);
  const seeds = [...ids.filter((id) => index.get(id)?.kind === 'start'), ...ids.filter((id) => !entered.has(id)), ...ids];

  // Iterative depth-first walk (a flow can be a chain thousands of nodes long): discovery order and back edges.
  const discovered = new Map<string, number>();
  const onStack = new Set<string>();
  const back = new Set<string>(); // `${from}\n${to}`
  for (const seed of seeds) {
    if (discovered.has(seed)) continue;
    discovered.set(seed, discovered.size);
    onStack.add(seed);
    const stack: { id: string; next: number }[] = [{ id: seed, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; next: number };
      const ts = targets.get(top.id) as string[];
      if (top.next >= ts.length) {
        onStack.delete(top.id);
        stack.pop();
        continue;
      }
      const t = ts[top.next++] as string;
      if (onStack.has(t)) back.add(`${top.id}\n${t}`);
      else if (!discovered.has(t)) {
        discovered.set(t, discovered.size);
        onStack.add(t);
        stack.push({ id: t, next: 0 });
      }
    }
  }

  // Kahn's topological sort of the graph without its back edges, always taking the earliest-discovered node.
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const [from, ts] of targets) for (const t of ts) if (!back.has(`${from}\n${t}`)) indegree.set(t, (indegree.get(t) as number) + 1);
  const rank = (id: string) => discovered.get(id) as number;
  const ready = new MinHeap<string>((a, b) => rank(a) - rank(b));
  for (const [id, d] of indegree) if (d === 0) ready.push(id);
  const order: FlowNode[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    order.push(index.get(id) as FlowNode);
    for (const t of targets.get(id) as string[]) {
      if (back.has(`${id}\n${t}`)) continue;
      const d = (indegree.get(t) as number) - 1;
      indegree.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  return order;
}

/** A small binary min-heap (Kahn's sort over thousands of nodes). */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  push(item: T): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i] as T, a[parent] as T) >= 0) break;
      [a[i], a[parent]] = [a[parent] as T, a[i] as T];
      i = parent;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l] as T, a[m] as T) < 0) m = l;
        if (r < a.length && this.less(a[r] as T, a[m] as T) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as T, a[i] as T];
        i = m;
      }
    }
    return top;
  }
}

function rootOptions(direction: 'LR' | 'TB', nodeCount: number): LayoutOptions {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': direction === 'LR' ? 'RIGHT' : 'DOWN',
    'elk.randomSeed': '1',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.spacing.nodeNode': String(NODE_SPACING),
    'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_SPACING),
    'elk.spacing.edgeNode': '20',
    'elk.spacing.edgeEdge': '10',
    'elk.layered.spacing.edgeNodeBetweenLayers': '20',
    'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
    'elk.spacing.componentComponent': String(COMPONENT_SPACING),
    'elk.separateConnectedComponents': 'true',
    // The canonical order is a topological order of the flow without its loops: reverse exactly those.
    'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
    'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
    // Fewer crossing-minimisation sweeps on big flows keep a click responsive (7 is ELK's default).
    'elk.layered.thoroughness': nodeCount > 1000 ? '1' : nodeCount > 200 ? '3' : '7',
    'elk.padding': '[top=0,left=0,bottom=0,right=0]',
  };
}

/** The ELK graph of the flow. ELK ids are positional (`n0`, `n0.o1`), so no node id can clash with a port id. */
function buildGraph(nodes: readonly FlowNode[], options: AutoLayoutOptions): { graph: ElkNode; nodeIdOf: Map<string, string> } {
  const lr = options.direction === 'LR';
  const ordered = canonicalOrder(nodes);
  const elkId = new Map(ordered.map((n, i) => [n.id, `n${i}`]));
  const nodeIdOf = new Map(ordered.map((n, i) => [`n${i}`, n.id]));
  const children: ElkNode[] = [];
  const edges: ElkExtendedEdge[] = [];
  for (const node of ordered) {
    const id = elkId.get(node.id) as string;
    const size = sizeOf(options.sizes?.[node.id]);
    const exits = exitsOf(node);
    // `elk.port.index` runs clockwise from the top-left corner: down the east side, right-to-left along the
    // south side. So in LR the first exit is the top one, in TB the leftmost one.
    const exitPorts: ElkPort[] = exits.map((_, i) => ({
      id: `${id}.o${i}`,
      width: 1,
      height: 1,
      layoutOptions: {
        'elk.port.side': lr ? 'EAST' : 'SOUTH',
        'elk.port.index': String(lr ? i : exits.length - i),
      },
    }));
    const inPort: ElkPort = {
      id: `${id}.in`,
      width: 1,
      height: 1,
      layoutOptions: { 'elk.port.side': lr ? 'WEST' : 'NORTH', 'elk.port.index': String(lr ? exits.length : 0) },
    };
    children.push({
      id,
      width: size.width,
      height: size.height,
      ports: [inPort, ...exitPorts],
      layoutOptions: {
        'elk.portConstraints': 'FIXED_ORDER',
        // A flow reads from its start node: first column (LR) or row (TB), whatever else leads there.
        ...(node.kind === 'start' ? { 'elk.layered.layering.layerConstraint': 'FIRST' } : {}),
      },
    });
    exits.forEach((exit, i) => {
      const target = exit.target === undefined ? undefined : elkId.get(exit.target);
      if (target === undefined) return;
      edges.push({ id: `${id}.e${i}`, sources: [`${id}.o${i}`], targets: [`${target}.in`] });
    });
  }
  return { graph: { id: 'root', layoutOptions: rootOptions(options.direction, nodes.length), children, edges }, nodeIdOf };
}

function sizeOf(size: LayoutSize | undefined): LayoutSize {
  const ok = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  return {
    width: ok(size?.width) ? size.width : DEFAULT_NODE_SIZE.width,
    height: ok(size?.height) ? size.height : DEFAULT_NODE_SIZE.height,
  };
}

let elkPromise: Promise<ELK> | undefined;

/**
 * Loads ELK once. The bundled build runs without web workers (a fake worker on the calling thread, scheduled
 * with setTimeout). Loaded inside a dedicated Web Worker it would install its own `onmessage` handler on the
 * worker's global scope; we put back whatever handler was there, so it never steals the host's messages.
 */
function getElk(): Promise<ELK> {
  elkPromise ??= (async () => {
    const scope = globalThis as { onmessage?: unknown };
    const before = scope.onmessage;
    const mod = await import('elkjs/lib/elk.bundled.js');
    // The bundle evaluates ELK's worker code (which installs the handler) on the first `new`, not on import.
    const elk = new mod.default();
    if (scope.onmessage !== before) scope.onmessage = before;
    return elk;
  })().catch((error: unknown) => {
    elkPromise = undefined; // a failed load (a chunk that did not arrive) may be retried by the next click
    throw error;
  });
  return elkPromise;
}
