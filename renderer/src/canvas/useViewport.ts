import { useEffect, useRef } from 'react';
import type { Edge, ReactFlowInstance } from '@xyflow/react';
import type { Flow } from '../../../shared/schema/project';
import { setSelection, useStudio } from '../store/studioStore';
import { currentAt, useSim } from '../simulator/simStore';
import { registerCanvas } from './canvasApi';
import { cardSize } from './geometry';
import type { AnyNode } from './useCanvasNodes';
import { canvasSize, openingFrame, viewportFor } from './viewportMaths';

type Instance = ReactFlowInstance<AnyNode, Edge>;

/**
 * Where the canvas looks: the commands of the toolbar and keyboard (fit, zoom, select all), a node asked for by
 * search or go-to, the opening frame, and the simulator's current node. `placed` is how many nodes the canvas
 * holds (its local node state), `setFlashId` flashes the card a focus request asked for.
 */
export function useViewport(
  flowId: string,
  flow: Flow | undefined,
  rf: Instance,
  presentation: boolean,
  placed: number,
  setFlashId: (id: string | undefined) => void,
): void {
  const focusRequest = useStudio((s) => (s.focusRequest?.flowId === flowId ? s.focusRequest : undefined));

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
    if (framed.current || placed === 0 || !flow) return;
    framed.current = true;
    if (useStudio.getState().focusRequest?.flowId === flowId) return;
    const canvas = canvasSize();
    void rf.setViewport(viewportFor(flow, openingFrame(flow, presentation, canvas), presentation, canvas));
  }, [placed, rf, flow, flowId, presentation]);

  // The simulator's current node: when the conversation moves to a node out of view, bring it into view.
  const simCurrent = useSim((s) => {
    if (!s.open || !s.follow) return undefined;
    const at = currentAt(s.turns);
    return at?.flow === flowId ? at.node : undefined;
  });
  const hasNodes = placed > 0;
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
}
