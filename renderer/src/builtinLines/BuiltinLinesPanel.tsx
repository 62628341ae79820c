// "Bot's own lines": every line the engine says by itself (shared/schema/builtinCopy.ts), as this project words it
// in the chosen locale (parley.yaml `builtinCopy`), else the engine's wording, greyed and marked "default". Each line
// shows its copy id and the placeholders it may use; saving writes `builtinCopy.<key>.<locale>` into parley.yaml
// (the rest of the file kept as it is) through `file.write`, which refuses a manifest that does not load; "Reset to
// default" removes the project's line.
import { useState } from 'react';
import { ApiError } from '../../../shared/api/errors';
import { MANIFEST_FILE } from '../../../shared/project/names';
import { formatProblem, type Problem } from '../../../shared/project/problems';
import { BUILTIN_KEYS, BUILTIN_PLACEHOLDERS, type BuiltinKey } from '../../../shared/schema/builtinCopy';
import { errorText, markWrite, reloadProject, useStudio } from '../store/studioStore';
import { LINE_WHEN, lineWording } from './lines';
import './builtinLines.css';

type Save = (key: BuiltinKey, locale: string, text: string | undefined) => Promise<void>;

/** Writes (or, with `undefined`, removes) one line in parley.yaml and reloads the project. */
function useSaveLine(): Save {
  const api = useStudio((s) => s.api);
  const dir = useStudio((s) => s.project?.dir);
  return async (key, locale, text) => {
    if (!api || !dir) throw new Error('no project is open');
    const { text: before, revision } = await api.call('file.read', { path: MANIFEST_FILE });
    // the YAML library loads with the first edit of a line, not with the studio
    const { withBuiltinLine } = await import('./manifestYaml');
    const after = withBuiltinLine(before, key, locale, text);
    if (after === before) return;
    const mark = markWrite();
    await api.call('file.write', { project: dir, path: MANIFEST_FILE, text: after, baseRevision: revision });
    await reloadProject(mark);
  };
}

/** What a refused save says: main's problems with the file, else the error. */
function refusal(e: unknown): string {
  const problems = e instanceof ApiError && e.code === 'INVALID_PROJECT' ? ((e.details as { problems?: Problem[] } | undefined)?.problems ?? []) : [];
  return problems.length > 0 ? `not saved: ${problems.map(formatProblem).join('; ')}` : `not saved: ${errorText(e)}`;
}

function LineRow({ lineKey, locale, defaultLocale, save }: { lineKey: BuiltinKey; locale: string; defaultLocale: string; save: Save }) {
  const project = useStudio((s) => s.project?.manifest.builtinCopy);
  const wording = lineWording(project, lineKey, locale, defaultLocale);
  const ownText = project?.[lineKey]?.[locale];
  const own = ownText !== undefined;
  const variants = Array.isArray(ownText) ? ownText.length : 1;
  const [draft, setDraft] = useState<string>();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const text = draft ?? wording.text;
  const changed = draft !== undefined && draft !== wording.text;
  const run = async (value: string | undefined, done: string) => {
    setBusy(true);
    setStatus('saving…');
    try {
      await save(lineKey, locale, value);
      setDraft(undefined);
      setStatus(done);
    } catch (e) {
      setStatus(refusal(e));
    } finally {
      setBusy(false);
    }
  };
  const id = `bl-${lineKey}-${locale}`;
  const placeholders = BUILTIN_PLACEHOLDERS[lineKey] ?? [];
  return (
    <li className={`bl-line${wording.isDefault && draft === undefined ? ' is-default' : ''}`} data-line={lineKey}>
      <div className="bl-head">
        <code className="bl-id">builtin/{lineKey}</code>
        {wording.isDefault && <span className="bl-badge">default</span>}
      </div>
      <div className="bl-when">{LINE_WHEN[lineKey]}</div>
      <textarea
        id={id}
        aria-label={`${lineKey} (${locale})`}
        rows={Math.min(4, Math.max(2, Math.ceil(text.length / 40)))}
        value={text}
        onChange={(e) => {
          setDraft(e.target.value);
          setStatus('');
        }}
      />
      {variants > 1 && <div className="bl-when">{variants} variants in parley.yaml (one said at random): saving here keeps only this one.</div>}
      {placeholders.length > 0 && (
        <div className="bl-placeholders">
          May use{' '}
          {placeholders.map((p) => (
            <code key={p}>{`{{${p}}}`}</code>
          ))}{' '}
          and the variables
        </div>
      )}
      <div className="bl-actions">
        {draft !== undefined && (
          <>
            <button type="button" disabled={!changed || busy || text.trim() === ''} onClick={() => void run(text, 'saved')}>
              Save
            </button>
            <button type="button" disabled={busy} onClick={() => setDraft(undefined)}>
              Discard
            </button>
          </>
        )}
        {own && (
          <button type="button" disabled={busy} onClick={() => void run(undefined, 'back to the default')} aria-label={`Reset ${lineKey} to default`}>
            Reset to default
          </button>
        )}
        {status && (
          <span className="bl-status" role="status">
            {status}
          </span>
        )}
      </div>
    </li>
  );
}

export function BuiltinLinesPanel() {
  const manifest = useStudio((s) => s.project?.manifest);
  const broken = useStudio((s) => Boolean(s.project?.broken.some((b) => b.file === MANIFEST_FILE)));
  const [shown, setShown] = useState(false);
  const [chosen, setChosen] = useState<string>();
  const save = useSaveLine();
  if (!manifest) return null;
  const locale = chosen && manifest.locales.includes(chosen) ? chosen : manifest.defaultLocale;
  return (
    <section className="builtin-lines" aria-label="Bot's own lines">
      <h3>
        <button className="section-toggle" aria-expanded={shown} onClick={() => setShown(!shown)}>
          {shown ? '▾' : '▸'} Bot's own lines
        </button>
      </h3>
      {shown && (
        <div className="bl-body">
          <p className="bl-note">
            What the bot says by itself (a clarification, coming back from a digression, out of hours). Your wording is saved in {MANIFEST_FILE}; a node can
            word a line its own way under Copy.
          </p>
          {broken && <p className="bl-note error">{MANIFEST_FILE} does not load: fix it in the source view first.</p>}
          <label className="bl-locale">
            Locale{' '}
            <select value={locale} onChange={(e) => setChosen(e.target.value)}>
              {manifest.locales.map((l) => (
                <option key={l} value={l}>
                  {l}
                  {l === manifest.defaultLocale ? ' (default)' : ''}
                </option>
              ))}
            </select>
          </label>
          <ul className="bl-lines" aria-label="Lines">
            {BUILTIN_KEYS.map((k) => (
              <LineRow key={`${k}/${locale}`} lineKey={k} locale={locale} defaultLocale={manifest.defaultLocale} save={save} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
