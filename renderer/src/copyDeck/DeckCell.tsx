// One locale's cell of a copy deck row: the text (each variant on its own line), marked when it is missing, stale or
// the engine's default wording; a click (or Enter) edits it in place, Enter or leaving the cell saves, Escape
// cancels, Shift+Enter starts a new line.
import { useState } from 'react';
import type { DeckRow } from '../../../shared/copy/deck';
import { variantsOf } from '../../../shared/copy/deck';
import type { CopyEdit } from '../../../shared/copy/table';
import type { CopyText } from '../../../shared/schema/common';
import type { CopyLintFinding } from '../../../shared/copy/lint';

interface Props {
  row: DeckRow;
  locale: string;
  defaultLocale: string;
  onCommit(edit: CopyEdit): void;
  onRefused(message: string): void;
  /** What the copy lint finds in the cell's text. */
  findings?: readonly (CopyLintFinding & { variant: number })[] | undefined;
  ruleTitle?: ((rule: CopyLintFinding['rule']) => string) | undefined;
  ruleDescription?: ((rule: CopyLintFinding['rule']) => string) | undefined;
}

/** The edit a cell's new variants make, or a reason it cannot be made; undefined when nothing changed. */
export function cellEdit(row: DeckRow, locale: string, defaultLocale: string, drafts: readonly string[]): CopyEdit | string | undefined {
  const own = row.text[locale];
  const words = drafts.map((d) => d.trim()).filter((d) => d !== '');
  let after: CopyText | undefined = words.length === 0 ? undefined : Array.isArray(own) ? words : words.join('\n');
  const engine = row.engineText?.[locale];
  if (row.source.type === 'builtin' && engine !== undefined && after === engine) after = undefined;
  const same = variantsOf(own).join('\u0000') === variantsOf(after).join('\u0000');
  if (same) return undefined;
  if (after === undefined && locale === defaultLocale && row.source.type !== 'builtin')
    return `The ${locale} text cannot be empty: it is the project's default locale.`;
  return { id: row.id, locale, before: own, after };
}

export function DeckCell({ row, locale, defaultLocale, onCommit, onRefused, findings, ruleTitle, ruleDescription }: Props) {
  const own = row.text[locale];
  const engine = own === undefined ? row.engineText?.[locale] : undefined;
  const [drafts, setDrafts] = useState<string[] | undefined>();
  const stale = row.stale[locale];
  const missing = own === undefined && engine === undefined;

  const start = () => setDrafts(variantsOf(own ?? engine).length ? [...variantsOf(own ?? engine)] : ['']);
  const commit = (values: string[]) => {
    setDrafts(undefined);
    const edit = cellEdit(row, locale, defaultLocale, values);
    if (typeof edit === 'string') onRefused(edit);
    else if (edit) onCommit(edit);
  };

  if (drafts)
    return (
      <div className="deck-cell editing" role="cell">
        {drafts.map((d, i) => (
          <textarea
            key={i}
            aria-label={`${row.field} in ${locale}${drafts.length > 1 ? `, variant ${i + 1}` : ''}`}
            value={d}
            autoFocus={i === 0}
            rows={Math.min(6, Math.max(2, Math.ceil(d.length / 40)))}
            onChange={(e) => setDrafts(drafts.map((x, j) => (j === i ? e.target.value : x)))}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setDrafts(undefined);
              else if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                commit(drafts);
              }
            }}
            onBlur={(e) => {
              // moving to another variant of the same cell is not leaving it
              if (e.relatedTarget instanceof HTMLTextAreaElement && e.currentTarget.parentElement?.contains(e.relatedTarget)) return;
              commit(drafts);
            }}
          />
        ))}
      </div>
    );
  return (
    <div
      className={`deck-cell${missing ? ' missing' : ''}${engine !== undefined ? ' engine' : ''}${stale !== undefined ? ' stale' : ''}`}
      role="cell"
      tabIndex={0}
      data-locale={locale}
      title={stale !== undefined ? `Written for an earlier ${defaultLocale} text: “${stale}”` : 'Click to edit'}
      onClick={start}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          start();
        }
      }}
    >
      {missing ? (
        <span className="deck-missing">missing</span>
      ) : (
        variantsOf(own ?? engine).map((v, i) => (
          <span key={i} className="deck-variant">
            {v}
          </span>
        ))
      )}
      {engine !== undefined && <span className="deck-tag">engine default</span>}
      {stale !== undefined && <span className="deck-tag stale">needs review</span>}
      {findings && findings.length > 0 && (
        <ul className="deck-lint" aria-label={`Copy lint, ${locale}`}>
          {findings.map((f, i) => (
            <li key={i} className={f.severity}>
              <strong title={ruleDescription?.(f.rule)}>{ruleTitle?.(f.rule) ?? f.rule}</strong>: {f.message}
              {f.suggestion ? `. ${f.suggestion}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
