// Find and replace across the project's copy: every line it would change is listed with its words before and after
// (the matches marked) before anything changes; applying is one undo step (shared/copy/replace.ts).
import { useMemo, useState } from 'react';
import type { DeckRow } from '../../../shared/copy/deck';
import { matchesIn, previewReplace, type ReplaceQuery } from '../../../shared/copy/replace';
import { variantsOf } from '../../../shared/copy/deck';

function Marked({ text, q }: { text: string; q: Pick<ReplaceQuery, 'find' | 'matchCase' | 'wholeWord'> }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [a, b] of matchesIn(text, q)) {
    parts.push(text.slice(at, a), <mark key={a}>{text.slice(a, b)}</mark>);
    at = b;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

interface Props {
  rows: readonly DeckRow[];
  locales: readonly string[];
  onApply(preview: ReturnType<typeof previewReplace>, label: string): Promise<void>;
  onClose(): void;
}

export function ReplacePanel({ rows, locales, onApply, onClose }: Props) {
  const [find, setFind] = useState('');
  const [replace, setReplace] = useState('');
  const [matchCase, setMatchCase] = useState(false);
  const [wholeWord, setWholeWord] = useState(false);
  const [scope, setScope] = useState<string>('all');
  const [busy, setBusy] = useState(false);
  const q: ReplaceQuery = { find, replace, matchCase, wholeWord, locales: scope === 'all' ? locales : [scope] };
  const preview = useMemo(
    () => previewReplace(rows, { find, replace, matchCase, wholeWord, locales: scope === 'all' ? locales : [scope] }),
    [rows, find, replace, matchCase, wholeWord, scope, locales],
  );
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  const count = preview.reduce((n, p) => n + p.count, 0);

  return (
    <section className="deck-replace" aria-label="Find and replace">
      <div className="deck-replace-bar">
        <input aria-label="Find" placeholder="Find" value={find} onChange={(e) => setFind(e.target.value)} autoFocus />
        <input aria-label="Replace with" placeholder="Replace with" value={replace} onChange={(e) => setReplace(e.target.value)} />
        <label>
          <input type="checkbox" checked={matchCase} onChange={(e) => setMatchCase(e.target.checked)} /> Match case
        </label>
        <label>
          <input type="checkbox" checked={wholeWord} onChange={(e) => setWholeWord(e.target.checked)} /> Whole words
        </label>
        <select aria-label="In locales" value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="all">All locales</option>
          {locales.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <button
          disabled={busy || preview.length === 0}
          onClick={() => {
            setBusy(true);
            void onApply(preview, `Replace “${find}” with “${replace}”`).finally(() => setBusy(false));
          }}
        >
          Replace in {preview.length} {preview.length === 1 ? 'line' : 'lines'}
        </button>
        <button onClick={onClose} aria-label="Close find and replace">
          ✕
        </button>
      </div>
      {find && (
        <p className="deck-replace-count" role="status">
          {count} {count === 1 ? 'match' : 'matches'} in {preview.length} {preview.length === 1 ? 'line' : 'lines'} (placeholders are never changed)
        </p>
      )}
      {preview.length > 0 && (
        <ol className="deck-replace-preview" aria-label="Changes to make">
          {preview.map((p) => {
            const row = byId.get(p.id);
            return (
              <li key={`${p.id}:${p.locale}`}>
                <span className="deck-where">
                  {row?.flowId ? `${row.flowId} / ${row.nodeId}` : 'project'} · {row?.field} · {p.locale}
                </span>
                {variantsOf(p.before).map((v, i) => (
                  <span key={i} className="deck-before">
                    <Marked text={v} q={q} />
                  </span>
                ))}
                {variantsOf(p.after).map((v, i) => (
                  <span key={i} className="deck-after">
                    {v}
                  </span>
                ))}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
