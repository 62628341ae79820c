import { controlId, issuesAt, useEditor } from '../context';
import { Messages, RowActions, TextField, a11yProps, focusSoon } from '../controls';
import { moveItem, removeItem } from '../nodeEdit';
import { AddButton } from '../listParts';

/** A list of `{ var, <second> }` rows: set assignments (value) and API assignments (path). */
export function AssignList({
  path,
  items,
  second,
  title,
  secondLabel,
  secondPlaceholder,
  required,
}: {
  path: 'assign';
  items: readonly { var: string; [k: string]: unknown }[];
  second: 'value' | 'path';
  title: string;
  secondLabel: string;
  secondPlaceholder: string;
  required: boolean;
}) {
  const ed = useEditor();
  const listId = controlId(path);
  const issues = issuesAt(ed.issues, path);
  const set = (next: readonly unknown[]) => ed.set([path], next, false);
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`} {...a11yProps(listId, issues)}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          {title}
        </span>
      </div>
      {items.length === 0 && <p className="insp-empty">{required ? 'Needs at least one.' : 'None.'}</p>}
      {items.map((a, i) => (
        <div className="insp-item insp-pair" key={i}>
          <TextField label="Variable" ariaLabel={`${title} ${i + 1} variable`} path={[path, i, 'var']} value={a.var} mono placeholder="slots.name" />
          <RowActions
            listId={listId}
            index={i}
            count={items.length}
            itemLabel={`${title.toLowerCase()} ${i + 1}`}
            onMove={(from, to) => set(moveItem(items, from, to))}
            onRemove={(at) => set(removeItem(items, at))}
          />
          <TextField
            label={secondLabel}
            ariaLabel={`${title} ${i + 1} ${secondLabel.toLowerCase()}`}
            path={[path, i, second]}
            value={a[second] as string | undefined}
            mono
            placeholder={secondPlaceholder}
          />
        </div>
      ))}
      <Messages cid={listId} issues={issues} />
      <AddButton
        listId={listId}
        onClick={() => {
          set([...items, { var: '', [second]: '' }]);
          focusSoon(controlId([path, items.length, 'var']));
        }}
      >
        + Add {title.toLowerCase()}
      </AddButton>
    </div>
  );
}
