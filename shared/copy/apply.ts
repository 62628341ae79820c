// Copy edits (an inline edit in the copy deck, a find and replace, a spreadsheet read back) turned into what
// changes where: the nodes of each flow (handed to the studio's `editFlow` as node updates, or written by the
// CLI), and paths in parley.yaml and guardrails.yaml, whose text is edited in place by `withYamlEdits` (yamlEdits.ts; comments
// and the rest of the file kept).
import type { CopyText } from '../schema/common';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';
import { setIn } from '../util/setIn';
import type { DeckRow } from './deck';
import type { CopyEdit } from './table';

/** A value to set (or, undefined, remove) at a path of a YAML file. */
export interface YamlEdit {
  path: (string | number)[];
  value: CopyText | undefined;
}

export interface CopyChanges {
  /** The changed nodes of each flow, by flow id then node id. */
  nodes: Map<string, Map<string, FlowNode>>;
  manifest: YamlEdit[];
  guardrails: YamlEdit[];
}

/** Where each of `edits` goes; an edit of an id no row has is an error (the caller checked the ids). */
export function copyChanges(rows: readonly DeckRow[], flows: Readonly<Record<string, Flow>>, edits: readonly CopyEdit[]): CopyChanges {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: CopyChanges = { nodes: new Map(), manifest: [], guardrails: [] };
  for (const e of edits) {
    const row = byId.get(e.id);
    if (!row) throw new Error(`no line has the copy id "${e.id}"`);
    const src = row.source;
    switch (src.type) {
      case 'node': {
        const changed = out.nodes.get(src.flowId) ?? new Map<string, FlowNode>();
        const node = changed.get(src.nodeId) ?? flows[src.flowId]?.nodes.find((n) => n.id === src.nodeId);
        if (!node) throw new Error(`no node ${src.flowId}/${src.nodeId}`);
        changed.set(src.nodeId, setIn(node, [...src.path, e.locale], e.after) as FlowNode);
        out.nodes.set(src.flowId, changed);
        break;
      }
      case 'builtin':
        out.manifest.push({ path: ['builtinCopy', src.key, e.locale], value: e.after });
        break;
      case 'global':
        out.manifest.push({ path: ['globals', src.index, 'say', e.locale], value: e.after });
        break;
      case 'guardrail':
        out.guardrails.push({ path: ['rules', src.index, 'message', e.locale], value: e.after });
        break;
    }
  }
  return out;
}

/** A flow with its changed nodes in place. */
export function withChangedNodes(flow: Flow, changed: ReadonlyMap<string, FlowNode>): Flow {
  return { ...flow, nodes: flow.nodes.map((n) => changed.get(n.id) ?? n) };
}
