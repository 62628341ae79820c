// Conversation variables: a tree of plain JSON data addressed by dotted paths (`slots.card_last4`).
// Updates are copy-on-write along the path, so an old state is never changed by a new turn and rewinding
// is just keeping the old object.

export type Vars = Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function getPath(vars: Vars, path: string): unknown {
  let cur: unknown = vars;
  for (const key of path.split('.')) {
    if (!isRecord(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Returns a new tree with `value` at `path` (undefined deletes); shares every untouched branch. */
export function setPath(vars: Vars, path: string, value: unknown): Vars {
  const keys = path.split('.');
  const rec = (node: unknown, i: number): unknown => {
    const key = keys[i] as string;
    const base = isRecord(node) ? node : {};
    const copy: Record<string, unknown> = { ...base };
    if (i === keys.length - 1) {
      if (value === undefined) delete copy[key];
      else copy[key] = value;
    } else copy[key] = rec(base[key], i + 1);
    return copy;
  };
  return rec(vars, 0) as Vars;
}

export interface VarChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** Leaf-level differences between two trees (arrays compare as values). Cheap when branches are shared. */
export function diffVars(before: Vars, after: Vars, prefix = '', out: VarChange[] = []): VarChange[] {
  if (before === after) return out;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (a === b) continue;
    const path = prefix ? `${prefix}.${k}` : k;
    if ((isRecord(a) || a === undefined) && (isRecord(b) || b === undefined)) diffVars(a ?? {}, b ?? {}, path, out);
    else if (JSON.stringify(a) !== JSON.stringify(b)) {
      const change: VarChange = { path };
      if (a !== undefined) change.before = a;
      if (b !== undefined) change.after = b;
      out.push(change);
    }
  }
  return out;
}
