import { useCallback, useMemo, useRef, useState } from 'react';
import type { Edge, EdgeChange } from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { uncoveredExits, useStories } from '../stories/storiesStore';
import { useReview } from '../review/reviewStore';
import { walkedEdges } from '../review/walkthrough';
import { removedEdges } from '../review/diffGhosts';
import { useInsights } from '../insights/insightsStore';

/**
 * Edges are cached per source node object too: only the edges of an edited node are new objects. Labels are
 * left out when zoomed out (unreadable, and costly to mount while panning), and only selected edges carry the
 * reconnection anchors.
 */
function useEdges(
  flow: Flow | undefined,
  compact: boolean,
  selectedEdges: ReadonlySet<string>,
  uncoveredExits?: ReadonlySet<string>,
  /** Edges added since the version a diff compares with. */
  addedEdges?: ReadonlySet<string>,
  /** Edges the step of a walkthrough took. */
  walked?: ReadonlySet<string>,
  /** Edges a diff removed: from removed nodes' ghosts (by id), and extra ones from nodes still there. */
  removed?: { fromGhosts: ReadonlySet<string>; extra: readonly Edge[] },
  /** The Insights overlay: turns that took each edge (and of them the failing ones), by `source>target`, and the most any edge had. */
  traffic?: { byPair: ReadonlyMap<string, { turns: number; failing: number }>; max: number },
): Edge[] {
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
        const t = traffic?.byPair.get(`${e.source}>${e.target}`);
        const turns = t?.turns;
        const failing = t && t.turns ? t.failing / t.turns : 0;
        const edge = traffic
          ? {
              ...e,
              className: turns ? 'insights-edge' : 'insights-edge none',
              style: { strokeWidth: turns ? 1 + 6 * Math.sqrt(turns / Math.max(1, traffic.max)) : 1 },
              ...(compact
                ? {}
                : {
                    label: `${e.label ? `${String(e.label)} · ` : ''}${(turns ?? 0).toLocaleString()}${failing >= 0.005 ? ` · ${Math.round(failing * 100)}% failing` : ''}`,
                  }),
            }
          : walked?.has(e.id)
            ? { ...e, className: 'walk-edge', animated: true, zIndex: 1 }
            : removed?.fromGhosts.has(e.id)
              ? { ...e, className: 'diff-removed', selectable: false }
              : addedEdges?.has(e.id)
                ? { ...e, className: 'diff-added' }
                : uncoveredExits?.has(e.id)
                  ? { ...e, className: 'cov-miss' }
                  : e;
        out.push(selectedEdges.has(e.id) ? { ...edge, selected: true, reconnectable: 'target' } : edge);
      }
    }
    if (removed) out.push(...removed.extra);
    return out;
  }, [flow, compact, selectedEdges, uncoveredExits, addedEdges, walked, removed, traffic]);
}

/**
 * The flow's exits as React Flow edges, with their selection (the edges are built here, so their `selected` flag
 * is kept here too) and the exits no story covers marked.
 */
export function useFlowEdges(flowId: string, flow: Flow | undefined, compact: boolean) {
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(() => new Set());
  const uncoveredExitList = useStories((s) => uncoveredExits(s, flowId));
  const uncoveredExitSet = useMemo(() => (uncoveredExitList ? new Set(uncoveredExitList) : undefined), [uncoveredExitList]);
  const diff = useReview((s) => s.diff?.result.flows.find((f) => f.flowId === flowId));
  const addedEdges = useMemo(() => (diff ? new Set(diff.edges.filter((e) => e.status === 'added').map((e) => `${e.from}:${e.port}`)) : undefined), [diff]);
  const walk = useReview((s) => s.walk);
  const walked = useMemo(() => (walk && flow ? walkedEdges(flow, flowId, walk.turns[walk.index]?.path ?? []) : undefined), [walk, flow, flowId]);
  const removed = useMemo(() => (diff && flow ? removedEdges(flow, diff) : undefined), [diff, flow]);
  // the Insights overlay: how many turns took each edge of this flow in the range
  const overlayEdges = useInsights((s) => (s.open ? s.overlay?.edges : undefined));
  const traffic = useMemo(() => {
    if (!overlayEdges) return undefined;
    const byPair = new Map<string, { turns: number; failing: number }>();
    const prefix = `${flowId}/`;
    for (const e of overlayEdges) {
      if (e.from.startsWith(prefix) && e.to.startsWith(prefix)) byPair.set(`${e.from.slice(prefix.length)}>${e.to.slice(prefix.length)}`, e);
    }
    return { byPair, max: Math.max(0, ...[...byPair.values()].map((x) => x.turns)) };
  }, [overlayEdges, flowId]);
  const edges = useEdges(flow, compact, selectedEdges, uncoveredExitSet, addedEdges, walked, removed, traffic);
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
  return { edges, onEdgesChange };
}
