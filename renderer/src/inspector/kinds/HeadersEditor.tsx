import { useState } from 'react';
import { controlId, issuesAt, useEditor } from '../context';
import { AddText, Messages, RowActions, TextField, a11yProps, focusSoon } from '../controls';
import { moveItem, removeItem } from '../nodeEdit';

/** An API node's request headers: name/value rows, renamed in place. */
export function HeadersEditor({ headers }: { headers: Record<string, string> | undefined }) {
  const ed = useEditor();
  const entries = Object.entries(headers ?? {});
  const listId = controlId('headers');
  const issues = issuesAt(ed.issues, 'headers');
  const setEntries = (next: [string, string][], coalesce?: string) => ed.set(['headers'], Object.fromEntries(next), coalesce ?? false);
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`} {...a11yProps(listId, issues)}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Headers
        </span>
        <span className="insp-muted">never secrets: project files are shared</span>
      </div>
      {entries.map(([k, v], i) => (
        <div className="insp-item insp-pair" key={i}>
          <HeaderName
            index={i}
            name={k}
            others={entries.filter((_, j) => j !== i).map(([x]) => x)}
            onRename={(name) =>
              setEntries(
                entries.map(([x, y], j) => (j === i ? [name, y] : [x, y])),
                `field:${ed.nodeId}.headers#${i}.name`,
              )
            }
          />
          <RowActions
            listId={listId}
            index={i}
            count={entries.length}
            itemLabel={`header ${k}`}
            onMove={(from, to) => setEntries(moveItem(entries, from, to))}
            onRemove={(at) => setEntries(removeItem(entries, at))}
          />
          <TextField label="Value" ariaLabel={`Header ${k} value`} path={['headers', k]} value={v} mono />
        </div>
      ))}
      <div className="insp-add-row">
        <AddText
          id={`${listId}-add`}
          label="Header name to add"
          placeholder="X-Request-Id"
          validate={(v) =>
            !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v)
              ? 'not a valid header name'
              : entries.some(([x]) => x.toLowerCase() === v.toLowerCase())
                ? 'already set'
                : undefined
          }
          onAdd={(name) => {
            setEntries([...entries, [name, '']]);
            focusSoon(controlId(['headers', name]));
          }}
        />
      </div>
      <Messages cid={listId} issues={issues} />
    </div>
  );
}

/** A header name: renamed as you type when the new name is valid and free; otherwise the draft waits with a message. */
function HeaderName({ index, name, others, onRename }: { index: number; name: string; others: string[]; onRename: (name: string) => void }) {
  // null: show the stored name. A draft is kept only while it cannot be written (empty, or taken).
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? name;
  const cid = `${controlId('headers')}-${index}-name`;
  const problem = (v: string) => (v === '' ? 'cannot be empty' : others.some((o) => o.toLowerCase() === v.toLowerCase()) ? 'already set' : undefined);
  const error = draft === null ? undefined : problem(draft);
  const issues = error ? [{ severity: 'error' as const, path: '', message: error }] : [];
  return (
    <div className="insp-field">
      <label htmlFor={cid}>Name</label>
      <input
        id={cid}
        type="text"
        className="mono"
        spellCheck={false}
        autoComplete="off"
        aria-label={`Header ${index + 1} name`}
        value={text}
        onChange={(e) => {
          const v = e.target.value;
          if (problem(v)) setDraft(v);
          else {
            setDraft(null);
            onRename(v);
          }
        }}
        onBlur={() => setDraft(null)}
        {...a11yProps(cid, issues)}
      />
      <Messages cid={cid} issues={issues} />
    </div>
  );
}
