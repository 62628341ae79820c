import type { NodeOf } from '../../../../shared/schema/nodes';
import { controlId, issuesAt, useEditor } from '../context';
import { Messages, TextField, a11yProps, focusSoon } from '../controls';
import { moveItem, removeItem, uniqueId } from '../nodeEdit';
import { AddButton, ListItem } from '../listParts';

export function ConditionFields({ node }: { node: NodeOf<'condition'> }) {
  const ed = useEditor();
  const listId = controlId('branches');
  const issues = issuesAt(ed.issues, 'branches');
  const set = (next: NodeOf<'condition'>['branches']) => ed.set(['branches'], next, false);
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`} {...a11yProps(listId, issues)}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Branches <span className="insp-muted">(first that is true wins; else takes “else”)</span>
        </span>
      </div>
      {node.branches.map((b, i) => (
        <ListItem
          key={i}
          title={`Branch ${i + 1}`}
          listId={listId}
          index={i}
          count={node.branches.length}
          itemLabel={`branch ${b.id}`}
          onMove={(from, to) => set(moveItem(node.branches, from, to))}
          onRemove={(at) => set(removeItem(node.branches, at))}
        >
          <TextField label="Id" ariaLabel={`Branch ${i + 1} id`} path={['branches', i, 'id']} value={b.id} mono />
          <TextField label="When" ariaLabel={`Branch ${i + 1} when`} path={['branches', i, 'when']} value={b.when} mono placeholder="slots.amount > 500" />
        </ListItem>
      ))}
      <Messages cid={listId} issues={issues} />
      <AddButton
        listId={listId}
        onClick={() => {
          set([
            ...node.branches,
            {
              id: uniqueId(
                'branch',
                node.branches.map((b) => b.id),
              ),
              when: '',
            },
          ]);
          focusSoon(controlId(['branches', node.branches.length, 'when']));
        }}
      >
        + Add branch
      </AddButton>
    </div>
  );
}
