// The trace of one simulator turn: the path through the nodes, NLU ranking with scores and entities, slots,
// variable changes, the prompt sent to the model with its reply, tokens and latency, retrieval, API calls,
// guardrail findings and problems. An entry that belongs to a node shows it on the canvas when clicked.
import type { TurnView } from '../../../shared/api/contract';
import type { TraceEntry } from '../../../shared/engine/types';
import { jumpToNode } from './simStore';

const fmt = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'undefined'));

function Entry({ e }: { e: TraceEntry }) {
  switch (e.kind) {
    case 'input':
      return null;
    case 'node':
      return (
        <>
          <span className="t-kind">{e.nodeKind}</span> {e.flow}/{e.node}
          {e.exit && <span className="muted"> → {e.exit}</span>}
        </>
      );
    case 'nlu':
      return (
        <>
          <span className="t-kind">nlu</span> “{e.text}” → <b>{e.decision.replace('_', ' ')}</b>
          {e.intent && <> {e.intent}</>}
          {e.ranking.length > 0 && (
            <ol className="nlu-ranking">
              {e.ranking.map((r) => (
                <li key={r.intent} className="nlu-score" data-intent={r.intent}>
                  <span className="bar" style={{ width: `${Math.round(r.confidence * 100)}%` }} />
                  <span className="label">{r.intent}</span> <span className="score">{r.confidence.toFixed(2)}</span>
                </li>
              ))}
            </ol>
          )}
          {e.entities.length > 0 && <div className="muted">entities: {e.entities.map((x) => `${x.entity}=${fmt(x.value)}`).join(', ')}</div>}
        </>
      );
    case 'slot':
      return (
        <>
          <span className="t-kind">slot</span> {e.slot} {e.ok ? `= ${fmt(e.value)}` : 'not filled'}
          {e.reason && <span className="muted"> ({e.reason})</span>}
        </>
      );
    case 'global':
      return (
        <>
          <span className="t-kind">global</span> {e.intent} → {e.action}
          {e.flow && <> {e.flow}</>}
        </>
      );
    case 'return':
      return (
        <>
          <span className="t-kind">return</span> from {e.from}{' '}
          {e.to === 'left'
            ? '(the digression was left: what it interrupted is not asked again)'
            : `to ${e.to === 'waiting' ? 'where the user was' : `${e.to.flow}/${e.to.node}`}`}
        </>
      );
    case 'llm':
      return (
        <>
          <span className="t-kind">llm</span> {e.model ?? e.request.model ?? ''}{' '}
          {e.usage && (
            <span className="muted">
              {e.usage.inputTokens} in / {e.usage.outputTokens} out · first token {e.ttftMs} ms · {e.totalMs} ms
            </span>
          )}
          {e.error && <div className="t-error">{e.error}</div>}
          {e.partial && <div className="t-error">stream cut: partial reply</div>}
          <details>
            <summary>prompt and reply</summary>
            {e.request.system && (
              <>
                <div className="muted">system</div>
                <pre>{e.request.system}</pre>
              </>
            )}
            {e.request.messages.map((m, i) => (
              <div key={i}>
                <div className="muted">{m.role}</div>
                <pre>{m.content}</pre>
              </div>
            ))}
            {e.reply !== undefined && (
              <>
                <div className="muted">reply</div>
                <pre>{e.reply}</pre>
              </>
            )}
          </details>
        </>
      );
    case 'retrieval':
      return (
        <>
          <span className="t-kind">knowledge</span> “{e.query}” → {e.grounded ? 'grounded' : 'not sure'}
          <ol className="hits">
            {e.hits.map((h, i) => (
              <li key={i}>
                <span className="score">{h.score.toFixed(2)}</span> {h.source}: {h.text.slice(0, 120)}
              </li>
            ))}
          </ol>
        </>
      );
    case 'api':
      return (
        <>
          <span className="t-kind">api</span> {e.method} {e.url} → {e.status ?? e.outcome} <span className="muted">{e.ms} ms</span>
          {e.message && <div className="t-error">{e.message}</div>}
          {(e.request || e.response !== undefined) && (
            <details className="t-api">
              <summary>request and response</summary>
              {e.request && (
                <pre>
                  {Object.entries(e.request.headers)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join('\n')}
                  {e.request.body !== undefined ? `\n\n${e.request.body}` : ''}
                </pre>
              )}
              {e.response !== undefined && <pre>{typeof e.response === 'string' ? e.response : JSON.stringify(e.response, null, 2)}</pre>}
            </details>
          )}
        </>
      );
    case 'guardrail':
      return (
        <>
          <span className="t-kind">guardrail</span> {e.direction ? `${e.direction} · ` : ''}
          {e.findings.length ? e.findings.map((f) => `${f.check}: ${f.detail}`).join(', ') : 'pass'}
          {e.rule ? ` → ${e.action ?? ''} (rule ${e.rule})` : ''}
        </>
      );
    case 'handoff':
      return (
        <>
          <span className="t-kind">handoff</span> {e.queue} · {e.reason}{' '}
          <span className="muted">({e.reasonFrom === 'node' ? "the node's reason" : 'inferred'})</span>
          {e.hours === 'closed' && <b> · out of hours{e.opensAt ? `, opens ${e.opensAt}` : ''}</b>}
          <details className="t-handoff">
            <summary>
              summary ({e.summaryBy === 'llm' ? 'written by the model' : e.summaryBy === 'template' ? "the node's template" : 'extracted'}) and payload
            </summary>
            <pre>{e.summary}</pre>
            <pre>{JSON.stringify(e.payload, null, 2)}</pre>
          </details>
        </>
      );
    case 'vars':
      return (
        <>
          <span className="t-kind">variables</span>
          <ul className="vars-diff">
            {e.changes.map((c) => (
              <li key={c.path}>
                {c.path}: {'before' in c ? <del>{fmt(c.before)}</del> : null} {'after' in c ? <ins>{fmt(c.after)}</ins> : <i>removed</i>}
              </li>
            ))}
          </ul>
        </>
      );
    case 'variant':
      return (
        <>
          <span className="t-kind">A/B variant</span> {e.variant}{' '}
          <span className="muted">{e.assigned ? 'assigned to this conversation now' : 'as assigned before'}</span>
        </>
      );
    case 'fallback':
      return (
        <>
          <span className="t-kind">fallback</span> {e.count} of {e.limit}
          {e.escalated && <b> → escalated to a person</b>}
        </>
      );
    case 'problem':
      return (
        <span className={e.severity === 'error' ? 't-error' : 't-warning'}>
          <span className="t-kind">{e.severity}</span> {e.message}
        </span>
      );
  }
}

const nodeOf = (e: TraceEntry): { flow: string; node: string } | undefined =>
  'flow' in e && 'node' in e && typeof e.flow === 'string' && typeof e.node === 'string' && e.flow && e.node ? { flow: e.flow, node: e.node } : undefined;

export function TraceView({ turn }: { turn: TurnView | undefined }) {
  if (!turn) return <section className="trace" aria-label="Trace" />;
  return (
    <section className="trace" aria-label="Trace">
      <div className="trace-head">
        Trace of turn {turn.index}
        <span className="muted">
          {' '}
          · waiting at {turn.state.wait && turn.state.wait.kind !== 'idle' ? `${turn.state.wait.flow}/${turn.state.wait.node}` : 'nothing (idle)'}
        </span>
      </div>
      <ol className="trace-list">
        {turn.trace.map((e, i) => {
          if (e.kind === 'input') return null;
          const at = nodeOf(e);
          return (
            <li
              key={i}
              className={`trace-entry t-${e.kind}${at ? ' linked' : ''}`}
              onClick={at ? () => jumpToNode(at.flow, at.node) : undefined}
              title={at ? `Show ${at.flow}/${at.node} on the canvas` : undefined}
            >
              <Entry e={e} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
