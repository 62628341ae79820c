import { Position, type NodeHandle } from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';

/**
 * Cards have a fixed geometry, known before they are drawn: a head, a body of fixed height, and one row per
 * exit. Handing React Flow every card's size and handle positions up front lets it cull off-screen cards from
 * the first frame (otherwise it mounts and measures all of them once: seconds on a 5,000-node flow), and edges
 * of off-screen cards are routed without measuring anything. styles.css must match these numbers.
 */
export const CARD = {
  width: 240,
  // Same as width: positions are laid out for it; presentation mode enlarges text and contrast instead.
  presentationWidth: 240,
  borderTop: 4,
  head: 26,
  body: 72,
  /** The dashed rule above the exits, and the exits block's padding top and bottom. */
  rule: 1,
  exitsPad: 4,
  row: 16,
  borderBottom: 1,
  handle: 8,
} as const;

/** Bodies taller than `CARD.body`: review mode's cards, whose copy is shown in full (reviewLayout.ts). */
const tallBodies = new WeakMap<FlowNode, number>();
export const setBodyHeight = (node: FlowNode, height: number): void => void tallBodies.set(node, height);
/** The height of a card's body: `CARD.body`, unless review mode gave the node a taller one. */
export const bodyHeight = (node: FlowNode): number => tallBodies.get(node) ?? CARD.body;

/**
 * A node's exit ports, kept per node object (flows are immutable: an edit makes a new object for a changed node).
 * Opening a flow asks for them several times per node (its size, its handles, the opening frame), each a pass over
 * every node of the flow.
 */
const portCache = new WeakMap<FlowNode, readonly string[]>();
function portsOf(node: FlowNode): readonly string[] {
  let ports = portCache.get(node);
  if (!ports) portCache.set(node, (ports = exitsOf(node).map((e) => e.port)));
  return ports;
}

/** Cards' sizes at the usual body height, per mode: the same object for the same node (do not change it). */
const sizeCache = [new WeakMap<FlowNode, { width: number; height: number }>(), new WeakMap<FlowNode, { width: number; height: number }>()];
export function cardSize(node: FlowNode, presentation: boolean): { width: number; height: number } {
  const body = bodyHeight(node);
  const cache = body === CARD.body ? sizeCache[presentation ? 1 : 0]! : undefined;
  const hit = cache?.get(node);
  if (hit) return hit;
  const exits = portsOf(node).length;
  const width = presentation ? CARD.presentationWidth : CARD.width;
  const exitsBlock = exits ? CARD.rule + CARD.exitsPad * 2 + exits * CARD.row : 0;
  const size = { width, height: CARD.borderTop + CARD.head + body + exitsBlock + CARD.borderBottom };
  cache?.set(node, size);
  return size;
}

/** The top of exit `i`'s handle, from the card's top (NodeCard places it there, styles.css sizes it). */
export const exitHandleTop = (i: number, body: number = CARD.body): number =>
  CARD.borderTop + CARD.head + body + CARD.rule + CARD.exitsPad + i * CARD.row + CARD.row / 2 - CARD.handle / 2;

/**
 * Handle lists by geometry (input or not, size, exit ports): cards of the same kind and exits share one list, so a
 * flow of thousands of cards holds a few dozen lists rather than one per card. Bounded, for flows whose every node
 * has its own port names.
 */
const handleLists = new Map<string, readonly NodeHandle[]>();
const MAX_HANDLE_LISTS = 2000;

/** Handle boxes relative to the card, matching where NodeCard draws them. The list is shared: do not change it. */
export function cardHandles(node: FlowNode, size: { width: number; height: number }): NodeHandle[] {
  const ports = portsOf(node);
  const body = bodyHeight(node);
  const key = JSON.stringify([node.kind === 'start', size.width, size.height, body, ports]);
  let handles = handleLists.get(key);
  if (!handles) {
    if (handleLists.size >= MAX_HANDLE_LISTS) handleLists.clear();
    handles = handlesOf(node.kind !== 'start', ports, size, body);
    handleLists.set(key, handles);
  }
  return handles as NodeHandle[];
}

function handlesOf(hasInput: boolean, ports: readonly string[], size: { width: number; height: number }, body: number): NodeHandle[] {
  const h = CARD.handle;
  const handles: NodeHandle[] = [];
  if (hasInput) {
    handles.push({ id: null, type: 'target', position: Position.Left, x: -h / 2, y: size.height / 2 - h / 2, width: h, height: h });
  }
  ports.forEach((port, i) => {
    handles.push({
      id: port,
      type: 'source',
      position: Position.Right,
      x: size.width - h / 2,
      y: exitHandleTop(i, body),
      width: h,
      height: h,
    });
  });
  return handles;
}
