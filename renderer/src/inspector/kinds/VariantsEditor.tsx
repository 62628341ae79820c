import { useState } from 'react';
import type { LlmVariant, MessageVariant, NodeOf } from '../../../../shared/schema/nodes';
import { formatShare, variantIdProblem, variantShares, withNewVariant, withVariantId, withoutVariant, type AbVariant } from '../abVariants';
import { controlId, issuesAt, useEditor } from '../context';
import { Messages, NumberField, RowActions, TextField, a11yProps, focusSoon, renameKeys } from '../controls';
import { CopyField } from '../CopyField';
import { pathKey, type FieldIssue } from '../nodeEdit';
import './variants.css';
import { AddButton } from '../listParts';

type Node = NodeOf<'message'> | NodeOf<'llm'>;

/**
 * A/B variants of a message's copy or an llm node's prompt: each conversation gets one, by weight, and keeps it.
 * Listed in file order, never reordered (a variant is its id, not its place); each with its id (edited as a draft,
 * checked, and renamed on Enter or leaving the field), its weight and share, and its copy or prompts (empty: the
 * node's, as the control). Every edit is one `editFlow` step, like the inspector's other fields.
 */
export function VariantsEditor({ node }: { node: Node }) {
  const ed = useEditor();
  const variants: readonly AbVariant[] = node.variants ?? [];
  const listId = controlId('variants');
  const shares = variantShares(variants);
  const ids = variants.map((v) => v.id);
  const setList = (fn: (list: readonly AbVariant[], n: Node) => AbVariant[] | undefined) =>
    ed.edit((n) => (n.kind === node.kind && (n.kind === 'message' || n.kind === 'llm') ? ({ ...n, variants: fn(n.variants ?? [], n) } as typeof n) : n));
  const listIssues = issuesAt(ed.issues, 'variants');
  return (
    <div className="insp-list insp-ab" role="group" aria-labelledby={`${listId}-label`} {...a11yProps(listId, listIssues)}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          A/B variants
        </span>
        {variants.length > 0 && <span className="insp-muted">each conversation gets one, by weight, and keeps it</span>}
      </div>
      {variants.length === 0 ? (
        <p className="insp-empty">No experiment. Add a variant to test another {node.kind === 'message' ? 'wording' : 'prompt'} against this one.</p>
      ) : (
        <ShareBar ids={ids} shares={shares} />
      )}
      <Messages cid={listId} issues={listIssues} />
      {variants.map((v, i) => (
        <fieldset className="insp-item insp-ab-item" key={i} data-variant-id={v.id}>
          <legend>
            Variant {v.id}
            <RowActions
              listId={listId}
              index={i}
              count={variants.length}
              itemLabel={`variant ${v.id}`}
              onRemove={(at) => setList((list) => withoutVariant(list, at))}
            />
          </legend>
          <div className="insp-row">
            <VariantIdField index={i} id={v.id} ids={ids} onRename={(id) => setList((list) => withVariantId(list, i, id))} />
            <NumberField
              label="Weight"
              ariaLabel={`Variant ${v.id} weight`}
              path={['variants', i, 'weight']}
              value={v.weight}
              placeholder="1"
              min={0}
              step={1}
              className="insp-narrow"
            />
            <p className="insp-ab-share" aria-label={`Variant ${v.id} share`} data-share={shares[i] ?? ''}>
              <span className="insp-muted">share</span>
              <strong>{formatShare(shares[i])}</strong>
            </p>
          </div>
          {node.kind === 'message' ? (
            <>
              <CopyField
                label={`Variant ${v.id} says`}
                path={['variants', i, 'say']}
                copyKey={`variants.${v.id}.say`}
                value={(v as MessageVariant).say}
                required={false}
                allowVariants={false}
              />
              <p className="insp-hint">
                Empty: says the node’s copy (a control). Copy id <code>{`${ed.flowId}/${node.id}@${v.id}`}</code>.
              </p>
            </>
          ) : (
            <>
              <TextField
                label="System prompt"
                ariaLabel={`Variant ${v.id} system prompt`}
                path={['variants', i, 'system']}
                value={(v as LlmVariant).system}
                optional
                mono
                rows={2}
                placeholder="the node’s system prompt"
              />
              <TextField
                label="Prompt"
                ariaLabel={`Variant ${v.id} prompt`}
                path={['variants', i, 'prompt']}
                value={(v as LlmVariant).prompt}
                optional
                mono
                rows={3}
                placeholder="the node’s prompt"
                hint="Empty: the node’s. A variant with neither is a control."
              />
            </>
          )}
        </fieldset>
      ))}
      <AddButton
        listId={listId}
        onClick={() => {
          const at = Math.max(variants.length, 1);
          setList((_, n) => withNewVariant(n as Node));
          focusSoon(controlId(['variants', at, 'id']));
        }}
      >
        + Add A/B variant
      </AddButton>
    </div>
  );
}

/** The shares as one bar, a segment per variant. */
function ShareBar({ ids, shares }: { ids: readonly string[]; shares: readonly (number | undefined)[] }) {
  return (
    <div className="insp-ab-bar" aria-hidden="true">
      {ids.map((id, i) =>
        shares[i] ? (
          <span key={i} className={`insp-ab-seg seg-${i % 6}`} style={{ flexGrow: shares[i] }} title={`${id}: ${formatShare(shares[i])}`}>
            {id} {formatShare(shares[i])}
          </span>
        ) : null,
      )}
    </div>
  );
}

/**
 * A variant's id, edited as a draft: renamed on Enter or when leaving the field if it is a valid id no other variant
 * of the node has; Esc goes back. Results and stories refer to it, so a rename is a deliberate step.
 */
function VariantIdField({ index, id, ids, onRename }: { index: number; id: string; ids: readonly string[]; onRename: (id: string) => void }) {
  const ed = useEditor();
  const [draft, setDraft] = useState<{ of: string; text: string } | null>(null);
  // the store changed under the draft (undo, another variant removed): show its id
  const text = draft && draft.of === id ? draft.text : id;
  const changed = text !== id;
  const problem = changed ? variantIdProblem(text, index, ids) : undefined;
  const path = ['variants', index, 'id'];
  const cid = controlId(path);
  const issues: FieldIssue[] = [
    ...(problem ? [{ severity: 'error' as const, path: pathKey(path), message: problem }] : []),
    ...issuesAt(ed.issues, pathKey(path)),
  ];
  const commit = () => {
    if (!changed || problem) return;
    onRename(text);
    setDraft(null);
  };
  return (
    <div className="insp-field">
      <label htmlFor={cid}>Id</label>
      <input
        id={cid}
        type="text"
        className="mono"
        spellCheck={false}
        autoComplete="off"
        data-native-undo=""
        aria-label={`Variant ${id} id`}
        value={text}
        onChange={(e) => setDraft({ of: id, text: e.target.value })}
        onKeyDown={renameKeys(commit, () => setDraft(null), changed)}
        onBlur={commit}
        {...a11yProps(cid, issues, changed)}
      />
      <Messages cid={cid} issues={issues} hint={changed ? 'Enter renames, Esc cancels. Results are counted by id.' : undefined} />
    </div>
  );
}
