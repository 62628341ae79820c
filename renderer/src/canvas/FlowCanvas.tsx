import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useStore,
  useStoreApi,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type Node,
  type NodeChange,
  type OnNodeDrag,
} from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode, NodeKind } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { editFlow, selectNode, setSelection, useStudio } from '../store/studioStore';
import { currentAt, useSim, visitedByFlow } from '../simulator/simStore';
import { uncoveredExits, uncoveredNodes, useStories } from '../stories/storiesStore';
import { registerCanvas } from './canvasApi';
import { addNode, PALETTE_MIME } from './commands';
import { CompactEdges } from './CompactEdges';
import { cardHandles, cardSize } from './geometry';
import { BLOCK_ZOOM, COMPACT_ZOOM, GroupFrame, NodeCard, type CardNode, type FrameNode } from './NodeCard';

const nodeTypes = { card: NodeCard, frame: GroupFrame };
/** Above this many nodes the minimap starts hidden. */
const MINIMAP_AUTO_LIMIT = 1000;
/**
 * Above this many nodes, far zoomed out (block level of detail), CompactEdges draws the cards too and only the
 * cards pointed at, selected or dragged are elements of the page (see CompactEdges).
 */
const LITE_MIN_NODES = 500;
/** When zoomed out, edges are drawn by CompactEdges on one canvas. */
const NO_EDGES: Edge[] = [];
const isCompact = (s: { transform: [number, number, number] }) => s.transform[2] < COMPACT_ZOOM;
const isBlock = (s: { transform: [number, number, number] }) => s.transform[2] < BLOCK_ZOOM;
const canvasSize = () => {
  const r = document.querySelector('.canvas-area .react-flow')?.getBoundingClientRect();
  return { width: r?.width || 800, height: r?.height || 600 };
};
type AnyNode = CardNode | FrameNode;

interface CardKey {
  card: CardNode;
  hasError: boolean;
  locale: string;
  flash: boolean;
  presentation: boolean;
  mark: SimMark | undefined;
}

/** Simulator highlight (the node the conversation waits at, nodes it went through) and the stories' coverage. */
type SimMark = 'current' | 'visited' | 'uncovered';
const MARK_CLASS: Record<SimMark, string> = { current: 'sim-current', visited: 'sim-visited', uncovered: 'cov-miss' };

/**
 * Card objects are cached per flow node object. Flows are immutable and edits keep untouched nodes, so an edit
 * hands React Flow the same objects for every other node, and only the changed card re-renders. Selection is
 * not part of a card: React Flow owns it on the canvas (see the selection effects below).
 */
function useCards(
  flowId: string,
  flow: Flow | undefined,
  locale: string,
  errorNodes: Set<string>,
  focusId: string | undefined,
  presentation: boolean,
  marks: ReadonlyMap<string, SimMark> | undefined,
) {
  const cache = useRef(new WeakMap<FlowNode, CardKey>());
  return useMemo(() => {
    if (!flow) return [];
    return flow.nodes.map((node, i): CardNode => {
      const hasError = errorNodes.has(node.id);
      const flash = node.id === focusId;
      const mark = marks?.get(node.id);
      const hit = cache.current.get(node);
      if (hit && hit.hasError === hasError && hit.locale === locale && hit.flash === flash && hit.presentation === presentation && hit.mark === mark) return hit.card;
      const className = [flash ? 'flash' : '', mark ? MARK_CLASS[mark] : ''].filter(Boolean).join(' ');
      const size = cardSize(node, presentation);
      const card: CardNode = {
        id: node.id,
        type: 'card',
        width: size.width,
        height: size.height,
        handles: cardHandles(node, size),
        // A node without a position (hand-written YAML) gets a grid slot instead of piling up at 0,0.
        position: node.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
        data: hit && hit.card.data.node === node && hit.locale === locale && hit.hasError === hasError ? hit.card.data : { node, flowId, locale, hasError },
        ...(className ? { className } : {}),
      };
      cache.current.set(node, { card, hasError, locale, flash, presentation, mark });
      return card;
    });
  }, [flow, flowId, locale, errorNodes, focusId, presentation, marks]);
}

/**
 * Edges are cached per source node object too: only the edges of an edited node are new objects. Labels are
 * left out when zoomed out (unreadable, and costly to mount while panning), and only selected edges carry the
 * reconnection anchors.
 */
function useEdges(flow: Flow | undefined, compact: boolean, selectedEdges: ReadonlySet<string>, uncoveredExits?: ReadonlySet<string>): Edge[] {
  const caches = useRef([new WeakMap<FlowNode, Edge[]>(), new WeakMap<FlowNode, Edge[]>()]);
  return useMemo(() => {
    if (!flow) return [];
    const cache = { current: caches.current[compact ? 1 : 0] as WeakMap<FlowNode, Edge[]> };
    const ids = new Set(flow.nodes.map((n) => n.id));
    const out: Edge[] = [];
    for (const node of flow.nodes) {
      let edges = cache.current.get(node);
      if (!edges) {
        edges = [];
        for (const exit of exitsOf(node)) {
          if (!exit.target) continue;
          edges.push({
            id: `${node.id}:${exit.port}`,
            source: node.id,
            sourceHandle: exit.port,
            target: exit.target,
            ...(exit.port === 'next' || compact ? {} : { label: exit.label }),
          });
        }
        cache.current.set(node, edges);
      }
      for (const e of edges) {
        if (!ids.has(e.target)) continue;
        const edge = uncoveredExits?.has(e.id) ? { ...e, className: 'cov-miss' } : e;
        out.push(selectedEdges.has(e.id) ? { ...edge, selected: true, reconnectable: 'target' } : edge);
      }
    }
    return out;
  }, [flow, compact, selectedEdges, uncoveredExits]);
}

/** Group frames: drawn behind their members, sized to their bounding box. */
function frames(flow: Flow, flowId: string, cards: readonly CardNode[]): FrameNode[] {
  if (!flow.groups?.length) return [];
  const byId = new Map(cards.map((c) => [c.id, c]));
  const out: FrameNode[] = [];
  for (const g of flow.groups) {
    const members = g.nodes.map((id) => byId.get(id)).filter((c): c is CardNode => Boolean(c));
    if (!members.length) continue;
    const pad = 24;
    const x0 = Math.min(...members.map((m) => m.position.x)) - pad;
    const y0 = Math.min(...members.map((m) => m.position.y)) - pad - 22;
    const x1 = Math.max(...members.map((m) => m.position.x + (m.width ?? 0))) + pad;
    const y1 = Math.max(...members.map((m) => m.position.y + (m.height ?? 0))) + pad;
    out.push({
      id: `group:${g.id}`,
      type: 'frame',
      position: { x: x0, y: y0 },
      data: { label: g.label, groupId: g.id, flowId },
      width: x1 - x0,
      height: y1 - y0,
      handles: [],
      draggable: false,
      connectable: false,
      zIndex: -1,
    });
  }
  return out;
}

export function FlowCanvas({ flowId }: { flowId: string }) {
  const flow = useStudio((s) => s.flows[flowId]?.flow);
  const locale = useStudio((s) => s.project?.manifest.defaultLocale ?? 'en');
  const selectedIds = useStudio((s) => s.selectedNodeIds);
  const problems = useStudio((s) => s.problems);
  const theme = useStudio((s) => s.theme);
  const snapToGrid = useStudio((s) => s.snapToGrid);
  const focusRequest = useStudio((s) => (s.focusRequest?.flowId === flowId ? s.focusRequest : undefined));
  const rf = useReactFlow<AnyNode, Edge>();

  const errorNodes = useMemo(
    () => new Set(problems.filter((p) => p.flowId === flowId && p.severity === 'error' && p.nodeId).map((p) => p.nodeId as string)),
    [problems, flowId],
  );
  const [flashId, setFlashId] = useState<string | undefined>();
  const presentation = useStudio((s) => s.presentation);
  const simTurns = useSim((s) => (s.open ? s.turns : undefined));
  const uncovered = useStories((s) => uncoveredNodes(s, flowId));
  const marks = useMemo(() => {
    if (!simTurns?.length && !uncovered) return undefined;
    const m = new Map<string, SimMark>();
    for (const id of uncovered ?? []) m.set(id, 'uncovered');
    if (!simTurns?.length) return m;
    for (const id of visitedByFlow(simTurns).get(flowId) ?? []) m.set(id, 'visited');
    const at = currentAt(simTurns);
    if (at?.flow === flowId) m.set(at.node, 'current');
    return m;
  }, [simTurns, flowId, uncovered]);
  const cards = useCards(flowId, flow, locale, errorNodes, flashId, presentation, marks);
  const compact = useStore(isCompact);
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(() => new Set());
  const uncoveredExitList = useStories((s) => uncoveredExits(s, flowId));
  const uncoveredExitSet = useMemo(() => (uncoveredExitList ? new Set(uncoveredExitList) : undefined), [uncoveredExitList]);
  const edges = useEdges(flow, compact, selectedEdges, uncoveredExitSet);
  const onEdgesChange = useCallback((changes: EdgeChange<Edge>[]) => {
    const picks = changes.filter((c): c is Extract<EdgeChange<Edge>, { type: 'select' }> => c.type === 'select');
    if (!picks.length) return;
    setSelectedEdges((prev) => {
      const next = new Set(prev);
      for (const c of picks) {
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      return next;
    });
  }, []);
  // The minimap repaints every node on every frame of a pan: on large flows it is off unless asked for.
  const nodeCount = flow?.nodes.length ?? 0;
  const [minimap, setMinimap] = useState<boolean | undefined>(undefined);
  const showMinimap = minimap ?? nodeCount <= MINIMAP_AUTO_LIMIT;

  // Local node state: React Flow's own objects (with their measured size and selection), so a drag moves
  // smoothly without an edit per mouse move (committed on drag stop), and an edit replaces only the cards
  // whose flow node changed — every other node keeps its object and does not re-render.
  const [nodes, setNodes] = useState<AnyNode[]>([]);
  const lastCards = useRef(new Map<string, CardNode>());
  useEffect(() => {
    setNodes((prev) => {
      const prevById = new Map(prev.map((n) => [n.id, n]));
      const want = new Set(useStudio.getState().selectedNodeIds);
      const merged = cards.map((c): CardNode => {
        const p = prevById.get(c.id) as CardNode | undefined;
        if (p && lastCards.current.get(c.id) === c) return p;
        const selected = p ? Boolean(p.selected) : want.has(c.id);
        return { ...c, selected, ...(p?.measured ? { measured: p.measured } : {}) };
      });
      lastCards.current = new Map(cards.map((c) => [c.id, c]));
      if (!flow?.groups?.length) return merged;
      const framed = frames(flow, flowId, merged).map((f) => {
        const p = prevById.get(f.id);
        return p?.selected ? { ...f, selected: true } : f;
      });
      return [...framed, ...merged];
    });
  }, [cards, flow, flowId]);

  // Selection set outside the canvas (search, go-to, paste, undo) is applied to React Flow's nodes; React Flow
  // reports its own selection changes back through onSelectionChange. Both sides compare as sets, so they settle.
  useEffect(() => {
    const want = new Set(selectedIds);
    setNodes((ns) => {
      const current = ns.filter((n) => n.selected).map((n) => n.id);
      if (current.length === want.size && current.every((id) => want.has(id))) return ns;
      return ns.map((n) => (Boolean(n.selected) === want.has(n.id) ? n : { ...n, selected: want.has(n.id) }));
    });
  }, [selectedIds]);

  // Selection flows one way from the canvas to the store: only the user's own selection changes (React Flow's
  // `select` changes: clicks, box, keyboard) are reported; selection set from outside arrives as the `selected`
  // flag on nodes (effect above) and produces no change events, so the two can never chase each other.
  // Lite mode (see LITE_MIN_NODES): the page holds only the card under the pointer, the selected and the
  // dragged cards (and group frames); the canvas draws the rest. Box selection then picks from the flow's own
  // geometry, since React Flow knows only the cards it holds.
  const blockLevel = useStore(isBlock);
  const lite = blockLevel && (flow?.nodes.length ?? 0) > LITE_MIN_NODES;
  const [hoverId, setHoverId] = useState<string | undefined>();
  const hoverRef = useRef<string | undefined>(undefined);
  const storeApi = useStoreApi();
  const onPaneMouseMove = useCallback(
    (e: { clientX: number; clientY: number }) => {
      if (!lite) return;
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      let hit: string | undefined;
      for (const c of cards) if (p.x >= c.position.x && p.y >= c.position.y && p.x <= c.position.x + (c.width ?? 0) && p.y <= c.position.y + (c.height ?? 0)) hit = c.id;
      if (hit !== hoverRef.current) {
        hoverRef.current = hit;
        setHoverId(hit);
      }
    },
    [lite, rf, cards],
  );
  const selectionRect = useRef<{ x: number; y: number; width: number; height: number } | null>(null);
  useEffect(() => {
    if (!lite) return;
    return storeApi.subscribe((st) => {
      if (st.userSelectionRect) selectionRect.current = st.userSelectionRect;
    });
  }, [lite, storeApi]);
  const onSelectionEnd = useCallback(() => {
    const r = selectionRect.current;
    selectionRect.current = null;
    if (!lite || !r) return;
    // the rectangle is in pixels of the pane; the viewport transform takes it to flow coordinates
    const [tx, ty, zoom] = storeApi.getState().transform;
    const origin = { x: (r.x - tx) / zoom, y: (r.y - ty) / zoom };
    const x1 = origin.x + r.width / zoom;
    const y1 = origin.y + r.height / zoom;
    const ids = cards.filter((c) => c.position.x >= origin.x && c.position.y >= origin.y && c.position.x + (c.width ?? 0) <= x1 && c.position.y + (c.height ?? 0) <= y1).map((c) => c.id);
    queueMicrotask(() => setSelection(ids));
  }, [lite, cards, storeApi]);
  const shownNodes = useMemo(
    () => (lite ? nodes.filter((n) => n.selected || n.dragging || n.type === 'frame' || n.id === hoverId) : nodes),
    [lite, nodes, hoverId],
  );
  const blockStyle = useMemo(
    () => (lite ? { selected: new Set(selectedIds), errors: errorNodes, ...(marks ? { marks } : {}) } : undefined),
    [lite, selectedIds, errorNodes, marks],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<AnyNode>[]) =>
      setNodes((ns) => {
        const next = applyNodeChanges(changes, ns);
        if (changes.some((c) => c.type === 'select')) {
          const ids = next.filter((n) => n.selected).map((n) => n.id);
          queueMicrotask(() => setSelection(ids));
        }
        return next;
      }),
    [],
  );
  const onNodeDragStop: OnNodeDrag<AnyNode> = useCallback(
    (_e, _node, dragged) =>
      editFlow(
        flowId,
        dragged.filter((n) => n.type === 'card').map((n) => ({ type: 'node.move' as const, id: n.id, position: n.position })),
      ),
    [flowId],
  );

  const isValidConnection: IsValidConnection<Edge> = useCallback(
    (c) => {
      const source = flow?.nodes.find((n) => n.id === c.source);
      const target = flow?.nodes.find((n) => n.id === c.target);
      if (!source || !target || c.source === c.target || target.kind === 'start') return false;
      const exit = exitsOf(source).find((x) => x.port === c.sourceHandle);
      // One exit leads to one node: an exit that is already connected must be reconnected, not doubled.
      return Boolean(exit) && !exit?.target;
    },
    [flow],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle) editFlow(flowId, [{ type: 'exit.set', id: c.source, port: c.sourceHandle, target: c.target }]);
    },
    [flowId],
  );
  const onReconnect = useCallback(
    (old: Edge, c: Connection) => {
      if (old.sourceHandle && c.target && c.target !== old.source) editFlow(flowId, [{ type: 'exit.set', id: old.source, port: old.sourceHandle, target: c.target }]);
    },
    [flowId],
  );
  const onDelete = useCallback(
    ({ nodes: gone, edges: cut }: { nodes: AnyNode[]; edges: Edge[] }) => {
      const changes = [
        ...cut.filter((e) => e.sourceHandle).map((e) => ({ type: 'exit.set' as const, id: e.source, port: e.sourceHandle as string, target: undefined })),
        ...gone.filter((n) => n.type === 'card').map((n) => ({ type: 'node.remove' as const, id: n.id })),
        ...gone.filter((n) => n.type === 'frame').map((n) => ({ type: 'group.remove' as const, id: (n as FrameNode).data.groupId })),
      ];
      if (changes.length) editFlow(flowId, changes);
    },
    [flowId],
  );

  // Palette drag and drop.
  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(PALETTE_MIME) as NodeKind;
      if (!kind) return;
      e.preventDefault();
      addNode(kind, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [rf],
  );

  useEffect(() => {
    registerCanvas({
      center: () => {
        const el = document.querySelector('.react-flow');
        const r = el?.getBoundingClientRect();
        return r ? rf.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 }) : { x: 0, y: 0 };
      },
      fitView: () => {
        const f = useStudio.getState().flows[flowId]?.flow;
        if (f) void rf.setViewport(viewportFor(f, { minZoom: 0.05, maxZoom: 1 }, useStudio.getState().presentation, canvasSize()), { duration: 200 });
      },
      zoomIn: () => void rf.zoomIn({ duration: 150 }),
      zoomOut: () => void rf.zoomOut({ duration: 150 }),
      selectAll: () => setSelection(useStudio.getState().flows[flowId]?.flow.nodes.map((n) => n.id) ?? []),
    });
    return () => registerCanvas(undefined);
  }, [rf, flowId]);

  // Search, problems and go-to-definition ask the canvas to show a node: centre on it and flash it.
  useEffect(() => {
    if (!focusRequest) return;
    const node = flow?.nodes.find((n) => n.id === focusRequest.nodeId);
    if (!node) return;
    const pos = node.position ?? { x: 0, y: 0 };
    const size = cardSize(node, useStudio.getState().presentation);
    void rf.setCenter(pos.x + size.width / 2, pos.y + size.height / 2, { zoom: Math.max(rf.getZoom(), 0.9), duration: 250 });
    setFlashId(node.id);
    const t = setTimeout(() => setFlashId(undefined), 1600);
    return () => clearTimeout(t);
    // Only a new request re-centres; edits to the flow must not move the viewport.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest?.seq]);

  // The opening frame, once, as soon as the canvas has a size (a search or go-to frames its node instead).
  const framed = useRef(false);
  useEffect(() => {
    if (framed.current || nodes.length === 0 || !flow) return;
    framed.current = true;
    if (useStudio.getState().focusRequest?.flowId === flowId) return;
    const canvas = canvasSize();
    void rf.setViewport(viewportFor(flow, openingFrame(flow, presentation, canvas), presentation, canvas));
  }, [nodes.length, rf, flow, flowId, presentation]);

  // The simulator's current node: when the conversation moves to a node out of view, bring it into view.
  const simCurrent = useSim((s) => {
    if (!s.open || !s.follow) return undefined;
    const at = currentAt(s.turns);
    return at?.flow === flowId ? at.node : undefined;
  });
  const hasNodes = nodes.length > 0;
  useEffect(() => {
    const node = simCurrent && hasNodes ? flow?.nodes.find((n) => n.id === simCurrent) : undefined;
    if (!node) return;
    const pos = node.position ?? { x: 0, y: 0 };
    const size = cardSize(node, useStudio.getState().presentation);
    const { x, y, zoom } = rf.getViewport();
    const canvas = canvasSize();
    const left = pos.x * zoom + x;
    const top = pos.y * zoom + y;
    const inView = left >= 0 && top >= 0 && left + size.width * zoom <= canvas.width && top + size.height * zoom <= canvas.height;
    if (!inView) void rf.setCenter(pos.x + size.width / 2, pos.y + size.height / 2, { zoom, duration: 250 });
    // Only a move of the conversation re-centres; edits to the flow must not move the viewport.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [simCurrent, hasNodes]);

  if (!flow) return null;
  return (
    <ReactFlow<AnyNode, Edge>
      nodes={shownNodes}
      edges={compact ? NO_EDGES : edges}
      onPaneMouseMove={onPaneMouseMove}
      onSelectionEnd={onSelectionEnd}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onNodeDragStop={onNodeDragStop}
      onPaneClick={() => selectNode(undefined)}
      onEdgesChange={onEdgesChange}
      edgesReconnectable={false}
      onConnect={onConnect}
      onReconnect={onReconnect}
      onDelete={onDelete}
      isValidConnection={isValidConnection}
      onDragOver={onDragOver}
      onDrop={onDrop}
      deleteKeyCode={['Delete', 'Backspace']}
      multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
      selectionKeyCode="Shift"
      snapToGrid={snapToGrid}
      snapGrid={[20, 20]}
      colorMode={theme}
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements
      elevateNodesOnSelect={false}
      proOptions={{ hideAttribution: true }}
      aria-label={`Canvas of flow ${flow.name}`}
    >
      <Background gap={20} />
      {compact && <CompactEdges flow={flow} presentation={presentation} blocks={blockStyle} />}
      <Controls showInteractive={false} />
      {showMinimap && <MiniMap pannable zoomable nodeStrokeWidth={3} />}
      <Panel position="bottom-right" className="minimap-toggle">
        <button onClick={() => setMinimap(!showMinimap)} aria-pressed={showMinimap} title={nodeCount > MINIMAP_AUTO_LIMIT ? `Off by default above ${MINIMAP_AUTO_LIMIT} nodes (it slows panning)` : undefined}>
          {showMinimap ? 'Hide map' : 'Show map'}
        </button>
      </Panel>
    </ReactFlow>
  );
}

interface Frame {
  /** Nodes to frame; all when undefined. */
  nodes?: string[];
  minZoom: number;
  maxZoom: number;
}

/**
 * What to frame when a flow opens: the whole flow when it fits at a zoom where copy is still readable,
 * otherwise the start and what follows it.
 */
function openingFrame(flow: Flow, presentation: boolean, canvas: { width: number; height: number }): Frame {
  const b = boundsOf(flow, undefined, presentation);
  const fitsReadable = b.width * 0.6 <= canvas.width && b.height * 0.6 <= canvas.height;
  return fitsReadable ? { minZoom: 0.5, maxZoom: 1 } : { nodes: openingNodes(flow).map((n) => n.id), minZoom: 0.7, maxZoom: 1 };
}

/** Bounds of some nodes (all by default) from the cards' known geometry: culled cards count too. */
function boundsOf(flow: Flow, ids: readonly string[] | undefined, presentation: boolean) {
  const wanted = ids ? new Set(ids) : undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  flow.nodes.forEach((n, i) => {
    if (wanted && !wanted.has(n.id)) return;
    const p = n.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 };
    const size = cardSize(n, presentation);
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + size.width);
    y1 = Math.max(y1, p.y + size.height);
  });
  return x0 === Infinity ? { x: 0, y: 0, width: 1, height: 1 } : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The viewport that shows a frame. React Flow's own fitView only counts cards that have been drawn, and culled
 * cards never are; this works from the known geometry. When the frame is too big at the smallest allowed zoom,
 * its top-left is shown (where a flow starts) rather than its middle.
 */
function viewportFor(flow: Flow, frame: Frame, presentation: boolean, canvas: { width: number; height: number }) {
  const b = boundsOf(flow, frame.nodes, presentation);
  const pad = 40;
  const fit = Math.min((canvas.width - 2 * pad) / b.width, (canvas.height - 2 * pad) / b.height);
  const zoom = Math.min(frame.maxZoom, Math.max(frame.minZoom, fit));
  const w = b.width * zoom;
  const h = b.height * zoom;
  const x = w <= canvas.width - 2 * pad ? (canvas.width - w) / 2 - b.x * zoom : pad - b.x * zoom;
  const y = h <= canvas.height - 2 * pad ? (canvas.height - h) / 2 - b.y * zoom : pad - b.y * zoom;
  return { x, y, zoom };
}

/**
 * The nodes to frame when a flow opens: its start and what follows it, breadth first. Fitting the whole of a
 * large flow would shrink the cards until no copy can be read; a writer starts reading at the start.
 */
function openingNodes(flow: Flow, count = 5): { id: string }[] {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const start = flow.nodes.find((n) => n.kind === 'start') ?? flow.nodes[0];
  if (!start) return [];
  const seen = new Set([start.id]);
  const queue = [start];
  while (queue.length && seen.size < count) {
    const node = queue.shift() as FlowNode;
    for (const exit of exitsOf(node)) {
      const next = exit.target ? byId.get(exit.target) : undefined;
      if (next && !seen.has(next.id) && seen.size < count) {
        seen.add(next.id);
        queue.push(next);
      }
    }
  }
  return [...seen].map((id) => ({ id }));
}

export type { Node };
