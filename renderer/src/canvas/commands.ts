import { align, distribute, type AlignHow, type Box, type DistributeAxis } from '../../../shared/project/arrange';
import { createNode, uniqueId } from '../../../shared/project/factory';
import { placeNewNode } from '../../../shared/project/placement';
import type { Position } from '../../../shared/schema/common';
import type { NodeKind } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import type { FlowChange } from '../../../shared/project/changes';
import type { AutoLayoutOptions } from '../../../shared/project/layout';
import LayoutWorker from './layout.worker.ts?worker';
import { editFlow, errorText, setSelection, useStudio } from '../store/studioStore';
import { canvasApi } from './canvasApi';
import { cardSize } from './geometry';

/** The drag-and-drop type of a palette item. */
export const PALETTE_MIME = 'application/x-parley-node-kind';

const get = useStudio.getState;

function current() {
  const { flowId, flows, project, selectedNodeIds } = get();
  const flow = flowId ? flows[flowId]?.flow : undefined;
  return flowId && flow ? { flowId, flow, locale: project?.manifest.defaultLocale ?? 'en', selected: selectedNodeIds } : undefined;
}

/** Adds a node of a kind at a position (the drop point, or the centre of the canvas) and selects it. */
export function addNode(kind: NodeKind, at?: Position): string | undefined {
  const c = current();
  if (!c) return undefined;
  if (kind === 'start' && c.flow.nodes.some((n) => n.kind === 'start')) {
    useStudio.setState({ notice: 'A flow has exactly one start node.' });
    return undefined;
  }
  const id = uniqueId(kind, new Set(c.flow.nodes.map((n) => n.id)));
  const centre = at ?? canvasApi()?.center() ?? { x: 0, y: 0 };
  const node = createNode(kind, id, centre, c.locale);
  const presentation = get().presentation;
  const size = cardSize(node, presentation);
  let pos: Position;
  if (at) {
    // Dropped: centre the card where it was let go, snapped to the grid, stepping aside if a node is exactly there.
    pos = { x: Math.round((centre.x - size.width / 2) / 20) * 20, y: Math.round((centre.y - size.height / 2) / 20) * 20 };
    while (c.flow.nodes.some((n) => n.position?.x === pos.x && n.position?.y === pos.y)) pos = { x: pos.x + 40, y: pos.y + 40 };
  } else {
    // Click or N + Enter: in free space beside the selected card, else near the centre of the view.
    const occupied = c.flow.nodes.map((n) => ({ x: n.position?.x ?? 0, y: n.position?.y ?? 0, ...cardSize(n, presentation) }));
    const primary = get().selectedNodeId;
    const sel = c.flow.nodes.findIndex((n) => n.id === primary);
    pos = placeNewNode({ size, occupied, centre, ...(sel >= 0 && occupied[sel] ? { after: occupied[sel] } : {}) });
  }
  editFlow(c.flowId, [{ type: 'node.add', node: { ...node, position: pos } }]);
  setSelection([id]);
  // A node added by click or keyboard is brought into view (and flashes), so the user sees where it went.
  if (!at) useStudio.setState({ focusRequest: { flowId: c.flowId, nodeId: id, seq: (get().focusRequest?.seq ?? 0) + 1 } });
  return id;
}

function boxes(ids: readonly string[]): Box[] {
  const c = current();
  if (!c) return [];
  const wanted = new Set(ids);
  const presentation = get().presentation;
  return c.flow.nodes.filter((n) => wanted.has(n.id)).map((n) => ({ id: n.id, x: n.position?.x ?? 0, y: n.position?.y ?? 0, ...cardSize(n, presentation) }));
}

export function alignSelection(how: AlignHow): void {
  const c = current();
  if (!c || c.selected.length < 2) return;
  const changes = align(boxes(c.selected), how);
  if (changes.length) editFlow(c.flowId, changes);
}

export function distributeSelection(axis: DistributeAxis): void {
  const c = current();
  if (!c || c.selected.length < 3) return;
  const changes = distribute(boxes(c.selected), axis);
  if (changes.length) editFlow(c.flowId, changes);
}

/** Puts the selected nodes in a labelled frame. */
export function groupSelection(label = 'Group'): void {
  const c = current();
  const ids = c?.selected.filter((id) => !id.startsWith('group:')) ?? [];
  if (!c || !ids.length) return;
  const id = uniqueId('group', new Set((c.flow.groups ?? []).map((g) => g.id)));
  // A node belongs to one group: take it out of any other first.
  const changes = (c.flow.groups ?? [])
    .filter((g) => g.nodes.some((n) => ids.includes(n)))
    .map((g) => ({ type: 'group.update' as const, group: { ...g, nodes: g.nodes.filter((n) => !ids.includes(n)) } }));
  editFlow(c.flowId, [...changes, { type: 'group.add', group: { id, label, nodes: ids } }]);
}

/** Removes the frames of the selected groups, or of the groups the selected nodes are in. */
export function ungroupSelection(): void {
  const c = current();
  if (!c) return;
  const groups = (c.flow.groups ?? []).filter((g) => c.selected.includes(`group:${g.id}`) || g.nodes.some((n) => c.selected.includes(n)));
  if (groups.length)
    editFlow(
      c.flowId,
      groups.map((g) => ({ type: 'group.remove' as const, id: g.id })),
    );
}

let worker: Worker | undefined;
let requestSeq = 0;

/** Runs ELK in a worker (it takes seconds on large flows), one request at a time. */
function layoutInWorker(flow: Flow, options: AutoLayoutOptions): Promise<FlowChange[]> {
  worker ??= new LayoutWorker();
  const id = ++requestSeq;
  const w = worker;
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent<{ id: number; changes?: FlowChange[]; error?: string }>) => {
      if (e.data.id !== id) return;
      w.removeEventListener('message', onMessage);
      if (e.data.error !== undefined) reject(new Error(e.data.error));
      else resolve(e.data.changes ?? []);
    };
    w.addEventListener('message', onMessage);
    w.postMessage({ id, flow, options });
  });
}

/** One-click auto-layout, off the UI thread; one undo step. Edits made meanwhile win (the layout is dropped). */
export async function layoutFlow(direction: 'LR' | 'TB'): Promise<void> {
  const c = current();
  if (!c || useStudio.getState().busy) return;
  useStudio.setState({ busy: 'Laying out…' });
  try {
    // Every card's size is known from its geometry, culled cards included (nothing needs measuring).
    const presentation = get().presentation;
    const sizes = Object.fromEntries(c.flow.nodes.map((n) => [n.id, cardSize(n, presentation)]));
    const changes = await layoutInWorker(c.flow, { direction, sizes });
    if (get().flows[c.flowId]?.flow !== c.flow) {
      useStudio.setState({ notice: 'The flow changed during auto-layout; run it again.' });
      return;
    }
    if (changes.length) editFlow(c.flowId, changes);
    canvasApi()?.fitView();
  } catch (e) {
    useStudio.setState({ notice: `Auto-layout failed: ${errorText(e)}` });
  } finally {
    useStudio.setState({ busy: undefined });
  }
}
