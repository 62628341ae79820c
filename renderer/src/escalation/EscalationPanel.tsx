// The escalation rules in one place: every way the project hands a conversation to a person (the fallback limit,
// explicit requests, guardrails, failed API calls, questions the bot cannot answer) and the handoff nodes with
// their queue, reason and hours, derived from the project as edited (shared/project/escalation.ts). A row opens
// its node on the canvas, or the file that configures it.
import { useMemo, useState } from 'react';
import { escalationRules, type EscalationKind, type EscalationRule } from '../../../shared/project/escalation';
import { flowsOf } from '../store/studioState';
import { openSource, revealNode, useStudio } from '../store/studioStore';
import './escalation.css';

const KIND_LABEL: Record<EscalationKind, string> = {
  fallback: 'Not understood',
  request: 'Asked for a person',
  sensitive_topic: 'Sensitive topic',
  guardrail: 'Guardrail',
  api_failure: 'API failed',
  out_of_scope: 'No answer',
  handoff: 'Handoff',
};

function open(rule: EscalationRule, flows: Record<string, unknown>): void {
  if (rule.at && flows[rule.at.flow]) revealNode(rule.at.flow, rule.at.node);
  else if (rule.file) openSource(rule.file);
}

export function EscalationPanel() {
  const project = useStudio((s) => s.project);
  const docs = useStudio((s) => s.flows);
  const [shown, setShown] = useState(false);
  const rules = useMemo(() => {
    if (!project || !shown) return [];
    return escalationRules({ manifest: project.manifest, flows: flowsOf(docs), ...(project.guardrails ? { guardrails: project.guardrails } : {}) });
  }, [project, docs, shown]);
  return (
    <section className="escalation" aria-label="Escalation rules">
      <h3>
        <button className="section-toggle" aria-expanded={shown} onClick={() => setShown(!shown)}>
          {shown ? '▾' : '▸'} Escalation
        </button>
      </h3>
      {shown && (
        <ul className="escalation-list">
          {rules.map((r, i) => (
            <li key={i} className={`esc-${r.kind}`}>
              <button onClick={() => open(r, docs)} title={r.at ? `Show ${r.at.flow}/${r.at.node} on the canvas` : r.file ? `Open ${r.file}` : undefined}>
                <span className="esc-kind">{KIND_LABEL[r.kind]}</span>
                <span className="esc-when">{r.when}</span>
                <span className="esc-then">{r.then}</span>
                {r.file && r.field && (
                  <span className="esc-where">
                    {r.file}: {r.field}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
