/**
 * Undo history of one document, over immutable snapshots. Flows are immutable and edits share structure
 * (`applyChanges` keeps untouched nodes), so a snapshot costs one array, not a copy of the flow.
 *
 * Coalescing: a record with the same `key` as the previous one, within `windowMs`, extends that step instead
 * of adding one — typing a sentence into one field is one undo step; a drag is recorded once, at its end.
 */
export interface History<T> {
  /** Records that the document went from `before` to `after`. */
  record(before: T, after: T, options?: { key?: string; now?: number }): void;
  /** The snapshot to go back to, or undefined when there is nothing to undo. */
  undo(current: T): T | undefined;
  redo(current: T): T | undefined;
  canUndo(): boolean;
  canRedo(): boolean;
  /** Ends coalescing: the next record starts a new step even with the same key. */
  seal(): void;
  clear(): void;
}

interface Step<T> {
  before: T;
  after: T;
  key: string | undefined;
  at: number;
}

export function createHistory<T>(options: { limit?: number; windowMs?: number } = {}): History<T> {
  const limit = options.limit ?? 200;
  const windowMs = options.windowMs ?? 1500;
  const past: Step<T>[] = [];
  const future: Step<T>[] = [];
  let sealed = false;

  return {
    record(before, after, { key, now = Date.now() } = {}) {
      if (before === after) return;
      future.length = 0;
      const last = past[past.length - 1];
      if (!sealed && key !== undefined && last && last.key === key && last.after === before && now - last.at <= windowMs) {
        last.after = after;
        last.at = now;
        return;
      }
      sealed = false;
      past.push({ before, after, key, at: now });
      if (past.length > limit) past.shift();
    },
    undo(current) {
      const step = past.pop();
      if (!step) return undefined;
      // If the document changed outside history since (e.g. reloaded), undo still returns to `before`.
      future.push({ ...step, after: current });
      sealed = true;
      return step.before;
    },
    redo(current) {
      const step = future.pop();
      if (!step) return undefined;
      past.push({ ...step, before: current });
      sealed = true;
      return step.after;
    },
    canUndo: () => past.length > 0,
    canRedo: () => future.length > 0,
    seal() {
      sealed = true;
    },
    clear() {
      past.length = 0;
      future.length = 0;
    },
  };
}
