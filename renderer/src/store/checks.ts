// The checks behind the Problems panel, loaded when first needed: the validator, the expression language (jexl,
// RE2) and the YAML readers are half of the editor's code (about 2 MB of the JS heap at 5,000 nodes, with what they
// build), and a window that only looks at a project (a review, a walk through the flows) needs none of them: until
// the first edit the Problems panel shows what main found (the flows on load, the stories as `stories.files` checked
// them). The store loads them at an edit (problems.ts), a rename waits for them, and the views that show what only
// they find (the inspector's story word checks, the copy deck's "checked by a story") load them as they mount.
import { useEffect, useState } from 'react';
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

/** The checks for a component: undefined until they are loaded, which the first render starts. */
export function useChecks(): Checks | undefined {
  const [checks, setChecks] = useState(loaded);
  useEffect(() => {
    if (checks) return;
    let live = true;
    void loadChecks().then((c) => live && setChecks(c));
    return () => {
      live = false;
    };
  }, [checks]);
  return checks;
}
