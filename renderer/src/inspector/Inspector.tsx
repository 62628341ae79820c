import { useShallow } from 'zustand/react/shallow';
import type { LocalizedText } from '../../../shared/schema/common';
import type { FlowNode } from '../../../shared/schema/nodes';
import { KIND_LABEL } from '../../../shared/project/describe';
import { exitsOf } from '../../../shared/schema/exits';
import { editFlow, useStudio } from '../store/studioStore';

/** The fields that hold what the bot says, per node kind. */
function copyFields(node: FlowNode): { key: 'say' | 'prompt' | 'reprompt'; label: string; value: LocalizedText | undefined }[] {
  switch (node.kind) {
    case 'message':
      return [{ key: 'say', label: 'Bot says', value: node.say }];
    case 'ask':
      return [
        { key: 'prompt', label: 'Question', value: node.prompt },
        { key: 'reprompt', label: 'Re-prompt', value: node.reprompt },
      ];
    case 'handoff':
    case 'end':
      return [{ key: 'say', label: 'Bot says', value: node.say }];
    default:
      return [];
  }
}

const firstVariant = (v: LocalizedText | undefined, locale: string): string => {
  const t = v?.[locale];
  return t === undefined ? '' : Array.isArray(t) ? (t[0] ?? '') : t;
};

function withVariant(v: LocalizedText | undefined, locale: string, text: string): LocalizedText | undefined {
  const current = v?.[locale];
  const next = Array.isArray(current) ? [text, ...current.slice(1)] : text;
  const out: Record<string, string | string[]> = { ...(v ?? {}) };
  if (text === '' && !Array.isArray(current)) delete out[locale];
  else out[locale] = next;
  return Object.keys(out).length ? out : undefined;
}

const DEFAULT_LOCALES = ['en'];

export function Inspector({ flowId }: { flowId: string }) {
  const nodeId = useStudio((s) => s.selectedNodeId);
  const node = useStudio((s) => (nodeId ? s.flows[flowId]?.flow.nodes.find((n) => n.id === nodeId) : undefined));
  const locales = useStudio((s) => s.project?.manifest.locales ?? DEFAULT_LOCALES);
  const problems = useStudio(useShallow((s) => s.problems.filter((p) => p.flowId === flowId && p.nodeId === nodeId)));
  if (!node) {
    return (
      <aside className="inspector empty" aria-label="Inspector">
        <p>Select a node to edit it.</p>
      </aside>
    );
  }
  const update = (patch: Partial<FlowNode>) => {
    const next = { ...node, ...patch } as FlowNode;
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (next as Record<string, unknown>)[k];
    editFlow(flowId, [{ type: 'node.update', id: node.id, node: next }]);
  };
  return (
    <aside className="inspector" aria-label="Inspector">
      <header>
        <span className={`kind-chip kind-${node.kind}`}>{KIND_LABEL[node.kind]}</span>
        <code>{node.id}</code>
      </header>
      <label>
        Title
        <input aria-label="Title" value={node.title ?? ''} onChange={(e) => update({ title: e.target.value || undefined })} />
      </label>
      {copyFields(node).map((f) =>
        locales.map((loc) => (
          <label key={`${f.key}-${loc}`}>
            {f.label} <span className="locale">{loc}</span>
            <textarea
              aria-label={`${f.label} (${loc})`}
              rows={3}
              value={firstVariant(f.value, loc)}
              onChange={(e) => update({ [f.key]: withVariant(f.value, loc, e.target.value) } as Partial<FlowNode>)}
            />
          </label>
        )),
      )}
      <section>
        <h4>Exits</h4>
        <ul className="exit-list">
          {exitsOf(node).map((x) => (
            <li key={x.port}>
              {x.label} → <code>{x.target ?? '—'}</code>
            </li>
          ))}
        </ul>
      </section>
      {problems.length > 0 && (
        <section className="node-problems">
          <h4>Problems</h4>
          <ul>
            {problems.map((p, i) => (
              <li key={i} className={p.severity}>
                {p.field}: {p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
