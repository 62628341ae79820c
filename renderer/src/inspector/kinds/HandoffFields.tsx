import type { NodeOf } from '../../../../shared/schema/nodes';
import { TextField } from '../controls';

export function HandoffFields({ node }: { node: NodeOf<'handoff'> }) {
  return (
    <>
      <div className="insp-row">
        <TextField label="Queue" path={['queue']} value={node.queue} optional placeholder="general" mono />
        <TextField label="Reason" path={['reason']} value={node.reason} optional />
      </div>
      <TextField label="Summary for the agent" path={['summary']} value={node.summary} optional rows={4} hint="A template: {{customer.name}}…" />
    </>
  );
}
