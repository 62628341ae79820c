// Review sampling: a random or stratified sample of the range's conversations (e.g. 20 of last week's handoffs),
// each read as a transcript with its path on the canvas, rated, and made a story if it should never happen again.
import { useState } from 'react';
import type { SampleStratum } from '../../../shared/api/insights';
import { drawSample, openConversation, useInsights } from './insightsStore';
import { Transcript } from './Transcript';

const KINDS: { id: SampleStratum | 'stratified' | 'all'; label: string }[] = [
  { id: 'stratified', label: 'all kinds, in equal shares' },
  { id: 'all', label: 'any conversation' },
  { id: 'handoff', label: 'handed over' },
  { id: 'abandoned', label: 'abandoned' },
  { id: 'fallback', label: 'fell back' },
  { id: 'resolved', label: 'resolved' },
];

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
          <input
            type="number"
            aria-label="Sample size"
            min={1}
            max={500}
            value={size}
            onChange={(e) => setSize(Math.max(1, Math.min(500, Number(e.target.value) || 1)))}
          />{' '}
          conversations,
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
    </div>
  );
}
