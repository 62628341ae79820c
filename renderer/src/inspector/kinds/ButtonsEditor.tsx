import type { ReactNode } from 'react';
import { copyIn } from '../../../../shared/project/describe';
import type { LocalizedText } from '../../../../shared/schema/common';
import type { AnswerButton, NodeOf } from '../../../../shared/schema/nodes';
import { controlId, useEditor } from '../context';
import { RowActions, TextField, focusSoon } from '../controls';
import { CopyField } from '../CopyField';
import { moveItem, removeItem, uniqueId } from '../nodeEdit';

type Button = { id: string; label: LocalizedText };

interface ButtonListProps<B extends Button> {
  title: string;
  buttons: readonly B[];
  edit: (fn: (list: B[]) => B[]) => void;
  /** The fields of button `i` shown beside its id (payload, value). */
  fields: (b: B, i: number) => ReactNode;
  /** What is shown under button `i`'s label. */
  footer?: (b: B, i: number) => ReactNode;
}

/** A node's `buttons` list: id, kind-specific fields and a label (copy) per button; add, move and remove. */
function ButtonList<B extends Button>({ title, buttons, edit, fields, footer }: ButtonListProps<B>) {
  const ed = useEditor();
  const listId = controlId('buttons');
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          {title}
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
            {fields(b, i)}
          </div>
          <CopyField
            label={`Button ${i + 1} label`}
            path={['buttons', i, 'label']}
            copyKey={`buttons.${b.id}.label`}
            value={b.label}
            required
            allowVariants={false}
          />
          {footer?.(b, i)}
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
          edit((list) => [...list, { id, label: { [ed.defaultLocale]: '' } } as B]);
          focusSoon(controlId(['buttons', buttons.length, 'label', ed.defaultLocale]));
        }}
      >
        + Add button
      </button>
    </div>
  );
}

/** A message node's quick-reply buttons (shown under Copy, since their labels are copy); each leads to an exit. */
export function ButtonsEditor({ node }: { node: NodeOf<'message'> }) {
  const ed = useEditor();
  return (
    <ButtonList
      title="Quick-reply buttons"
      buttons={node.buttons ?? []}
      edit={(fn) => ed.edit((n) => (n.kind === 'message' ? { ...n, buttons: fn(n.buttons ?? []) } : n))}
      fields={(b, i) => (
        <TextField label="Payload" ariaLabel={`Button ${i + 1} payload`} path={['buttons', i, 'payload']} value={b.payload} optional placeholder={b.id} mono />
      )}
      footer={(b) => (
        <p className="insp-hint">
          Leads to <code>{b.next ?? '— not connected —'}</code> (see Exits)
        </p>
      )}
    />
  );
}

/** An ask node's answer buttons: quick replies offered with the question, each answering with its value. */
export function AnswerButtonsEditor({ node }: { node: NodeOf<'ask'> }) {
  const ed = useEditor();
  const edit = (fn: (list: AnswerButton[]) => AnswerButton[]) =>
    ed.edit((n) => {
      if (n.kind !== 'ask') return n;
      const { buttons: _buttons, ...rest } = n;
      const next = fn(n.buttons ?? []);
      return next.length > 0 ? { ...rest, buttons: next } : rest;
    });
  return (
    <ButtonList
      title="Answer buttons"
      buttons={node.buttons ?? []}
      edit={edit}
      fields={(b, i) => (
        <TextField
          label="Value"
          ariaLabel={`Button ${i + 1} value`}
          path={['buttons', i, 'value']}
          value={b.value}
          optional
          placeholder={copyIn(b.label, ed.defaultLocale) || 'the label'}
          hint="The answer it gives, as if typed (default: its label)."
        />
      )}
    />
  );
}
