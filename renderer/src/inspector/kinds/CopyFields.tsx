import type { FlowNode } from '../../../../shared/schema/nodes';
import { nodeLines } from '../../builtinLines/lines';
import { NodeLinesHere } from '../../builtinLines/NodeLines';
import { CopyField } from '../CopyField';
import { AnswerButtonsEditor, ButtonsEditor } from './ButtonsEditor';
import { FormFieldList } from './FormFields';
import { ValidationRules } from './QuestionFields';
import { VariantsEditor } from './VariantsEditor';

// The Copy section: what the bot says (message, ask, form, handoff, end), and the engine's lines the node speaks.

/** Whether a node has copy (what the bot says): message, ask, form (its fields), handoff, end, or one of the engine's lines. */
export const hasCopy = (node: FlowNode): boolean => ['message', 'ask', 'form', 'handoff', 'end'].includes(node.kind) || nodeLines(node).length > 0;

/** Paths (as `pathKey` prefixes) that the Copy section shows, to count its problems. */
export function copyRoots(node: FlowNode): string[] {
  return [...kindCopyRoots(node), 'builtinCopy'];
}

function kindCopyRoots(node: FlowNode): string[] {
  switch (node.kind) {
    case 'message':
      return ['say', 'buttons', 'variants'];
    case 'ask':
      return ['prompt', 'reprompt', 'validation', 'buttons'];
    case 'form':
      return ['fields'];
    case 'handoff':
      return ['say', 'outOfHoursSay'];
    case 'end':
      return ['say'];
    default:
      return [];
  }
}

export function CopyFields({ node }: { node: FlowNode }) {
  return (
    <>
      <KindCopy node={node} />
      <NodeLinesHere node={node} />
    </>
  );
}

function KindCopy({ node }: { node: FlowNode }) {
  switch (node.kind) {
    case 'message':
      return (
        <>
          <CopyField label="Bot says" path={['say']} copyKey="say" value={node.say} required />
          <ButtonsEditor node={node} />
          <VariantsEditor node={node} />
        </>
      );
    case 'ask':
      return (
        <>
          <CopyField label="Question" path={['prompt']} copyKey="prompt" value={node.prompt} required />
          <CopyField label="Re-prompt" path={['reprompt']} copyKey="reprompt" value={node.reprompt} required={false} />
          <ValidationRules q={node} base={[]} />
          <AnswerButtonsEditor node={node} />
        </>
      );
    case 'form':
      return <FormFieldList node={node} />;
    case 'handoff':
      return (
        <>
          <CopyField label="Bot says" path={['say']} copyKey="say" value={node.say} required={false} />
          <CopyField
            label="Out of hours (when no outOfHours exit; {{opensAt}} is the next opening)"
            path={['outOfHoursSay']}
            copyKey="outOfHoursSay"
            value={node.outOfHoursSay}
            required={false}
          />
        </>
      );
    case 'end':
      return <CopyField label="Bot says" path={['say']} copyKey="say" value={node.say} required={false} />;
    default:
      return null;
  }
}
