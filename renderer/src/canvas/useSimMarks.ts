import { useMemo } from 'react';
import { currentAt, useSim, visitedByFlow } from '../simulator/simStore';
import { uncoveredNodes, useStories } from '../stories/storiesStore';
import { useReview } from '../review/reviewStore';
import { walkMarks } from '../review/walkthrough';
import { useInsights } from '../insights/insightsStore';

/**
 * Simulator highlight (the node the conversation waits at, nodes it went through), the stories' coverage, a diff,
 * a conversation stepped through in review mode.
 */
export type SimMark = 'current' | 'visited' | 'walked' | 'uncovered' | 'added' | 'changed' | 'removed';
export const MARK_CLASS: Record<SimMark, string> = {
  current: 'sim-current',
  visited: 'sim-visited',
  walked: 'walk-path',
  uncovered: 'cov-miss',
  added: 'diff-added',
  changed: 'diff-changed',
  removed: 'diff-removed',
};

/** The marks of a flow's nodes by id; undefined when the simulator is closed and no stories measure coverage. */
export function useSimMarks(flowId: string): ReadonlyMap<string, SimMark> | undefined {
  const simTurns = useSim((s) => (s.open ? s.turns : undefined));
  const uncovered = useStories((s) => uncoveredNodes(s, flowId));
  // a comparison with another version (review panel): nodes added and changed since
  const diff = useReview((s) => s.diff?.result.flows.find((f) => f.flowId === flowId));
  // a conversation stepped through in review mode (walkthrough.ts)
  const walk = useReview((s) => s.walk);
  // a conversation read in the Insights panel: the nodes it went through, and where it ended
  const read = useInsights((s) => (s.open ? s.conversation : undefined));
  return useMemo(() => {
    if (walk) return walkMarks(walk, flowId);
    if (diff) return new Map(diff.nodes.map((n) => [n.id, n.status] as const));
    if (read) {
      const m = new Map<string, SimMark>();
      const all = read.turns.flatMap((t) => t.path);
      for (const key of all) if (key.startsWith(`${flowId}/`)) m.set(key.slice(flowId.length + 1), 'visited');
      const last = read.abandoned?.waitingAt ?? all[all.length - 1];
      if (last?.startsWith(`${flowId}/`)) m.set(last.slice(flowId.length + 1), 'current');
      return m;
    }
    if (!simTurns?.length && !uncovered) return undefined;
    const m = new Map<string, SimMark>();
    for (const id of uncovered ?? []) m.set(id, 'uncovered');
    if (!simTurns?.length) return m;
    for (const id of visitedByFlow(simTurns).get(flowId) ?? []) m.set(id, 'visited');
    const at = currentAt(simTurns);
    if (at?.flow === flowId) m.set(at.node, 'current');
    return m;
  }, [simTurns, flowId, uncovered, diff, walk, read]);
}
