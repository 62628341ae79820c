// A grounded answer's citations in the simulator: its `[1]` markers as links, and the list of its sources under
// the message; each opens the knowledge panel at the passage (its offsets in the document).
import type { Citation } from '../../../shared/engine/types';
import { citationParts } from './citationMarkers';
import { openPassage } from './knowledgeStore';
import './knowledge.css';

const open = (c: Citation) => void openPassage(c);

/** The answer's text with each marker that names a citation as a link to its passage. */
export function CitedText({ text, citations }: { text: string; citations: readonly Citation[] }) {
  const byN = new Map(citations.map((c) => [c.n, c]));
  const parts = citationParts(text, new Set(byN.keys()));
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <span key={i} className="cite-group">
            [
            {p.ns.map((n, j) => (
              <span key={n}>
                {j > 0 && ', '}
                <button
                  className="cite-ref"
                  onClick={() => open(byN.get(n) as Citation)}
                  title={`Open source ${n}: ${byN.get(n)?.source}`}
                  aria-label={`Source ${n}`}
                >
                  {n}
                </button>
              </span>
            ))}
            ]
          </span>
        ),
      )}
    </>
  );
}

/** The sources under the message, numbered as in the text. */
export function CitationList({ citations }: { citations: readonly Citation[] }) {
  return (
    <ol className="citations" aria-label="Sources">
      {[...citations]
        .sort((a, b) => a.n - b.n)
        .map((c) => (
          <li key={c.n}>
            <span className="cite-n">[{c.n}]</span>{' '}
            <button onClick={() => open(c)} title={c.text}>
              {c.source}
              {c.heading ? ` › ${c.heading}` : ''}
            </button>
          </li>
        ))}
    </ol>
  );
}
