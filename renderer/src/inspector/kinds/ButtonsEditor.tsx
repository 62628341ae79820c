import type { ReactNode } from 'react';
import { copyIn } from '../../../../shared/project/describe';
import type { LocalizedText } from '../../../../shared/schema/common';
import type { AnswerButton, FormField, NodeOf } from '../../../../shared/schema/nodes';
import type { Question } from '../../../../shared/schema/question';
import { controlId, useEditor } from '../context';
import { TextField, focusSoon } from '../controls';
import { CopyField } from '../CopyField';
import { getIn, moveItem, removeItem, setIn, uniqueId, type Path } from '../nodeEdit';
import { AddButton, ListItem } from '../listParts';

type Button = { id: string; label: LocalizedText };

interface ButtonListProps<B extends Button> {
  title: string;
  buttons: readonly B[];
  edit: (fn: (list: B[]) => B[]) => void;
  /** The fields of button `i` shown beside its id (payload, value). */
  fields: (b: B, i: number) => ReactNode;
  /** What is shown under button `i`'s label. */
  footer?: (b: B, i: number) => ReactNode;
  /** Where `buttons` is in the node (`['fields', 1]` for a form's field; default the node itself). */
  base?: Path;
  /** Prefix of accessible names and copy keys, for several lists in one node: `Field 2 `, `fields.amount.`. */
  name?: string;
  copyPrefix?: string;
}

/** A node's `buttons` list: id, kind-specific fields and a label (copy) per button; add, move and remove. */
function ButtonList<B extends Button>({ title, buttons, edit, fields, footer, base = [], name = '', copyPrefix = '' }: ButtonListProps<B>) {
  const ed = useEditor();
  const listId = controlId([...base, 'buttons']);
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          {title}
        </span>
      </div>
      {buttons.length === 0 && <p className="insp-empty">No buttons.</p>}
      {buttons.map((b, i) => (
        <ListItem
          key={i}
          title={`Button ${i + 1}`}
          listId={listId}
          index={i}
          count={buttons.length}
          itemLabel={`${name}button ${i + 1}`}
          onMove={(from, to) => edit((list) => moveItem(list, from, to))}
          onRemove={(at) => edit((list) => removeItem(list, at))}
        >
          <div className="insp-row">
            <TextField label="Id" ariaLabel={`${name}Button ${i + 1} id`} path={[...base, 'buttons', i, 'id']} value={b.id} mono />
            {fields(b, i)}
          </div>
          <CopyField
            label={`${name}Button ${i + 1} label`}
            path={[...base, 'buttons', i, 'label']}
            copyKey={`${copyPrefix}buttons.${b.id}.label`}
            value={b.label}
            required
            allowVariants={false}
          />
          {footer?.(b, i)}
        </ListItem>
      ))}
      <AddButton
        listId={listId}
        onClick={() => {
          const id = uniqueId(
            'button',
            buttons.map((b) => b.id),
          );
          edit((list) => [...list, { id, label: { [ed.defaultLocale]: '' } } as B]);
          focusSoon(controlId([...base, 'buttons', buttons.length, 'label', ed.defaultLocale]));
        }}
      >
        + Add button
      </AddButton>
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

/** A question's answer buttons (an ask node's, or a form field's at `base`): quick replies offered with the question, each answering with its value. */
export function AnswerButtonsEditor({
  node,
  base = [],
  name = '',
  copyPrefix = '',
}: {
  node: NodeOf<'ask'> | FormField;
  base?: Path;
  name?: string;
  copyPrefix?: string;
}) {
  const ed = useEditor();
  const edit = (fn: (list: AnswerButton[]) => AnswerButton[]) =>
    ed.edit((n) => {
      const q = getIn(n, base) as Question | undefined;
      if (!q || typeof q !== 'object') return n;
      const { buttons: _buttons, ...rest } = q;
      const next = fn(q.buttons ?? []);
      return setIn(n, base, next.length > 0 ? { ...rest, buttons: next } : rest);
    });
  return (
    <ButtonList
      title={`${name}Answer buttons`}
      buttons={node.buttons ?? []}
      edit={edit}
      base={base}
      name={name}
      copyPrefix={copyPrefix}
      fields={(b, i) => (
        <TextField
          label="Value"
          ariaLabel={`${name}Button ${i + 1} value`}
          path={[...base, 'buttons', i, 'value']}
          value={b.value}
          optional
          placeholder={copyIn(b.label, ed.defaultLocale) || 'the label'}
          hint="The answer it gives, as if typed (default: its label)."
        />
      )}
    />
  );
}
