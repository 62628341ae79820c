import { memo } from 'react';
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';
import { KIND_LABEL, nodeSummary } from '../../../shared/project/describe';

export type CardData = { node: FlowNode; locale: string; hasError: boolean };
export type CardNode = Node<CardData, 'card'>;

/** A node on the canvas: its kind, its title, and the copy itself, so a writer can read the conversation off the graph. */
export const NodeCard = memo(function NodeCard({ data, selected }: NodeProps<CardNode>) {
  const { node, locale, hasError } = data;
  const summary = nodeSummary(node, locale);
  const exits = exitsOf(node);
  return (
    <div
      className={`card kind-${node.kind}${selected ? ' selected' : ''}${hasError ? ' has-error' : ''}`}
      data-node-id={node.id}
      aria-label={`${KIND_LABEL[node.kind]} node ${node.title ?? node.id}`}
    >
      {node.kind !== 'start' && <Handle type="target" position={Position.Left} className="handle-in" />}
      <div className="card-head">
        <span className="kind">{KIND_LABEL[node.kind]}</span>
        <span className="title">{node.title ?? node.id}</span>
      </div>
      {summary.text && <div className={summary.isCopy ? 'card-copy' : 'card-detail'}>{summary.text}</div>}
      {exits.length > 0 && (
        <div className="exits">
          {exits.map((exit) => (
            <div className="exit" key={exit.port}>
              <span>{exit.label}</span>
              <Handle type="source" position={Position.Right} id={exit.port} className={exit.target ? 'handle-out' : 'handle-out open'} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
});
