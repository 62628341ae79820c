// The copy lint for the studio's views, loaded on first use (lintChunk.ts).
import { useEffect, useMemo, useState } from 'react';
import type * as LintChunk from './lintChunk';
import { flowsOf } from '../store/studioState';
import { useStudio } from '../store/studioStore';
import type { ProjectModel } from '../../../shared/project/validate';

type Lint = typeof LintChunk;
let loaded: Lint | undefined;
let loading: Promise<Lint> | undefined;
const load = () => (loading ??= import('./lintChunk').then((m) => (loaded = m)));

/** The lint module once loaded (loading it the first time), or undefined until then. */
export function useLintModule(): Lint | undefined {
  const [lint, setLint] = useState(loaded);
  useEffect(() => {
    if (!lint) void load().then(setLint);
  }, [lint]);
  return lint;
}

/** The project as the lint's placeholder rule reads it (the flows as edited). */
export function useLintModel(): ProjectModel | undefined {
  const project = useStudio((s) => s.project);
  const docs = useStudio((s) => s.flows);
  // one object while the project and its flows stay the same, so the views' lint memos hold across renders
  return useMemo(() => (project ? { manifest: project.manifest, nlu: project.nlu, flows: flowsOf(docs) } : undefined), [project, docs]);
}
