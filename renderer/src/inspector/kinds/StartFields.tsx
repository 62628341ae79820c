import type { NodeOf } from '../../../../shared/schema/nodes';
import { controlId, useEditor } from '../context';
import { AddFromList, ChipList } from '../controls';
import { removeItem } from '../nodeEdit';
import { useIntentIds } from './choices';

export function StartFields({ node }: { node: NodeOf<'start'> }) {
  const ed = useEditor();
  const intents = useIntentIds();
  const triggers = node.triggers ?? [];
  const cid = controlId('triggers');
  return (
    <ChipList
      label="Trigger intents"
      path={['triggers']}
      values={triggers}
      itemNoun="trigger"
      onRemove={(i) => ed.set(['triggers'], removeItem(triggers, i), false)}
      hint="These intents enter this flow from anywhere in the project."
    >
      <AddFromList
        id={`${cid}-add`}
        label="Intent to add as a trigger"
        options={intents.map((id) => ({ value: id, label: id, disabled: triggers.includes(id) }))}
        onAdd={(id) => ed.set(['triggers'], [...triggers, id], false)}
      />
    </ChipList>
  );
}
