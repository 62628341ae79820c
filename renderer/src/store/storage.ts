// Where the store keeps drafts and preferences, and the timers it debounces with: the browser's in the app,
// stand-ins in unit tests (no browser there).

/** The part of the Web Storage API the store uses (`localStorage` in the app). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/**
 * The browser's local storage, looked up on each use: a browser with storage disabled throws on access, and the
 * store's callers catch that (preferences and drafts just do not persist).
 */
export function browserStorage(): KeyValueStorage {
  return {
    getItem: (key) => localStorage.getItem(key),
    setItem: (key, value) => localStorage.setItem(key, value),
    removeItem: (key) => localStorage.removeItem(key),
    key: (index) => localStorage.key(index),
    get length() {
      return localStorage.length;
    },
  };
}

/** A storage in memory, gone with the page (unit tests; the module loaded outside a browser). */
export function memoryStorage(): KeyValueStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    key: (index) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
  };
}

export type TimerHandle = ReturnType<typeof setTimeout>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Runs `fn` when the window has nothing else to do (work that can wait for the canvas to be drawn); default: a 0 ms timeout. */
  whenIdle?(fn: () => void): void;
}

/** At most this long before idle work runs anyway, on a window that is never idle. */
const IDLE_TIMEOUT_MS = 2000;

/** The global timers, looked up on each call (so a test's fake timers, installed later, are the ones used). */
export const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
  whenIdle: (fn) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(fn, 0);
  },
};
