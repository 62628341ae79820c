// The copy deck as a spreadsheet: export the lines shown as CSV or XLSX (main encodes them), and import one back —
// read and checked in full first (a bad file changes nothing and says which row and column), then every change it
// makes is shown before it is applied as one undo step.
import { useRef, useState } from 'react';
import type { CopyFileFormat } from '../../../shared/api/copyDeck';
import { variantsOf, type DeckRow } from '../../../shared/copy/deck';
import { CopyTableError, copyTable, editsFromTable, type CopyEdit } from '../../../shared/copy/table';
import { errorText, useStudio } from '../store/studioStore';
import { base64ToBytes, bytesToBase64, saveBlob } from '../files';

const fileName = (project: string, format: CopyFileFormat) => `${project.replace(/[^\w-]+/g, '-').replace(/^-|-$/g, '') || 'project'}-copy.${format}`;

interface Props {
  /** The rows shown (what an export writes). */
  shown: readonly DeckRow[];
  /** Every row (what an import may change). */
  all: readonly DeckRow[];
  locales: readonly string[];
  defaultLocale: string;
  onApply(edits: CopyEdit[], label: string): Promise<void>;
}

export function Sheets({ shown, all, locales, defaultLocale, onApply }: Props) {
  const api = useStudio((s) => s.api);
  const name = useStudio((s) => s.project?.manifest.name ?? 'project');
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');
  const [incoming, setIncoming] = useState<{ file: string; edits: CopyEdit[] }>();
  const byId = new Map(all.map((r) => [r.id, r]));

  const exportAs = async (format: CopyFileFormat) => {
    if (!api) return;
    try {
      const { base64, mimeType } = await api.call('copy.encode', { format, table: copyTable(shown, locales) });
      saveBlob(new Blob([base64ToBytes(base64)], { type: mimeType }), fileName(name, format));
      setStatus(`Exported ${shown.length} lines as ${format.toUpperCase()}.`);
    } catch (e) {
      setStatus(`Export failed: ${errorText(e)}`);
    }
  };

  const importFile = async (file: File) => {
    if (!api) return;
    const format: CopyFileFormat | undefined = /\.csv$/i.test(file.name) ? 'csv' : /\.xlsx$/i.test(file.name) ? 'xlsx' : undefined;
    if (!format) return setStatus(`${file.name}: choose a .csv or .xlsx file`);
    try {
      const base64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
      const { table } = await api.call('copy.decode', { format, fileName: file.name, base64 });
      const edits = editsFromTable(all, table, { defaultLocale, locales }, file.name);
      if (edits.length === 0) return setStatus(`${file.name} changes nothing.`);
      setStatus('');
      setIncoming({ file: file.name, edits });
    } catch (e) {
      setStatus(`Not imported, nothing changed. ${e instanceof CopyTableError ? e.message : errorText(e)}`);
    }
  };

  return (
    <>
      <button onClick={() => void exportAs('csv')}>Export CSV</button>
      <button onClick={() => void exportAs('xlsx')}>Export XLSX</button>
      <button onClick={() => input.current?.click()}>Import…</button>
      <input
        ref={input}
        type="file"
        accept=".csv,.xlsx"
        hidden
        aria-label="Import a CSV or XLSX file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void importFile(f);
        }}
      />
      {status && (
        <span className="deck-status" role="status">
          {status}
        </span>
      )}
      {incoming && (
        <div className="deck-import" role="dialog" aria-label={`Changes from ${incoming.file}`}>
          <h3>
            {incoming.file}: {incoming.edits.length} {incoming.edits.length === 1 ? 'change' : 'changes'}
          </h3>
          <ol>
            {incoming.edits.map((e) => {
              const row = byId.get(e.id);
              return (
                <li key={`${e.id}:${e.locale}`}>
                  <span className="deck-where">
                    {row?.flowId ? `${row.flowId} / ${row.nodeId}` : 'project'} · {row?.field} · {e.locale}
                  </span>
                  <span className="deck-before">{variantsOf(e.before).join(' / ') || '(none)'}</span>
                  <span className="deck-after">{variantsOf(e.after).join(' / ') || '(removed)'}</span>
                </li>
              );
            })}
          </ol>
          <div className="deck-import-actions">
            <button
              onClick={() => {
                const { file, edits } = incoming;
                setIncoming(undefined);
                void onApply(edits, `Import ${file}`).then(() => setStatus(`Applied ${edits.length} changes from ${file}.`));
              }}
            >
              Apply {incoming.edits.length} {incoming.edits.length === 1 ? 'change' : 'changes'}
            </button>
            <button onClick={() => setIncoming(undefined)}>Cancel</button>
          </div>
        </div>
      )}
    </>
  );
}
