import { useShallow } from 'zustand/react/shallow';
import type { FlowNode, NodeOf } from '../../../../shared/schema/nodes';
import { enterFlow, useStudio } from '../../store/studioStore';
import { useEditor } from '../context';
import { SelectField, type Option } from '../controls';
import { useNodeChoices } from '../Exits';
import { useFromNodes } from '../fromNodes';

const startOf = (nodes: readonly FlowNode[]): string | undefined => nodes.find((n) => n.kind === 'start')?.id;

/** The target of a jump or call node: a flow and an entry node in it. */
export function FlowTargetFields({ node }: { node: NodeOf<'jump'> | NodeOf<'call'> }) {
  const ed = useEditor();
  const flows = useStudio(useShallow((s) => Object.entries(s.flows).flatMap(([id, d]) => [id, d.flow.name])));
  const nodeOptions: Option[] = useNodeChoices(node.flow).map((c) => ({ value: c.id, label: c.label }));
  const startId = useFromNodes(node.flow, undefined, startOf);
  const flowOptions: Option[] = [];
  for (let i = 0; i < flows.length; i += 2) flowOptions.push({ value: flows[i] as string, label: `${flows[i + 1]} (${flows[i]})` });
  const goTo = node.node ?? startId;
  const exists = flows.includes(node.flow);
  return (
    <>
      <SelectField
        label={node.kind === 'jump' ? 'Continue in flow' : 'Call flow'}
        path={['flow']}
        value={node.flow}
        options={flowOptions}
        onChoose={(v) =>
          ed.edit((n) => {
            if (n.kind !== 'jump' && n.kind !== 'call') return n;
            const { node: _node, ...rest } = n;
            return { ...rest, flow: v } as FlowNode;
          })
        }
      />
      <SelectField
        label="Entry node"
        path={['node']}
        value={node.node}
        options={nodeOptions}
        emptyLabel={`start node (default${startId ? `: ${startId}` : ''})`}
      />
      <button type="button" className="insp-add" disabled={!exists || !goTo} onClick={() => goTo && enterFlow(node.flow, goTo)}>
        Go to {node.flow}
        {goTo ? ` › ${goTo}` : ''}
      </button>
      {node.kind === 'call' && <p className="insp-hint">When the called flow ends, the conversation continues at “next”.</p>}
    </>
  );
}
