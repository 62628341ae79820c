import { formatProblem } from '../../../shared/project/problems';
import { openSource, selectFlow, selectNode, useStudio } from '../store/studioStore';

const NONE: never[] = [];

export function Sidebar() {
  const flows = useStudio((s) => s.flows);
  const current = useStudio((s) => s.flowId);
  const broken = useStudio((s) => s.project?.broken ?? NONE);
  const problems = useStudio((s) => s.problems);
  const startFlow = useStudio((s) => s.project?.manifest.startFlow);
  const ids = Object.keys(flows).sort((a, b) => (a === startFlow ? -1 : b === startFlow ? 1 : a.localeCompare(b)));
  return (
    <nav className="sidebar" aria-label="Project">
      <h3>Flows</h3>
      <ul className="flow-list" role="list">
        {ids.map((id) => {
          const doc = flows[id];
          if (!doc) return null;
          const errors = problems.filter((p) => p.flowId === id && p.severity === 'error').length;
          return (
            <li key={id}>
              <button
                className={id === current ? 'flow active' : 'flow'}
                aria-current={id === current ? 'page' : undefined}
                data-flow-id={id}
                onClick={() => selectFlow(id)}
              >
                <span className="flow-name">{doc.flow.name}</span>
                <span className="flow-meta">
                  {doc.flow.nodes.length}
                  {errors > 0 && <span className="badge error" title={`${errors} errors`}>{errors}</span>}
                  {doc.save !== 'saved' && <span className="dot" title={doc.save} />}
                </span>
              </button>
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
      <h3>Problems {problems.length > 0 && <span className="count">{problems.length}</span>}</h3>
      <ul className="problems" aria-label="Problems">
        {problems.length === 0 && <li className="none">No problems</li>}
        {problems.slice(0, 200).map((p, i) => (
          <li key={i} className={p.severity}>
            <button
              onClick={() => {
                if (p.flowId && flows[p.flowId]) {
                  selectFlow(p.flowId);
                  if (p.nodeId) selectNode(p.nodeId);
                } else openSource(p.file);
              }}
            >
              {formatProblem(p)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
