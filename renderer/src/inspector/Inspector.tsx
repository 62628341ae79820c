import { memo, useCallback, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { KIND_LABEL } from '../../../shared/project/describe';
import type { Problem } from '../../../shared/project/problems';
import { Id } from '../../../shared/schema/common';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';
import { renameNode } from '../store/renameNode';
import { editFlow, redo, sealHistory, selectNode, undo, useStudio } from '../store/studioStore';
import { EditorContext, controlId, issuesAt, useEditor, type NodeEditor } from './context';
import { Messages, Section, TextField, a11yProps, renameKeys } from './controls';
import { ExitsEditor } from './Exits';
import { deriveOnce, sameItems, useFromNodes, type Derived } from './fromNodes';
import { BehaviourFields, CopyFields, copyRoots, hasBehaviour, hasCopy } from './kinds';
import { decodeProblem, encodeProblem, getIn, indexIssues, pathKey, sameButPosition, schemaIssues, setIn, tidyNode, type FieldIssue } from './nodeEdit';
import './inspector.css';

const DEFAULT_LOCALES = ['en'];
const NO_PROBLEMS: string[] = [];
type SectionId = 'copy' | 'behaviour' | 'exits' | 'notes';
const CLOSED_KEY = 'parley.inspector.closed';

function readClosed(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(CLOSED_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The problems of one node, as strings (encodeProblem). */
function problemsOf(problems: readonly Problem[], flowId: string, nodeId: string): string[] {
  const out: string[] = [];
  for (const p of problems) if (p.flowId === flowId && p.nodeId === nodeId) out.push(encodeProblem(p));
  return out.length ? out : NO_PROBLEMS;
}

/**
 * The selected node, from the store. Moving the node (a new `position`) does not count as a change: the
 * inspector shows no position, and every edit starts from the node as it is in the store at that moment.
 */
function useSelectedNode(flowId: string, nodeId: string | undefined): FlowNode | undefined {
  return useFromNodes(
    flowId,
    nodeId,
    (nodes) => (nodeId ? nodes.find((x) => x.id === nodeId) : undefined),
    (prev, n) => prev === n || (prev !== undefined && n !== undefined && sameButPosition(prev, n)),
  );
}

/**
 * The inspector: every field of the selected node, per kind, with the validation messages under each field.
 * Memoised, and it selects only the selected node and what its fields need, so other store changes (saves,
 * other nodes, other flows, the canvas viewport) do not re-render it.
 */
export const Inspector = memo(function Inspector({ flowId }: { flowId: string }) {
  const nodeId = useStudio((s) => s.selectedNodeId);
  const node = useSelectedNode(flowId, nodeId);
  const [closed, setClosed] = useState<ReadonlySet<string>>(() => new Set(readClosed()));
  const [renamedTo, setRenamedTo] = useState<string>();
  // A new node (or flow) gets fresh drafts; a rename of this node keeps them, and keeps the focus where it is.
  const [view, setView] = useState({ flowId, nodeId, epoch: 0 });
  if (view.flowId !== flowId || view.nodeId !== nodeId) {
    const renamed = view.flowId === flowId && nodeId !== undefined && nodeId === renamedTo;
    setView({ flowId, nodeId, epoch: renamed ? view.epoch : view.epoch + 1 });
  }
  const setOpen = useCallback((id: string, open: boolean) => {
    setClosed((prev) => {
      const next = new Set(prev);
      if (open) next.delete(id);
      else next.add(id);
      try {
        localStorage.setItem(CLOSED_KEY, JSON.stringify([...next]));
      } catch {
        /* private mode: the state lives for this session only */
      }
      return next;
    });
  }, []);

  if (!node) {
    return (
      <aside className="inspector empty" aria-label="Inspector">
        <p>Select a node to edit it.</p>
      </aside>
    );
  }
  return (
    <aside className="inspector insp" aria-label="Inspector" data-node-kind={node.kind} onKeyDown={(e) => onInspectorKey(e, flowId)}>
      <NodeInspector key={view.epoch} flowId={flowId} node={node} closed={closed} setOpen={setOpen} onRename={setRenamedTo} />
    </aside>
  );
});

/**
 * Keys inside the inspector. Undo and redo in its fields are the studio's (one step per field edit, coalesced),
 * not the browser's per-textbox undo, which knows nothing of the flow. Delete and Backspace never reach the
 * canvas shortcuts from here: a key pressed on an inspector button must not delete the node being edited.
 */
function onInspectorKey(e: KeyboardEvent<HTMLElement>, flowId: string): void {
  const t = e.target as HTMLElement;
  const field = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA';
  const mod = (e.ctrlKey || e.metaKey) && !e.altKey;
  if (mod && field && !t.hasAttribute('data-native-undo') && (e.key.toLowerCase() === 'z' || e.key.toLowerCase() === 'y')) {
    e.preventDefault();
    e.stopPropagation();
    sealHistory(flowId);
    if (e.key.toLowerCase() === 'y' || e.shiftKey) redo(flowId);
    else undo(flowId);
    return;
  }
  if ((e.key === 'Delete' || e.key === 'Backspace') && !field) e.stopPropagation();
}

const NodeInspector = memo(function NodeInspector({
  flowId,
  node,
  closed,
  setOpen,
  onRename,
}: {
  flowId: string;
  node: FlowNode;
  closed: ReadonlySet<string>;
  setOpen: (id: string, open: boolean) => void;
  onRename: (newId: string) => void;
}) {
  const locales = useStudio((s) => s.project?.manifest.locales) ?? DEFAULT_LOCALES;
  const defaultLocale = useStudio((s) => s.project?.manifest.defaultLocale) ?? locales[0] ?? 'en';
  const nodeId = node.id;
  // Strings, compared item by item: the problems are recomputed (new objects) on every edit of any flow. Gone
  // through again only when they are new, not on every change of the store.
  const lastProblems = useRef<Derived<readonly Problem[], string[]> | undefined>(undefined);
  const problemKeys = useStudio((s) => {
    lastProblems.current = deriveOnce(lastProblems.current, s.problems, `${flowId}\n${nodeId}`, (problems) => problemsOf(problems, flowId, nodeId), sameItems);
    return lastProblems.current.value;
  });
  const issues = useMemo<FieldIssue[]>(() => [...schemaIssues(node), ...problemKeys.map(decodeProblem)], [node, problemKeys]);
  const index = useMemo(() => indexIssues(issues), [issues]);

  const editor = useMemo<NodeEditor>(() => {
    const edit: NodeEditor['edit'] = (fn, coalesce) => {
      const current = useStudio.getState().flows[flowId]?.flow.nodes.find((n) => n.id === nodeId);
      if (!current) return;
      const next = tidyNode(current, fn(current));
      if (next === current) return;
      editFlow(flowId, [{ type: 'node.update', id: nodeId, node: next }], coalesce ? { coalesce } : {});
    };
    return {
      flowId,
      nodeId,
      edit,
      set: (path, value, coalesce) => edit((n) => (Object.is(getIn(n, path), value) ? n : setIn(n, path, value)), coalesce || undefined),
      seal: () => sealHistory(flowId),
      issues: index,
      locales,
      defaultLocale,
    };
  }, [flowId, nodeId, index, locales, defaultLocale]);

  const sectionOf = (path: string): SectionId | 'head' => {
    if (path === '' || path === 'id' || path === 'title' || path === 'kind') return 'head';
    const under = (root: string) => path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`);
    if (exitsOf(node).some((x) => under(pathKey(x.field)))) return 'exits';
    if (under('notes')) return 'notes';
    if (copyRoots(node).some(under)) return 'copy';
    return 'behaviour';
  };
  const errorsIn = (s: SectionId) => issues.filter((i) => i.severity === 'error' && sectionOf(i.path) === s).length;

  /** Focuses the control of a field (opening its section), or the nearest control of a parent field. */
  const focusField = (path: string) => {
    let p = path || 'id';
    for (;;) {
      const id = controlId(p);
      const el = document.getElementById(id) ?? document.querySelector<HTMLElement>(`.insp [id^="${id}-"]`);
      if (el) {
        const section = el.closest('[data-section]')?.getAttribute('data-section');
        if (section && closed.has(section)) flushSync(() => setOpen(section, true));
        el.focus();
        el.scrollIntoView({ block: 'nearest' });
        return;
      }
      const parent = p.replace(/(\.[^.[]+|\[\d+\])$/, '');
      if (parent === p || parent === '') return;
      p = parent;
    }
  };

  const section = (id: SectionId, title: string, body: ReactNode) => (
    <Section id={id} title={title} open={!closed.has(id)} onToggle={() => setOpen(id, closed.has(id))} errors={errorsIn(id)}>
      {body}
    </Section>
  );

  return (
    <EditorContext.Provider value={editor}>
      <header className="insp-head">
        <span className={`kind-chip kind-${node.kind}`}>{KIND_LABEL[node.kind]}</span>
        <span className="insp-head-title">{node.title ?? node.id}</span>
      </header>
      <div className="insp-row">
        <IdField flowId={flowId} node={node} onRename={onRename} />
        <TextField label="Title" path={['title']} value={node.title} optional placeholder={node.id} />
      </div>
      <ProblemSummary issues={issues} onFocus={focusField} />
      {hasCopy(node) && section('copy', 'Copy', <CopyFields node={node} />)}
      {hasBehaviour(node) && section('behaviour', 'Behaviour', <BehaviourFields node={node} />)}
      {section('exits', 'Exits', <ExitsEditor node={node} />)}
      {section(
        'notes',
        'Notes',
        <TextField label="Designer notes" path={['notes']} value={node.notes} optional rows={4} placeholder="Why this node exists, what to check…" />,
      )}
    </EditorContext.Provider>
  );
});

function ProblemSummary({ issues, onFocus }: { issues: readonly FieldIssue[]; onFocus: (path: string) => void }) {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const text = [errors && `${errors} ${errors === 1 ? 'error' : 'errors'}`, warnings && `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`]
    .filter(Boolean)
    .join(', ');
  return (
    <div className={`insp-summary${errors ? ' has-errors' : warnings ? ' has-warnings' : ''}`} data-problem-count={issues.length}>
      <p className="insp-summary-count" aria-live="polite">
        {text}
      </p>
      {sorted.length > 0 && (
        <ul aria-label="Problems of this node">
          {sorted.map((i, k) => (
            <li key={k} className={i.severity}>
              <button type="button" onClick={() => onFocus(i.path)}>
                <code>{i.path || 'node'}</code> {i.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The node id: edited as a draft and renamed on Enter or when leaving the field, if it is a valid id that no
 * other node of the flow has. Renaming rewires every exit of the flow that pointed to it, and its groups.
 */
function IdField({ flowId, node, onRename }: { flowId: string; node: FlowNode; onRename: (newId: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const text = draft ?? node.id;
  const changed = text !== node.id;
  // Looked up only while the id is being changed, and then once per draft and edit of the flow.
  const taken = useFromNodes(flowId, changed ? text : undefined, (nodes) => changed && nodes.some((n) => n.id === text));
  const ed = useEditor();
  const local: FieldIssue[] = [];
  if (changed) {
    const parsed = Id.safeParse(text);
    if (text === '') local.push({ severity: 'error', path: 'id', message: 'required' });
    else if (!parsed.success) local.push({ severity: 'error', path: 'id', message: parsed.error.issues[0]?.message ?? 'not a valid id' });
    else if (taken) local.push({ severity: 'error', path: 'id', message: `another node of this flow is already called "${text}"` });
  }
  const cid = controlId('id');
  const issues = [...local, ...issuesAt(ed.issues, 'id')];
  const commit = () => {
    if (!changed || local.some((i) => i.severity === 'error')) return;
    if (!useStudio.getState().flows[flowId]) return;
    onRename(text);
    const done = renameNode(flowId, node.id, text);
    selectNode(text);
    setDraft(null);
    setStatus(`Renamed to ${text}.`);
    void done.then((r) => {
      const n = (k: number, one: string, many: string) => (k ? `${k} ${k === 1 ? one : many}` : '');
      const parts = [
        n(r.exits, 'exit', 'exits'),
        n(r.groups, 'group', 'groups'),
        n(r.external, 'jump or call in other flows', 'jumps or calls in other flows'),
        n(r.stories, 'story', 'stories'),
        n(r.comments, 'comment thread', 'comment threads'),
      ].filter(Boolean);
      setStatus(`Renamed to ${text}${parts.length ? `; ${parts.join(', ')} updated` : ''}.${r.failed.length ? ` Not updated: ${r.failed.join('; ')}` : ''}`);
    });
  };
  return (
    <div className="insp-field">
      <label htmlFor={cid}>Id</label>
      <input
        id={cid}
        type="text"
        className="mono"
        spellCheck={false}
        autoComplete="off"
        data-native-undo=""
        value={text}
        onChange={(e) => {
          setDraft(e.target.value);
          setStatus('');
        }}
        onKeyDown={renameKeys(commit, () => setDraft(null), changed)}
        onBlur={commit}
        {...a11yProps(cid, issues, true)}
      />
      <Messages cid={cid} issues={issues} hint={changed ? 'Enter renames, Esc cancels.' : 'Exits, groups, jumps, calls and stories follow a rename.'} />
      <p className="insp-status" role="status">
        {status}
      </p>
    </div>
  );
}
