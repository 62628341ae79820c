import { snap } from './arrange';

/**
 * Where a node added by click or keyboard goes: in free space, beside the selected card (to its right, where
 * the next step of a conversation usually is) or, with nothing selected, at the centre of the view; never on
 * top of another card.
 */

/** A card's top-left corner and size (also what `arrange.ts`'s boxes satisfy). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlaceOptions {
  /** Positions are multiples of this (the canvas grid, 20). */
  grid?: number;
  /** Free space kept between the new card and every other card (40). */
  gap?: number;
  /** How far from the wanted spot to look, in grid steps (40); beyond it the card goes below every card. */
  reach?: number;
}

export interface PlaceRequest extends PlaceOptions {
  size: { width: number; height: number };
  /** Every card of the flow. */
  occupied: readonly Rect[];
  /** The selected card the new one follows, if any. */
  after?: Rect;
  /** The centre of the visible canvas, in flow coordinates. */
  centre: { x: number; y: number };
}

/** Offsets in grid steps within `reach`, nearest first (ties: right before left, down before up). */
const offsetsByReach = new Map<number, [number, number][]>();
function offsets(reach: number): [number, number][] {
  let list = offsetsByReach.get(reach);
  if (!list) {
    list = [];
    for (let dy = -reach; dy <= reach; dy++) for (let dx = -reach; dx <= reach; dx++) list.push([dx, dy]);
    list.sort((a, b) => a[0] ** 2 + a[1] ** 2 - (b[0] ** 2 + b[1] ** 2) || b[0] - a[0] || b[1] - a[1]);
    offsetsByReach.set(reach, list);
  }
  return list;
}

const overlaps = (a: Rect, b: Rect, gap: number): boolean =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

/** The free top-left position on the grid nearest to `want` for a card of `size`. */
export function freeSpot(
  want: { x: number; y: number },
  size: { width: number; height: number },
  occupied: readonly Rect[],
  o: PlaceOptions = {},
): { x: number; y: number } {
  const grid = o.grid ?? 20;
  const gap = o.gap ?? 40;
  const reach = o.reach ?? 40;
  const start = { x: snap(want.x, grid), y: snap(want.y, grid) };
  // Only cards within reach can be in the way.
  const span = reach * grid + gap;
  const near = occupied.filter(
    (r) => r.x < start.x + size.width + span && r.x + r.width > start.x - span && r.y < start.y + size.height + span && r.y + r.height > start.y - span,
  );
  for (const [dx, dy] of offsets(reach)) {
    const at = { x: start.x + dx * grid, y: start.y + dy * grid };
    const box = { ...at, ...size };
    if (!near.some((r) => overlaps(box, r, gap))) return at;
  }
  // A crowded neighbourhood: below everything, in line with the wanted spot.
  const bottom = Math.max(...occupied.map((r) => r.y + r.height));
  return { x: start.x, y: Math.ceil((bottom + gap) / grid) * grid };
}

/** Where to put a new card: right of the selected card, else centred in the view; then the nearest free spot. */
export function placeNewNode(r: PlaceRequest): { x: number; y: number } {
  const gap = r.gap ?? 40;
  const want = r.after ? { x: r.after.x + r.after.width + gap * 2, y: r.after.y } : { x: r.centre.x - r.size.width / 2, y: r.centre.y - r.size.height / 2 };
  return freeSpot(want, r.size, r.occupied, r);
}
