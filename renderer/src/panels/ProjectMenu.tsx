import { useEffect, useRef, useState } from 'react';
import { ImportSource, ProjectTemplate } from '../../../shared/api/contract';
import { errorText, openProject, useStudio } from '../store/studioStore';
import { openTrustDialog, useTrust } from '../trust/trustStore';
import { ExportDialog } from '../export/ExportDialog';
import { openExportDialog } from '../export/exportStore';
import { ImportSummary, type ImportDone } from './ImportSummary';

type Recent = { dir: string; name: string; openedAt: string };

/** What each template starts with (templates/<id>/README.md). */
const TEMPLATE_HINTS: Record<ProjectTemplate, string> = {
  blank: 'Blank: one flow with help, goodbye and a fallback, and a story',
  faq: 'FAQ: answers from documents in knowledge/, with citations',
  banking: 'Banking: a balance from a mocked API, and a lost card handed to a person',
};

/** Starting from an existing bot instead of a template (main/import/, the same importers as `parley import`). */
const IMPORTS: Record<ImportSource, { label: string; placeholder: string; hint: string }> = {
  rasa: {
    label: 'Import from Rasa (a folder)',
    placeholder: '/path/to/rasa-project',
    hint: 'Rasa 3.x: the folder with domain.yml and data/. Nothing is written if it has problems.',
  },
  'dialogflow-cx': {
    label: 'Import from Dialogflow CX (an exported agent folder or .zip)',
    placeholder: '/path/to/exported-agent or agent.zip',
    hint: 'A Dialogflow CX agent exported as a JSON package (its folder or the .zip). Nothing is written if it has problems.',
  },
};
type Start = ProjectTemplate | `import:${ImportSource}`;
const importOf = (start: Start): ImportSource | undefined => (start.startsWith('import:') ? ImportSource.parse(start.slice(7)) : undefined);

/** The project switcher: recent projects, open a folder by path, create a project in a folder. */
export function ProjectMenu() {
  const api = useStudio((s) => s.api);
  const project = useStudio((s) => s.project);
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<Recent[]>([]);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [start, setStart] = useState<Start>('blank');
  const [src, setSrc] = useState('');
  const [error, setError] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [imported, setImported] = useState<ImportDone | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const trust = useTrust((s) => s.status);

  useEffect(() => {
    if (!open || !api) return;
    void api.call('project.recent', {}).then(setRecent, () => setRecent([]));
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, api]);

  const from = importOf(start);

  const run = async (fn: () => Promise<void>) => {
    setError('');
    setProblems([]);
    try {
      await fn();
      setOpen(false);
    } catch (e) {
      setError(errorText(e));
    }
  };

  /** Imports into the folder typed above; on success opens the new project and shows what came in. */
  const importBot = async (source: ImportSource) => {
    if (!api) return;
    setError('');
    setProblems([]);
    try {
      const r = await api.call('project.import', { from: source, src: src.trim(), dir: dir.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
      if (!r.ok) {
        setProblems(r.problems);
        return;
      }
      await openProject(r.dir);
      setImported({ ...r, from: source });
      setOpen(false);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div className="project-menu">
      <button className="project-name" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(!open)} title={project?.dir}>
        {project?.manifest.name ?? 'No project'} ▾
      </button>
      {open && (
        <div className="menu-panel" role="dialog" aria-label="Projects" ref={panel}>
          <h4>Recent projects</h4>
          <ul>
            {recent.length === 0 && <li className="none">None yet</li>}
            {recent.map((r) => (
              <li key={r.dir}>
                <button onClick={() => void run(() => openProject(r.dir))} aria-current={r.dir === project?.dir ? 'true' : undefined}>
                  <strong>{r.name}</strong>
                  <span>{r.dir}</span>
                </button>
              </li>
            ))}
          </ul>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => openProject(dir.trim()));
            }}
          >
            <label>
              Open a project folder
              <input aria-label="Project folder" placeholder="/path/to/project" value={dir} onChange={(e) => setDir(e.target.value)} />
            </label>
            <div className="row">
              <button type="submit" disabled={!dir.trim()}>
                Open
              </button>
              <input aria-label="New project name" placeholder="Name for a new project" value={name} onChange={(e) => setName(e.target.value)} />
              <select aria-label="Template" className="start-select" value={start} onChange={(e) => setStart(e.target.value as Start)}>
                {ProjectTemplate.options.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
                <optgroup label="From an existing bot">
                  {ImportSource.options.map((f) => (
                    <option key={f} value={`import:${f}`}>
                      {IMPORTS[f].label}
                    </option>
                  ))}
                </optgroup>
              </select>
              {from ? (
                <button type="button" disabled={!dir.trim() || !src.trim()} onClick={() => void importBot(from)}>
                  Import here
                </button>
              ) : (
                <button
                  type="button"
                  disabled={!dir.trim() || !name.trim()}
                  onClick={() => void run(() => openProject(dir.trim(), name.trim(), start as ProjectTemplate))}
                >
                  Create here
                </button>
              )}
            </div>
            {from && (
              <label>
                {IMPORTS[from].label}
                <input aria-label="Bot to import" placeholder={IMPORTS[from].placeholder} value={src} onChange={(e) => setSrc(e.target.value)} />
              </label>
            )}
            <p className="template-hint">{from ? `${IMPORTS[from].hint} The name is optional.` : TEMPLATE_HINTS[start as ProjectTemplate]}</p>
          </form>
          <button className="export-entry" onClick={() => void run(async () => openExportDialog())}>
            Export bundle… <span>a signed folder that runs without Parley</span>
          </button>
          {trust && (
            <button
              className="trust-entry"
              onClick={() => {
                setOpen(false);
                openTrustDialog();
              }}
            >
              Project trust… <span>{trust.state === 'trusted' ? 'trusted' : 'restricted mode'}</span>
            </button>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {problems.length > 0 && (
            <div role="alert" aria-label="Import problems">
              <p className="error">Nothing was imported or written:</p>
              <ul className="import-problems">
                {problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      <ExportDialog />
      {imported && <ImportSummary done={imported} onClose={() => setImported(null)} />}
    </div>
  );
}
