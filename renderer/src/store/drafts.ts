import type { Flow } from '../../../shared/schema/project';

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

/** The drafts of one store instance. */
export interface Drafts {
  scheduleDraft(dir: string, flowId: string, baseRevision: string | null, flow: Flow): void;
  clearDraft(dir: string, flowId: string): void;
  readDrafts(dir: string): Draft[];
}

const PREFIX = 'parley.draft:';
const key = (dir: string, flowId: string) => `${PREFIX}${dir}:${flowId}`;
const timers = new Map<string, ReturnType<typeof setTimeout>>();
const pending = new Map<string, Draft>();
const DRAFT_THROTTLE_MS = 1000;

function write(k: string): void {
  timers.delete(k);
  const draft = pending.get(k);
  pending.delete(k);
  if (!draft) return;
  try {
    localStorage.setItem(k, JSON.stringify(draft));
  } catch {
    // quota exceeded: the autosave is still the primary path to disk
  }
}

const lastWrite = new Map<string, number>();

/** Throttled with a leading edge: the first edit after a quiet second is written at once, later ones batched. */
export function scheduleDraft(dir: string, flowId: string, baseRevision: string | null, flow: Flow): void {
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
      setTimeout(() => {
        lastWrite.set(k, Date.now());
        write(k);
      }, DRAFT_THROTTLE_MS - since),
    );
  }
}

export function clearDraft(dir: string, flowId: string): void {
  const k = key(dir, flowId);
  clearTimeout(timers.get(k));
  timers.delete(k);
  pending.delete(k);
  try {
    localStorage.removeItem(k);
  } catch {
    // nothing to clear
  }
}

export function readDrafts(dir: string): Draft[] {
  const out: Draft[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (!k?.startsWith(`${PREFIX}${dir}:`)) continue;
      const d = JSON.parse(localStorage.getItem(k) ?? 'null') as Draft | null;
      if (d && typeof d.flowId === 'string') out.push(d);
    }
  } catch {
    // unreadable storage: no drafts
  }
  return out;
}

/** Writes pending drafts now (before the page goes away). */
export function flushDrafts(): void {
  for (const k of [...pending.keys()]) {
    clearTimeout(timers.get(k));
    write(k);
  }
}

if (typeof window !== 'undefined') window.addEventListener('pagehide', flushDrafts);
