import type { Flow } from '../../../shared/schema/project';
import type { KeyValueStorage, TimerHandle, Timers } from './storage';

/**
 * Unsaved edits, kept in local storage until the file on disk has them, so a crash of the window (or closing
 * it mid-debounce) loses nothing. Written at most once a second per flow: a large flow is megabytes of JSON.
 */
export interface Draft {
  flowId: string;
  baseRevision: string | null;
  flow: unknown;
  at: number;
}

const PREFIX = 'parley.draft:';
const key = (dir: string, flowId: string) => `${PREFIX}${dir}:${flowId}`;
const DRAFT_THROTTLE_MS = 1000;

/** The drafts of one store instance, kept in `storage`. */
export function createDrafts(storage: KeyValueStorage, clock: Timers) {
  const timers = new Map<string, TimerHandle>();
  const pending = new Map<string, Draft>();
  const lastWrite = new Map<string, number>();

  function write(k: string): void {
    timers.delete(k);
    const draft = pending.get(k);
    pending.delete(k);
    if (!draft) return;
    try {
      storage.setItem(k, JSON.stringify(draft));
    } catch {
      // quota exceeded: the autosave is still the primary path to disk
    }
  }

  return {
    /** Throttled with a leading edge: the first edit after a quiet second is written at once, later ones batched. */
    scheduleDraft(dir: string, flowId: string, baseRevision: string | null, flow: Flow): void {
      const k = key(dir, flowId);
      const now = Date.now();
      pending.set(k, { flowId, baseRevision, flow, at: now });
      if (timers.has(k)) return;
      const since = now - (lastWrite.get(k) ?? 0);
      if (since >= DRAFT_THROTTLE_MS) {
        lastWrite.set(k, now);
        write(k);
      } else {
        timers.set(
          k,
          clock.setTimeout(() => {
            lastWrite.set(k, Date.now());
            write(k);
          }, DRAFT_THROTTLE_MS - since),
        );
      }
    },

    clearDraft(dir: string, flowId: string): void {
      const k = key(dir, flowId);
      clock.clearTimeout(timers.get(k));
      timers.delete(k);
      pending.delete(k);
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
          if (d && typeof d.flowId === 'string') out.push(d);
        }
      } catch {
        // unreadable storage: no drafts
      }
      return out;
    },

    /** Writes pending drafts now (before the page goes away). */
    flushDrafts(): void {
      for (const k of [...pending.keys()]) {
        clock.clearTimeout(timers.get(k));
        write(k);
      }
    },
  };
}

export type Drafts = ReturnType<typeof createDrafts>;
