import type { Flow } from '../schema/project';

const flowsCache = new WeakMap<object, Record<string, Flow>>();

/**
 * The flows of a record of flow documents (the studio store's `flows`, a project snapshot's), by id. Remembered per
 * record: such a record is replaced, never changed, on every edit, so each one is mapped once however many ask.
 */
export function flowsOf(docs: Readonly<Record<string, { flow: Flow }>>): Record<string, Flow> {
  let flows = flowsCache.get(docs);
  if (!flows) {
    flows = Object.fromEntries(Object.entries(docs).map(([id, d]) => [id, d.flow]));
    flowsCache.set(docs, flows);
  }
  return flows;
}
