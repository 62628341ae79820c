import { useEffect, useMemo, useRef, useState } from 'react';
import { Controls, MiniMap, Panel, ReactFlow, useStore, useReactFlow, type Edge } from '@xyflow/react';
import { selectNode, useStudio } from '../store/studioStore';
import { CompactEdges } from './CompactEdges';
import { DotGrid, GRID_GAP, GRID_MARGIN } from './DotGrid';
import { gridRect } from './viewportMaths';
import { FitViewButton } from './FitViewButton';
import { CardBadges, detailLevel, DetailLevel, GroupFrame, NodeCard } from './NodeCard';
import { useCanvasNodes, type AnyNode } from './useCanvasNodes';
import { useCards } from './useCards';
import { useFlowEdges } from './useFlowEdges';
import { useFlowEdits } from './useFlowEdits';
import { useLiteMode } from './useLiteMode';
import { useNodeWindow } from './useNodeWindow';
import { usePaletteDrop } from './usePaletteDrop';
import { useSimMarks } from './useSimMarks';
import { useViewport } from './useViewport';
import { reviewFlow } from './reviewLayout';
import { WalkCaption } from '../review/Walkthrough';
import { withRemovedNodes } from '../review/diffGhosts';
import { openThreadsByNode, useReview } from '../review/reviewStore';
import { useInsights } from '../insights/insightsStore';
import { useCardHeat } from '../insights/Overlay';

const nodeTypes = { card: NodeCard, frame: GroupFrame };
/** Above this many nodes the minimap starts hidden, and React Flow holds only the cards around the view (useNodeWindow). */
const MINIMAP_AUTO_LIMIT = 1000;
/** When zoomed out, edges are drawn by CompactEdges on one canvas. */
const NO_EDGES: Edge[] = [];
// React Flow's props that are lists or objects, made once: new ones on every render (every step of a drag) made
// React Flow subscribe its key listeners again each time.
const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_SELECTION_KEYS = ['Shift', 'Meta', 'Control'];
const SNAP_GRID: [number, number] = [20, 20];
const PRO_OPTIONS = { hideAttribution: true };
const deselect = () => selectNode(undefined);

/**
 * The counts of the render before when they are the same: an edit of the flow counts the threads again, and new
 * counts would render every card (they read them from a context).
 */
function useSameCounts(counts: ReadonlyMap<string, number>): ReadonlyMap<string, number> {
  const kept = useRef(counts);
  const before = kept.current;
  const same = before === counts || (before.size === counts.size && [...counts].every(([k, v]) => before.get(k) === v));
  useEffect(() => {
    if (!same) kept.current = counts;
  });
  return same ? before : counts;
}

/**
 * The canvas of one flow: React Flow fed with cards and edges built from the flow (useCards, useFlowEdges,
 * useCanvasNodes), on large flows only the cards around the view (useNodeWindow) and far zoomed out the lite
 * mode (useLiteMode), edits of the flow from gestures
 * (useFlowEdits, usePaletteDrop) and where the viewport looks (useViewport). The order of the hooks is the order
 * their effects run in.
 */
export function FlowCanvas({ flowId }: { flowId: string }) {
  const saved = useStudio((s) => s.flows[flowId]?.flow);
  // the locale the toolbar's menu picked, while the project has it; else the default one
  const locale = useStudio((s) => {
    const m = s.project?.manifest;
    return s.copyLocale && m?.locales.includes(s.copyLocale) ? s.copyLocale : (m?.defaultLocale ?? 'en');
  });
  const review = useStudio((s) => s.reviewMode);
  // a comparison with another version shows the removed nodes where they stood
  const diff = useReview((s) => s.diff?.result.flows.find((f) => f.flowId === flowId));
  // review mode draws the flow with room for every line of copy in large type (nothing of it is saved)
  const flow = useMemo(() => {
    const drawn = saved && withRemovedNodes(saved, diff);
    return drawn && review ? reviewFlow(drawn, locale) : drawn;
  }, [saved, diff, review, locale]);
  // the cards' badges: open comment threads per node, counted once for the flow, and whether Insights shows
  const threads = useReview((s) => s.snapshot?.files[flowId]);
  const insightsOpen = useInsights((s) => s.open && Boolean(s.overlay));
  const comments = useSameCounts(useMemo(() => openThreadsByNode(threads, saved), [threads, saved]));
  const heat = useCardHeat(flowId, insightsOpen);
  const badges = useMemo(() => ({ comments, insights: insightsOpen, heat }), [comments, insightsOpen, heat]);
  const selectedIds = useStudio((s) => s.selectedNodeIds);
  const problems = useStudio((s) => s.problems);
  const theme = useStudio((s) => s.theme);
  const snapToGrid = useStudio((s) => s.snapToGrid);
  const rf = useReactFlow<AnyNode, Edge>();

  const errorNodes = useMemo(
    () => new Set(problems.filter((p) => p.flowId === flowId && p.severity === 'error' && p.nodeId).map((p) => p.nodeId as string)),
    [problems, flowId],
  );
  const [flashId, setFlashId] = useState<string | undefined>();
  // review mode shows the cards in large type too
  const presentation = useStudio((s) => s.presentation || s.reviewMode);
  const marks = useSimMarks(flowId);
  const cards = useCards(flowId, flow, locale, errorNodes, flashId, presentation, marks, review);
  const grid = useMemo(() => gridRect(cards, GRID_GAP, GRID_MARGIN), [cards]);
  const level = useStore(detailLevel);
  const compact = level > 0;
  const { edges, onEdgesChange } = useFlowEdges(flowId, flow, compact);
  // The minimap repaints every node on every frame of a pan: on large flows it is off unless asked for.
  const nodeCount = flow?.nodes.length ?? 0;
  const [minimap, setMinimap] = useState<boolean | undefined>(undefined);
  const showMinimap = minimap ?? nodeCount <= MINIMAP_AUTO_LIMIT;

  const { nodes, onNodesChange } = useCanvasNodes(flowId, flow, cards, selectedIds);
  const { lite, onPaneMouseMove, onSelectionEnd, shownNodes, blockStyle } = useLiteMode(nodeCount, cards, nodes, rf, selectedIds, errorNodes, marks);
  const { windowNodes, windowEdges } = useNodeWindow(!lite && !showMinimap && nodeCount > MINIMAP_AUTO_LIMIT, cards, shownNodes, edges, selectedIds);
  const { onNodeDragStop, isValidConnection, onConnect, onReconnect, onDelete } = useFlowEdits(flowId, flow);
  const { onDragOver, onDrop } = usePaletteDrop(rf);
  useViewport(flowId, flow, rf, presentation, nodes.length, setFlashId);
  // The controls do not change with the nodes: one element, so a drag's steps do not re-render them.
  const allNodes = useRef(nodes);
  useEffect(() => {
    allNodes.current = nodes;
  }, [nodes]);
  const largeFlow = nodeCount > MINIMAP_AUTO_LIMIT;
  const minimapToggle = useMemo(
    () => (
      <Panel position="bottom-right" className="minimap-toggle">
        <button
          onClick={() => setMinimap(!showMinimap)}
          aria-pressed={showMinimap}
          title={largeFlow ? `Off by default above ${MINIMAP_AUTO_LIMIT} nodes (it slows panning)` : undefined}
        >
          {showMinimap ? 'Hide map' : 'Show map'}
        </button>
      </Panel>
    ),
    [showMinimap, largeFlow],
  );
  const controls = useMemo(
    () => (
      <Controls showInteractive={false} showFitView={false}>
        <FitViewButton nodes={allNodes} />
      </Controls>
    ),
    [],
  );

  if (!flow) return null;
  return (
    <DetailLevel.Provider value={level}>
      <CardBadges.Provider value={badges}>
        <ReactFlow<AnyNode, Edge>
          nodes={windowNodes}
          edges={compact ? NO_EDGES : windowEdges}
          onPaneMouseMove={onPaneMouseMove}
          onSelectionEnd={onSelectionEnd}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onNodeDragStop={onNodeDragStop}
          onPaneClick={deselect}
          onEdgesChange={onEdgesChange}
          edgesReconnectable={false}
          onConnect={onConnect}
          onReconnect={onReconnect}
          onDelete={onDelete}
          isValidConnection={isValidConnection}
          onDragOver={review ? undefined : onDragOver}
          onDrop={review ? undefined : onDrop}
          deleteKeyCode={review ? null : DELETE_KEYS}
          multiSelectionKeyCode={MULTI_SELECTION_KEYS}
          selectionKeyCode="Shift"
          snapToGrid={snapToGrid}
          snapGrid={SNAP_GRID}
          colorMode={theme}
          minZoom={0.05}
          maxZoom={2}
          onlyRenderVisibleElements
          elevateNodesOnSelect={false}
          proOptions={PRO_OPTIONS}
          aria-label={`Canvas of flow ${flow.name}`}
        >
          <DotGrid {...grid} />
          {compact && <CompactEdges flow={flow} presentation={presentation} blocks={blockStyle} />}
          {controls}
          {showMinimap && <MiniMap pannable zoomable nodeStrokeWidth={3} />}
          {minimapToggle}
          <WalkCaption />
        </ReactFlow>
      </CardBadges.Provider>
    </DetailLevel.Provider>
  );
}
