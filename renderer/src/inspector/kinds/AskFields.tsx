import type { NodeOf } from '../../../../shared/schema/nodes';
import { useEditor } from '../context';
import { CheckboxField, NumberField } from '../controls';
import { QuestionFields } from './QuestionFields';

// An ask node's behaviour: the question (QuestionFields, shared with a form's fields), retries and skipping. Its
// prompts, validation rules and buttons are under Copy.
export function AskFields({ node }: { node: NodeOf<'ask'> }) {
  const ed = useEditor();
  return (
    <>
      <QuestionFields q={node} base={[]} />
      <div className="insp-row">
        <NumberField label="Max retries" path={['maxRetries']} value={node.maxRetries} placeholder="2" min={0} max={10} step={1} />
        <CheckboxField
          label="Skip if already filled"
          path={['skipIfFilled']}
          checked={node.skipIfFilled ?? true}
          onToggle={(c) => ed.set(['skipIfFilled'], c ? undefined : false, false)}
        />
      </div>
    </>
  );
}
