/** Immutable set of a value at a path of object keys and array indexes; undefined deletes the key. */
export function setIn(obj: unknown, path: readonly PropertyKey[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(obj)) {
    const copy = obj.slice();
    copy[head as number] = setIn(obj[head as number], rest, value);
    return copy;
  }
  const record = { ...(obj as Record<PropertyKey, unknown>) };
  const next = setIn(record[head], rest, value);
  if (next === undefined) delete record[head];
  else record[head] = next;
  return record;
}
