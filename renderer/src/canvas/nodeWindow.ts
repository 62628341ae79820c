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

const overlaps = (r: Rect, left: number, top: number, right: number, bottom: number) => left < r.right && right > r.left && top < r.bottom && bottom > r.top;

/**
 * The cards React Flow needs for a window: those overlapping it, and both ends of every edge whose box (around its
 * two cards) overlaps it: React Flow draws an edge when that box overlaps the view, and only between cards it
 * holds. Within the window React Flow then culls as it would with every card.
 */
export function windowIds(cards: readonly Box[], edges: readonly { source: string; target: string }[], win: Rect): Set<string> {
  const ids = new Set<string>();
  const byId = new Map<string, Box>();
  for (const c of cards) {
    byId.set(c.id, c);
    if (overlaps(win, c.position.x, c.position.y, c.position.x + (c.width ?? 0), c.position.y + (c.height ?? 0))) ids.add(c.id);
  }
  for (const e of edges) {
    if (ids.has(e.source) && ids.has(e.target)) continue;
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    if (!a || !b) continue;
    const left = Math.min(a.position.x, b.position.x);
    const top = Math.min(a.position.y, b.position.y);
    const right = Math.max(a.position.x + (a.width ?? 0), b.position.x + (b.width ?? 0));
    const bottom = Math.max(a.position.y + (a.height ?? 0), b.position.y + (b.height ?? 0));
    if (overlaps(win, left, top, right, bottom)) {
      ids.add(e.source);
      ids.add(e.target);
    }
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
