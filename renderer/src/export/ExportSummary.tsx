import type { BundleExportResult, BundlePreview } from '../../../shared/api/contract';
import { formatProblem, type Problem } from '../../../shared/project/problems';
import { openSource, revealNode, selectFlow, useStudio } from '../store/studioStore';

const MAX_LISTED = 40;

/** The project's problems as the Problems panel lists them: file:line, a click goes to the node (or the file). */
export function ExportProblems({ problems, onGo }: { problems: Problem[]; onGo: () => void }) {
  const flows = useStudio((s) => s.flows);
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.length - errors.length;
  if (!problems.length) return <p className="export-ok">No problems.</p>;
  const go = (p: Problem) => {
    onGo();
    if (p.flowId && p.nodeId && flows[p.flowId]) revealNode(p.flowId, p.nodeId);
    else if (p.flowId && flows[p.flowId]) selectFlow(p.flowId);
    else openSource(p.file);
  };
  return (
    <>
      <p className={errors.length ? 'export-blocked' : undefined}>
        {errors.length
          ? `${errors.length} error${errors.length === 1 ? '' : 's'}: a project with errors is not exported. Fix ${errors.length === 1 ? 'it' : 'them'} first.`
          : `${warnings} warning${warnings === 1 ? '' : 's'} (the export goes ahead).`}
      </p>
      <ul className="problems" aria-label="Export problems">
        {problems.slice(0, 200).map((p, i) => (
          <li key={i} className={p.severity}>
            <button type="button" onClick={() => go(p)}>
              {formatProblem(p)}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function FileList({ kind, files }: { kind: string; files: string[] }) {
  if (!files.length) return null;
  return (
    <li>
      <strong>
        {kind} ({files.length})
      </strong>
      <ul>
        {files.slice(0, MAX_LISTED).map((f) => (
          <li key={f}>
            <code>{f}</code>
          </li>
        ))}
        {files.length > MAX_LISTED && <li>and {files.length - MAX_LISTED} more</li>}
      </ul>
    </li>
  );
}

/** What the export would change in (or did change in) the output folder's earlier bundle. */
export function ExportChanges({ changes }: { changes: NonNullable<BundlePreview['changes']> }) {
  const n = changes.added.length + changes.removed.length + changes.changed.length;
  return (
    <div className="export-changes">
      <p>
        {changes.fromVersion === changes.toVersion ? (
          <>
            Version {changes.toVersion} (unchanged)
            {n > 0 && <span className="export-warning"> — files changed but the version did not: bump it</span>}
          </>
        ) : (
          <>
            Version {changes.fromVersion} → {changes.toVersion}
          </>
        )}
      </p>
      {n === 0 ? (
        <p>No file changed.</p>
      ) : (
        <ul aria-label="Changed files">
          <FileList kind="Added" files={changes.added} />
          <FileList kind="Removed" files={changes.removed} />
          <FileList kind="Changed" files={changes.changed} />
        </ul>
      )}
    </div>
  );
}

/** What the export wrote. */
export function ExportDone({ result }: { result: Extract<BundleExportResult, { ok: true }> }) {
  return (
    <section className="export-result" aria-label="Export result" role="status">
      <h3>
        Exported {result.name} {result.version}
      </h3>
      <p>
        {result.files} files, signed, in <code>{result.outDir}</code>
      </p>
      {result.changes && <ExportChanges changes={result.changes} />}
      {result.warnings.length > 0 && (
        <ul className="export-warnings" aria-label="Export warnings">
          {result.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <p>
        Run it: <code>{`cd ${result.outDir} && PARLEY_RUNTIME_TOKEN=<token> node server.mjs --port 8787`}</code>
      </p>
    </section>
  );
}
