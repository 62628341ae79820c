import type { NodeOf } from '../../../../shared/schema/nodes';
import { SelectField } from '../controls';
import { opts } from './choices';

export function EndFields({ node }: { node: NodeOf<'end'> }) {
  return (
    <SelectField
      label="Outcome"
      path={['outcome']}
      value={node.outcome}
      options={opts(['resolved', 'unresolved', 'abandoned', 'escalated'])}
      emptyLabel="default (resolved)"
    />
  );
}
