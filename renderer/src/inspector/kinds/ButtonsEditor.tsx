import type { NodeOf } from '../../../../shared/schema/nodes';
import { controlId, useEditor } from '../context';
import { RowActions, TextField, focusSoon } from '../controls';
import { CopyField } from '../CopyField';
import { moveItem, removeItem, uniqueId } from '../nodeEdit';

/** A message node's quick-reply buttons (shown under Copy, since their labels are copy). */
export function ButtonsEditor({ node }: { node: NodeOf<'message'> }) {
  const ed = useEditor();
  const buttons = node.buttons ?? [];
  const listId = controlId('buttons');
  const edit = (fn: (b: NonNullable<NodeOf<'message'>['buttons']>) => NodeOf<'message'>['buttons']) =>
    ed.edit((n) => (n.kind === 'message' ? { ...n, buttons: fn(n.buttons ?? []) } : n));
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Quick-reply buttons
        </span>
      </div>
      {buttons.length === 0 && <p className="insp-empty">No buttons.</p>}
      {buttons.map((b, i) => (
        <fieldset className="insp-item" key={i}>
          <legend>
            Button {i + 1}
            <RowActions
              listId={listId}
              index={i}
              count={buttons.length}
              itemLabel={`button ${i + 1}`}
              onMove={(from, to) => edit((list) => moveItem(list, from, to))}
              onRemove={(at) => edit((list) => removeItem(list, at))}
            />
          </legend>
          <div className="insp-row">
            <TextField label="Id" ariaLabel={`Button ${i + 1} id`} path={['buttons', i, 'id']} value={b.id} mono />
            <TextField
              label="Payload"
              ariaLabel={`Button ${i + 1} payload`}
              path={['buttons', i, 'payload']}
              value={b.payload}
              optional
              placeholder={b.id}
              mono
            />
          </div>
          <CopyField
            label={`Button ${i + 1} label`}
            path={['buttons', i, 'label']}
            copyKey={`buttons.${b.id}.label`}
            value={b.label}
            required
            allowVariants={false}
          />
          <p className="insp-hint">
            Leads to <code>{b.next ?? '— not connected —'}</code> (see Exits)
          </p>
        </fieldset>
      ))}
      <button
        type="button"
        id={`${listId}-add`}
        className="insp-add"
        onClick={() => {
          const id = uniqueId(
            'button',
            buttons.map((b) => b.id),
          );
          edit((list) => [...list, { id, label: { [ed.defaultLocale]: '' } }]);
          focusSoon(controlId(['buttons', buttons.length, 'label', ed.defaultLocale]));
        }}
      >
        + Add button
      </button>
    </div>
  );
}
