// The guardrails editor: the rules of guardrails.yaml (or the defaults, when the project has none) with what each
// does, edited in place (action, direction, target flow or queue, message, on/off; add and remove), checked as you
// edit against the file's schema, and saved through main, which refuses a file that does not load and names the
// field. The project's own problems for the file (a route to a missing flow, a YAML error) are listed too.
import { useMemo, useState } from 'react';
import { ApiError } from '../../../shared/api/errors';
import { describeRule } from '../../../shared/guardrails/describe';
import { DEFAULT_GUARDRAILS } from '../../../shared/guardrails/defaults';
import { formatProblem, type Problem } from '../../../shared/project/problems';
import {
  DETECTOR_CATEGORIES,
  GUARDRAIL_ACTIONS,
  GUARDRAIL_DETECTORS,
  GUARDRAILS_FILE,
  GuardrailsFile,
  type GuardrailRule,
} from '../../../shared/schema/guardrails';
import { errorText, markWrite, openSource, reloadProject, useStudio } from '../store/studioStore';
import './guardrails.css';

type Draft = GuardrailsFile;

/** The schema's complaints about a draft, as `rules[1].message: ...` lines. */
function draftIssues(d: Draft): string[] {
  const r = GuardrailsFile.safeParse(d);
  return r.success
    ? []
    : r.error.issues.map(
        (i) =>
          `${i.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '')}: ${i.message}`,
      );
}

function newRule(rules: readonly GuardrailRule[]): GuardrailRule {
  let n = rules.length + 1;
  while (rules.some((r) => r.id === `rule_${n}`)) n++;
  return { id: `rule_${n}`, detector: 'jailbreak', action: 'block', message: { en: "I can't help with that." } };
}

/** A rule with one field changed, keeping the rule valid in shape (a route has a flow, a block a message). */
function withField(r: GuardrailRule, patch: Partial<GuardrailRule>): GuardrailRule {
  const next: GuardrailRule = { ...r, ...patch };
  if (next.action !== 'route') delete next.flow;
  if (next.action !== 'escalate') delete next.queue;
  if (next.action !== 'route' && next.action !== 'escalate') delete next.interrupts;
  if (next.detector === 'pattern') delete next.categories;
  else delete next.pattern;
  if (next.action === 'block' && !next.message) next.message = { en: "I can't help with that." };
  return next;
}

export function GuardrailsPanel() {
  const project = useStudio((s) => s.project);
  const api = useStudio((s) => s.api);
  const flows = useStudio((s) => s.flows);
  const problems = useStudio((s) => s.problems);
  const [shown, setShown] = useState(false);
  const [draft, setDraft] = useState<Draft | undefined>();
  const [status, setStatus] = useState('');
  const [saveProblems, setSaveProblems] = useState<Problem[]>([]);
  const broken = project?.broken.some((b) => b.file === GUARDRAILS_FILE) ?? false;
  const onDisk = project?.guardrails;
  const current: Draft = draft ?? onDisk ?? DEFAULT_GUARDRAILS;
  const issues = useMemo(() => (draft ? draftIssues(draft) : []), [draft]);
  const fileProblems = problems.filter((p) => p.file === GUARDRAILS_FILE);
  const flowIds = Object.keys(flows).sort();

  const edit = (rules: GuardrailRule[]) => {
    setDraft({ ...current, rules });
    setStatus('');
  };
  const editRule = (i: number, patch: Partial<GuardrailRule>) => edit(current.rules.map((r, j) => (j === i ? withField(r, patch) : r)));

  const save = async () => {
    if (!api || !project || !draft || issues.length) return;
    setStatus('saving…');
    setSaveProblems([]);
    try {
      // the YAML writer loads when the panel first saves, not with the studio
      const { serializeGuardrails } = await import('../../../shared/guardrails/serialize');
      const base = await api.call('file.read', { path: GUARDRAILS_FILE }).then(
        (r) => r.revision,
        (e: unknown) => {
          if (e instanceof ApiError && e.code === 'NOT_FOUND') return null;
          throw e;
        },
      );
      const mark = markWrite();
      await api.call('file.write', {
        project: project.dir,
        path: GUARDRAILS_FILE,
        text: serializeGuardrails(draft),
        baseRevision: base,
      });
      await reloadProject(mark);
      setDraft(undefined);
      setStatus('saved');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_PROJECT')
        setSaveProblems(((e.details as { problems?: Problem[] } | undefined)?.problems ?? []) as Problem[]);
      setStatus(`not saved: ${errorText(e)}`);
    }
  };

  return (
    <section className="guardrails" aria-label="Guardrails">
      <h3>
        <button className="section-toggle" aria-expanded={shown} onClick={() => setShown(!shown)}>
          {shown ? '▾' : '▸'} Guardrails
        </button>
      </h3>
      {shown && (
        <div className="guardrails-body">
          {broken ? (
            <p className="guardrails-note error">
              {GUARDRAILS_FILE} does not load, so the default rules apply.{' '}
              <button onClick={() => openSource(GUARDRAILS_FILE)}>Open it in the source view</button>
            </p>
          ) : !onDisk ? (
            <p className="guardrails-note">No {GUARDRAILS_FILE}: the default rules apply. Edit them and save to create the file.</p>
          ) : null}
          <ul className="guardrails-rules" aria-label="Guardrail rules">
            {current.rules.map((r, i) => (
              <li key={i} className={r.enabled === false ? 'off' : undefined}>
                <div className="gr-head">
                  <input aria-label="Rule id" value={r.id} onChange={(e) => editRule(i, { id: e.target.value })} />
                  <label>
                    <input
                      type="checkbox"
                      checked={r.enabled !== false}
                      onChange={(e) => editRule(i, e.target.checked ? { enabled: undefined } : { enabled: false })}
                    />{' '}
                    on
                  </label>
                  <button aria-label={`Remove rule ${r.id}`} onClick={() => edit(current.rules.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </div>
                <div className="gr-what">{describeRule(r)}</div>
                <div className="gr-fields">
                  <select
                    aria-label="Detector"
                    value={r.detector}
                    onChange={(e) => editRule(i, { detector: e.target.value as GuardrailRule['detector'], categories: undefined })}
                  >
                    {GUARDRAIL_DETECTORS.map((d) => (
                      <option key={d}>{d}</option>
                    ))}
                  </select>
                  {r.detector === 'pattern' ? (
                    <input aria-label="Pattern" placeholder="RE2 pattern" value={r.pattern ?? ''} onChange={(e) => editRule(i, { pattern: e.target.value })} />
                  ) : (
                    <input
                      aria-label="Categories"
                      placeholder={`all: ${DETECTOR_CATEGORIES[r.detector].join(', ')}`}
                      value={r.categories?.join(', ') ?? ''}
                      onChange={(e) => {
                        const list = e.target.value
                          .split(',')
                          .map((s) => s.trim())
                          .filter(Boolean);
                        editRule(i, { categories: list.length ? list : undefined });
                      }}
                    />
                  )}
                  <select
                    aria-label="Direction"
                    value={r.direction ?? 'input'}
                    onChange={(e) => editRule(i, { direction: e.target.value as GuardrailRule['direction'] })}
                  >
                    <option>input</option>
                    <option>output</option>
                    <option>both</option>
                  </select>
                  <select aria-label="Action" value={r.action} onChange={(e) => editRule(i, { action: e.target.value as GuardrailRule['action'] })}>
                    {GUARDRAIL_ACTIONS.map((a) => (
                      <option key={a}>{a}</option>
                    ))}
                  </select>
                  {r.action === 'route' && (
                    <select aria-label="Flow" value={r.flow ?? ''} onChange={(e) => editRule(i, { flow: e.target.value })}>
                      <option value="">(choose a flow)</option>
                      {flowIds.map((f) => (
                        <option key={f}>{f}</option>
                      ))}
                    </select>
                  )}
                  {r.action === 'escalate' && (
                    <input
                      aria-label="Queue"
                      placeholder="escalation flow"
                      value={r.queue ?? ''}
                      onChange={(e) => editRule(i, { queue: e.target.value || undefined })}
                    />
                  )}
                  {r.action !== 'redact' && (
                    <input
                      aria-label="Message (en)"
                      placeholder={r.action === 'block' ? 'what the bot says instead' : 'said first (optional)'}
                      value={typeof r.message?.en === 'string' ? r.message.en : (r.message?.en?.[0] ?? '')}
                      onChange={(e) => editRule(i, { message: e.target.value ? { ...r.message, en: e.target.value } : undefined })}
                    />
                  )}
                </div>
              </li>
            ))}
          </ul>
          <div className="gr-actions">
            <button onClick={() => edit([...current.rules, newRule(current.rules)])}>Add rule</button>
            <button disabled={!draft || issues.length > 0 || !api} onClick={() => void save()}>
              Save {GUARDRAILS_FILE}
            </button>
            {draft && (
              <button
                onClick={() => {
                  setDraft(undefined);
                  setStatus('');
                }}
              >
                Discard
              </button>
            )}
            {status && <span className="gr-status">{status}</span>}
          </div>
          {[...issues, ...[...saveProblems, ...(draft ? [] : fileProblems)].map(formatProblem)].length > 0 && (
            <ul className="guardrails-problems" aria-label="Guardrail problems">
              {issues.map((m, i) => (
                <li key={`d${i}`} className="error">
                  {GUARDRAILS_FILE}: {m}
                </li>
              ))}
              {[...saveProblems, ...(draft ? [] : fileProblems)].map((p, i) => (
                <li key={`p${i}`} className={p.severity}>
                  <button onClick={() => openSource(GUARDRAILS_FILE)}>{formatProblem(p)}</button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
