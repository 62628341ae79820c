// Review sampling: a random or stratified sample of the range's conversations (e.g. 20 of last week's handoffs),
// each read as a transcript with its path on the canvas, rated, and made a story if it should never happen again.
import { useState } from 'react';
import type { SampleStratum } from '../../../shared/api/insights';
import { drawSample, judgeCoherence, openConversation, useInsights } from './insightsStore';
import { Transcript } from './Transcript';

const KINDS: { id: SampleStratum | 'stratified' | 'all'; label: string }[] = [
  { id: 'stratified', label: 'all kinds, in equal shares' },
  { id: 'all', label: 'any conversation' },
  { id: 'handoff', label: 'handed over' },
  { id: 'abandoned', label: 'abandoned' },
  { id: 'fallback', label: 'fell back' },
  { id: 'resolved', label: 'resolved' },
];

/** How many conversations: a whole number from 1 to `max` (anything else typed is brought into range). */
function CountInput({ label, max, value, onChange }: { label: string; max: number; value: number; onChange: (n: number) => void }) {
  return (
    <input
      type="number"
      aria-label={label}
      min={1}
      max={max}
      value={value}
      onChange={(e) => onChange(Math.max(1, Math.min(max, Math.round(Number(e.target.value)) || 1)))}
    />
  );
}

/** Multi-turn coherence judged by the project's model on a sample, with its agreement with the reviewers. */
function Coherence() {
  const c = useInsights((s) => s.coherence);
  const judging = useInsights((s) => s.judging);
  const [size, setSize] = useState(20);
  return (
    <section className="coherence" aria-label="Coherence">
      <h4>Multi-turn coherence</h4>
      <p className="muted">
        Does the bot use what the customer said earlier? The project’s model judges a sample against a rubric; the conversations you rated come first, to see
        whether it agrees with you.
      </p>
      <div className="sample-controls">
        <CountInput label="Conversations to judge" max={200} value={size} onChange={setSize} />
        <button disabled={judging} onClick={() => void judgeCoherence(size)}>
          {judging ? 'Judging…' : 'Judge coherence'}
        </button>
      </div>
      {c && (
        <div role="status">
          {c.judged > 0 && (
            <p>
              Coherent in {c.coherent} of {c.judged} ({Math.round((c.rate ?? 0) * 100)}%, 95% interval {Math.round(c.interval.low * 100)}–
              {Math.round(c.interval.high * 100)}%).{' '}
              {c.agreement.rated > 0
                ? `Agreement with your ratings on ${c.agreement.rated}: ${Math.round((c.agreement.observed ?? 0) * 100)}%, Cohen's kappa ${c.agreement.kappa === null ? 'undefined (no variation)' : c.agreement.kappa.toFixed(2)}.`
                : 'Rate some conversations to measure the judge against you.'}
            </p>
          )}
          {c.failed > 0 && (
            <p className="warn">
              No verdict on {c.failed}: {c.error}
            </p>
          )}
          <ul className="verdicts">
            {c.verdicts
              .filter((v) => !v.coherent)
              .map((v) => (
                <li key={v.conversation}>
                  <button className="link" onClick={() => void openConversation(v.conversation)}>
                    {v.conversation}
                  </button>{' '}
                  {v.reason}
                </li>
              ))}
          </ul>
        </div>
      )}
    </section>
  );
}

export function ReviewTab() {
  const sample = useInsights((s) => s.sample);
  const ratings = useInsights((s) => s.ratings);
  const problem = useInsights((s) => s.ratingsProblem);
  const conversation = useInsights((s) => s.conversation);
  const [size, setSize] = useState(20);
  const [kind, setKind] = useState<(typeof KINDS)[number]['id']>('stratified');
  const [seed, setSeed] = useState(1);
  if (conversation) return <Transcript c={conversation} />;
  const rated = sample.filter((c) => ratings.has(c.conversation)).length;
  return (
    <div className="insights-review">
      <div className="sample-controls" role="group" aria-label="Draw a sample">
        <label>
          <CountInput label="Sample size" max={500} value={size} onChange={setSize} /> conversations,
        </label>
        <select aria-label="Kind of conversations" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          {KINDS.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </select>
        <button onClick={() => void drawSample(size, kind, seed)}>Draw a sample</button>
        {sample.length > 0 && (
          <button className="link" onClick={() => (setSeed(seed + 1), void drawSample(size, kind, seed + 1))} title="Another random sample">
            another
          </button>
        )}
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {sample.length > 0 && (
        <>
          <p className="muted">
            {rated} of {sample.length} rated
          </p>
          <ol className="sample-list" aria-label="Sampled conversations">
            {sample.map((c) => {
              const r = ratings.get(c.conversation);
              return (
                <li key={c.conversation}>
                  <button className="link" onClick={() => void openConversation(c.conversation)}>
                    {c.conversation}
                  </button>{' '}
                  <span className={`outcome ${c.stratum}`}>{c.stratum}</span> <span className="muted">{c.turns} turns</span>{' '}
                  {r && <span className={`rated ${r[r.length - 1]!.rating}`}>{r[r.length - 1]!.rating}</span>}
                </li>
              );
            })}
          </ol>
        </>
      )}
      <Coherence />
    </div>
  );
}
