import type { FlowChange } from './changes';

/**
 * The editor's align and distribute commands, as pure functions over the selected cards' boxes. Each returns
 * `node.move` changes for the cards that actually move (none for an empty or one-card selection), in the
 * order of the input, with integer positions.
 */

/** A card on the canvas: its top-left corner and its measured size. */
export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type AlignHow = 'left' | 'center' | 'right' | 'top' | 'middle' | 'bottom';
export type DistributeAxis = 'horizontal' | 'vertical';

/** Nearest multiple of `grid` (20 by default); a grid that is not a positive number only rounds. */
export function snap(value: number, grid = 20): number {
  if (!(grid > 0) || !Number.isFinite(grid)) return Math.round(value) + 0;
  // `+ 0` turns -0 into 0, so snapped positions print and compare as plain numbers.
  return Math.round(value / grid) * grid + 0;
}

/**
 * Lines the cards up on one edge or centre line of the selection's bounding box: `left` moves every card's
 * left edge to the leftmost left edge, `center` centres every card on the box's vertical centre line, and so
 * on; `top`/`middle`/`bottom` do the same vertically. Only one coordinate of each card changes.
 */
export function align(nodes: readonly Box[], how: AlignHow): FlowChange[] {
  if (nodes.length < 2) return [];
  const left = Math.min(...nodes.map((n) => n.x));
  const right = Math.max(...nodes.map((n) => n.x + n.width));
  const top = Math.min(...nodes.map((n) => n.y));
  const bottom = Math.max(...nodes.map((n) => n.y + n.height));
  const target = (n: Box): { x: number; y: number } => {
    switch (how) {
      case 'left':
        return { x: left, y: n.y };
      case 'center':
        return { x: (left + right) / 2 - n.width / 2, y: n.y };
      case 'right':
        return { x: right - n.width, y: n.y };
      case 'top':
        return { x: n.x, y: top };
      case 'middle':
        return { x: n.x, y: (top + bottom) / 2 - n.height / 2 };
      case 'bottom':
        return { x: n.x, y: bottom - n.height };
    }
  };
  return moves(nodes.map((n) => [n, target(n)]));
}

/**
 * Spaces the cards so that the gaps between neighbours along the axis are equal. Cards are ordered by their
 * centre on that axis (ties keep the input order); the first and the last stay where they are and the others
 * are placed between them. When the cards are wider than the room between the outer two, the gaps come out
 * negative (equal overlaps), as in other design tools. Fewer than three cards: nothing to do.
 */
export function distribute(nodes: readonly Box[], axis: DistributeAxis): FlowChange[] {
  if (nodes.length < 3) return [];
  const horizontal = axis === 'horizontal';
  const start = (n: Box) => (horizontal ? n.x : n.y);
  const size = (n: Box) => (horizontal ? n.width : n.height);
  const sorted = nodes
    .map((n, i) => ({ n, i }))
    .sort((a, b) => start(a.n) + size(a.n) / 2 - (start(b.n) + size(b.n) / 2) || a.i - b.i)
    .map(({ n }) => n);
  const first = sorted[0] as Box;
  const last = sorted[sorted.length - 1] as Box;
  const span = start(last) + size(last) - start(first);
  const total = sorted.reduce((sum, n) => sum + size(n), 0);
  const gap = (span - total) / (sorted.length - 1);

  const placed = new Map<Box, { x: number; y: number }>();
  let cursor = start(first) + size(first) + gap;
  for (const n of sorted.slice(1, -1)) {
    placed.set(n, horizontal ? { x: cursor, y: n.y } : { x: n.x, y: cursor });
    cursor += size(n) + gap;
  }
  return moves(
    nodes.flatMap((n) => {
      const p = placed.get(n);
      return p ? [[n, p] as const] : [];
    }),
  );
}

function moves(targets: readonly (readonly [Box, { x: number; y: number }])[]): FlowChange[] {
  const out: FlowChange[] = [];
  for (const [n, p] of targets) {
    const position = { x: Math.round(p.x) + 0, y: Math.round(p.y) + 0 };
    // Compare with the rounded current position: a card at 10.4 that aligns to 10 has not visibly moved.
    if (position.x === Math.round(n.x) && position.y === Math.round(n.y)) continue;
    out.push({ type: 'node.move', id: n.id, position });
  }
  return out;
}
