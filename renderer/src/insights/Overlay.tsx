// The Insights heat overlay on the canvas: on each card, its visits and the chosen metric's rate, coloured in five
// steps (the card's outline takes the colour, styles in insights.css), and a legend over the canvas that names
// the metric, the steps and the range of days.
import './insights.css';
import { useMemo } from 'react';
import { heatLevel, HEAT_STEPS, METRICS, metricValue, setMetric, useInsights, type Metric } from './insightsStore';

const pct = (v: number) => `${v < 0.1 && v > 0 ? (v * 100).toFixed(1) : Math.round(v * 100)}%`;
const compact = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));

/**
 * The class each card of a flow takes while the overlay shows: `insights-heat-N` for its step of the chosen metric,
 * `insights-none` without visits (insights.css rings the hottest and fades the unvisited). Worked out once for the
 * flow by the canvas and handed to the cards (CardBadges), rather than styled from the badge inside the card with
 * `:has()`, which has the browser check every card mounted (a pan mounts each card coming into view), overlay open
 * or not.
 */
export function useCardHeat(flowId: string, open: boolean): ReadonlyMap<string, string> | undefined {
  const byNode = useInsights((s) => s.byNode);
  const metric = useInsights((s) => s.metric);
  const maxVisits = useInsights((s) => s.maxVisits);
  return useMemo(() => {
    if (!open) return undefined;
    const prefix = `${flowId}/`;
    const out = new Map<string, string>();
    for (const [key, stats] of byNode) {
      if (!key.startsWith(prefix)) continue;
      const v = metricValue(stats, metric, maxVisits);
      out.set(key.slice(prefix.length), v === undefined ? 'insights-none' : `insights-heat-${heatLevel(v)}`);
    }
    return out;
  }, [open, byNode, metric, maxVisits, flowId]);
}

/**
 * On a card while the overlay shows (the canvas says whether it does: CardBadges in NodeCard.tsx, so a card that
 * mounts with the overlay closed, as most do when a pan brings them into view, subscribes to nothing).
 */
export function InsightsBadge({ flowId, nodeId }: { flowId: string; nodeId: string }) {
  const stats = useInsights((s) => (s.open ? s.byNode.get(`${flowId}/${nodeId}`) : undefined));
  const metric = useInsights((s) => s.metric);
  const maxVisits = useInsights((s) => s.maxVisits);
  if (!stats) {
    return (
      <span className="insights-badge none" title="No visits in the range">
        0
      </span>
    );
  }
  const v = metricValue(stats, metric, maxVisits) ?? 0;
  const label = METRICS.find((m) => m.id === metric)!.label.toLowerCase();
  const detail = [
    `${stats.visits.toLocaleString()} visits`,
    `fallback ${pct(stats.fallback / stats.visits)}`,
    `not sure ${pct(stats.notSure / stats.visits)}`,
    `handoff ${pct(stats.handoff / stats.visits)}`,
    `guardrail ${pct(stats.guardrail / stats.visits)}`,
    `abandoned here ${stats.abandoned.toLocaleString()}`,
  ].join(' · ');
  return (
    <span className={`insights-badge heat-${heatLevel(v)}`} title={detail} aria-label={`${stats.visits} visits, ${label} ${pct(v)}`}>
      {compact(stats.visits)}
      {metric !== 'visits' && <b> {pct(v)}</b>}
    </span>
  );
}

/** The legend over the canvas while the overlay shows: the metric (switchable), its five steps, the range. */
export function InsightsLegend() {
  const open = useInsights((s) => s.open && Boolean(s.overlay));
  const metric = useInsights((s) => s.metric);
  const range = useInsights((s) => s.overlay?.range);
  const turns = useInsights((s) => s.overlay?.turns ?? 0);
  if (!open || !range) return null;
  const steps = [0, ...HEAT_STEPS];
  return (
    <div className="insights-legend" role="group" aria-label="Insights overlay legend">
      <label>
        Heat:{' '}
        <select value={metric} onChange={(e) => setMetric(e.target.value as Metric)} aria-label="Overlay metric">
          {METRICS.map((m) => (
            <option key={m.id} value={m.id} title={m.title}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <span className="steps">
        {steps.map((t, i) => (
          <span key={t} className={`step heat-${i}`}>
            {metric === 'visits' ? `${pct(t)}+ of max` : `${pct(t)}+`}
          </span>
        ))}
      </span>
      <span className="muted">
        {range.from} – {range.to} · {turns.toLocaleString()} turns
      </span>
    </div>
  );
}
