import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';
import { cardHandles, cardSize } from './geometry';

interface Point {
  x: number;
  y: number;
}

/** One edge: from an exit handle of `source` to the input of `target`. */
export interface Segment {
  source: string;
  target: string;
  /** Offsets of the exit handle from the source card's corner, and of the input from the target's. */
  sx: number;
  sy: number;
  tx: number;
  ty: number;
}

export interface SceneCard {
  id: string;
  kind: string;
  pos: Point;
  size: { width: number; height: number };
}

/** What the canvas draws of a flow when zoomed out: its cards' boxes and its edges, as the flow places them. */
export interface Scene {
  cards: SceneCard[];
  byId: Map<string, SceneCard>;
  segments: Segment[];
  /** The segments that start or end at a card, by card id. */
  segmentsOf: Map<string, Segment[]>;
}

export function buildScene(flow: Flow, presentation: boolean): Scene {
  const cards = flow.nodes.map((n, i) => ({
    id: n.id,
    kind: n.kind,
    // A node without a position gets the grid slot the canvas gives it (useCards).
    pos: n.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
    size: cardSize(n, presentation),
  }));
  const byId = new Map(cards.map((c) => [c.id, c]));
  const segments: Segment[] = [];
  const segmentsOf = new Map<string, Segment[]>();
  const index = (id: string, s: Segment) => {
    const list = segmentsOf.get(id);
    if (list) list.push(s);
    else segmentsOf.set(id, [s]);
  };
  flow.nodes.forEach((node, i) => {
    const size = cards[i]!.size;
    const handles = cardHandles(node, size);
    for (const exit of exitsOf(node)) {
      const target = exit.target ? byId.get(exit.target) : undefined;
      const h = handles.find((x) => x.id === exit.port);
      if (!target || !h) continue;
      const s = { source: node.id, target: target.id, sx: size.width, sy: h.y + (h.height ?? 0) / 2, tx: 0, ty: target.size.height / 2 };
      segments.push(s);
      index(node.id, s);
      if (target.id !== node.id) index(target.id, s);
    }
  });
  return { cards, byId, segments, segmentsOf };
}

/**
 * Cards React Flow holds somewhere else than the flow places them (a card being dragged: the flow has its new
 * place only when the drag ends), with where React Flow has them.
 */
export function movedCards(scene: Scene, nodeLookup: ReadonlyMap<string, { internals: { positionAbsolute: Point } }>): Map<string, Point> {
  const out = new Map<string, Point>();
  for (const [id, node] of nodeLookup) {
    const card = scene.byId.get(id);
    const p = node.internals.positionAbsolute;
    if (card && (p.x !== card.pos.x || p.y !== card.pos.y)) out.set(id, p);
  }
  return out;
}

/** The view: React Flow's transform and the pane's size in pixels. */
export interface View {
  x: number;
  y: number;
  zoom: number;
  width: number;
  height: number;
}

/** What the base canvas holds: drawn for view `at`, `margin` pixels beyond the pane on every side, without `moved`. */
export interface Drawn {
  at: View;
  margin: number;
  moved: string;
}

/** The ids of moved cards as one string, to tell whether the set changed. */
export const movedKey = (moved: ReadonlyMap<string, Point>): string => (moved.size ? [...moved.keys()].sort().join('\n') : '');

/**
 * Whether the base canvas must be drawn again for `view`: what it holds is moved along with the view (a pan only
 * translates it) as long as the zoom, the pane's size and the moved cards are the same and the view has not
 * travelled farther than the margin drawn beyond the pane.
 */
export function needsDraw(drawn: Drawn | undefined, view: View, moved: string): boolean {
  if (!drawn || drawn.moved !== moved) return true;
  const a = drawn.at;
  if (a.zoom !== view.zoom || a.width !== view.width || a.height !== view.height) return true;
  return Math.abs(view.x - a.x) > drawn.margin || Math.abs(view.y - a.y) > drawn.margin;
}

/**
 * The part of the pane, in whole pixels, where the moved cards and their edges are: the live canvas covers only
 * that (its cost a frame grows with its size). An edge's curve stays within its ends and its control points.
 */
export function liveBox(scene: Scene, moved: ReadonlyMap<string, Point>, view: View): { x: number; y: number; width: number; height: number } {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  const add = (x: number, y: number) => {
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  };
  for (const [id, p] of moved) {
    const card = scene.byId.get(id);
    if (!card) continue;
    add(p.x, p.y);
    add(p.x + card.size.width, p.y + card.size.height);
    for (const s of scene.segmentsOf.get(id) ?? []) {
      const a = moved.get(s.source) ?? scene.byId.get(s.source)!.pos;
      const b = moved.get(s.target) ?? scene.byId.get(s.target)!.pos;
      const x1 = a.x + s.sx;
      const x2 = b.x + s.tx;
      const dx = Math.max(40, Math.abs(x2 - x1) / 2);
      add(x1, a.y + s.sy);
      add(x1 + dx, a.y + s.sy);
      add(x2 - dx, b.y + s.ty);
      add(x2, b.y + s.ty);
    }
  }
  if (left > right) return { x: 0, y: 0, width: 0, height: 0 };
  // to pixels of the pane, a few pixels wider for the line width, within the pane
  const pad = 4;
  const x0 = Math.max(0, Math.floor(left * view.zoom + view.x - pad));
  const y0 = Math.max(0, Math.floor(top * view.zoom + view.y - pad));
  const x1 = Math.min(view.width, Math.ceil(right * view.zoom + view.x + pad));
  const y1 = Math.min(view.height, Math.ceil(bottom * view.zoom + view.y + pad));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : { x: 0, y: 0, width: 0, height: 0 };
}

/** How blocks are drawn when the canvas draws the cards too (far zoomed out on a large flow). */
export interface BlockStyle {
  selected: ReadonlySet<string>;
  errors: ReadonlySet<string>;
  /** Simulator and coverage marks by node id. */
  marks?: ReadonlyMap<string, 'current' | 'visited' | 'walked' | 'uncovered' | 'added' | 'changed' | 'removed'>;
}

export interface Colors {
  edge: string;
  card: string;
  border: string;
  accent: string;
  error: string;
  kinds: ReadonlyMap<string, string>;
}

/** A rectangle of the flow, in flow units. */
interface Area {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Draws cards (as coloured boxes, when `blocks` is given) and then edges, those inside `area`: all but the moved
 * cards and their edges (`only` undefined), or only the moved cards and their edges (`only` the moved cards).
 * `ctx` is already transformed to flow units; `zoom` sizes the lines.
 */
export function drawScene(
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  area: Area,
  zoom: number,
  moved: ReadonlyMap<string, Point>,
  only: boolean,
  colors: Colors,
  blocks: BlockStyle | undefined,
): void {
  const { left, top, right, bottom } = area;
  const at = (id: string, fallback: Point) => moved.get(id) ?? fallback;
  if (blocks) {
    const px = 1 / zoom; // one screen pixel, in flow units
    const list = only ? [...moved.keys()].map((id) => scene.byId.get(id)).filter((c): c is SceneCard => Boolean(c)) : scene.cards;
    for (const c of list) {
      if (!only && moved.has(c.id)) continue;
      const p = at(c.id, c.pos);
      if (p.x > right || p.y > bottom || p.x + c.size.width < left || p.y + c.size.height < top) continue;
      const kind = colors.kinds.get(c.kind) ?? colors.edge;
      ctx.fillStyle = colors.card;
      ctx.fillRect(p.x, p.y, c.size.width, c.size.height);
      ctx.globalAlpha = 0.22;
      ctx.fillStyle = kind;
      ctx.fillRect(p.x, p.y, c.size.width, c.size.height);
      ctx.globalAlpha = 1;
      ctx.fillRect(p.x, p.y, c.size.width, 4);
      const mark = blocks.marks?.get(c.id);
      const selected = blocks.selected.has(c.id);
      const outline = selected
        ? colors.accent
        : blocks.errors.has(c.id)
          ? colors.error
          : mark === 'current' || mark === 'visited'
            ? '#8b5cf6'
            : mark === 'uncovered'
              ? '#d97706'
              : mark === 'added'
                ? '#2e7d32'
                : mark === 'changed' || mark === 'walked'
                  ? '#f59e0b'
                  : mark === 'removed'
                    ? '#c62828'
                    : colors.border;
      const width = selected || mark === 'current' ? 3 : mark ? 2 : 1;
      ctx.setLineDash(mark === 'uncovered' ? [6 * px, 4 * px] : []);
      ctx.lineWidth = width * px;
      ctx.strokeStyle = outline;
      ctx.strokeRect(p.x, p.y, c.size.width, c.size.height);
    }
    ctx.setLineDash([]);
  }
  ctx.beginPath();
  const segments = only ? new Set([...moved.keys()].flatMap((id) => scene.segmentsOf.get(id) ?? [])) : scene.segments;
  for (const s of segments) {
    if (!only && (moved.has(s.source) || moved.has(s.target))) continue;
    const a = at(s.source, scene.byId.get(s.source)!.pos);
    const b = at(s.target, scene.byId.get(s.target)!.pos);
    const x1 = a.x + s.sx;
    const y1 = a.y + s.sy;
    const x2 = b.x + s.tx;
    const y2 = b.y + s.ty;
    if (Math.max(x1, x2) < left || Math.min(x1, x2) > right || Math.max(y1, y2) < top || Math.min(y1, y2) > bottom) continue;
    const dx = Math.max(40, Math.abs(x2 - x1) / 2);
    ctx.moveTo(x1, y1);
    ctx.bezierCurveTo(x1 + dx, y1, x2 - dx, y2, x2, y2);
  }
  ctx.lineWidth = 1.5 / zoom;
  ctx.strokeStyle = colors.edge;
  ctx.stroke();
}
