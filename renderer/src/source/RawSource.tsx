import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api/errors';
import type { Problem } from '../../../shared/project/problems';
import { MANIFEST_FILE } from '../../../shared/project/names';
import { errorText, markWrite, reloadProject, useStudio } from '../store/studioStore';
import { ProblemList, showProblemMarkers } from './markers';
import { modelUri, monaco, setUpYaml } from './monaco';

/**
 * The source of one project file as it is on disk (a file that failed to load, parley.yaml, nlu.yaml, or a
 * flow's file to compare; a broken parley.yaml opens here by itself). Saving writes it through main, which validates a project file first and refuses
 * it, with line-numbered problems, if it does not load: an invalid edit never reaches disk.
 */
export function RawSource({ file, actions }: { file: string; actions?: React.ReactNode }) {
  const api = useStudio((s) => s.api);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const revision = useRef<string | null>(null);
  const [status, setStatus] = useState<string>('loading…');
  const [problems, setProblems] = useState<Problem[]>([]);
  const manifestBroken = useStudio((s) => file === MANIFEST_FILE && Boolean(s.project?.broken.some((b) => b.file === MANIFEST_FILE)));

  useEffect(() => {
    if (!host.current) return;
    setUpYaml();
    const model = monaco.editor.createModel('', 'yaml', modelUri('disk', file));
    const ed = monaco.editor.create(host.current, { model, automaticLayout: true, minimap: { enabled: false }, fontSize: 13, tabSize: 2 });
    editor.current = ed;
    return () => {
      editor.current = null;
      ed.dispose();
      model.dispose();
    };
  }, [file]);

  useEffect(() => {
    let live = true;
    void api
      ?.call('file.read', { path: file })
      .then((r) => {
        if (!live) return;
        revision.current = r.revision;
        editor.current?.setValue(r.text);
        setStatus('');
        showMarkers(useStudio.getState().problems.filter((p) => p.file === file));
      })
      .catch((e) => setStatus(errorText(e)));
    return () => {
      live = false;
    };
  }, [api, file]);

  function showMarkers(list: Problem[]) {
    setProblems(list);
    const model = editor.current?.getModel();
    if (model) showProblemMarkers(model, list);
  }

  async function save() {
    if (!api || !editor.current) return;
    setStatus('saving…');
    try {
      const project = useStudio.getState().project?.dir ?? '';
      const mark = markWrite();
      const r = await api.call('file.write', { project, path: file, text: editor.current.getValue(), baseRevision: revision.current });
      revision.current = r.revision;
      showMarkers(r.problems);
      setStatus('saved');
      await reloadProject(mark);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_PROJECT') {
        showMarkers(((e.details as { problems?: Problem[] } | undefined)?.problems ?? []) as Problem[]);
        setStatus('not saved: fix the marked problems');
      } else setStatus(errorText(e));
    }
  }

  const reveal = (line: number) => {
    editor.current?.revealLineInCenter(line);
    editor.current?.setPosition({ lineNumber: line, column: 1 });
    editor.current?.focus();
  };

  return (
    <div className="source-view" data-source-mode="file">
      <div className="source-bar">
        <code>{file}</code>
        {actions}
        <span className="status" role="status">
          {status}
        </span>
        <button onClick={() => void save()}>Save file</button>
      </div>
      {manifestBroken && (
        <p className="banner conflict" role="alert" data-manifest-broken>
          {MANIFEST_FILE} does not load, so the rest of the project cannot be shown. Fix the marked problems here and save: the project then opens.
        </p>
      )}
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
      <ProblemList problems={problems} onReveal={reveal} />
    </div>
  );
}
