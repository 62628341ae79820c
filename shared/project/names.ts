// The names of a project's files: light enough for the editor's first screen, which does not load the checks
// (shared/project/validate.ts re-exports them).
import { Id } from '../schema/common';

export const flowFile = (flowId: string): string => `flows/${flowId}.yaml`;

/** `flows/card_lost.yaml` → `card_lost`; undefined when the name is not a valid flow id (or not `.yaml`). */
export function flowIdOf(file: string): string | undefined {
  const m = /^flows\/([^/]+)\.yaml$/.exec(file);
  return m?.[1] && Id.safeParse(m[1]).success ? m[1] : undefined;
}
export const MANIFEST_FILE = 'parley.yaml';
export const NLU_FILE = 'nlu.yaml';
