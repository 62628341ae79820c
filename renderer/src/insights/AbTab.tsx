// A/B results: per node with variants, each variant's conversations, escalation, completion and CSAT with their
// intervals, and the verdict of a sequential test that stays valid however often the team looks (a winner, no
// difference yet and how many more conversations that needs, or equivalent); a winner can become the only variant.
import type { AbExperimentView, AbMetric } from '../../../shared/api/insights';
import { keepOnlyVariant, loadExperiments, useInsights } from './insightsStore';
import { NodeRef } from './PathsTab';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const half = (i: { low: number; high: number } | null, scale = 100, digits = 1) => (i ? `±${(((i.high - i.low) / 2) * scale).toFixed(digits)}` : '');
const METRIC_LABEL: Record<AbMetric, string> = { escalation: 'escalation rate (lower is better)', completion: 'completion rate', csat: 'CSAT' };

function Verdict({ e }: { e: AbExperimentView }) {
  const v = e.verdict;
  const perDay = Math.max(1, Math.round(e.variants.reduce((n, x) => n + x.conversations, 0) / Math.max(1, e.days)));
  if (v.kind === 'winner') {
    const d =
      e.metric === 'csat'
        ? `${v.difference > 0 ? '+' : ''}${v.difference.toFixed(2)} points`
        : `${v.difference > 0 ? '+' : ''}${(v.difference * 100).toFixed(1)} points`;
    return (
      <p className="verdict winner">
        <b>{v.variant}</b> wins on {METRIC_LABEL[e.metric]}: {d} against {v.over.join(', ')} (always-valid p = {v.alwaysValidPValue.toPrecision(2)}).
      </p>
    );
  }
  if (v.kind === 'equivalent')
    return <p className="verdict">No difference worth having: every variant is within ±{e.metric === 'csat' ? v.margin : pct(v.margin)} of the control.</p>;
  const more = v.moreConversationsNeeded;
  return (
    <p className="verdict">
      No difference yet
      {v.reason === 'single_variant' ? ' (one variant only)' : v.reason === 'no_data' ? ' (no data)' : ''}.{' '}
      {more !== null
        ? `About ${more.toLocaleString()} more conversations would tell (about ${Math.ceil(more / perDay)} days at this range's traffic).`
        : 'Not within reach at this traffic.'}
    </p>
  );
}

function Experiment({ e }: { e: AbExperimentView }) {
  const note = useInsights((s) => s.abNotes[e.node]);
  return (
    <li className="experiment" aria-label={`Experiment at ${e.node}`}>
      <div>
        <NodeRef address={e.node} /> <span className="muted">control: {e.control}</span>
      </div>
      <table>
        <thead>
          <tr>
            <th>Variant</th>
            <th>Conversations</th>
            <th>Escalated</th>
            <th>Completed</th>
            <th>CSAT</th>
          </tr>
        </thead>
        <tbody>
          {e.variants.map((v) => (
            <tr key={v.id}>
              <td>{v.id}</td>
              <td>{v.conversations.toLocaleString()}</td>
              <td>
                {pct(v.escalation.rate)} <span className="muted ci">{half(v.escalation.interval)}</span>
              </td>
              <td>
                {pct(v.completion.rate)} <span className="muted ci">{half(v.completion.interval)}</span>
              </td>
              <td>
                {v.csat.mean === null ? '–' : v.csat.mean.toFixed(2)} <span className="muted ci">{half(v.csat.interval, 1, 2)}</span>
                {v.csat.responses ? <span className="muted"> ({v.csat.responses})</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Verdict e={e} />
      {e.verdict.kind === 'winner' && (
        <button onClick={() => keepOnlyVariant(e.node, (e.verdict as { variant: string }).variant)}>Make {e.verdict.variant} the only variant</button>
      )}
      {note && (
        <p className="cluster-note" role="status">
          {note}
        </p>
      )}
    </li>
  );
}

export function AbTab() {
  const experiments = useInsights((s) => s.experiments);
  const metric = useInsights((s) => s.abMetric);
  return (
    <div className="insights-ab">
      <label>
        Decide on{' '}
        <select aria-label="A/B metric" value={metric} onChange={(e) => void loadExperiments(e.target.value as AbMetric)}>
          <option value="escalation">escalation rate</option>
          <option value="completion">completion rate</option>
          <option value="csat">CSAT</option>
        </select>
      </label>
      <p className="muted">
        A sequential test (mSPRT): its verdict stays right however often you look, with at most a 5% chance of naming a winner that is not one.
      </p>
      {experiments && !experiments.length && <p className="muted">No conversation in this range went through a node with A/B variants.</p>}
      <ol className="experiments">
        {experiments?.map((e) => (
          <Experiment key={e.node} e={e} />
        ))}
      </ol>
    </div>
  );
}
