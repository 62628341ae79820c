import type { NodeOf } from '../../../../shared/schema/nodes';
import { AssignList } from './AssignList';

export function SetFields({ node }: { node: NodeOf<'set'> }) {
  return (
    <AssignList
      path="assign"
      items={node.assign}
      second="value"
      title="Assignment"
      secondLabel="Value"
      secondPlaceholder='"other" or slots.amount * 2'
      required
    />
  );
}
