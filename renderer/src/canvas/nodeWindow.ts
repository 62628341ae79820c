/** A rectangle of the flow, in flow units. */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Box {
  id: string;
  position: { x: number; y: number };
  width?: number | undefined;
  height?: number | undefined;
}

/** The view in flow units, for React Flow's transform and the pane's size; undefined before the pane has a size. */
export function viewRect([x, y, zoom]: readonly [number, number, number], width: number, height: number): Rect | undefined {
  if (!width || !height || !zoom) return undefined;
  return { left: -x / zoom, top: -y / zoom, right: (width - x) / zoom, bottom: (height - y) / zoom };
}

/** The window for a view: the view grown by half its size on every side. */
export function windowFor(view: Rect): Rect {
  const w = (view.right - view.left) / 2;
  const h = (view.bottom - view.top) / 2;
  return { left: view.left - w, top: view.top - h, right: view.right + w, bottom: view.bottom + h };
}

/**
 * Whether window `win` still serves `view`: a quarter of the view's size is left around the view on every side
 * (so the cards about to come into view are already there), and the window is not many times larger than the view
 * (after zooming in).
 */
export function windowServes(win: Rect, view: Rect): boolean {
  const w = (view.right - view.left) / 4;
  const h = (view.bottom - view.top) / 4;
  const inside = view.left - w >= win.left && view.top - h >= win.top && view.right + w <= win.right && view.bottom + h <= win.bottom;
  const area = (r: Rect) => (r.right - r.left) * (r.bottom - r.top);
  return inside && area(win) <= 16 * area(view);
}

/**
 * The boxes `windowIds` tests, worked out once per list of cards and edges (a pan moves the window many times over
 * the same lists, and the open computes two or three windows): each card's box, and each edge's box around its
 * two cards with the cards' places in the list.
 */
export interface WindowIndex {
  ids: readonly string[];
  /** left, top, right, bottom of card i at 4i (single precision: flow units are whole or near enough). */
  cards: Float32Array;
  /** Source and target card of edge j at 2j (edges to a missing card are left out). */
  ends: Int32Array;
  /** left, top, right, bottom of edge j at 4j. */
  edges: Float32Array;
}

export function windowIndex(cards: readonly Box[], edges: readonly { source: string; target: string }[]): WindowIndex {
  const at = new Map<string, number>();
  const ids: string[] = [];
  const boxes = new Float32Array(cards.length * 4);
  cards.forEach((c, i) => {
    at.set(c.id, i);
    ids.push(c.id);
    boxes[4 * i] = c.position.x;
    boxes[4 * i + 1] = c.position.y;
    boxes[4 * i + 2] = c.position.x + (c.width ?? 0);
    boxes[4 * i + 3] = c.position.y + (c.height ?? 0);
  });
  const ends: number[] = [];
  for (const e of edges) {
    const a = at.get(e.source);
    const b = at.get(e.target);
    if (a !== undefined && b !== undefined) ends.push(a, b);
  }
  const edgeBoxes = new Float32Array(ends.length * 2);
  for (let j = 0; j < ends.length / 2; j++) {
    const a = 4 * ends[2 * j]!;
    const b = 4 * ends[2 * j + 1]!;
    edgeBoxes[4 * j] = Math.min(boxes[a]!, boxes[b]!);
    edgeBoxes[4 * j + 1] = Math.min(boxes[a + 1]!, boxes[b + 1]!);
    edgeBoxes[4 * j + 2] = Math.max(boxes[a + 2]!, boxes[b + 2]!);
    edgeBoxes[4 * j + 3] = Math.max(boxes[a + 3]!, boxes[b + 3]!);
  }
  return { ids, cards: boxes, ends: Int32Array.from(ends), edges: edgeBoxes };
}

/** Whether box `i` of `boxes` overlaps rectangle `r`. */
const overlaps = (r: Rect, boxes: Float32Array, i: number) =>
  boxes[4 * i]! < r.right && boxes[4 * i + 2]! > r.left && boxes[4 * i + 1]! < r.bottom && boxes[4 * i + 3]! > r.top;

/**
 * The cards React Flow needs for a window: those overlapping it, and both ends of every edge whose box (around its
 * two cards) overlaps it: React Flow draws an edge when that box overlaps the view, and only between cards it
 * holds. Within the window React Flow then culls as it would with every card.
 */
export function windowIds(index: WindowIndex, win: Rect): Set<string> {
  const n = index.ids.length;
  const inside = new Uint8Array(n);
  const ids = new Set<string>();
  for (let i = 0; i < n; i++) {
    if (!overlaps(win, index.cards, i)) continue;
    inside[i] = 1;
    ids.add(index.ids[i]!);
  }
  const m = index.ends.length / 2;
  for (let j = 0; j < m; j++) {
    const a = index.ends[2 * j]!;
    const b = index.ends[2 * j + 1]!;
    if ((inside[a] && inside[b]) || !overlaps(win, index.edges, j)) continue;
    ids.add(index.ids[a]!);
    ids.add(index.ids[b]!);
  }
  return ids;
}

/**
 * Cards that stay with React Flow wherever the view is: the selected ones (a drag or a key moves or deletes all of
 * them), their neighbours (a dragged card's edges can come into view), and both ends of selected edges.
 */
export function pinnedIds(selected: readonly string[], edges: readonly { source: string; target: string; selected?: boolean | undefined }[]): Set<string> {
  const chosen = new Set(selected);
  const ids = new Set(selected);
  for (const e of edges) {
    if (e.selected || chosen.has(e.source) || chosen.has(e.target)) {
      ids.add(e.source);
      ids.add(e.target);
    }
  }
  return ids;
}
