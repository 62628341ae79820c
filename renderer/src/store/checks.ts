// The checks behind the Problems panel, loaded after the first screen: the validator, the expression language
// (jexl, RE2) and the YAML readers are half of the editor's code, and the canvas needs none of them to open. The
// store asks for them when the window is idle after a project is shown (problems.ts), and an action that needs them
// before then (a rename) waits for them. Until they are in, the Problems panel shows what main found on load.
import type * as CheckModules from './checkModules';

export type Checks = typeof CheckModules;

let loaded: Checks | undefined;
let loading: Promise<Checks> | undefined;

/** The checks, loading them the first time. */
export function loadChecks(): Promise<Checks> {
  loading ??= import('./checkModules').then((m) => (loaded = m));
  return loading;
}

/** The checks if they are loaded. */
export const loadedChecks = (): Checks | undefined => loaded;
