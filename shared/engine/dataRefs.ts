// Which variables hold conversation data: what the user said (`input`, `entities`, ask slots, anything under
// `slots`), model extractions and replies, API responses, retrieved passages, and set-node variables computed
// from any of these. The engine keeps their values out of system prompts; the validator warns when a system
// prompt names one. Variables from parley.yaml and the session profile that no node writes are the designer's
// and the login session's, not the conversation's.
import type { ProjectModel } from '../project/validate';

export interface ConversationData {
  /** Variable paths that hold conversation data. */
  readonly paths: ReadonlySet<string>;
  /** Knowledge nodes' `saveAs` variables: retrieved passages (`{ answer, source, score }`). */
  readonly passages: readonly string[];
}

/** Always data: the user's words and what NLU found in them; `slots` by convention. */
const DATA_ROOTS = new Set(['input', 'entities', 'slots']);

const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/** Whether a variable path a placeholder reads is (or contains, or is inside) conversation data. */
export function isDataRef(ref: string, data: ConversationData): boolean {
  if (DATA_ROOTS.has(ref.split('.')[0] as string)) return true;
  for (const p of data.paths) if (related(ref, p)) return true;
  return false;
}

/** `refsOf` gives the variables an expression reads (undefined when it does not compile). */
export function conversationData(model: ProjectModel, refsOf: (expression: string) => readonly string[] | undefined): ConversationData {
  const paths = new Set<string>();
  const passages: string[] = [];
  const sets: { var: string; refs: readonly string[] | undefined }[] = [];
  for (const flow of Object.values(model.flows)) {
    for (const n of flow.nodes) {
      switch (n.kind) {
        case 'ask':
          paths.add(n.slot);
          break;
        case 'form':
          n.fields.forEach((f) => paths.add(f.slot));
          break;
        case 'llm':
          if (n.saveAs) paths.add(n.saveAs);
          (n.extract ?? []).forEach((e) => paths.add(e.var));
          break;
        case 'api':
          (n.assign ?? []).forEach((a) => paths.add(a.var));
          break;
        case 'handoff':
          (n.ticket?.assign ?? []).forEach((a) => paths.add(a.var));
          break;
        case 'knowledge':
          if (n.saveAs) {
            paths.add(n.saveAs);
            passages.push(n.saveAs);
          }
          break;
        case 'set':
          n.assign.forEach((a) => sets.push({ var: a.var, refs: refsOf(a.value) }));
          break;
        default:
          break;
      }
    }
  }
  // a set node's variable is data when its expression reads data (or cannot be read): to a fixed point
  const data: ConversationData = { paths, passages: [...new Set(passages)] };
  for (let changed = true; changed;) {
    changed = false;
    for (const s of sets) {
      if (paths.has(s.var)) continue;
      if (s.refs === undefined || s.refs.some((r) => isDataRef(r, data))) {
        paths.add(s.var);
        changed = true;
      }
    }
  }
  return data;
}
