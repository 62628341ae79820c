import { useEffect, useRef, useState } from 'react';
import { ProjectTemplate } from '../../../shared/api/contract';
import { errorText, openProject, useStudio } from '../store/studioStore';
import { openTrustDialog, useTrust } from '../trust/trustStore';
import { ExportDialog } from '../export/ExportDialog';
import { openExportDialog } from '../export/exportStore';

type Recent = { dir: string; name: string; openedAt: string };

/** What each template starts with (templates/<id>/README.md). */
const TEMPLATE_HINTS: Record<ProjectTemplate, string> = {
  blank: 'Blank: one flow with help, goodbye and a fallback, and a story',
  faq: 'FAQ: answers from documents in knowledge/, with citations',
  banking: 'Banking: a balance from a mocked API, and a lost card handed to a person',
};

/** The project switcher: recent projects, open a folder by path, create a project in a folder. */
export function ProjectMenu() {
  const api = useStudio((s) => s.api);
  const project = useStudio((s) => s.project);
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<Recent[]>([]);
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [template, setTemplate] = useState<ProjectTemplate>('blank');
  const [error, setError] = useState('');
  const panel = useRef<HTMLDivElement>(null);
  const trust = useTrust((s) => s.status);

  useEffect(() => {
    if (!open || !api) return;
    void api.call('project.recent', {}).then(setRecent, () => setRecent([]));
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, api]);

  const run = async (fn: () => Promise<void>) => {
    setError('');
    try {
      await fn();
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
              <select aria-label="Template" value={template} onChange={(e) => setTemplate(e.target.value as ProjectTemplate)}>
                {ProjectTemplate.options.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
              <button type="button" disabled={!dir.trim() || !name.trim()} onClick={() => void run(() => openProject(dir.trim(), name.trim(), template))}>
                Create here
              </button>
            </div>
            <p className="template-hint">{TEMPLATE_HINTS[template]}</p>
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
        </div>
      )}
      <ExportDialog />
    </div>
  );
}
