// The stories panel: the project's regression stories by flow and tag, run one / all / failed with live
// progress, each result with a readable diff of the conversation (expected vs actual at the turn that diverged)
// and a click through to the node; coverage per flow, and an overlay of unvisited nodes on the canvas.
import { useMemo } from 'react';
import type { StoryInfo, StoryRunView } from '../../../shared/api/contract';
import { formatProblem } from '../../../shared/project/problems';
import type { Failure } from '../../../shared/stories/run';
import { openSource, revealNode, useStudio } from '../store/studioStore';
import { closeStories, runFailed, runStories, setStories, storiesThrough, useStories } from './storiesStore';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : '–');

function gotoNode(address: string | undefined): void {
  if (!address) return;
  const [flow, node] = address.split('/');
  if (flow && node && useStudio.getState().flows[flow]) revealNode(flow, node);
}

function FailureView({ f }: { f: Failure }) {
  return (
    <div className="story-failure">
      <div>
        <b>{f.check}</b>
      </div>
      <div className="diff-line expected">expected: {show(f.expected)}</div>
      <div className="diff-line actual">actual: {show(f.actual)}</div>
      {f.node && (
        <button className="link" onClick={() => gotoNode(f.node)} title="Show on the canvas the node where the conversation left the expected way">
          parted at {f.node} →
        </button>
      )}
    </div>
  );
}

function ResultView({ r }: { r: StoryRunView }) {
  return (
    <div className="story-result">
      {r.error && <div className="t-error">error: {r.error}</div>}
      {r.runs > 1 && (
        <div className="muted">
          passed {r.passes} of {r.runs} runs
        </div>
      )}
      <ol className="story-turns">
        {r.turns.map((t) => (
          <li key={t.index} className={t.failures.length ? 'failed' : ''} data-turn={t.index}>
            <div className="story-user">
              {t.index === 0 ? (
                <i>(bot opens)</i>
              ) : t.input.type === 'text' ? (
                `“${t.input.text}”`
              ) : t.input.type === 'button' ? (
                `[${t.input.payload}]`
              ) : t.input.type === 'event' ? (
                `[event ${t.input.name}]`
              ) : (
                ''
              )}
              {t.line !== undefined && <span className="muted"> · line {t.line}</span>}
            </div>
            {t.says.map((s, i) => (
              <div key={i} className="story-bot">
                {s}
              </div>
            ))}
            {t.failures.map((f, i) => (
              <FailureView key={i} f={f} />
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}

function StoryRow({ s }: { s: StoryInfo }) {
  const r = useStories((st) => st.results[s.file]);
  const expanded = useStories((st) => st.expanded === s.file);
  const running = useStories((st) => st.running);
  const status = r ? (r.passed ? 'passed' : 'failed') : 'not-run';
  return (
    <li className={`story ${status}`} data-file={s.file}>
      <div className="story-row">
        <span className="story-status" aria-label={status.replace('-', ' ')}>
          {r ? (r.passed ? '✓' : '✗') : '•'}
        </span>
        <button className="story-name link" onClick={() => setStories({ expanded: expanded ? undefined : s.file })} aria-expanded={expanded}>
          {s.name}
        </button>
        <button onClick={() => void runStories([s.file])} disabled={running} aria-label={`Run ${s.name}`}>
          Run
        </button>
        <button onClick={() => openSource(s.file)} aria-label={`Open ${s.file}`} title={s.file}>
          ✎
        </button>
      </div>
      {r && !r.passed && r.firstFailure && !expanded && (
        <div className="story-first-failure">
          turn {r.firstFailure.turn}: {r.firstFailure.failure.check}
          {r.firstFailure.failure.node && (
            <>
              {' '}
              <button
                className="link"
                onClick={() => gotoNode(r.firstFailure?.failure.node)}
                title="Show on the canvas the node where the conversation left the expected way"
              >
                at {r.firstFailure.failure.node} →
              </button>
            </>
          )}
        </div>
      )}
      {expanded && r && <ResultView r={r} />}
    </li>
  );
}

/** Re-runs the stories that went through the selected node in their last run (after an edit of it). */
function RunThroughSelected() {
  const address = useStudio((s) => (s.flowId && s.selectedNodeId ? `${s.flowId}/${s.selectedNodeId}` : undefined));
  const results = useStories((s) => s.results);
  const running = useStories((s) => s.running);
  const files = useMemo(() => (address ? storiesThrough(results, address) : []), [results, address]);
  if (!address || files.length === 0) return null;
  return (
    <button onClick={() => void runStories(files)} disabled={running} title={`The stories whose last run went through ${address}`}>
      Run the {files.length} through {address.split('/')[1]}
    </button>
  );
}

export function StoriesPanel() {
  const stories = useStories((s) => s.stories);
  const results = useStories((s) => s.results);
  const problems = useStories((s) => s.problems);
  const running = useStories((s) => s.running);
  const progress = useStories((s) => s.progress);
  const error = useStories((s) => s.error);
  const coverage = useStories((s) => s.coverage);
  const overlay = useStories((s) => s.overlay);
  const tag = useStories((s) => s.tag);
  const tags = [...new Set(stories.flatMap((s) => s.tags))].sort();
  const shown = tag ? stories.filter((s) => s.tags.includes(tag)) : stories;
  const byFlow = new Map<string, StoryInfo[]>();
  for (const s of shown) {
    const key = s.flows[0] ?? '(no flow)';
    byFlow.set(key, [...(byFlow.get(key) ?? []), s]);
  }
  const done = Object.values(results);
  const passed = done.filter((r) => r.passed).length;
  const failed = done.length - passed;

  return (
    <aside className="stories" aria-label="Stories" data-testid="stories">
      <header className="sim-head">
        <strong>Stories</strong>
        <span className="sim-model">{stories.length} stories</span>
        <button onClick={() => void runStories()} disabled={running || !stories.length}>
          Run all
        </button>
        <button onClick={() => void runFailed()} disabled={running || !failed}>
          Run failed
        </button>
        <RunThroughSelected />
        <button onClick={closeStories} aria-label="Close the stories panel">
          ✕
        </button>
      </header>
      <div className="stories-bar">
        <label>
          Tag{' '}
          <select value={tag ?? ''} onChange={(e) => setStories({ tag: e.target.value || undefined })}>
            <option value="">all</option>
            {tags.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label title="Mark on the canvas the nodes no story visits">
          <input type="checkbox" checked={overlay} onChange={(e) => setStories({ overlay: e.target.checked })} /> Coverage on canvas
        </label>
      </div>
      <div className="stories-summary" role="status">
        {running && progress ? `Running… ${progress.done}/${progress.total}` : done.length ? `${passed} passed, ${failed} failed` : 'Not run yet'}
        {coverage && (
          <span className="muted">
            {' '}
            · nodes {pct(coverage.visitedNodes, coverage.nodes)} · exits {pct(coverage.coveredExits, coverage.exits)}
          </span>
        )}
      </div>
      {error && (
        <div className="bubble error" role="alert">
          {error}
        </div>
      )}
      {problems.length > 0 && (
        <ul className="story-problems" aria-label="Problems in story files">
          {problems.map((p, i) => (
            <li key={i} className="t-error">
              <button className="link" onClick={() => openSource(p.file)}>
                {formatProblem(p)}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="stories-list">
        {[...byFlow].map(([flow, list]) => {
          const fc = coverage?.flows.find((f) => f.flow === flow);
          return (
            <section key={flow}>
              <h4>
                {useStudio.getState().flows[flow]?.flow.name ?? flow}
                {fc && <span className="muted"> · {pct(fc.visitedNodes, fc.nodes)} of nodes</span>}
              </h4>
              <ul>
                {list.map((s) => (
                  <StoryRow key={s.file} s={s} />
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </aside>
  );
}
