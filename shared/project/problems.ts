import { z } from 'zod';

/** A problem found in a project file: shown in the problems list, printed by `parley validate`. */
export const Problem = z.object({
  severity: z.enum(['error', 'warning']),
  /** Project-relative path with forward slashes, e.g. `flows/card.yaml`. */
  file: z.string(),
  /** 1-based line, when the problem can be placed. */
  line: z.number().int().optional(),
  /** Dotted field path such as `nodes[3].next`, or empty for the whole file. */
  field: z.string(),
  message: z.string(),
  flowId: z.string().optional(),
  nodeId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

/** `file:line: field: message`, the format of `parley validate` and of load errors. */
export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}

/** `['nodes', 3, 'next']` → `nodes[3].next`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
