import './importSummary.css';
import { useEffect, useRef, useState } from 'react';
import type { ImportSource, ProjectImportResult } from '../../../shared/api/contract';

export type ImportDone = Extract<ProjectImportResult, { ok: true }> & { from: ImportSource };

const SOURCE_NAMES: Record<ImportSource, string> = { rasa: 'Rasa', 'dialogflow-cx': 'Dialogflow CX' };

/** After an import: what it brought in, and IMPORT.md (what a person must finish) in a plain viewer. */
export function ImportSummary({ done, onClose }: { done: ImportDone; onClose: () => void }) {
  const [showReport, setShowReport] = useState(false);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  const { counts, report } = done;
  return (
    <div className="overlay" role="presentation" onClick={onClose} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="import-summary" role="dialog" aria-modal="true" aria-labelledby="import-summary-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="import-summary-title">
          Imported {done.name} from {SOURCE_NAMES[done.from]}
        </h2>
        <p className="import-dir">
          <code>{done.dir}</code> ({done.files} files)
        </p>
        <ul aria-label="What was imported">
          <li>{counts.intents} intents</li>
          <li>{counts.entities} entities</li>
          <li>{counts.flows} flows</li>
          <li>{counts.stories} stories</li>
          <li>{counts.operations} API operations</li>
        </ul>
        <p className="import-report">
          <strong>IMPORT.md</strong> in the project lists what was mapped ({report.mapped}), what was approximated ({report.approximated}) and what needs a
          person to finish ({report.person}).
          {report.person > 0 ? ' Read it before you rely on the bot.' : ''}
        </p>
        {showReport && (
          <pre className="import-report-text" aria-label="IMPORT.md" tabIndex={0}>
            {done.reportText}
          </pre>
        )}
        <footer>
          <button type="button" onClick={() => setShowReport(!showReport)} aria-expanded={showReport}>
            {showReport ? 'Hide IMPORT.md' : 'View IMPORT.md'}
          </button>
          <button type="button" className="primary" ref={close} onClick={onClose}>
            Close
          </button>
        </footer>
      </div>
    </div>
  );
}
