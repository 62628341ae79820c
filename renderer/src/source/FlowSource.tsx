import { useCallback, useEffect, useRef, useState } from 'react';
import type { Problem } from '../../../shared/project/problems';
import { serializeFlow } from '../../../shared/project/serialize';
import { flowFile } from '../../../shared/project/names';
import type { Flow } from '../../../shared/schema/project';
import { flushSaves, replaceFlow, useStudio } from '../store/studioStore';
import { checkFlowText, minimalEdit, type FlowTextResult, type ProjectContext } from './flowText';
import { ProblemList, showProblemMarkers } from './markers';
import { modelUri, monaco, setUpYaml } from './monaco';

/** Quiet time after the last keystroke before the text is checked and, if valid, applied. */
export const APPLY_DEBOUNCE_MS = 300;

type EditState = 'applied' | 'editing' | 'invalid';

/**
 * Unapplied (invalid) text per project and flow, kept when the view closes so that leaving the Source tab does
 * not throw an edit away; it is offered again the next time the flow's source is opened.
 */
const drafts = new Map<string, { text: string; base: Flow }>();

function projectContext(flowId: string): ProjectContext | undefined {
  const { project, flows } = useStudio.getState();
  if (!project) return undefined;
  const others: Record<string, Flow> = {};
  for (const [id, d] of Object.entries(flows)) if (id !== flowId) others[id] = d.flow;
  return { manifest: project.manifest, nlu: project.nlu, flows: others, broken: project.broken.map((b) => b.file) };
}

/**
 * The current flow as YAML: exactly what the serializer writes to disk, editable. Valid text replaces the flow
 * in the store (so the canvas follows and autosave writes the file, in canonical form); invalid text is marked
 * and changes nothing. Changes to the flow from elsewhere (the canvas, undo, the file on disk) replace the text,
 * except an unapplied invalid edit, which is kept until the user fixes or discards it.
 */
export function FlowSource({ flowId, actions }: { flowId: string; actions?: React.ReactNode }) {
  const file = flowFile(flowId);
  const flow = useStudio((s) => s.flows[flowId]?.flow);
  const projectDir = useStudio((s) => s.project?.dir ?? '');
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  /**
   * `base` is the store's flow the text was last in step with, `inStep` that text: the editor has an unapplied
   * edit exactly when its text differs from `inStep`.
   */
  const sync = useRef<{ base: Flow | undefined; inStep: string; timer: ReturnType<typeof setTimeout> | undefined; muted: boolean }>({
    base: undefined,
    inStep: '',
    timer: undefined,
    muted: false,
  });
  const [problems, setProblems] = useState<Problem[]>([]);
  const [state, setState] = useState<EditState>('applied');
  /**
   * Why the editor shows text that is not the flow: `stale`, the flow changed elsewhere under an unapplied
   * invalid edit; `restored`, an invalid edit left when the view was last closed is shown again.
   */
  const [notice, setNotice] = useState<'stale' | 'restored' | undefined>();
  const [canonical, setCanonical] = useState(true);

  const showResult = useCallback((model: monaco.editor.ITextModel, result: FlowTextResult) => {
    showProblemMarkers(model, result.problems);
    setProblems(result.problems);
  }, []);

  /** Checks the editor text now; applies it to the store when valid. Returns whether the text is in step. */
  const apply = useCallback((): boolean => {
    const s = sync.current;
    clearTimeout(s.timer);
    s.timer = undefined;
    const model = editorRef.current?.getModel();
    const { flows, project } = useStudio.getState();
    const current = flows[flowId]?.flow;
    // Another project was opened meanwhile: this text is not about its flow of the same name.
    if (!model || !current || (project?.dir ?? '') !== projectDir) return false;
    const text = model.getValue();
    const result = checkFlowText(flowId, text, projectContext(flowId));
    showResult(model, result);
    if (!result.flow) {
      setState('invalid');
      return false;
    }
    const next = serializeFlow(result.flow);
    if (next !== serializeFlow(current)) replaceFlow(flowId, result.flow, { coalesce: `source:${flowId}` });
    s.base = useStudio.getState().flows[flowId]?.flow;
    s.inStep = text;
    setState('applied');
    setNotice(undefined);
    setCanonical(text === next);
    return true;
  }, [flowId, projectDir, showResult]);

  /** Replaces the editor text with `text` by one minimal edit, keeping cursor and scroll where they can stay. */
  const setText = useCallback(
    (text: string, base: Flow) => {
      const ed = editorRef.current;
      const model = ed?.getModel();
      if (!ed || !model) return;
      const s = sync.current;
      clearTimeout(s.timer);
      s.timer = undefined;
      const edit = minimalEdit(model.getValue(), text);
      if (edit) {
        const scrollTop = ed.getScrollTop();
        const scrollLeft = ed.getScrollLeft();
        const range = monaco.Range.fromPositions(model.getPositionAt(edit.start), model.getPositionAt(edit.end));
        s.muted = true;
        try {
          ed.pushUndoStop();
          ed.executeEdits('parley.flow', [{ range, text: edit.text, forceMoveMarkers: false }]);
          ed.pushUndoStop();
        } finally {
          s.muted = false;
        }
        ed.setScrollPosition({ scrollTop, scrollLeft });
      }
      s.base = base;
      s.inStep = text;
      showResult(model, checkFlowText(flowId, text, projectContext(flowId)));
      setState('applied');
      setNotice(undefined);
      setCanonical(true);
    },
    [flowId, showResult],
  );

  // The editor and its model, once per flow.
  useEffect(() => {
    const current = useStudio.getState().flows[flowId]?.flow;
    if (!host.current || !current) return;
    setUpYaml();
    const s = sync.current;
    const draftKey = `${projectDir}\n${flowId}`;
    const draft = drafts.get(draftKey);
    drafts.delete(draftKey);
    const shown = serializeFlow(current);
    const model = monaco.editor.createModel(draft?.text ?? shown, 'yaml', modelUri('flow', file));
    const ed = monaco.editor.create(host.current, { model, automaticLayout: true, minimap: { enabled: false }, fontSize: 13, tabSize: 2, insertSpaces: true });
    editorRef.current = ed;
    s.base = draft ? draft.base : current;
    s.inStep = draft ? serializeFlow(draft.base) : shown;
    if (draft) {
      if (!apply()) setNotice(draft.base !== current ? 'stale' : 'restored');
    } else {
      showResult(model, checkFlowText(flowId, shown, projectContext(flowId)));
    }

    const typing = model.onDidChangeContent(() => {
      if (s.muted) return;
      clearTimeout(s.timer);
      if (model.getValue() === s.inStep) {
        // Back to the text that is in step (undo in the editor): nothing to apply. If the flow changed meanwhile,
        // show it now (not from inside this model event).
        s.timer = undefined;
        setState('applied');
        setNotice(undefined);
        showResult(model, checkFlowText(flowId, s.inStep, projectContext(flowId)));
        if (useStudio.getState().flows[flowId]?.flow !== s.base) {
          queueMicrotask(() => {
            const latest = useStudio.getState().flows[flowId]?.flow;
            if (editorRef.current?.getModel() === model && latest && latest !== s.base && model.getValue() === s.inStep) setText(serializeFlow(latest), latest);
          });
        }
        return;
      }
      setState('editing');
      s.timer = setTimeout(apply, APPLY_DEBOUNCE_MS);
    });
    // Ctrl+S: apply what is typed now, then save every pending flow (as on the canvas).
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {
      apply();
      void flushSaves();
    });

    return () => {
      // Leaving the view: a pending valid edit is applied, an invalid one is kept for next time.
      if (s.timer) apply();
      if (model.getValue() !== s.inStep && s.base) drafts.set(draftKey, { text: model.getValue(), base: s.base });
      typing.dispose();
      editorRef.current = null;
      ed.dispose();
      model.dispose();
    };
    // The editor is made once per flow; later changes of the flow reach it through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flowId, file, projectDir]);

  // Canvas → source: the flow changed in the store (canvas, undo, a change on disk).
  useEffect(() => {
    const s = sync.current;
    const model = editorRef.current?.getModel();
    if (!flow || !model || flow === s.base) return;
    if (model.getValue() !== s.inStep) {
      // An unapplied edit: if it is valid now, it is the user's latest word and is applied over the change.
      if (s.timer && apply()) return;
      setNotice('stale');
      return;
    }
    setText(serializeFlow(flow), flow);
  }, [flow, apply, setText]);

  const discard = () => {
    const current = useStudio.getState().flows[flowId]?.flow;
    if (current) setText(serializeFlow(current), current);
    editorRef.current?.focus();
  };

  const reveal = (line: number) => {
    const ed = editorRef.current;
    if (!ed) return;
    ed.revealLineInCenter(line);
    ed.setPosition({ lineNumber: line, column: ed.getModel()?.getLineFirstNonWhitespaceColumn(line) || 1 });
    ed.focus();
  };

  const status = {
    applied: canonical ? 'In step with the canvas' : 'Applied to the canvas; saved in canonical form',
    editing: 'Editing…',
    invalid: 'Not applied: fix the marked problems',
  }[state];

  return (
    <div className="source-view" data-source-mode="flow" data-edit-state={state}>
      <div className="source-bar">
        <code>{file}</code>
        {actions}
        <span className={`status ${state}`} role="status">
          {status}
        </span>
      </div>
      {notice && (
        <div className="source-notice" role="alert">
          {notice === 'stale' ? 'The canvas changed; your invalid edit is kept — fix or discard.' : 'Your unapplied edit is kept — fix or discard.'}
          <button type="button" onClick={discard}>
            Discard my edit
          </button>
        </div>
      )}
      <div className="monaco-host" ref={host} />
      <ProblemList problems={problems} onReveal={reveal} />
    </div>
  );
}
