// The user's display preferences (theme, presentation mode, snap to grid), kept in the store's storage (local
// storage in the app).
import type { KeyValueStorage } from './storage';
import type { StudioContext, StudioState } from './studioState';

const PREFS_KEY = 'parley.prefs';

type PrefsState = Pick<StudioState, 'theme' | 'presentation' | 'snapToGrid'>;

/** The preferences saved last, as state; defaults for what is missing or unreadable. */
export function readPrefs(storage: KeyValueStorage): PrefsState {
  const prefs = (() => {
    try {
      return JSON.parse(storage.getItem(PREFS_KEY) ?? '{}') as Partial<PrefsState>;
    } catch {
      return {};
    }
  })();
  return {
    theme: prefs.theme === 'dark' ? 'dark' : 'light',
    presentation: prefs.presentation === true,
    snapToGrid: prefs.snapToGrid !== false,
  };
}

export function createPrefs({ get, set }: StudioContext, storage: KeyValueStorage) {
  const savePrefs = () => {
    const { theme, presentation, snapToGrid } = get();
    try {
      storage.setItem(PREFS_KEY, JSON.stringify({ theme, presentation, snapToGrid }));
    } catch {
      // storage full or disabled: preferences just do not persist
    }
  };

  return {
    toggleTheme(): void {
      set({ theme: get().theme === 'light' ? 'dark' : 'light' });
      savePrefs();
    },

    togglePresentation(): void {
      set({ presentation: !get().presentation });
      savePrefs();
    },

    toggleSnap(): void {
      set({ snapToGrid: !get().snapToGrid });
      savePrefs();
    },
  };
}
