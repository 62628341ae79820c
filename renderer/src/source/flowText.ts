import { checkFlow, withoutStubNoise } from '../../../shared/project/load';
import { parseYaml } from '../../../shared/project/parse';
import type { Problem } from '../../../shared/project/problems';
import { flowFile, validateProject } from '../../../shared/project/validate';
import type { Flow, NluFile, ProjectManifest } from '../../../shared/schema/project';

/** What the rest of the project looks like, for cross-reference checks of one flow's text. */
export interface ProjectContext {
  manifest: ProjectManifest;
  nlu: NluFile;
  flows: Record<string, Flow>;
  /** Files that failed to load (references into them are not reported as missing). */
  broken: readonly string[];
}

export interface FlowTextResult {
  /** The flow, when the text may replace the one in the store. */
  flow?: Flow;
  /**
   * Problems of this text, with lines. Without `flow`, they say why it cannot be applied; with it, they are the
   * cross-reference problems the applied flow has (the same ones the problems list shows for canvas edits).
   */
  problems: Problem[];
}

/**
 * Checks the source text of flow `flowId`: YAML syntax, then the flow schema (`checkFlow`), then, against the
 * rest of the project, cross-references. A flow with duplicate node ids is not applied either: the canvas
 * could not tell its nodes apart, nor which one an edge means.
 */
export function checkFlowText(flowId: string, text: string, project?: ProjectContext): FlowTextResult {
  const file = flowFile(flowId);
  const parsed = parseYaml(file, text);
  if (parsed.problems.length) return { problems: parsed.problems.map((p) => ({ ...p, flowId })) };
  const checked = checkFlow(parsed, parsed.value, flowId);
  const across = (flow: Flow) =>
    project
      ? validateProject(
          { manifest: project.manifest, nlu: project.nlu, flows: { ...project.flows, [flowId]: flow } },
          { broken: project.broken, lineOf: (f, path) => (f === file ? parsed.lineOf(path) : undefined) },
        ).filter((p) => p.file === file)
      : [];
  // not applied, but what can be checked in the nodes that passed still is
  if (!checked.flow)
    return { problems: [...checked.problems, ...(checked.partial ? withoutStubNoise(across(checked.partial.flow), { [flowId]: checked.partial }) : [])] };
  const flow = checked.flow;
  const problems = across(flow);
  const seen = new Set<string>();
  const duplicate = flow.nodes.some((n) => (seen.has(n.id) ? true : (seen.add(n.id), false)));
  if (duplicate) {
    if (!project) {
      // Without a project context the duplicate is still named.
      const first = new Map<string, number>();
      flow.nodes.forEach((n, i) => {
        if (first.has(n.id)) {
          problems.push({
            severity: 'error',
            file,
            line: parsed.lineOf(['nodes', i, 'id']),
            field: `nodes[${i}].id`,
            message: `duplicate node id "${n.id}" (first at nodes[${first.get(n.id)}])`,
            flowId,
            nodeId: n.id,
          });
        } else first.set(n.id, i);
      });
    }
    return { problems };
  }
  return { flow, problems };
}

/**
 * The smallest single replacement that turns `before` into `after` (common prefix and suffix kept), so that
 * replacing the editor text keeps the cursor, selection and scroll of an unchanged region where they were.
 */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  // Never split a surrogate pair.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
