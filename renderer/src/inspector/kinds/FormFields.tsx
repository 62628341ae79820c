// A form node in the inspector: its fields under Copy (each a question with its id, `when`, validation rules and
// prompts; collapsible; add, move, remove) and its own settings under Behaviour (retries, the intents that
// abandon it, confirming before leaving, clearing on abandon).
import { useState } from 'react';
import type { FormField, NodeOf } from '../../../../shared/schema/nodes';
import { controlId, useEditor } from '../context';
import { AddFromList, CheckboxField, ChipList, NumberField, RowActions, TextField, focusSoon } from '../controls';
import { CopyField } from '../CopyField';
import { moveItem, removeItem, type FieldIssue } from '../nodeEdit';
import { AnswerButtonsEditor } from './ButtonsEditor';
import { useIntentIds } from './choices';
import { QuestionFields, ValidationRules } from './QuestionFields';
import { AddButton } from '../listParts';

/** `field_<n>` for the n-th field, or the next number free: the id of a field added to `fields`. */
export function newFieldId(fields: readonly { id: string }[]): string {
  const taken = new Set(fields.map((f) => f.id));
  let n = fields.length + 1;
  while (taken.has(`field_${n}`)) n++;
  return `field_${n}`;
}

/** Errors reported under field `i` (`fields[i]…`). */
export function fieldErrors(issues: ReadonlyMap<string, readonly FieldIssue[]>, i: number): number {
  let n = 0;
  const root = `fields[${i}]`;
  for (const [path, list] of issues)
    if (path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`)) n += list.filter((x) => x.severity === 'error').length;
  return n;
}

/** Open items after moving `from` to `to` (the open one follows its field). */
const movedOpen = (open: ReadonlySet<number>, from: number, to: number, count: number): Set<number> => {
  const order = moveItem(
    Array.from({ length: count }, (_, i) => i),
    from,
    to,
  );
  return new Set(order.flatMap((was, now) => (open.has(was) ? [now] : [])));
};

export function FormFieldList({ node }: { node: NodeOf<'form'> }) {
  const ed = useEditor();
  const fields = node.fields;
  const listId = controlId('fields');
  const errors = (i: number) => fieldErrors(ed.issues, i);
  // open at first: a lone field, and the fields with problems (so the problems summary can focus their controls)
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set(fields.flatMap((_, i) => (fields.length === 1 || errors(i) > 0 ? [i] : []))));
  const set = (next: FormField[]) => ed.set(['fields'], next, false);
  const toggle = (i: number) =>
    setOpen((cur) => {
      const next = new Set(cur);
      if (!next.delete(i)) next.add(i);
      return next;
    });
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Fields <span className="insp-muted">(asked in order, skipping those already filled)</span>
        </span>
      </div>
      {fields.map((f, i) => {
        const name = `Field ${i + 1} `;
        const shown = open.has(i);
        const bodyId = `${listId}-${i}-body`;
        return (
          <fieldset className="insp-item form-field" key={i}>
            <legend>
              <button type="button" className="insp-link form-field-toggle" aria-expanded={shown} aria-controls={bodyId} onClick={() => toggle(i)}>
                <span aria-hidden="true">{shown ? '▾' : '▸'}</span> Field {i + 1}: <code>{f.id}</code>
                <span className="insp-muted">
                  {' '}
                  {f.type}
                  {f.when ? ' · when' : ''}
                </span>
                {!shown && errors(i) > 0 && (
                  <span className="insp-count error" aria-label={`${errors(i)} ${errors(i) === 1 ? 'problem' : 'problems'}`}>
                    {errors(i)}
                  </span>
                )}
              </button>
              <RowActions
                listId={listId}
                index={i}
                count={fields.length}
                itemLabel={`field ${f.id}`}
                onMove={(from, to) => {
                  set(moveItem(fields, from, to));
                  setOpen((cur) => movedOpen(cur, from, to, fields.length));
                }}
                onRemove={(at) => {
                  set(removeItem(fields, at));
                  setOpen((cur) => new Set([...cur].flatMap((j) => (j === at ? [] : [j > at ? j - 1 : j]))));
                }}
              />
            </legend>
            {shown && (
              <div id={bodyId}>
                <TextField
                  label="Id"
                  ariaLabel={`${name}id`}
                  path={['fields', i, 'id']}
                  value={f.id}
                  mono
                  hint="Names the field in copy ids and in form.requested."
                />
                <CopyField label={`${name}question`} path={['fields', i, 'prompt']} copyKey={`fields.${f.id}.prompt`} value={f.prompt} required />
                <CopyField
                  label={`${name}re-prompt`}
                  path={['fields', i, 'reprompt']}
                  copyKey={`fields.${f.id}.reprompt`}
                  value={f.reprompt}
                  required={false}
                />
                <QuestionFields q={f} base={['fields', i]} name={name} />
                <TextField
                  label="Ask only when"
                  ariaLabel={`${name}ask only when`}
                  path={['fields', i, 'when']}
                  value={f.when}
                  optional
                  mono
                  placeholder="always"
                  hint="An expression; the field is skipped while it is false."
                />
                <ValidationRules q={f} base={['fields', i]} name={name} copyPrefix={`fields.${f.id}.`} />
                <AnswerButtonsEditor node={f} base={['fields', i]} name={name} copyPrefix={`fields.${f.id}.`} />
              </div>
            )}
          </fieldset>
        );
      })}
      <AddButton
        listId={listId}
        onClick={() => {
          const id = newFieldId(fields);
          set([...fields, { id, slot: `slots.${id}`, type: 'text', prompt: { [ed.defaultLocale]: '' } }]);
          setOpen((cur) => new Set([...cur, fields.length]));
          focusSoon(controlId(['fields', fields.length, 'prompt', ed.defaultLocale]));
        }}
      >
        + Add field
      </AddButton>
    </div>
  );
}

export function FormSettings({ node }: { node: NodeOf<'form'> }) {
  const ed = useEditor();
  const intents = useIntentIds();
  const abandonOn = node.abandonOn ?? [];
  const setAbandon = (list: string[]) => ed.set(['abandonOn'], list.length > 0 ? list : undefined, false);
  return (
    <>
      <NumberField
        label="Max retries (per field)"
        path={['maxRetries']}
        value={node.maxRetries}
        placeholder="2"
        min={0}
        max={10}
        step={1}
        hint="Failed answers to one field before the form takes “failed”."
      />
      <ChipList
        label="Abandoned by (intents)"
        path={['abandonOn']}
        values={abandonOn}
        itemNoun="abandoning intent"
        onRemove={(i) => setAbandon(removeItem(abandonOn, i))}
        hint={abandonOn.length === 0 ? 'None chosen: the intents of the project’s cancel handlers.' : undefined}
      >
        <AddFromList
          id={`${controlId('abandonOn')}-add`}
          label="Intent that abandons the form"
          options={intents.map((id) => ({ value: id, label: id, disabled: abandonOn.includes(id) }))}
          onAdd={(id) => setAbandon([...abandonOn, id])}
        />
      </ChipList>
      <div className="insp-row">
        <CheckboxField
          label="Ask before leaving"
          path={['confirmLeave']}
          checked={node.confirmLeave ?? true}
          onToggle={(c) => ed.set(['confirmLeave'], c ? undefined : false, false)}
          hint="“Do you want to stop …?” before abandoning or switching flows."
        />
        <CheckboxField
          label="Clear the slots when abandoned"
          path={['clearOnAbandon']}
          checked={node.clearOnAbandon ?? true}
          onToggle={(c) => ed.set(['clearOnAbandon'], c ? undefined : false, false)}
        />
      </div>
    </>
  );
}
