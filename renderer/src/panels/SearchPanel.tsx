import { Fragment, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import { create } from 'zustand';
import { KIND_LABEL } from '../../../shared/project/describe';
import { createSearchIndex, search, updateSearchIndex, type SearchResult, type Snippet } from '../../../shared/project/search';
import { flowsOf } from '../store/studioState';
import { onProjectSwitch, revealNode, useStudio } from '../store/studioStore';
import './search.css';

const LIMIT = 50;

/** Whether the search is open; `seq` changes on every `openSearch()`, so asking again re-focuses the input. */
const useSearchPanel = create<{ open: boolean; seq: number; query: string }>(() => ({ open: false, seq: 0, query: '' }));

/** Opens the search over all flows (the Ctrl/Cmd+F and Ctrl/Cmd+K shortcuts, a search button). */
export function openSearch(): void {
  useSearchPanel.setState((s) => ({ open: true, seq: s.seq + 1 }));
}

export function closeSearch(): void {
  useSearchPanel.setState({ open: false });
}

export const useSearchOpen = (): boolean => useSearchPanel((s) => s.open);

// Another project: the query and results were about the old one.
onProjectSwitch(() => useSearchPanel.setState({ open: false, query: '' }));

/**
 * One index for the window, kept between openings and brought up to date when the search opens or the flows
 * change while it is open: only flows and nodes that changed identity are re-indexed, never on each keystroke.
 */
const index = createSearchIndex();

/** Ctrl/Cmd+F or Ctrl/Cmd+K, except in the source editor (Monaco has its own find and Ctrl+K chords). */
export function isSearchShortcut(e: KeyboardEvent): boolean {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return false;
  if (e.code !== 'KeyF' && e.code !== 'KeyK' && e.key.toLowerCase() !== 'f' && e.key.toLowerCase() !== 'k') return false;
  return !(e.target instanceof Element && e.target.closest('.monaco-editor'));
}

/** The search over all flows: mounted once by App; renders nothing until opened. */
export function SearchPanel() {
  const open = useSearchOpen();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isSearchShortcut(e)) return;
      e.preventDefault();
      openSearch();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return open ? <SearchDialog /> : null;
}

interface Group {
  flowId: string;
  flowName: string;
  items: { result: SearchResult; n: number }[];
}

/** Results grouped by flow, the flows in the order of their best result, so the best result stays first. */
function groupByFlow(results: readonly SearchResult[]): { groups: Group[]; flat: SearchResult[] } {
  const byFlow = new Map<string, Group>();
  for (const result of results) {
    let g = byFlow.get(result.flowId);
    if (!g) byFlow.set(result.flowId, (g = { flowId: result.flowId, flowName: result.flowName, items: [] }));
    g.items.push({ result, n: 0 });
  }
  const groups = [...byFlow.values()];
  const flat: SearchResult[] = [];
  for (const g of groups) for (const item of g.items) item.n = flat.push(item.result) - 1;
  return { groups, flat };
}

function SearchDialog() {
  const docs = useStudio((s) => s.flows);
  const intents = useStudio((s) => s.project?.nlu.intents);
  const currentFlow = useStudio((s) => s.flowId);
  const seq = useSearchPanel((s) => s.seq);
  const query = useSearchPanel((s) => s.query);
  const deferredQuery = useDeferredValue(query);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const ids = useId();
  const optionId = (n: number) => `${ids}-option-${n}`;

  const flows = flowsOf(docs);
  const results = useMemo(() => {
    updateSearchIndex(index, flows, intents);
    return search(index, deferredQuery, { limit: LIMIT + 1 });
  }, [flows, intents, deferredQuery]);
  const { groups, flat } = useMemo(() => groupByFlow(results.slice(0, LIMIT)), [results]);
  const more = results.length > LIMIT;
  const current = Math.min(active, Math.max(flat.length - 1, 0));
  // Where the pointer last was: the browser also sends a mouse move when the list scrolls under a still pointer
  // (arrow keys scroll it), and that must not take the selection away from the keyboard.
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const pointed = (e: { clientX: number; clientY: number }): boolean => {
    // the first move only tells where the pointer is (a real move sends many)
    const moved = pointer.current !== null && (pointer.current.x !== e.clientX || pointer.current.y !== e.clientY);
    pointer.current = { x: e.clientX, y: e.clientY };
    return moved;
  };

  // Focus the input on open (and on Ctrl+K again, selecting what was typed); give focus back on close.
  useEffect(() => {
    const previous = document.activeElement;
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected && previous !== document.body) previous.focus();
    };
  }, []);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [seq]);
  // a new query selects its first result; keyed on what was typed, not on the deferred query the list shows, which
  // can catch up after the arrow keys were pressed (on a busy machine it reset a selection the user had moved)
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    list.current?.querySelector(`[data-n="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const choose = (r: SearchResult | undefined) => {
    if (!r) return;
    closeSearch();
    revealNode(r.flowId, r.nodeId);
  };

  const onKeyDown = (e: ReactKeyboardEvent) => {
    const n = flat.length;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      closeSearch();
    } else if (e.key === 'ArrowDown' && n) {
      // from the selection as it is now, not as this render saw it: two presses before React renders again
      // (a busy machine) must move two rows
      e.preventDefault();
      setActive((a) => (Math.min(a, n - 1) + 1) % n);
    } else if (e.key === 'ArrowUp' && n) {
      e.preventDefault();
      setActive((a) => (Math.min(a, n - 1) - 1 + n) % n);
    } else if (e.key === 'PageDown' && n) {
      e.preventDefault();
      setActive((a) => Math.min(Math.min(a, n - 1) + 8, n - 1));
    } else if (e.key === 'PageUp' && n) {
      e.preventDefault();
      setActive((a) => Math.max(Math.min(a, n - 1) - 8, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(flat[current]);
    } else if (e.key === 'Tab') {
      e.preventDefault(); // the input is the only stop in this dialog; the list follows ↑/↓
    }
  };

  const flowCount = Object.keys(docs).length;
  const stale = deferredQuery !== query;
  return (
    <div className="search-overlay" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && closeSearch()}>
      <div className="search-panel" role="dialog" aria-modal="true" aria-label="Search" onKeyDown={onKeyDown}>
        <div className="search-field">
          <span className="search-icon" aria-hidden="true">
            ⌕
          </span>
          <input
            ref={input}
            type="search"
            role="combobox"
            aria-label="Search flows"
            aria-expanded={flat.length > 0}
            aria-controls={`${ids}-list`}
            aria-autocomplete="list"
            aria-activedescendant={flat.length ? optionId(current) : undefined}
            placeholder={`Search copy, ids, variables, intents in ${flowCount} ${flowCount === 1 ? 'flow' : 'flows'}`}
            value={query}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => useSearchPanel.setState({ query: e.target.value })}
          />
          <kbd>Esc</kbd>
        </div>
        <div className={`search-results${stale ? ' stale' : ''}`} ref={list} id={`${ids}-list`} role="listbox" aria-label="Results">
          {groups.map((g) => (
            <div role="group" key={g.flowId} aria-labelledby={`${ids}-flow-${g.flowId}`} className="search-group">
              <div className="search-flow" id={`${ids}-flow-${g.flowId}`} role="presentation">
                {g.flowName}
                {g.flowId === currentFlow && <span className="search-here"> · this flow</span>}
              </div>
              {g.items.map(({ result: r, n }) => (
                <div
                  key={`${r.flowId}/${r.nodeId}`}
                  id={optionId(n)}
                  role="option"
                  aria-selected={n === current}
                  data-n={n}
                  data-flow-id={r.flowId}
                  data-node-id={r.nodeId}
                  className="search-result"
                  onMouseDown={(e) => e.preventDefault() /* keep focus in the input */}
                  onMouseMove={(e) => pointed(e) && n !== current && setActive(n)}
                  onClick={() => choose(r)}
                >
                  <div className="search-result-head">
                    <span className={`kind-chip kind-${r.kind}`}>{KIND_LABEL[r.kind]}</span>
                    <span className="search-title">{r.title}</span>
                    {r.title !== r.nodeId && <code className="search-id">{r.nodeId}</code>}
                    <span className="search-field-label">{r.fieldLabel}</span>
                  </div>
                  <div className="search-snippet">
                    <Highlighted snippet={r.snippet} />
                  </div>
                </div>
              ))}
            </div>
          ))}
          {deferredQuery.trim() && flat.length === 0 && <p className="search-empty">No node matches “{deferredQuery.trim()}”.</p>}
          {!deferredQuery.trim() && (
            <p className="search-empty">
              Type what the bot says, a node id or title, a variable, an intent or an API operation. <kbd>↑</kbd> <kbd>↓</kbd> to move, <kbd>Enter</kbd> to go
              there.
            </p>
          )}
        </div>
        <div className="search-status" role="status" aria-live="polite">
          {deferredQuery.trim() ? `${flat.length}${more ? '+' : ''} ${flat.length === 1 ? 'result' : 'results'}${more ? ` (the first ${LIMIT})` : ''}` : ''}
        </div>
      </div>
    </div>
  );
}

/** The snippet with its match ranges in `<mark>`. */
function Highlighted({ snippet }: { snippet: Snippet }) {
  const parts: ReactNode[] = [];
  let at = 0;
  snippet.ranges.forEach(([a, b], i) => {
    if (a > at) parts.push(<Fragment key={`t${i}`}>{snippet.text.slice(at, a)}</Fragment>);
    parts.push(<mark key={`m${i}`}>{snippet.text.slice(a, b)}</mark>);
    at = b;
  });
  if (at < snippet.text.length) parts.push(<Fragment key="rest">{snippet.text.slice(at)}</Fragment>);
  return <>{parts}</>;
}
