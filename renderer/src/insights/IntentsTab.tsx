// New-intent discovery: what the bot did not understand in the range, clustered; each cluster with its size,
// samples and nearest existing intent, made a new intent or added to an existing one in one action.
import { useMemo, useState } from 'react';
import type { ClusterView } from '../../../shared/api/insights';
import { useStudio } from '../store/studioStore';
import { addTemporaryRoute, clusterToIntent, discover, useInsights } from './insightsStore';
import { NodeRef } from './PathsTab';

const ID = /^[a-z][a-z0-9_]{0,63}$/;

function Cluster({ c }: { c: ClusterView }) {
  const nlu = useStudio((s) => s.project?.nlu.intents);
  const intents = useMemo(() => nlu?.map((i) => i.id) ?? [], [nlu]);
  const note = useInsights((s) => s.clusterNotes[c.id]);
  const [name, setName] = useState(c.suggestedName);
  const [target, setTarget] = useState(c.nearestIntent?.id ?? intents[0] ?? '');
  const [busy, setBusy] = useState(false);
  const taken = intents.includes(name);
  const run = async (work: () => Promise<boolean>) => {
    setBusy(true);
    await work();
    setBusy(false);
  };
  return (
    <li className="cluster" aria-label={`Cluster ${c.suggestedName}`}>
      <div className="cluster-head">
        <b>{c.size.toLocaleString()}</b> utterances ({c.distinct} distinct) · <span className="muted">{c.topTerms.join(', ')}</span>
      </div>
      <ul className="samples">
        {c.samples.map((s) => (
          <li key={s}>“{s}”</li>
        ))}
      </ul>
      {c.at && (
        <div className="muted said-at">
          said at <NodeRef address={c.at.node} />
          {c.at.share < 0.995 ? ` (${Math.round(c.at.share * 100)}%)` : ''}
        </div>
      )}
      {c.nearestIntent && (
        <div className="muted nearest" title="Cosine similarity of the cluster's centre to the intent's examples">
          nearest intent: {c.nearestIntent.id} ({c.nearestIntent.similarity.toFixed(2)})
        </div>
      )}
      <div className="cluster-actions">
        <input aria-label="New intent name" value={name} onChange={(e) => setName(e.target.value.trim())} spellCheck={false} />
        <button
          disabled={busy || !ID.test(name) || taken}
          title={
            taken ? `${name} exists: add the utterances to it instead` : !ID.test(name) ? 'lower_snake_case: a letter, then letters, digits or _' : undefined
          }
          onClick={() => void run(() => clusterToIntent(c, name, true))}
        >
          Create intent
        </button>
        {intents.length > 0 && (
          <>
            <select aria-label="Existing intent" value={target} onChange={(e) => setTarget(e.target.value)}>
              {intents.map((i) => (
                <option key={i}>{i}</option>
              ))}
            </select>
            <button disabled={busy || !target} onClick={() => void run(() => clusterToIntent(c, target, false))}>
              Add as examples
            </button>
          </>
        )}
      </div>
      {c.at && intents.includes(name) && (
        <div className="cluster-actions">
          <button
            disabled={busy}
            title="Until a real answer is written: route the intent where it was said to a message that acknowledges the topic"
            onClick={() => addTemporaryRoute(c, name)}
          >
            Add a temporary route
          </button>
        </div>
      )}
      {note && (
        <div className="cluster-note" role="status">
          {note}
        </div>
      )}
    </li>
  );
}

export function IntentsTab() {
  const clusters = useInsights((s) => s.clusters);
  const discovered = useInsights((s) => s.discovered);
  const busy = useInsights((s) => s.discovering);
  return (
    <div className="insights-intents">
      <p className="muted">
        What customers said that the bot did not understand (fallback, not sure, or an intent under 0.5 confidence), grouped by what it is about.
      </p>
      <button onClick={() => void discover()} disabled={busy}>
        {busy ? 'Looking…' : clusters ? 'Look again' : 'Find new intents'}
      </button>
      {clusters && discovered && (
        <p className="muted">
          {clusters.length} clusters from {discovered.total.toLocaleString()} utterances ({discovered.noise.toLocaleString()} in no cluster)
        </p>
      )}
      {clusters && (
        <ol className="clusters">
          {clusters.map((c) => (
            <Cluster key={c.id} c={c} />
          ))}
        </ol>
      )}
    </div>
  );
}
