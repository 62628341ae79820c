// Compare the project with an earlier version (a git revision, read without running git): the canvas colours the
// nodes added and changed and the edges added, and shows removed nodes and edges where they were; here, what changed in the flow shown — nodes (removed ones
// included), edges, and each line of copy word by word — and how much changed in the other flows.
import { useState } from 'react';
import type { CopyChange, WordPart } from '../../../shared/project/projectDiff';
import { revealNode, selectFlow } from '../store/studioStore';
import { clearDiff, compareWith, useReview } from './reviewStore';

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function Words({ words }: { words: readonly WordPart[] }) {
  return (
    <span className="diff-words">
      {words.map((w, i) => (w.op === 'same' ? <span key={i}>{w.text}</span> : w.op === 'added' ? <ins key={i}>{w.text}</ins> : <del key={i}>{w.text}</del>))}
    </span>
  );
}

/** A line's change side by side: the words before (removed ones struck) and after (added ones marked). */
function CopyLines({ copy }: { copy: readonly CopyChange[] }) {
  return (
    <ul className="diff-copy">
      {copy.map((c) => (
        <li key={`${c.id}:${c.locale}`}>
          <span className="diff-field">
            {c.field} · {c.locale}
          </span>
          <div className="diff-sides">
            <div className="diff-before" aria-label="Before">
              {c.before === undefined ? <em>(none)</em> : <Words words={c.words.filter((w) => w.op !== 'added')} />}
            </div>
            <div className="diff-after" aria-label="After">
              {c.after === undefined ? <em>(none)</em> : <Words words={c.words.filter((w) => w.op !== 'removed')} />}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function DiffView({ flowId }: { flowId: string }) {
  const diff = useReview((s) => s.diff);
  const busy = useReview((s) => s.busy);
  const [rev, setRev] = useState('HEAD~1');
  const [from, setFrom] = useState<'rev' | 'folder'>('rev');
  const [folder, setFolder] = useState('');
  const target = from === 'rev' ? rev.trim() : folder.trim();
  const flow = diff?.result.flows.find((f) => f.flowId === flowId);
  const others = diff?.result.flows.filter((f) => f.flowId !== flowId) ?? [];
  return (
    <section className="review-diff" aria-label="Changes">
      <div className="review-approve">
        <select aria-label="Compare with" value={from} onChange={(e) => setFrom(e.target.value as 'rev' | 'folder')}>
          <option value="rev">Revision</option>
          <option value="folder">Folder</option>
        </select>
        {from === 'rev' ? (
          <input aria-label="Compare with revision" value={rev} onChange={(e) => setRev(e.target.value)} placeholder="HEAD~1, main, a commit" />
        ) : (
          <input aria-label="Compare with folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/another/copy" />
        )}
        <button disabled={busy || !target} onClick={() => void compareWith(from === 'rev' ? { rev: target } : { against: target })}>
          Compare
        </button>
        {diff && <button onClick={clearDiff}>Clear</button>}
      </div>
      {diff && (
        <div role="status" className="diff-summary">
          Since {diff.label}
          {diff.commit ? ` (${diff.commit.slice(0, 8)})` : ''}:{' '}
          {flow ? `${count(flow.nodes.length, 'node')} and ${count(flow.edges.length, 'edge')} changed in this flow` : 'nothing changed in this flow'}
          {others.length ? `, ${others.length} other ${others.length === 1 ? 'flow' : 'flows'} changed` : ''}.
        </div>
      )}
      {flow && (
        <ol className="diff-nodes" aria-label="Changed nodes">
          {flow.nodes.map((n) => (
            <li key={n.id} className={`diff-${n.status}`}>
              <span className="diff-mark">{n.status === 'added' ? 'added' : n.status === 'removed' ? 'removed' : 'changed'}</span>{' '}
              <button className="link" onClick={() => revealNode(flowId, n.id)} title={n.status === 'removed' ? 'Show where it stood' : 'Show on the canvas'}>
                {n.title ?? n.id}
              </button>
              {n.fields.length > 0 && <span className="diff-field"> ({n.fields.join(', ')})</span>}
              {n.copy.length > 0 && <CopyLines copy={n.copy} />}
            </li>
          ))}
          {flow.edges.map((e) => (
            <li key={`${e.from}:${e.port}:${e.to}:${e.status}`} className={`diff-${e.status}`}>
              <span className="diff-mark">edge {e.status}</span> {e.from}.{e.port} → {e.to}
            </li>
          ))}
        </ol>
      )}
      {others.length > 0 && (
        <ul className="diff-others" aria-label="Other changed flows">
          {others.map((f) => (
            <li key={f.flowId}>
              <button className="link" onClick={() => selectFlow(f.flowId)}>
                {f.name}
              </button>{' '}
              {f.status === 'changed' ? `${f.nodes.length} nodes, ${f.edges.length} edges` : f.status}
            </li>
          ))}
        </ul>
      )}
      {diff && diff.result.projectCopy.length > 0 && (
        <>
          <h4>Project lines</h4>
          <CopyLines copy={diff.result.projectCopy} />
        </>
      )}
    </section>
  );
}
