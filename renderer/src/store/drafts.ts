import type { Flow } from '../../../shared/schema/project';
import type { KeyValueStorage, TimerHandle, Timers } from './storage';

/**
 * Unsaved edits, kept in local storage until the file on disk has them, so a crash of the window (or closing
 * it mid-debounce) loses nothing. A large flow is megabytes of JSON (28 ms to write at 10,000 nodes), so a draft
 * is not written during the edit (a drag's end): it is written a second after the edit if the autosave has not
 * reached disk by then (the draft is dropped when it does), at once when the save fails or conflicts, and when the
 * page goes away. A crash of the window within the second before the save lands loses that second of edits.
 */
export interface Draft {
  flowId: string;
  baseRevision: string | null;
  flow: unknown;
  at: number;
}

const PREFIX = 'parley.draft:';
const key = (dir: string, flowId: string) => `${PREFIX}${dir}:${flowId}`;
const DRAFT_DELAY_MS = 1000;

/** The drafts of one store instance, kept in `storage`. */
export function createDrafts(storage: KeyValueStorage, clock: Timers) {
  const timers = new Map<string, TimerHandle>();
  const pending = new Map<string, Draft>();
  // drafts in storage (written here, or found there by `readDrafts`)
  const stored = new Set<string>();

  function write(k: string): void {
    clock.clearTimeout(timers.get(k));
    timers.delete(k);
    const draft = pending.get(k);
    pending.delete(k);
    if (!draft) return;
    try {
      storage.setItem(k, JSON.stringify(draft));
      stored.add(k);
    } catch {
      // quota exceeded: the autosave is still the primary path to disk
    }
  }

  return {
    /** Keeps `flow` as the flow's draft: written a second later unless the save lands first (at most once a second). */
    scheduleDraft(dir: string, flowId: string, baseRevision: string | null, flow: Flow): void {
      const k = key(dir, flowId);
      pending.set(k, { flowId, baseRevision, flow, at: Date.now() });
      if (!timers.has(k))
        timers.set(
          k,
          clock.setTimeout(() => write(k), DRAFT_DELAY_MS),
        );
    },

    /** Writes the flow's pending draft now (its save failed: the draft is all there is). */
    writeDraft(dir: string, flowId: string): void {
      write(key(dir, flowId));
    },

    /**
     * A save of an earlier version reached disk at `baseRevision` while the flow was edited further: the draft is
     * now based on that revision. A draft already in storage is written again at once, so that a crash before the
     * next save does not find it based on the old revision (a conflict with the window's own save).
     */
    rebaseDraft(dir: string, flowId: string, baseRevision: string, flow: Flow): void {
      const k = key(dir, flowId);
      if (!pending.has(k) && !stored.has(k)) return;
      pending.set(k, { flowId, baseRevision, flow, at: Date.now() });
      if (stored.has(k)) write(k);
    },

    clearDraft(dir: string, flowId: string): void {
      const k = key(dir, flowId);
      clock.clearTimeout(timers.get(k));
      timers.delete(k);
      pending.delete(k);
      stored.delete(k);
      try {
        storage.removeItem(k);
      } catch {
        // nothing to clear
      }
    },

    readDrafts(dir: string): Draft[] {
      const out: Draft[] = [];
      try {
        for (let i = 0; i < storage.length; i++) {
          const k = storage.key(i);
          if (!k?.startsWith(`${PREFIX}${dir}:`)) continue;
          const d = JSON.parse(storage.getItem(k) ?? 'null') as Draft | null;
          if (d && typeof d.flowId === 'string') {
            out.push(d);
            stored.add(k);
          }
        }
      } catch {
        // unreadable storage: no drafts
      }
      return out;
    },

    /** Writes pending drafts now (before the page goes away). */
    flushDrafts(): void {
      for (const k of [...pending.keys()]) write(k);
    },
  };
}

export type Drafts = ReturnType<typeof createDrafts>;
