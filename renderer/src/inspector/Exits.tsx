import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';
import { revealNode } from '../store/studioStore';
import { controlId, issuesAt, useEditor } from './context';
import { Messages, a11yProps } from './controls';
import { sameItems, useFromNodes } from './fromNodes';
import { pathKey } from './nodeEdit';

const NONE: string[] = [];

const NO_EXITS: Partial<Record<FlowNode['kind'], string>> = {
  jump: 'A jump continues in another flow and does not come back.',
  end: 'An end node ends the flow (or returns to the caller).',
};

const idsAndTitles = (nodes: readonly FlowNode[]): string[] => (nodes.length ? nodes.flatMap((n) => [n.id, n.title ?? '']) : NONE);

/**
 * `[id, title, id, title, …]` of the nodes of a flow: a flat list of strings, so comparing it item by item keeps it
 * stable (an edit that changes no id or title, a move, gives the same list); made again only when the flow's nodes change.
 */
export function useNodeChoices(flowId: string): { id: string; label: string }[] {
  const flat = useFromNodes(flowId, undefined, idsAndTitles, sameItems);
  const out: { id: string; label: string }[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const id = flat[i] as string;
    const title = flat[i + 1];
    out.push({ id, label: title ? `${id} — ${title}` : id });
  }
  return out;
}

/**
 * Every exit of the node with its target, and a select to connect it to any node of the flow: the keyboard's way
 * to wire what the canvas wires by dragging.
 */
export function ExitsEditor({ node }: { node: FlowNode }) {
  const ed = useEditor();
  const choices = useNodeChoices(ed.flowId);
  const exits = exitsOf(node);
  if (exits.length === 0) return <p className="insp-empty">{NO_EXITS[node.kind] ?? 'This node has no exits.'}</p>;
  return (
    <ul className="insp-exits">
      {exits.map((x) => {
        const key = pathKey(x.field);
        const cid = controlId(key);
        const issues = issuesAt(ed.issues, key);
        const known = x.target === undefined || choices.some((c) => c.id === x.target);
        return (
          <li key={x.port} className="insp-exit">
            <label htmlFor={cid} className="insp-exit-label" title={x.port}>
              {x.label}
            </label>
            <span className="insp-arrow" aria-hidden="true">
              →
            </span>
            <select
              id={cid}
              value={x.target ?? ''}
              aria-label={`${x.label} exit target`}
              onChange={(e) => ed.set(x.field, e.target.value || undefined, false)}
              {...a11yProps(cid, issues)}
            >
              <option value="">— not connected —</option>
              {!known && <option value={x.target}>{x.target} (missing)</option>}
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.id === node.id ? `${c.label} (this node)` : c.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="icon"
              disabled={!x.target || !known}
              aria-label={x.target ? `Go to ${x.target}` : `Go to the target of ${x.label}`}
              title="Go to the target"
              onClick={() => x.target && revealNode(ed.flowId, x.target)}
            >
              ↗
            </button>
            <Messages cid={cid} issues={issues} />
          </li>
        );
      })}
    </ul>
  );
}
