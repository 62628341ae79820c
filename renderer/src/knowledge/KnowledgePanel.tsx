// The knowledge panel, over the canvas: the documents in knowledge/ with their age (stale ones flagged), importing
// documents (Markdown, HTML, text, PDF) with a result per file, a search box showing the passages and scores a
// question retrieves, the questions knowledge nodes could not answer, and a reader that shows a document with a
// passage highlighted and scrolled into view. Document text is always rendered as text, never as HTML.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { formatProblem } from '../../../shared/project/problems';
import {
  ACCEPTED,
  closeKnowledge,
  closeReader,
  importFiles,
  openPassage,
  refreshKnowledge,
  search,
  setStaleAfterDays,
  useKnowledge,
  type OpenDocument,
} from './knowledgeStore';
import './knowledge.css';

const age = (days: number) =>
  days === 0
    ? 'under a day'
    : days === 1
      ? '1 day'
      : days < 60
        ? `${days} days`
        : days < 730
          ? `${Math.round(days / 30)} months`
          : `${Math.round(days / 365)} years`;
const FORMAT: Record<string, string> = { markdown: 'Markdown', html: 'HTML', text: 'text', pdf: 'PDF' };

function Documents() {
  const documents = useKnowledge((s) => s.documents);
  const problems = useKnowledge((s) => s.problems);
  const staleAfterDays = useKnowledge((s) => s.staleAfterDays);
  return (
    <section className="kb-section" aria-label="Documents">
      <div className="kb-row">
        <h4>Documents ({documents.length})</h4>
        <label className="kb-stale-days" title="A document not reviewed or imported for longer than this is flagged as stale">
          stale after
          <input
            type="number"
            min={1}
            max={36500}
            value={staleAfterDays}
            onChange={(e) => setStaleAfterDays(Number(e.target.value))}
            aria-label="Stale after days"
          />
          days
        </label>
      </div>
      {!documents.length && <p className="muted">No documents yet: import some, or add Markdown files to knowledge/.</p>}
      <ul className="kb-docs">
        {documents.map((d) => (
          <li key={d.source} data-source={d.source} className={d.stale ? 'stale' : ''}>
            <button className="link kb-doc-title" onClick={() => void openPassage({ source: d.source })} title={`Open knowledge/${d.source}`}>
              {d.title}
            </button>
            <span className="kb-doc-file">{d.source}</span>
            <span className="kb-doc-meta">
              {d.importedFrom ? `imported from ${d.importedFrom} (${FORMAT[d.format ?? ''] ?? d.format})` : 'written here'} ·{' '}
              {d.chunks === 1 ? '1 passage' : `${d.chunks} passages`} ·{' '}
              <span
                title={`reviewed ${d.reviewedAt ?? 'never'}; imported ${d.importedAt ?? 'never'}; changed ${d.updatedAt}${d.changedIn === 'git' ? ' (its last commit)' : ''}${d.atLeast ? ', or before: the history read goes back that far' : ''}`}
              >
                {d.atLeast ? 'over ' : ''}
                {age(d.ageDays)} old
              </span>
              {d.stale && (
                <span className="kb-stale" title={`Older than ${staleAfterDays} days: check it is still right, then set reviewed_at in its front matter`}>
                  stale
                </span>
              )}
            </span>
            {d.problem && <span className="kb-problem">{d.problem}</span>}
          </li>
        ))}
      </ul>
      {problems.map((p, i) => (
        <p key={i} className="kb-problem">
          {formatProblem(p)}
        </p>
      ))}
    </section>
  );
}

function Import() {
  const input = useRef<HTMLInputElement>(null);
  const importing = useKnowledge((s) => s.importing);
  const imported = useKnowledge((s) => s.imported);
  return (
    <section className="kb-section" aria-label="Import">
      <div className="kb-row">
        <button onClick={() => input.current?.click()} disabled={importing}>
          {importing ? 'Importing…' : 'Import documents…'}
        </button>
        <span className="muted">Markdown, HTML, text or PDF: converted to Markdown in knowledge/</span>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPTED}
          hidden
          aria-label="Documents to import"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            void importFiles(files);
          }}
        />
      </div>
      {imported.length > 0 && (
        <ul className="kb-imported" aria-label="Import results">
          {imported.map((r, i) => (
            <li key={i} className={r.ok ? 'ok' : 'failed'}>
              {r.ok ? (
                <>
                  ✓ {r.name} → {r.file}
                  {r.renamed ? ' (the name was taken)' : ''}
                </>
              ) : (
                <>
                  ✗ {r.name}: {r.error}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Search() {
  const [text, setText] = useState(useKnowledge.getState().query);
  const hits = useKnowledge((s) => s.hits);
  const minScore = useKnowledge((s) => s.minScore);
  const searching = useKnowledge((s) => s.searching);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void search(text);
  };
  return (
    <section className="kb-section" aria-label="Search">
      <form className="kb-row" onSubmit={submit}>
        <input
          className="kb-query"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Ask a question the bot might get"
          aria-label="Search the knowledge base"
        />
        <button type="submit" disabled={searching || !text.trim()}>
          Search
        </button>
      </form>
      {hits && !hits.length && <p className="muted">No passage matches.</p>}
      {hits && hits.length > 0 && (
        <ol className="kb-hits">
          {hits.map((h, i) => (
            <li key={h.id ?? i} className={minScore !== undefined && h.score < minScore ? 'weak' : ''}>
              <button className="kb-hit" onClick={() => void openPassage(h)} title="Open the passage in its document">
                <span className="kb-score" title={minScore !== undefined ? `A knowledge node answers from ${minScore} up` : undefined}>
                  {h.score.toFixed(2)}
                </span>
                <span className="kb-hit-where">
                  {h.source}
                  {h.heading ? ` › ${h.heading}` : ''}
                </span>
                <span className="kb-hit-text">{h.text}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Unanswered() {
  const questions = useKnowledge((s) => s.unanswered);
  return (
    <section className="kb-section" aria-label="Unanswered questions">
      <div className="kb-row">
        <h4>Unanswered questions ({questions.length})</h4>
        <button className="small" onClick={() => void refreshKnowledge()}>
          Refresh
        </button>
      </div>
      {!questions.length && <p className="muted">None yet: questions a knowledge node sends to not-sure, in the simulator or in stories, show here.</p>}
      <ul className="kb-unanswered">
        {questions.map((q, i) => (
          <li key={i}>
            <button className="link" onClick={() => void search(q.question)} title="See what it retrieves">
              “{q.question}”
            </button>
            <span className="muted">
              {' '}
              {q.count > 1 ? `${q.count}× · ` : ''}
              {q.from === 'story' ? q.where : 'simulator'} · {q.flow}/{q.node}
              {q.bestScore !== null ? ` · best ${q.bestScore.toFixed(2)} in ${q.bestSource}` : ' · nothing retrieved'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

// the importer's page markers (`<!-- page 3 -->` on a line of its own): shown as a quiet page label, not as markup
const PAGE_MARKER = /^<!-- page (\d+) -->$/gm;

/** A piece of a document's text, its page markers shown as labels (the text's characters are otherwise as they are). */
function DocText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(PAGE_MARKER)) {
    parts.push(text.slice(last, m.index));
    parts.push(
      <span key={m.index} className="kb-page">
        page {m[1]}
      </span>,
    );
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}

function Reader({ doc }: { doc: OpenDocument }) {
  const mark = useRef<HTMLElement>(null);
  useEffect(() => {
    mark.current?.scrollIntoView({ block: 'center' });
  }, [doc]);
  const from = doc.bodyStart;
  const hasMark = doc.start !== undefined && doc.end !== undefined && doc.end > doc.start;
  const start = Math.max(from, doc.start ?? from);
  const end = Math.max(start, doc.end ?? start);
  return (
    <section className="kb-reader" aria-label={`Document ${doc.source}`}>
      <div className="kb-row">
        <h4>{doc.title}</h4>
        <span className="kb-doc-file">knowledge/{doc.source}</span>
        <button className="small" onClick={closeReader} aria-label="Close the document">
          ✕
        </button>
      </div>
      <pre className="kb-doc-text">
        {hasMark ? (
          <>
            <DocText text={doc.text.slice(from, start)} />
            <mark ref={mark} className="kb-passage" data-passage={doc.id ?? ''}>
              {doc.text.slice(start, end)}
            </mark>
            <DocText text={doc.text.slice(end)} />
          </>
        ) : (
          <DocText text={doc.text.slice(from)} />
        )}
      </pre>
    </section>
  );
}

export function KnowledgePanel() {
  const error = useKnowledge((s) => s.error);
  const reader = useKnowledge((s) => s.reader);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && (useKnowledge.getState().reader ? closeReader() : closeKnowledge());
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <aside className="knowledge" data-testid="knowledge" aria-label="Knowledge">
      <div className="kb-head">
        <strong>Knowledge</strong>
        <span className="muted">the documents knowledge nodes answer from</span>
        <button className="small" onClick={closeKnowledge} aria-label="Close the knowledge panel">
          ✕
        </button>
      </div>
      {error && (
        <div className="kb-error" role="alert">
          {error}
        </div>
      )}
      <div className={`kb-body${reader ? ' reading' : ''}`}>
        <div className="kb-column">
          <Import />
          <Documents />
          <Search />
          <Unanswered />
        </div>
        {reader && <Reader doc={reader} />}
      </div>
    </aside>
  );
}
