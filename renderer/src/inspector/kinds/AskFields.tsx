import { useShallow } from 'zustand/react/shallow';
import { SlotType, type NodeOf } from '../../../../shared/schema/nodes';
import { useStudio } from '../../store/studioStore';
import { useEditor } from '../context';
import { CheckboxField, NumberField, SelectField, TextField } from '../controls';
import { NO_STRINGS, opts } from './choices';

const DATE_PURPOSES = [
  { value: 'past', label: 'past' },
  { value: 'future', label: 'future' },
  { value: 'nearest', label: 'nearest' },
];

export function AskFields({ node }: { node: NodeOf<'ask'> }) {
  const ed = useEditor();
  const entities = useStudio(useShallow((s) => s.project?.nlu.entities?.map((e) => e.id) ?? NO_STRINGS));
  return (
    <>
      <TextField label="Slot" path={['slot']} value={node.slot} mono placeholder="slots.answer" hint="The variable the answer is stored in." />
      <div className="insp-row">
        <SelectField
          label="Answer type"
          path={['type']}
          value={node.type}
          options={opts(SlotType.options)}
          onChoose={(v) =>
            ed.edit((n) => {
              if (n.kind !== 'ask') return n;
              const { entity: _entity, ...rest } = n;
              return v === 'entity' ? { ...n, type: 'entity' } : { ...rest, type: v as NodeOf<'ask'>['type'] };
            })
          }
        />
        {(node.type === 'entity' || node.entity !== undefined) && (
          <SelectField label="Entity" path={['entity']} value={node.entity} options={opts(entities)} emptyLabel="— choose an entity —" />
        )}
        {(node.type === 'date' || node.type === 'date_range') && (
          <SelectField
            label="Year not said"
            path={['dates']}
            value={node.dates}
            options={DATE_PURPOSES}
            emptyLabel="nearest (default)"
            hint="Which year “January 12” takes: past for transactions, future for appointments."
          />
        )}
      </div>
      <TextField
        label="Accept when"
        path={['validation', 'expr']}
        value={Array.isArray(node.validation) ? node.validation[0]?.expr : node.validation?.expr}
        optional
        mono
        placeholder="e.g. value > 0"
        hint="Validation expression over value (the answer) and the variables. Its message is under Copy."
        alsoIssues={['validation']}
      />
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
