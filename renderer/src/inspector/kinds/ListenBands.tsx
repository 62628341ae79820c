import { useEffect, useState } from 'react';
import { exampleBands, type IntentBands } from '../../../../shared/nlu/bands';
import { useStudio } from '../../store/studioStore';
import './listenBands.css';

// Under a listen node's routes: how the project's own examples of each routed intent would fare, each judged by a
// model trained without it (shared/nlu/bands.ts), against the project's accept and clarify thresholds. On demand:
// the cross-validation trains the classifier five times per locale.

export function ListenBands({ intents }: { intents: readonly string[] }) {
  const nlu = useStudio((s) => s.project?.nlu);
  const thresholds = useStudio((s) => s.project?.manifest.nlu);
  const [result, setResult] = useState<IntentBands[] | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const accept = thresholds?.accept ?? 0.7;
  const clarify = thresholds?.clarify ?? 0.4;
  // results are for the examples and thresholds they were computed from: drop them when those change
  useEffect(() => setResult(undefined), [nlu, accept, clarify]);
  if (!nlu || intents.length === 0) return null;
  const check = () => {
    setBusy(true);
    // let "Checking…" paint before the training blocks the thread
    setTimeout(() => {
      try {
        setResult(exampleBands(nlu, { accept, clarify }));
      } finally {
        setBusy(false);
      }
    }, 0);
  };
  const rows = result
    ? intents.map((id) => result.find((b) => b.intent === id) ?? { intent: id, examples: 0, accept: 0, wrong: 0, clarify: 0, noMatch: 0 })
    : [];
  return (
    <div className="insp-bands" role="group" aria-label="Examples by band">
      <button type="button" className="insp-add" disabled={busy} onClick={check}>
        {busy ? 'Checking…' : result ? 'Check the examples again' : 'Check the examples'}
      </button>
      {result && (
        <table className="insp-bands-table">
          <caption className="insp-hint">
            Each example judged by a model trained without it (accept ≥ {accept}, clarify ≥ {clarify}).
          </caption>
          <thead>
            <tr>
              <th scope="col">Intent</th>
              <th scope="col">Examples</th>
              <th scope="col">Accepted</th>
              <th scope="col">Clarify</th>
              <th scope="col">No match</th>
              <th scope="col">Other intent</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.intent}>
                <th scope="row">
                  <code>{b.intent}</code>
                </th>
                <td>{b.examples}</td>
                <td>{b.accept}</td>
                <td>{b.clarify}</td>
                <td>{b.noMatch}</td>
                <td>{b.wrong}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
