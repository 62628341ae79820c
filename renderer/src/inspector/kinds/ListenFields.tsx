import type { NodeOf } from '../../../../shared/schema/nodes';
import { controlId, useEditor } from '../context';
import { RowActions, SelectField } from '../controls';
import { moveItem, removeItem } from '../nodeEdit';
import { useIntentIds } from './choices';
import { ListenBands } from './ListenBands';
import { AddButton } from '../listParts';

export function ListenFields({ node }: { node: NodeOf<'listen'> }) {
  const ed = useEditor();
  const intents = useIntentIds();
  const routes = node.routes ?? [];
  const listId = controlId('routes');
  const setRoutes = (next: NodeOf<'listen'>['routes']) => ed.set(['routes'], next, false);
  const used = routes.map((r) => r.intent);
  const free = intents.filter((i) => !used.includes(i));
  return (
    <div className="insp-list" role="group" aria-labelledby={`${listId}-label`}>
      <div className="insp-list-head">
        <span className="insp-label" id={`${listId}-label`}>
          Routes
        </span>
      </div>
      {routes.length === 0 && <p className="insp-empty">No routes: every message takes “no match”.</p>}
      {routes.map((r, i) => (
        <div className="insp-item insp-pair" key={i}>
          <SelectField
            label={`Intent ${i + 1}`}
            path={['routes', i, 'intent']}
            value={r.intent}
            options={intents.map((id) => ({ value: id, label: id, disabled: id !== r.intent && used.includes(id) }))}
            onChoose={(v) => v && ed.set(['routes', i, 'intent'], v, false)}
          />
          <RowActions
            listId={listId}
            index={i}
            count={routes.length}
            itemLabel={`route ${r.intent}`}
            onMove={(from, to) => setRoutes(moveItem(routes, from, to))}
            onRemove={(at) => setRoutes(removeItem(routes, at))}
          />
          <p className="insp-hint">
            leads to <code>{r.next ?? '— not connected —'}</code>
          </p>
        </div>
      ))}
      <AddButton listId={listId} disabled={free.length === 0} onClick={() => free[0] && setRoutes([...routes, { intent: free[0] }])}>
        + Add route
      </AddButton>
      <p className="insp-hint">Targets are set under Exits or on the canvas. Intents with a global handler need no route.</p>
      <ListenBands intents={used} />
    </div>
  );
}
