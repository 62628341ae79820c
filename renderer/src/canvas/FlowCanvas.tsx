import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type IsValidConnection,
  type Node,
  type NodeChange,
  type OnNodeDrag,
} from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode, NodeKind } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { editFlow, selectNode, setSelection, useStudio } from '../store/studioStore';
import { registerCanvas, CARD_SIZE } from './canvasApi';
import { addNode, PALETTE_MIME } from './commands';
import { GroupFrame, NodeCard, type CardNode, type FrameNode } from './NodeCard';

const nodeTypes = { card: NodeCard, frame: GroupFrame };
type AnyNode = CardNode | FrameNode;

interface CardKey {
  card: CardNode;
  hasError: boolean;
  locale: string;
  flash: boolean;
}

/**
 * Card objects are cached per flow node object. Flows are immutable and edits keep untouched nodes, so an edit
 * hands React Flow the same objects for every other node, and only the changed card re-renders. Selection is
 * not part of a card: React Flow owns it on the canvas (see the selection effects below).
 */
function useCards(flowId: string, flow: Flow | undefined, locale: string, errorNodes: Set<string>, focusId: string | undefined) {
  const cache = useRef(new WeakMap<FlowNode, CardKey>());
  return useMemo(() => {
    if (!flow) return [];
    return flow.nodes.map((node, i): CardNode => {
      const hasError = errorNodes.has(node.id);
      const flash = node.id === focusId;
      const hit = cache.current.get(node);
      if (hit && hit.hasError === hasError && hit.locale === locale && hit.flash === flash) return hit.card;
      const card: CardNode = {
        id: node.id,
        type: 'card',
        // A node without a position (hand-written YAML) gets a grid slot instead of piling up at 0,0.
        position: node.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 },
        data: hit && hit.card.data.node === node && hit.locale === locale && hit.hasError === hasError ? hit.card.data : { node, flowId, locale, hasError },
        ...(flash ? { className: 'flash' } : {}),
      };
      cache.current.set(node, { card, hasError, locale, flash });
      return card;
    });
  }, [flow, flowId, locale, errorNodes, focusId]);
}

/** Edges are cached per source node object too: only the edges of an edited node are new objects. */
function useEdges(flow: Flow | undefined): Edge[] {
  const cache = useRef(new WeakMap<FlowNode, Edge[]>());
  return useMemo(() => {
    if (!flow) return [];
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
            ...(exit.port === 'next' ? {} : { label: exit.label }),
            reconnectable: 'target',
          });
        }
        cache.current.set(node, edges);
      }
      for (const e of edges) if (ids.has(e.target)) out.push(e);
    }
    return out;
  }, [flow]);
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
    const x1 = Math.max(...members.map((m) => m.position.x + (m.measured?.width ?? CARD_SIZE.width))) + pad;
    const y1 = Math.max(...members.map((m) => m.position.y + (m.measured?.height ?? CARD_SIZE.height))) + pad;
    out.push({
      id: `group:${g.id}`,
      type: 'frame',
      position: { x: x0, y: y0 },
      data: { label: g.label, groupId: g.id, flowId },
      style: { width: x1 - x0, height: y1 - y0 },
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
  const cards = useCards(flowId, flow, locale, errorNodes, flashId);
  const edges = useEdges(flow);

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
      sizes: () => {
        const out: Record<string, { width: number; height: number }> = {};
        for (const n of rf.getNodes()) if (n.type === 'card' && n.measured?.width && n.measured.height) out[n.id] = { width: n.measured.width, height: n.measured.height };
        return out;
      },
      fitView: () => void rf.fitView({ padding: 0.1, duration: 200, maxZoom: 1 }),
      zoomIn: () => void rf.zoomIn({ duration: 150 }),
      zoomOut: () => void rf.zoomOut({ duration: 150 }),
      selectAll: () => setSelection(rf.getNodes().filter((n) => n.type === 'card').map((n) => n.id)),
    });
    return () => registerCanvas(undefined);
  }, [rf]);

  // Search, problems and go-to-definition ask the canvas to show a node: centre on it and flash it.
  useEffect(() => {
    if (!focusRequest) return;
    const node = flow?.nodes.find((n) => n.id === focusRequest.nodeId);
    if (!node) return;
    const pos = node.position ?? { x: 0, y: 0 };
    void rf.setCenter(pos.x + CARD_SIZE.width / 2, pos.y + CARD_SIZE.height / 2, { zoom: Math.max(rf.getZoom(), 0.9), duration: 250 });
    setFlashId(node.id);
    const t = setTimeout(() => setFlashId(undefined), 1600);
    return () => clearTimeout(t);
    // Only a new request re-centres; edits to the flow must not move the viewport.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest?.seq]);

  const [fitViewOptions] = useState(() => ({ nodes: flow ? openingNodes(flow) : [], maxZoom: 1, minZoom: 0.7, padding: 0.1 }));

  if (!flow) return null;
  return (
    <ReactFlow<AnyNode, Edge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onNodeDragStop={onNodeDragStop}
      onPaneClick={() => selectNode(undefined)}
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
      fitView={!focusRequest}
      fitViewOptions={fitViewOptions}
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements
      elevateNodesOnSelect={false}
      proOptions={{ hideAttribution: true }}
      aria-label={`Canvas of flow ${flow.name}`}
    >
      <Background gap={20} />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable nodeStrokeWidth={3} />
    </ReactFlow>
  );
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
