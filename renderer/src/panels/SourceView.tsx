import { useEffect, useRef, useState } from 'react';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { ApiError } from '../../../shared/api/errors';
import type { Problem } from '../../../shared/project/problems';
import { errorText, reloadProject, useStudio } from '../store/studioStore';

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = { getWorker: () => new EditorWorker() };

/**
 * The source of one project file in Monaco. Saving writes it through main, which validates a project file
 * first and refuses it, with line-numbered problems, if it does not load: an invalid edit never reaches disk.
 */
export default function SourceView({ file }: { file: string }) {
  const api = useStudio((s) => s.api);
  const theme = useStudio((s) => s.theme);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const revision = useRef<string | null>(null);
  const [status, setStatus] = useState<string>('loading…');
  const [problems, setProblems] = useState<Problem[]>([]);

  useEffect(() => {
    if (!host.current) return;
    const ed = monaco.editor.create(host.current, { language: 'yaml', automaticLayout: true, minimap: { enabled: false }, fontSize: 13, tabSize: 2 });
    editor.current = ed;
    return () => {
      ed.getModel()?.dispose();
      ed.dispose();
    };
  }, []);

  useEffect(() => monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs'), [theme]);

  useEffect(() => {
    let live = true;
    void api
      ?.call('file.read', { path: file })
      .then((r) => {
        if (!live) return;
        revision.current = r.revision;
        editor.current?.setValue(r.text);
        setStatus('');
        const own = useStudio.getState().problems.filter((p) => p.file === file);
        showMarkers(own);
      })
      .catch((e) => setStatus(errorText(e)));
    return () => {
      live = false;
    };
  }, [api, file]);

  function showMarkers(list: Problem[]) {
    setProblems(list);
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      'parley',
      list.map((p) => ({
        severity: p.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        message: `${p.field ? p.field + ': ' : ''}${p.message}`,
        startLineNumber: p.line ?? 1,
        endLineNumber: p.line ?? 1,
        startColumn: 1,
        endColumn: model.getLineMaxColumn(p.line ?? 1),
      })),
    );
  }

  async function save() {
    if (!api || !editor.current) return;
    setStatus('saving…');
    try {
      const project = useStudio.getState().project?.dir ?? '';
      const r = await api.call('file.write', { project, path: file, text: editor.current.getValue(), baseRevision: revision.current });
      revision.current = r.revision;
      showMarkers(r.problems);
      setStatus('saved');
      await reloadProject();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_PROJECT') {
        showMarkers(((e.details as { problems?: Problem[] } | undefined)?.problems ?? []) as Problem[]);
        setStatus('not saved: fix the marked problems');
      } else setStatus(errorText(e));
    }
  }

  return (
    <div className="source-view">
      <div className="source-bar">
        <code>{file}</code>
        <span className="status" role="status">{status}</span>
        <button onClick={() => void save()}>Save file</button>
      </div>
      <div
        className="monaco-host"
        ref={host}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 's') {
            e.preventDefault();
            void save();
          }
        }}
      />
      {problems.length > 0 && (
        <ul className="source-problems">
          {problems.map((p, i) => (
            <li key={i} className={p.severity}>
              line {p.line ?? '?'}: {p.field ? `${p.field}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
