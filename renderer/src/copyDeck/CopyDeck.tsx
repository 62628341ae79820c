// The copy deck: one table of every line the bot can say across the project (shared/copy/deck.ts), a column per
// locale, edited in place (the canvas shows the edit at once: it is the same store), filtered by flow, by what is
// missing or stale in a locale, by the stories that check a line, and by words; find and replace across the
// project; CSV and XLSX export and import. Long projects stay fast: only the rows on screen are drawn.
import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { charCount, deckRows, shownText, variantsOf, type DeckRow } from '../../../shared/copy/deck';
import { gradedLocale, readingGrade } from '../../../shared/copy/readingLevel';
import type { CopyEdit } from '../../../shared/copy/table';
import { localeName } from '../../../shared/project/localeName';
import { useChecks } from '../store/checks';
import { flowsOf } from '../store/studioState';
import { applyCopyEdits, copyBatchLabel, errorText, revealNode, undoCopyBatch, useStudio } from '../store/studioStore';
import { DeckCell } from './DeckCell';
import { checkedRows, copyRefsOf, filterRows, type DeckFilter, type DeckQuery } from './filters';
import { LastChangeCell, useCopyHistory } from './lastChange';
import { ReplacePanel } from './ReplacePanel';
import { Sheets } from './Sheets';
import { useLintModel, useLintModule } from './useLint';
import type { CopyLintFinding } from '../../../shared/copy/lint';
import { BUILTIN_PLACEHOLDERS } from '../../../shared/schema/builtinCopy';

type LintFinding = CopyLintFinding & { variant: number };
import './copyDeck.css';

function useDeckRows(): DeckRow[] {
  const project = useStudio((s) => s.project);
  const docs = useStudio((s) => s.flows);
  return useMemo(() => (project ? deckRows({ manifest: project.manifest, flows: flowsOf(docs), guardrails: project.guardrails }) : []), [project, docs]);
}

/** The ids of the rows some story checks, by id, alias or words. */
function useChecked(rows: readonly DeckRow[]): Set<string> {
  const files = useStudio((s) => s.stories.files);
  const checks = useChecks();
  return useMemo(() => {
    const refs = new Set(Object.values(files).flatMap((d) => copyRefsOf(d.text)));
    const word = checks ? Object.entries(files).flatMap(([f, d]) => checks.wordChecksOf(f, d.text)) : [];
    return checkedRows(rows, refs, (texts) => word.some((c) => checks!.checksWords(c, texts)));
  }, [rows, files, checks]);
}

export default function CopyDeck() {
  const manifest = useStudio((s) => s.project?.manifest);
  useStudio((s) => s.historyTick); // the undo button follows every edit
  const rows = useDeckRows();
  const checked = useChecked(rows);
  const locales = useMemo(() => manifest?.locales ?? ['en'], [manifest]);
  const defaultLocale = manifest?.defaultLocale ?? 'en';
  const [query, setQuery] = useState<DeckQuery>({ flow: 'all', filter: 'all', locale: locales.find((l) => l !== defaultLocale) ?? defaultLocale, text: '' });
  const [replacing, setReplacing] = useState(false);
  const [message, setMessage] = useState('');
  const history = useCopyHistory();
  const lint = useLintModule();
  const model = useLintModel();
  // the lint's findings by row and locale (each text is linted once: lint.ts keeps the results)
  const findings = useMemo(() => {
    const out = new Map<string, Map<string, LintFinding[]>>();
    if (!lint || !model) return out;
    for (const r of rows) {
      const byLocale = new Map<string, LintFinding[]>();
      for (const l of locales) {
        const t = r.text[l];
        const f = t === undefined ? [] : lint.lintLine(t, l, model, r.source.type === 'builtin' ? (BUILTIN_PLACEHOLDERS[r.source.key] ?? []) : []);
        if (f.length) byLocale.set(l, f);
      }
      if (byLocale.size) out.set(r.id, byLocale);
    }
    return out;
  }, [lint, model, rows, locales]);
  const linted = useMemo(() => new Set(findings.keys()), [findings]);
  const shown = useMemo(() => filterRows(rows, query, checked, linted), [rows, query, checked, linted]);
  const flowIds = useMemo(() => [...new Set(rows.flatMap((r) => (r.flowId ? [r.flowId] : [])))], [rows]);
  const scroller = useRef<HTMLDivElement>(null);
  // sizes are remembered per line, not per position (a filter moves lines); a line that grows is measured again
  const virtual = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 56,
    overscan: 12,
    getItemKey: (i) => shown[i]?.id ?? i,
  });

  const apply = async (edits: CopyEdit[], label: string) => {
    try {
      await applyCopyEdits(edits, label);
      setMessage('');
    } catch (e) {
      setMessage(`Not saved: ${errorText(e)}`);
    }
  };
  const batch = copyBatchLabel();
  const set = (patch: Partial<DeckQuery>) => setQuery((q) => ({ ...q, ...patch }));
  const columns = `minmax(180px, 1.1fr) repeat(${locales.length}, minmax(200px, 2fr)) 56px 56px 120px`;

  return (
    <section className="copy-deck" aria-label="Copy deck">
      <div className="deck-toolbar">
        <input aria-label="Search copy" placeholder="Search words, ids, nodes" value={query.text} onChange={(e) => set({ text: e.target.value })} />
        <select aria-label="Flow" value={query.flow} onChange={(e) => set({ flow: e.target.value })}>
          <option value="all">All flows</option>
          {flowIds.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
          <option value="project">Project lines (parley.yaml, guardrails)</option>
        </select>
        <select aria-label="Show" value={query.filter} onChange={(e) => set({ filter: e.target.value as DeckFilter })}>
          <option value="all">Every line</option>
          <option value="missing">Missing in…</option>
          <option value="stale">Needs review in…</option>
          <option value="checked">Checked by a story</option>
          <option value="lint">Failing the copy lint</option>
        </select>
        {(query.filter === 'missing' || query.filter === 'stale') && (
          <select aria-label="Locale" value={query.locale} onChange={(e) => set({ locale: e.target.value })}>
            {locales.map((l) => (
              <option key={l} value={l}>
                {localeName(l)}
              </option>
            ))}
          </select>
        )}
        <span className="deck-count" role="status">
          {shown.length} of {rows.length} lines
        </span>
        <button onClick={() => setReplacing((r) => !r)} aria-pressed={replacing}>
          Find and replace
        </button>
        <Sheets shown={shown} all={rows} locales={locales} defaultLocale={defaultLocale} onApply={apply} />
      </div>
      {batch && (
        <div className="banner info deck-undo">
          {batch}.{' '}
          <button
            onClick={() =>
              void undoCopyBatch()
                .then((done) => setMessage(done ? '' : 'Changed since: undo each flow from the canvas.'))
                .catch((e: unknown) => setMessage(errorText(e)))
            }
          >
            Undo
          </button>
        </div>
      )}
      {message && (
        <div className="banner conflict" role="alert">
          {message}
        </div>
      )}
      {replacing && <ReplacePanel rows={rows} locales={locales} onApply={(preview, label) => apply(preview, label)} onClose={() => setReplacing(false)} />}
      <div className="deck-table" role="table" aria-label="Lines of copy" aria-rowcount={shown.length + 1}>
        <div className="deck-row deck-head" role="row" style={{ gridTemplateColumns: columns }}>
          <span role="columnheader">Line</span>
          {locales.map((l) => (
            <span role="columnheader" key={l}>
              {localeName(l)}
              {l === defaultLocale ? ' (default)' : ''}
            </span>
          ))}
          <span role="columnheader" title="Characters of the longest variant, default locale">
            Chars
          </span>
          <span role="columnheader" title="Flesch-Kincaid grade (English)">
            Grade
          </span>
          <span role="columnheader" title="The last commit that changed the line's words (git history of the project)">
            Last change
          </span>
        </div>
        <div className="deck-body" ref={scroller}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((item) => {
              const row = shown[item.index]!;
              const text = variantsOf(shownText(row, defaultLocale));
              const grade = gradedLocale(defaultLocale) && text[0] ? readingGrade(text.join(' ')) : undefined;
              return (
                <div
                  key={row.id}
                  className="deck-row"
                  role="row"
                  data-copy-id={row.id}
                  data-index={item.index}
                  ref={virtual.measureElement}
                  style={{ gridTemplateColumns: columns, transform: `translateY(${item.start}px)` }}
                >
                  <div role="rowheader" className="deck-line">
                    <span className="deck-field">{row.field}</span>
                    {row.flowId && row.nodeId ? (
                      <button className="link" onClick={() => revealNode(row.flowId!, row.nodeId!)} title="Show on the canvas">
                        {row.flowId} / {row.nodeId}
                      </button>
                    ) : (
                      <span className="deck-where">{row.source.type === 'guardrail' ? 'guardrails.yaml' : 'parley.yaml'}</span>
                    )}
                    <code className="deck-id">{row.id}</code>
                  </div>
                  {locales.map((l) => (
                    <DeckCell
                      key={l}
                      row={row}
                      locale={l}
                      defaultLocale={defaultLocale}
                      onCommit={(edit) => void apply([edit], `Edited ${row.field} (${l})`)}
                      onRefused={setMessage}
                      findings={findings.get(row.id)?.get(l)}
                      ruleTitle={lint?.ruleTitle}
                      ruleDescription={lint?.ruleDescription}
                    />
                  ))}
                  <span role="cell" className="deck-num">
                    {charCount(row, defaultLocale)}
                  </span>
                  <span role="cell" className="deck-num">
                    {grade ?? '—'}
                  </span>
                  <LastChangeCell row={row} history={history} />
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
