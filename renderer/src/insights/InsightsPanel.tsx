// The Insights panel: transcripts from the runtime imported into the project's analytics store (kept in the
// user's data folder, never in the project), a range of days, and what the range holds: the failure paths and the
// conversations behind them, and new intents found in what the bot did not understand. While it is open, the
// canvas shows the heat overlay (Overlay.tsx).
import { useState } from 'react';
import { IntentsTab } from './IntentsTab';
import { PathsTab } from './PathsTab';
import { ReviewTab } from './ReviewTab';
import { AbTab } from './AbTab';
import { closeInsights, defaultRange, importTranscripts, setRange, setTab, useInsights } from './insightsStore';

function ImportBox() {
  const [paths, setPaths] = useState('');
  const importing = useInsights((s) => s.importing);
  const report = useInsights((s) => s.lastImport);
  const list = paths
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  return (
    <>
      <details className="insights-import" open={!useInsights.getState().status?.turns}>
        <summary>Import transcripts</summary>
        <label>
          Files or folders of the runtime’s transcripts (JSONL) on this computer: full paths, one per line
          <textarea aria-label="Transcript paths" rows={2} value={paths} onChange={(e) => setPaths(e.target.value)} placeholder="/var/log/parley/transcripts" />
        </label>
        <button disabled={importing || !list.length} onClick={() => void importTranscripts(list)}>
          {importing ? 'Importing…' : 'Import'}
        </button>
      </details>
      {report && (
        <div className="import-report" role="status">
          Read {report.events.toLocaleString()} events from {report.files} {report.files === 1 ? 'file' : 'files'}; added {report.added.turns.toLocaleString()}{' '}
          turns
          {report.added.abandoned ? `, ${report.added.abandoned} abandonments` : ''}
          {report.added.feedback ? `, ${report.added.feedback} CSAT scores` : ''}.
          {report.malformed.count > 0 && (
            <details>
              <summary className="warn">{report.malformed.count.toLocaleString()} malformed lines skipped</summary>
              <ul>
                {report.malformed.first.map((m) => (
                  <li key={`${m.file}:${m.line}`}>
                    {m.file}:{m.line}: {m.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </>
  );
}

const pct = (r: { rate: number | null; interval: { low: number; high: number } }) =>
  r.rate === null ? '–' : `${Math.round(r.rate * 100)}% ±${Math.max(0.1, ((r.interval.high - r.interval.low) / 2) * 100).toFixed(1)}`;

/** The range's containment, escalation, resolution and CSAT, with their intervals. */
function Metrics() {
  const m = useInsights((s) => s.metrics);
  if (!m?.conversations) return null;
  return (
    <dl className="insights-metrics" aria-label="Metrics">
      <div title="Conversations never handed over to a person">
        <dt>Contained</dt>
        <dd>{pct(m.containment)}</dd>
      </div>
      <div title="Conversations handed over to a person">
        <dt>Escalated</dt>
        <dd>{pct(m.escalation)}</dd>
      </div>
      <div title="Conversations that ended resolved">
        <dt>Resolved</dt>
        <dd>{pct(m.resolution)}</dd>
      </div>
      <div title={`Customer satisfaction, 1 to 5: ${m.csat.responses.toLocaleString()} responses`}>
        <dt>CSAT</dt>
        <dd>
          {m.csat.mean === null ? '–' : m.csat.mean.toFixed(2)}
          {m.csat.interval ? ` ±${((m.csat.interval.high - m.csat.interval.low) / 2).toFixed(2)}` : ''}
        </dd>
      </div>
    </dl>
  );
}

function RangePicker() {
  const range = useInsights((s) => s.range);
  const status = useInsights((s) => s.status);
  if (!range) return null;
  return (
    <div className="insights-range" role="group" aria-label="Date range">
      <label>
        From <input type="date" aria-label="From" value={range.from} max={range.to} onChange={(e) => setRange({ ...range, from: e.target.value })} />
      </label>
      <label>
        to <input type="date" aria-label="To" value={range.to} min={range.from} onChange={(e) => setRange({ ...range, to: e.target.value })} />
      </label>
      {[7, 30].map((d) => (
        <button key={d} className="link" onClick={() => setRange(defaultRange(status, d))}>
          last {d} days
        </button>
      ))}
    </div>
  );
}

export function InsightsPanel() {
  const status = useInsights((s) => s.status);
  const overlay = useInsights((s) => s.overlay);
  const tab = useInsights((s) => s.tab);
  const error = useInsights((s) => s.error);
  const loading = useInsights((s) => s.loading);
  return (
    <aside className="insights-panel" aria-label="Insights">
      <div className="panel-head">
        <h3>Insights</h3>
        <button className="link" onClick={closeInsights} aria-label="Close insights">
          ✕
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ImportBox />
      {status && (
        <p className="muted insights-status" title={`Kept in ${status.db}`}>
          {status.conversations.toLocaleString()} conversations, {status.turns.toLocaleString()} turns
          {status.firstDay ? ` from ${status.firstDay} to ${status.lastDay}` : ''}
          {status.retentionDays ? `; kept ${status.retentionDays} days` : ''}
        </p>
      )}
      {status?.turns ? (
        <>
          <RangePicker />
          {overlay && (
            <p className="insights-totals" aria-busy={loading}>
              {overlay.conversations.toLocaleString()} conversations and {overlay.turns.toLocaleString()} turns in the range
            </p>
          )}
          <Metrics />
          <div className="tabs small" role="tablist" aria-label="Insights views">
            <button role="tab" aria-selected={tab === 'paths'} onClick={() => setTab('paths')}>
              Failure paths
            </button>
            <button role="tab" aria-selected={tab === 'intents'} onClick={() => setTab('intents')}>
              New intents
            </button>
            <button role="tab" aria-selected={tab === 'review'} onClick={() => setTab('review')}>
              Review
            </button>
            <button role="tab" aria-selected={tab === 'ab'} onClick={() => setTab('ab')}>
              A/B
            </button>
          </div>
          {tab === 'paths' ? <PathsTab /> : tab === 'intents' ? <IntentsTab /> : tab === 'review' ? <ReviewTab /> : <AbTab />}
        </>
      ) : (
        !loading && <p className="muted">No transcripts yet. Import the runtime’s transcript files to see how conversations go.</p>
      )}
    </aside>
  );
}
