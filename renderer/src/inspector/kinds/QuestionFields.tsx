// What a question is, edited the same way in an ask node and in each field of a form node (shared/schema/question.ts):
// the slot and the answer's type (entity, dates), the intents it refuses, how intents heard at it are treated,
// clarify, and its validation rules. `base` is where the question lives in the node: `[]` for an ask node,
// `['fields', i]` for a form's field.
import { useShallow } from 'zustand/react/shallow';
import { IntentHandling, SlotType, validationRules, type Question, type Validation } from '../../../../shared/schema/question';
import { useStudio } from '../../store/studioStore';
import { controlId, useEditor } from '../context';
import { AddFromList, CheckboxField, ChipList, SelectField, TextField, focusSoon } from '../controls';
import { CopyField } from '../CopyField';
import { getIn, moveItem, removeItem, setIn, type Path } from '../nodeEdit';
import { NO_STRINGS, opts, useIntentIds } from './choices';
import { AddButton, ListItem } from '../listParts';

const DATE_PURPOSES = [
  { value: 'past', label: 'past' },
  { value: 'future', label: 'future' },
  { value: 'nearest', label: 'nearest' },
];

/** Types never filled from earlier messages (docs/FORMAT.md, `fromEarlier`). */
const NEVER_EARLIER: ReadonlySet<string> = new Set(['text', 'number', 'yes_no']);

const INTENT_HANDLING = IntentHandling.options.map((v) => ({ value: v, label: v }));

interface QuestionProps {
  q: Question;
  base: Path;
  /** Prefix of accessible names, so the controls of several fields can be told apart: `Field 2 `. */
  name?: string;
}

/** Applies `fn` to the question at `base` in the node as it is in the store. */
function useEditQuestion(base: Path) {
  const ed = useEditor();
  return (fn: (q: Question) => Question) =>
    ed.edit((n) => {
      const q = getIn(n, base) as Question | undefined;
      return q && typeof q === 'object' ? setIn(n, base, fn(q)) : n;
    });
}

/** Slot, answer type (with entity or dates), refused intents, intent handling and clarify. */
export function QuestionFields({ q, base, name = '' }: QuestionProps) {
  const ed = useEditor();
  const editQ = useEditQuestion(base);
  const entities = useStudio(useShallow((s) => s.project?.nlu.entities?.map((e) => e.id) ?? NO_STRINGS));
  const intents = useIntentIds();
  const notIntents = q.notIntents ?? [];
  const notPath = [...base, 'notIntents'];
  const setNot = (list: string[]) => ed.set(notPath, list.length > 0 ? list : undefined, false);
  const label = (l: string) => (name ? `${name}${l.toLowerCase()}` : undefined);
  return (
    <>
      <TextField
        label="Slot"
        ariaLabel={label('Slot')}
        path={[...base, 'slot']}
        value={q.slot}
        mono
        placeholder="slots.answer"
        hint="The variable the answer is stored in."
      />
      <div className="insp-row">
        <SelectField
          label="Answer type"
          ariaLabel={label('Answer type')}
          path={[...base, 'type']}
          value={q.type}
          options={opts(SlotType.options)}
          onChoose={(v) =>
            editQ((cur) => {
              const { entity: _entity, ...rest } = cur;
              return v === 'entity' ? { ...cur, type: 'entity' } : { ...rest, type: v as Question['type'] };
            })
          }
        />
        {(q.type === 'entity' || q.entity !== undefined) && (
          <SelectField
            label="Entity"
            ariaLabel={label('Entity')}
            path={[...base, 'entity']}
            value={q.entity}
            options={opts(entities)}
            emptyLabel="— choose an entity —"
          />
        )}
        {(q.type === 'date' || q.type === 'date_range') && (
          <SelectField
            label="Year not said"
            ariaLabel={label('Year not said')}
            path={[...base, 'dates']}
            value={q.dates}
            options={DATE_PURPOSES}
            emptyLabel="nearest (default)"
            hint="Which year “January 12” takes: past for transactions, future for appointments."
          />
        )}
      </div>
      <ChipList
        label="Never an answer here (intents)"
        path={notPath}
        values={notIntents}
        itemNoun="refused intent"
        onRemove={(i) => setNot(removeItem(notIntents, i))}
        hint="When the customer's words are one of these intents, they are not tried as an answer: “what is my balance?” does not fill an amount."
      >
        <AddFromList
          id={`${controlId(notPath)}-add`}
          label={`${name}Intent that is never an answer`}
          options={intents.map((id) => ({ value: id, label: id, disabled: notIntents.includes(id) }))}
          onAdd={(id) => setNot([...notIntents, id])}
        />
      </ChipList>
      <div className="insp-row">
        <SelectField
          label="Intents heard here"
          ariaLabel={label('Intents heard here')}
          path={[...base, 'intents']}
          value={q.intents}
          options={INTENT_HANDLING}
          emptyLabel={`default (${q.type === 'text' ? 'interrupt' : 'answer-first'})`}
          hint="answer-first: an answer wins over an intent; interrupt: a confident intent with a handler takes over; ignore: intents never interrupt."
        />
        <CheckboxField
          label="Ask which intent was meant (clarify)"
          path={[...base, 'clarify']}
          checked={q.clarify ?? false}
          onToggle={(c) => ed.set([...base, 'clarify'], c ? true : undefined, false)}
        />
      </div>
      {!NEVER_EARLIER.has(q.type) && (
        <CheckboxField
          label="Fill from earlier messages"
          path={[...base, 'fromEarlier']}
          checked={q.fromEarlier ?? true}
          onToggle={(c) => ed.set([...base, 'fromEarlier'], c ? undefined : false, false)}
          hint="A value of this type the customer said before the question (“…from April 12th”) answers it."
        />
      )}
    </>
  );
}

/** Where rule `i` lives: a single rule is `validation`, a list's rule `validation[i]`. */
const rulePath = (base: Path, v: Question['validation'], i: number): Path => (Array.isArray(v) ? [...base, 'validation', i] : [...base, 'validation']);

/** The copy key of rule `i`'s message: `validation.message`, or `validation.<i>.message` in a list. */
const ruleCopyKey = (prefix: string, v: Question['validation'], i: number): string =>
  `${prefix}${Array.isArray(v) ? `validation.${i}.message` : 'validation.message'}`;

/** Rules as the file keeps them: none left out, one as an object, several as a list. */
export const packRules = (rules: readonly Validation[]): Question['validation'] =>
  rules.length === 0 ? undefined : rules.length === 1 ? rules[0] : [...rules];

/**
 * A question's validation rules, checked in order (the first that fails says its message): an expression over
 * `value` and its message (copy) per rule; add, move, remove.
 */
export function ValidationRules({ q, base, name = '', copyPrefix = '' }: QuestionProps & { copyPrefix?: string }) {
  const ed = useEditor();
  const editQ = useEditQuestion(base);
  const rules = validationRules(q.validation);
  const listId = controlId([...base, 'validation']);
  const write = (fn: (list: Validation[]) => Validation[]) =>
    editQ((cur) => {
      const { validation: _v, ...rest } = cur;
      const next = packRules(fn([...validationRules(cur.validation)]));
      return next === undefined ? (rest as Question) : { ...rest, validation: next };
    });
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          {name}Validation <span className="insp-muted">(checked in order; the first that fails says its message)</span>
        </span>
      </div>
      {rules.length === 0 && <p className="insp-empty">Any answer of the type is accepted.</p>}
      {rules.map((r, i) => {
        const path = rulePath(base, q.validation, i);
        return (
          <ListItem
            key={i}
            title={`Rule ${i + 1}`}
            listId={listId}
            index={i}
            count={rules.length}
            itemLabel={`${name}rule ${i + 1}`}
            onMove={(from, to) => write((list) => moveItem(list, from, to))}
            onRemove={(at) => write((list) => removeItem(list, at))}
          >
            <TextField
              label="Accept when"
              ariaLabel={`${name}rule ${i + 1} accept when`}
              path={[...path, 'expr']}
              value={r.expr}
              mono
              placeholder="e.g. value > 0"
              hint={i === 0 ? 'An expression over value (the answer) and the variables.' : undefined}
            />
            <CopyField
              label={rules.length === 1 ? `${name}Validation message` : `${name}Rule ${i + 1} message`}
              path={[...path, 'message']}
              copyKey={ruleCopyKey(copyPrefix, q.validation, i)}
              value={r.message}
              required
              allowVariants={false}
            />
          </ListItem>
        );
      })}
      <AddButton
        listId={listId}
        onClick={() => {
          write((list) => [...list, { expr: '', message: { [ed.defaultLocale]: '' } }]);
          focusSoon(controlId([...rulePath(base, rules.length >= 1 ? [] : undefined, rules.length), 'expr']));
        }}
      >
        + Add rule
      </AddButton>
    </div>
  );
}
