// The failure paths of the range, ranked, with rate, interval and change against the period before (a new problem
// stands out); a path opens its conversations, a conversation opens as a transcript with its path on the canvas.
import type { FailurePathView } from '../../../shared/api/insights';
import { revealNode, useStudio } from '../store/studioStore';
import { openConversation, selectPath, useInsights } from './insightsStore';
import { Transcript } from './Transcript';

const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;

/** A node by its title where the project has it (`flow/node` on hover), a click shows it on the canvas. */
export function NodeRef({ address }: { address: string }) {
  const [flow, node] = address.split('/') as [string, string | undefined];
  const title = useStudio((s) => s.flows[flow]?.flow.nodes.find((n) => n.id === node)?.title);
  const known = useStudio((s) => Boolean(node && s.flows[flow]?.flow.nodes.some((n) => n.id === node)));
  return (
    <button
      className="link node-ref"
      title={known ? `${address}: show on the canvas` : `${address} (not in this version of the project)`}
      disabled={!known}
      onClick={(e) => {
        // in a failure path's row: show the node, do not (un)select the row
        e.stopPropagation();
        if (node) revealNode(flow, node);
      }}
    >
      {title ?? node ?? address}
    </button>
  );
}

function Change({ p }: { p: FailurePathView }) {
  if (p.change === null)
    return (
      <span className="change new" title="The start node had no turns in the period before">
        new
      </span>
    );
  const before = p.previous!;
  // outside the interval of this period: a change worth a look
  const notable = before.rate < p.interval.low || before.rate > p.interval.high;
  const arrow = p.change > 0 ? '▲' : p.change < 0 ? '▼' : '=';
  return (
    <span
      className={`change${notable ? (p.change > 0 ? ' worse' : ' better') : ''}`}
      title={`The period before: ${before.count} of ${before.base} (${pct(before.rate)})${notable ? '; outside this period’s interval' : ''}`}
    >
      {arrow} {pct(Math.abs(p.change))}
    </span>
  );
}

export function PathsTab() {
  const paths = useInsights((s) => s.paths);
  const selected = useInsights((s) => s.selectedPath);
  const conversations = useInsights((s) => s.conversations);
  const conversation = useInsights((s) => s.conversation);
  if (conversation) return <Transcript c={conversation} />;
  if (!paths.length) return <p className="muted">No turn in this range ended in a fallback, a handoff or an abandonment.</p>;
  return (
    <div className="failure-paths">
      <table aria-label="High-failure paths">
        <thead>
          <tr>
            <th>Path, and how it ends</th>
            <th title="Turns that took this path">Turns</th>
            <th title="Of the turns that started at the path's first node, with a 95% interval">Rate</th>
            <th title="Against as many days before">Change</th>
          </tr>
        </thead>
        <tbody>
          {paths.map((p) => {
            const isSelected = selected === p;
            return (
              <tr
                key={`${p.ending}:${p.path.join('>')}`}
                className={isSelected ? 'selected' : undefined}
                onClick={() => void selectPath(isSelected ? undefined : p)}
                aria-selected={isSelected}
              >
                <td className="path-cell">
                  {p.path.slice(-3).map((n, i) => (
                    <span key={i}>
                      {i > 0 || p.path.length > 3 ? ' › ' : ''}
                      <NodeRef address={n} />
                    </span>
                  ))}{' '}
                  <span className={`outcome ${p.ending}`}>{p.ending}</span>
                </td>
                <td>{p.count.toLocaleString()}</td>
                <td title={`95% interval ${pct(p.interval.low)}–${pct(p.interval.high)} (${p.count} of ${p.base})`}>
                  {pct(p.rate)} <span className="muted ci">±{pct((p.interval.high - p.interval.low) / 2)}</span>
                </td>
                <td>
                  <Change p={p} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {selected && (
        <div className="path-conversations">
          <h4>
            Conversations that took it ({conversations.length}
            {conversations.length === 50 ? '+' : ''})
          </h4>
          <ul>
            {conversations.map((id) => (
              <li key={id}>
                <button className="link" onClick={() => void openConversation(id)}>
                  {id}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
