import { toggleCollapsed } from './panelSizes';
import { useEffect, useRef, useState } from 'react';
import { formatProblem } from '../../../shared/project/problems';
import { BuiltinLinesPanel } from '../builtinLines/BuiltinLinesPanel';
import { EscalationPanel } from '../escalation/EscalationPanel';
import { GuardrailsPanel } from '../guardrails/GuardrailsPanel';
import { createFlow, deleteFlow, errorText, openSource, renameFlow, revealNode, selectFlow, useStudio } from '../store/studioStore';

const NONE: never[] = [];

type Mode = { kind: 'menu' | 'rename' | 'delete'; flowId: string } | { kind: 'new' } | undefined;

function FlowActions({ flowId, name, isStart, close, setMode }: { flowId: string; name: string; isStart: boolean; close(): void; setMode(m: Mode): void }) {
  const [error, setError] = useState('');
  return (
    <div className="flow-menu" role="menu" aria-label={`Actions for ${name}`}>
      <button role="menuitem" onClick={() => setMode({ kind: 'rename', flowId })}>
        Rename
      </button>
      <button
        role="menuitem"
        onClick={() => {
          const doc = useStudio.getState().flows[flowId];
          if (doc) void createFlow(`${name} copy`, doc.flow).then(close, (e) => setError(errorText(e)));
        }}
      >
        Duplicate
      </button>
      <button
        role="menuitem"
        disabled={isStart}
        title={isStart ? 'The start flow cannot be deleted' : undefined}
        onClick={() => setMode({ kind: 'delete', flowId })}
      >
        Delete…
      </button>
      {error && <p className="error">{error}</p>}
    </div>
  );
}

export function Sidebar() {
  const flows = useStudio((s) => s.flows);
  const current = useStudio((s) => s.flowId);
  const broken = useStudio((s) => s.project?.broken ?? NONE);
  const problems = useStudio((s) => s.problems);
  const startFlow = useStudio((s) => s.project?.manifest.startFlow);
  const [mode, setMode] = useState<Mode>();
  const [error, setError] = useState('');
  const ids = Object.keys(flows).sort((a, b) =>
    a === startFlow ? -1 : b === startFlow ? 1 : (flows[a]?.flow.name ?? a).localeCompare(flows[b]?.flow.name ?? b),
  );
  const close = () => {
    setMode(undefined);
    setError('');
  };
  const presentation = useStudio((s) => s.presentation);
  // The ⋯ menu and the delete confirmation close like any popup: Escape, a press outside their row, another
  // flow shown (search, problems, the simulator following) or the presentation mode toggled.
  const popupFlow = mode?.kind === 'menu' || mode?.kind === 'delete' ? mode.flowId : undefined;
  const popupRow = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (!popupFlow) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setMode(undefined);
    const onDown = (e: PointerEvent) => {
      if (!(e.target instanceof Node && popupRow.current?.contains(e.target))) setMode(undefined);
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onDown, true);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onDown, true);
    };
  }, [popupFlow]);
  useEffect(() => setMode((m) => (m?.kind === 'menu' || m?.kind === 'delete' ? undefined : m)), [current, presentation]);

  return (
    <nav className="sidebar" aria-label="Project">
      <div className="sidebar-head">
        <h3>Flows</h3>
        <button className="small" onClick={() => setMode({ kind: 'new' })} aria-label="New flow">
          + New
        </button>
        <button className="collapse-panel" onClick={() => toggleCollapsed('sidebar')} aria-label="Hide the sidebar" title="Hide the sidebar">
          ‹
        </button>
      </div>
      {mode?.kind === 'new' && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const name = new FormData(e.currentTarget).get('name')?.toString().trim();
            if (name) void createFlow(name).then(close, (err) => setError(errorText(err)));
          }}
        >
          <input name="name" aria-label="New flow name" placeholder="Flow name" autoFocus onKeyDown={(e) => e.key === 'Escape' && close()} />
          <button type="submit">Create</button>
        </form>
      )}
      <ul className="flow-list" role="list">
        {ids.map((id) => {
          const doc = flows[id];
          if (!doc) return null;
          const errors = problems.filter((p) => p.flowId === id && p.severity === 'error').length;
          if (mode?.kind === 'rename' && mode.flowId === id) {
            return (
              <li key={id}>
                <form
                  className="inline-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    renameFlow(id, new FormData(e.currentTarget).get('name')?.toString() ?? '');
                    close();
                  }}
                >
                  <input name="name" aria-label="Flow name" defaultValue={doc.flow.name} autoFocus onKeyDown={(e) => e.key === 'Escape' && close()} />
                  <button type="submit">Save</button>
                </form>
              </li>
            );
          }
          return (
            <li key={id} className="flow-row" ref={popupFlow === id ? popupRow : undefined}>
              <button
                className={id === current ? 'flow active' : 'flow'}
                aria-current={id === current ? 'page' : undefined}
                data-flow-id={id}
                title={doc.flow.name}
                onClick={() => selectFlow(id)}
              >
                <span className="flow-name">{doc.flow.name}</span>
                <span className="flow-meta">
                  {doc.flow.nodes.length}
                  {errors > 0 && (
                    <span className="badge error" title={`${errors} errors`}>
                      {errors}
                    </span>
                  )}
                  {doc.save !== 'saved' && <span className={`dot ${doc.save}`} title={doc.save} />}
                </span>
              </button>
              <button
                className="more"
                aria-label={`More actions for ${doc.flow.name}`}
                aria-haspopup="menu"
                aria-expanded={popupFlow === id}
                onClick={() => setMode(mode && 'flowId' in mode && mode.flowId === id ? undefined : { kind: 'menu', flowId: id })}
              >
                ⋯
              </button>
              {mode?.kind === 'menu' && mode.flowId === id && (
                <FlowActions flowId={id} name={doc.flow.name} isStart={id === startFlow} close={close} setMode={setMode} />
              )}
              {mode?.kind === 'delete' && mode.flowId === id && (
                <div className="flow-menu confirm" role="alertdialog" aria-label={`Delete ${doc.flow.name}?`}>
                  <p>
                    Delete <b>{doc.flow.name}</b> and its file <code>flows/{id}.yaml</code>? Nodes that jump to it will show errors.
                  </p>
                  <button className="danger" onClick={() => void deleteFlow(id).then(close, (e) => setError(errorText(e)))}>
                    Delete
                  </button>
                  <button onClick={close}>Cancel</button>
                </div>
              )}
            </li>
          );
        })}
        {broken.map((b) => (
          <li key={b.file}>
            <button className="flow broken" onClick={() => openSource(b.file)} title="This file failed to load. Open it in the source view to fix it.">
              <span className="flow-name">{b.file}</span>
              <span className="badge error">!</span>
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <h3>Problems {problems.length > 0 && <span className="count">{problems.length}</span>}</h3>
      <ul className="problems" aria-label="Problems">
        {problems.length === 0 && <li className="none">No problems</li>}
        {problems.slice(0, 200).map((p, i) => (
          <li key={i} className={p.severity}>
            <button
              onClick={() => {
                if (p.flowId && p.nodeId && flows[p.flowId]) revealNode(p.flowId, p.nodeId);
                else if (p.flowId && flows[p.flowId]) selectFlow(p.flowId);
                else openSource(p.file);
              }}
            >
              {formatProblem(p)}
            </button>
          </li>
        ))}
      </ul>
      <EscalationPanel />
      <GuardrailsPanel />
      <BuiltinLinesPanel />
    </nav>
  );
}
