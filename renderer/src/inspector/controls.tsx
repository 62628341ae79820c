import { useId, useState, type ChangeEvent, type KeyboardEvent, type ReactNode } from 'react';
import { controlId, fieldKey, issuesAt, useEditor } from './context';
import { pathKey, type FieldIssue, type Path } from './nodeEdit';

/** `aria-invalid` and `aria-describedby` of a control with these issues and hint. */
export function a11yProps(cid: string, issues: readonly FieldIssue[], hasHint = false) {
  const describedBy = [hasHint ? `${cid}-hint` : '', issues.length ? `${cid}-msg` : ''].filter(Boolean).join(' ');
  return {
    'aria-invalid': issues.some((i) => i.severity === 'error') ? (true as const) : undefined,
    'aria-describedby': describedBy || undefined,
  };
}

/** Keys of a field edited as a draft that a rename commits: Enter commits, Esc drops a changed draft. */
export function renameKeys(commit: () => void, cancel: () => void, changed: boolean) {
  return (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape' && changed) {
      e.preventDefault();
      cancel();
    }
  };
}

/** The hint and the validation messages under a control; their ids are what `a11yProps` points to. */
export function Messages({ cid, issues, hint }: { cid: string; issues: readonly FieldIssue[]; hint?: ReactNode }) {
  return (
    <>
      {hint ? (
        <p className="insp-hint" id={`${cid}-hint`}>
          {hint}
        </p>
      ) : null}
      {issues.length > 0 && (
        <div className="insp-issues" id={`${cid}-msg`}>
          {issues.map((i, k) => (
            <p key={k} className={`insp-issue ${i.severity}`}>
              <span className="insp-issue-icon" aria-hidden="true">
                {i.severity === 'error' ? '●' : '▲'}
              </span>
              {i.severity === 'warning' ? 'Warning: ' : ''}
              {i.message}
            </p>
          ))}
        </div>
      )}
    </>
  );
}

interface BaseFieldProps {
  label: string;
  path: Path;
  hint?: ReactNode;
  /** Accessible name when it must differ from the visible label (items of a list). */
  ariaLabel?: string;
  /** More issue paths shown under this control (a parent object's issue, say). */
  alsoIssues?: string[];
  className?: string;
  autoFocus?: boolean;
}

function useField(path: Path, alsoIssues: string[] = []) {
  const ed = useEditor();
  const key = pathKey(path);
  const cid = controlId(key);
  const issues = issuesAt(ed.issues, key, ...alsoIssues);
  return { ed, cid, issues };
}

export interface TextFieldProps extends BaseFieldProps {
  value: string | undefined;
  /** Empty means "left out of the file" (optional fields); otherwise an empty string is written and reported. */
  optional?: boolean;
  placeholder?: string;
  mono?: boolean;
  /** Rows of a textarea; a one-line input when absent. */
  rows?: number;
}

export function TextField({ label, path, value, optional, placeholder, mono, rows, hint, ariaLabel, alsoIssues, className, autoFocus }: TextFieldProps) {
  const { ed, cid, issues } = useField(path, alsoIssues);
  const onChange = (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const v = e.target.value;
    ed.set(path, v === '' && optional ? undefined : v, fieldKey(ed.nodeId, path));
  };
  const common = {
    id: cid,
    value: value ?? '',
    onChange,
    onBlur: ed.seal,
    placeholder,
    spellCheck: mono ? false : undefined,
    className: mono ? 'mono' : undefined,
    'aria-label': ariaLabel,
    autoFocus,
    ...a11yProps(cid, issues, Boolean(hint)),
  };
  return (
    <div className={`insp-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={cid}>{label}</label>
      {rows ? <textarea rows={rows} {...common} /> : <input type="text" autoComplete="off" {...common} />}
      <Messages cid={cid} issues={issues} hint={hint} />
    </div>
  );
}

export interface NumberFieldProps extends BaseFieldProps {
  value: number | undefined;
  placeholder?: string;
  min?: number;
  max?: number;
  step?: number;
}

/** A number; empty leaves the field out (its default applies). What is typed stays as typed until it is a number. */
export function NumberField({ label, path, value, placeholder, min, max, step, hint, ariaLabel, className }: NumberFieldProps) {
  const { ed, cid, issues } = useField(path);
  const [draft, setDraft] = useState({ value, text: value === undefined ? '' : String(value), bad: false });
  let cur = draft;
  if (!Object.is(draft.value, value)) {
    // The store changed under us (undo, another window, another node selected): show its value.
    cur = { value, text: value === undefined ? '' : String(value), bad: false };
    setDraft(cur);
  }
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const text = e.target.value;
    const n = text.trim() === '' ? undefined : Number(text);
    if ((text === '' && e.target.validity.badInput) || (n !== undefined && !Number.isFinite(n))) {
      setDraft({ ...cur, text, bad: true });
      return;
    }
    setDraft({ value: n, text, bad: false });
    ed.set(path, n, fieldKey(ed.nodeId, path));
  };
  const all = cur.bad ? [...issues, { severity: 'error' as const, path: pathKey(path), message: 'must be a number' }] : issues;
  return (
    <div className={`insp-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={cid}>{label}</label>
      <input
        id={cid}
        type="number"
        inputMode="decimal"
        value={cur.text}
        onChange={onChange}
        onBlur={ed.seal}
        placeholder={placeholder}
        min={min}
        max={max}
        step={step}
        aria-label={ariaLabel}
        {...a11yProps(cid, all, Boolean(hint))}
      />
      <Messages cid={cid} issues={all} hint={hint} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectFieldProps extends BaseFieldProps {
  value: string | undefined;
  options: readonly Option[];
  /** Label of the empty choice (the field is left out): "default (reply)", "— choose —". No empty choice when absent. */
  emptyLabel?: string;
  /** Instead of setting `path`: what to do with the choice (`''` is the empty choice). */
  onChoose?: (value: string) => void;
}

export function SelectField({ label, path, value, options, emptyLabel, onChoose, hint, ariaLabel, alsoIssues, className }: SelectFieldProps) {
  const { ed, cid, issues } = useField(path, alsoIssues);
  const known = value === undefined || value === '' || options.some((o) => o.value === value);
  return (
    <div className={`insp-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={cid}>{label}</label>
      <select
        id={cid}
        value={value ?? ''}
        aria-label={ariaLabel}
        onChange={(e) => (onChoose ? onChoose(e.target.value) : ed.set(path, e.target.value === '' ? undefined : e.target.value, false))}
        {...a11yProps(cid, issues, Boolean(hint))}
      >
        {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {!known && <option value={value}>{value} (unknown)</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
      <Messages cid={cid} issues={issues} hint={hint} />
    </div>
  );
}

export function CheckboxField({
  label,
  path,
  checked,
  onToggle,
  hint,
}: {
  label: string;
  path: Path;
  checked: boolean;
  onToggle: (checked: boolean) => void;
  hint?: ReactNode;
}) {
  const { cid, issues } = useField(path);
  return (
    <div className="insp-field insp-check">
      <label htmlFor={cid}>
        <input id={cid} type="checkbox" checked={checked} onChange={(e) => onToggle(e.target.checked)} {...a11yProps(cid, issues, Boolean(hint))} />
        {label}
      </label>
      <Messages cid={cid} issues={issues} hint={hint} />
    </div>
  );
}

/** A collapsible part of the inspector (Copy, Behaviour, Exits, Notes). */
export function Section({
  id,
  title,
  open,
  onToggle,
  errors = 0,
  extra,
  children,
}: {
  id: string;
  title: string;
  open: boolean;
  onToggle: () => void;
  errors?: number;
  extra?: ReactNode;
  children: ReactNode;
}) {
  const uid = useId();
  const bodyId = `${uid}-body`;
  return (
    <section className="insp-section" data-section={id} aria-labelledby={`${uid}-h`}>
      <h3 className="insp-section-head" id={`${uid}-h`}>
        <button type="button" aria-expanded={open} aria-controls={bodyId} onClick={onToggle}>
          <span className="insp-chev" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          {title}
          {errors > 0 && (
            <span className="insp-count error" aria-label={`${errors} ${errors === 1 ? 'problem' : 'problems'}`}>
              {errors}
            </span>
          )}
        </button>
        {extra}
      </h3>
      <div className="insp-section-body" id={bodyId} hidden={!open}>
        {children}
      </div>
    </section>
  );
}

/** Focuses an element by id after React has applied the current update. */
export const focusSoon = (id: string): void => {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
};

/**
 * Move up / move down / remove buttons of an item of a list editor. Focus follows the item that moved, and after
 * a removal it goes to the next item (or the list's add button), so the list can be worked with the keyboard alone.
 */
export function RowActions({
  listId,
  index,
  count,
  itemLabel,
  onMove,
  onRemove,
}: {
  /** DOM id prefix of the list: buttons are `<listId>-<index>-up|down|remove`, the add button `<listId>-add`. */
  listId: string;
  index: number;
  count: number;
  itemLabel: string;
  onMove?: (from: number, to: number) => void;
  onRemove: (index: number) => void;
}) {
  const id = (i: number, what: string) => `${listId}-${i}-${what}`;
  const move = (to: number, what: 'up' | 'down') => {
    onMove?.(index, to);
    const edge = (what === 'up' && to === 0) || (what === 'down' && to === count - 1);
    focusSoon(id(to, edge ? (what === 'up' ? 'down' : 'up') : what));
  };
  return (
    <span className="insp-row-actions">
      {onMove && count > 1 && (
        <>
          <button
            type="button"
            id={id(index, 'up')}
            className="icon"
            aria-label={`Move ${itemLabel} up`}
            title="Move up"
            disabled={index === 0}
            onClick={() => move(index - 1, 'up')}
          >
            ↑
          </button>
          <button
            type="button"
            id={id(index, 'down')}
            className="icon"
            aria-label={`Move ${itemLabel} down`}
            title="Move down"
            disabled={index === count - 1}
            onClick={() => move(index + 1, 'down')}
          >
            ↓
          </button>
        </>
      )}
      <button
        type="button"
        id={id(index, 'remove')}
        className="icon danger"
        aria-label={`Remove ${itemLabel}`}
        title="Remove"
        onClick={() => {
          onRemove(index);
          focusSoon(count > 1 ? id(Math.min(index, count - 2), 'remove') : `${listId}-add`);
        }}
      >
        ✕
      </button>
    </span>
  );
}

/** Removable chips (trigger intents, topics, sources) with an add control after them. */
export function ChipList({
  label,
  path,
  values,
  itemNoun,
  onRemove,
  children,
  hint,
}: {
  label: string;
  path: Path;
  values: readonly string[];
  itemNoun: string;
  onRemove: (index: number) => void;
  children: ReactNode;
  hint?: ReactNode;
}) {
  const ed = useEditor();
  const key = pathKey(path);
  const cid = controlId(key);
  const itemIssues = values.map((_, i) => issuesAt(ed.issues, pathKey([...path, i])));
  const issues = [...issuesAt(ed.issues, key), ...itemIssues.flat()];
  return (
    <div className="insp-field" role="group" aria-labelledby={`${cid}-label`} {...a11yProps(cid, issues, Boolean(hint))}>
      <span className="insp-label" id={`${cid}-label`}>
        {label}
      </span>
      {values.length > 0 ? (
        <ul className="insp-chips" id={cid} tabIndex={-1}>
          {values.map((v, i) => (
            <li key={`${v}-${i}`} className={`insp-chip${itemIssues[i]?.length ? ' invalid' : ''}`} title={itemIssues[i]?.map((x) => x.message).join('; ')}>
              <span>{v}</span>
              <button
                type="button"
                id={`${cid}-${i}-remove`}
                aria-label={`Remove ${itemNoun} ${v}`}
                onClick={() => {
                  onRemove(i);
                  focusSoon(values.length > 1 ? `${cid}-${Math.min(i, values.length - 2)}-remove` : `${cid}-add`);
                }}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="insp-empty" id={cid} tabIndex={-1}>
          None
        </p>
      )}
      <div className="insp-add-row">{children}</div>
      <Messages cid={cid} issues={issues} hint={hint} />
    </div>
  );
}

/** A select of choices and an Add button (adding on change would fire on every arrow key). */
export function AddFromList({ id, label, options, onAdd }: { id: string; label: string; options: readonly Option[]; onAdd: (value: string) => void }) {
  const [choice, setChoice] = useState('');
  const available = options.filter((o) => !o.disabled);
  const value = available.some((o) => o.value === choice) ? choice : (available[0]?.value ?? '');
  return (
    <>
      <select aria-label={label} value={value} onChange={(e) => setChoice(e.target.value)} disabled={available.length === 0}>
        {available.length === 0 && <option value="">nothing to add</option>}
        {available.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <button type="button" id={id} className="insp-add" disabled={!value} onClick={() => value && onAdd(value)}>
        Add
      </button>
    </>
  );
}

/** A text box and an Add button; Enter adds too. */
export function AddText({
  id,
  label,
  placeholder,
  validate,
  onAdd,
}: {
  id: string;
  label: string;
  placeholder?: string;
  validate?: (v: string) => string | undefined;
  onAdd: (value: string) => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const add = () => {
    const v = text.trim();
    if (!v) return;
    const err = validate?.(v);
    setError(err);
    if (err) return;
    onAdd(v);
    setText('');
  };
  return (
    <>
      <input
        type="text"
        aria-label={label}
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          setError(undefined);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
      />
      <button type="button" id={id} className="insp-add" onClick={add}>
        Add
      </button>
      {error && (
        <p className="insp-issue error insp-add-error" id={`${id}-err`}>
          {error}
        </p>
      )}
    </>
  );
}
