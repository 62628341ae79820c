import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { BundleExportResult, BundlePreview } from '../../../shared/api/contract';
import { errorText, flushSaves, useStudio } from '../store/studioStore';
import { closeExportDialog, useExport } from './exportStore';
import { ExportChanges, ExportDone, ExportProblems } from './ExportSummary';

interface Fields {
  outDir: string;
  keyFile: string;
  version: string;
  notes: string;
}

/**
 * Exports the open project as a signed bundle. Main computes a preview as the user types (the project's
 * problems, what would change in the output folder, whether the key can be used) without writing anything;
 * the Export button is off while the project has errors. The key's path is remembered by main in the user
 * settings, never in the project.
 */
export function ExportDialog() {
  const open = useExport((s) => s.open);
  const api = useStudio((s) => s.api);
  const dir = useStudio((s) => s.project?.dir);
  const [fields, setFields] = useState<Fields>({ outDir: '', keyFile: '', version: '', notes: '' });
  /** The version the user typed (else the proposed one follows the output folder). */
  const [versionTyped, setVersionTyped] = useState(false);
  const [preview, setPreview] = useState<BundlePreview | null>(null);
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<Extract<BundleExportResult, { ok: true }> | null>(null);
  const seq = useRef(0);
  /** Whether a preview has filled the fields from what main remembers since the dialog opened. */
  const filled = useRef(false);
  const first = useRef<HTMLInputElement>(null);

  const runPreview = useCallback(
    async (f: Fields | null, typed: boolean) => {
      if (!api || !dir) return;
      const n = ++seq.current;
      setChecking(true);
      try {
        const p = await api.call('bundle.preview', {
          project: dir,
          ...(f?.outDir.trim() ? { outDir: f.outDir.trim() } : {}),
          ...(f?.keyFile.trim() ? { keyFile: f.keyFile.trim() } : {}),
          ...(f && typed && f.version.trim() ? { version: f.version.trim() } : {}),
          ...(f?.notes.trim() ? { notes: f.notes } : {}),
        });
        if (n !== seq.current) return; // a newer preview is on its way
        setPreview(p);
        setError('');
        // the first preview that comes back fills the empty fields from what main remembers (also when a file
        // changed on disk right after the opening, whose preview then overtakes the opening's); the proposed version
        // follows the folder
        const fill = !filled.current;
        filled.current = true;
        setFields((cur) => ({
          outDir: fill && !cur.outDir ? (p.outDir ?? '') : cur.outDir,
          keyFile: fill && !cur.keyFile ? (p.keyFile ?? '') : cur.keyFile,
          version: typed ? cur.version : p.suggestedVersion,
          notes: cur.notes,
        }));
      } catch (e) {
        if (n === seq.current) setError(errorText(e));
      } finally {
        if (n === seq.current) setChecking(false);
      }
    },
    [api, dir],
  );

  // Opening: save pending edits (the export reads the files on disk), then ask main with what it remembers.
  useEffect(() => {
    if (!open) return;
    setPreview(null);
    setResult(null);
    setError('');
    setVersionTyped(false);
    setFields({ outDir: '', keyFile: '', version: '', notes: '' });
    filled.current = false;
    void flushSaves()
      .catch(() => undefined)
      .then(() => runPreview(null, false));
    first.current?.focus();
  }, [open, runPreview]);

  // Typing: a new preview once the user pauses (with the fields as they are then).
  const [edited, setEdited] = useState(0);
  const latest = useRef({ fields, versionTyped });
  latest.current = { fields, versionTyped };
  useEffect(() => {
    if (!open || edited === 0) return;
    const t = setTimeout(() => void runPreview(latest.current.fields, latest.current.versionTyped), 300);
    return () => clearTimeout(t);
  }, [open, edited, runPreview]);

  // A project file changed (a fix in the canvas or the source view, a git pull): preview again.
  useEffect(() => {
    if (!open || !api) return;
    return api.on('project.fileChanged', () => setEdited((n) => n + 1));
  }, [open, api]);

  if (!open || !dir) return null;
  const set = (k: keyof Fields) => (e: { target: { value: string } }) => {
    setFields((f) => ({ ...f, [k]: e.target.value }));
    if (k === 'version') setVersionTyped(true);
    setResult(null);
    setEdited((n) => n + 1);
  };
  const blockers = preview
    ? [
        !preview.ok && 'the project has errors',
        !fields.outDir.trim() && 'choose an output folder',
        preview.outDirError,
        preview.keyError,
        preview.versionError,
      ].filter((b): b is string => Boolean(b))
    : ['checking the project…'];
  const canExport = blockers.length === 0 && !checking && !busy && !result;

  const doExport = async () => {
    if (!api || !canExport) return;
    setBusy(true);
    setError('');
    try {
      await flushSaves();
      const r = await api.call('bundle.export', {
        project: dir,
        outDir: fields.outDir.trim(),
        keyFile: fields.keyFile.trim(),
        version: fields.version.trim(),
        ...(fields.notes.trim() ? { notes: fields.notes } : {}),
      });
      if (r.ok) setResult(r);
      else setPreview((p) => (p ? { ...p, ok: false, problems: r.problems } : p));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (msg: string | null | undefined, id: string) =>
    msg ? (
      <small className="export-field-error" id={id}>
        {msg}
      </small>
    ) : null;

  return createPortal(
    <div className="overlay" role="presentation" onClick={closeExportDialog} onKeyDown={(e) => e.key === 'Escape' && closeExportDialog()}>
      <div className="export-dialog" role="dialog" aria-modal="true" aria-labelledby="export-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="export-title">Export {preview?.name ?? 'the project'} as a bundle</h2>
        <p className="export-intro">
          A signed folder that runs without Parley: <code>node server.mjs</code>, or the Dockerfile and compose file inside it.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void doExport();
          }}
        >
          <label>
            Output folder
            <input
              ref={first}
              value={fields.outDir}
              onChange={set('outDir')}
              placeholder="/home/you/bundles/acme-bank"
              spellCheck={false}
              aria-describedby="export-out-note"
              aria-invalid={Boolean(preview?.outDirError)}
            />
            {fieldError(preview?.outDirError, 'export-out-note') ?? (
              <small id="export-out-note">
                {result
                  ? `Now holds ${result.name} ${result.version}.`
                  : preview?.outDirState === 'bundle' && preview.previous
                    ? `Holds ${preview.previous.name} ${preview.previous.version}: it will be replaced.`
                    : preview?.outDirState === 'empty'
                      ? 'An empty folder.'
                      : preview?.outDirState === 'absent'
                        ? 'A new folder.'
                        : 'A new or empty folder, or an earlier bundle of this project (outside the project).'}
              </small>
            )}
          </label>
          <label>
            Signing key
            <input
              value={fields.keyFile}
              onChange={set('keyFile')}
              placeholder="/home/you/keys/parley-signing.key"
              spellCheck={false}
              aria-describedby="export-key-note"
              aria-invalid={Boolean(preview?.keyError)}
            />
            {fieldError(preview?.keyError, 'export-key-note') ?? (
              <small id="export-key-note">Kept outside the project; Parley remembers its path for you, never the project.</small>
            )}
          </label>
          <div className="export-row">
            <label>
              Version
              <input value={fields.version} onChange={set('version')} spellCheck={false} aria-invalid={Boolean(preview?.versionError)} />
              {fieldError(preview?.versionError, 'export-version-note')}
            </label>
            <label className="export-notes">
              Release notes
              <textarea value={fields.notes} onChange={set('notes')} rows={2} placeholder="What changed for the people who run it" />
            </label>
          </div>
          {result ? (
            <ExportDone result={result} />
          ) : (
            <>
              <section aria-label="Problems" className="export-section">
                <h3>Problems {checking && <span className="export-checking">checking…</span>}</h3>
                {preview ? <ExportProblems problems={preview.problems} onGo={closeExportDialog} /> : <p>Checking the project…</p>}
              </section>
              <section aria-label="Changes" className="export-section">
                <h3>Changes since the last export</h3>
                {preview?.changes ? (
                  <ExportChanges changes={preview.changes} />
                ) : (
                  <p>
                    {preview?.outDirState === 'bundle' ? 'Shown once the project has no errors.' : 'No earlier bundle in the output folder: everything is new.'}
                  </p>
                )}
                {preview?.files != null && <p className="export-count">{preview.files} files in the bundle.</p>}
              </section>
              {preview && preview.warnings.length > 0 && (
                <ul className="export-warnings" aria-label="Warnings">
                  {preview.warnings.map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
              )}
            </>
          )}
          {error && (
            <p className="export-error" role="alert">
              {error}
            </p>
          )}
          <footer>
            {!canExport && !busy && blockers.length > 0 && <span className="export-blockers">Cannot export yet: {blockers[0]}</span>}
            <button type="button" onClick={closeExportDialog}>
              {result ? 'Close' : 'Cancel'}
            </button>
            <button type="submit" className="primary" disabled={!canExport}>
              {busy ? 'Exporting…' : 'Export'}
            </button>
          </footer>
        </form>
      </div>
    </div>,
    document.body,
  );
}
