import { Id } from '../schema/common';
import { exitsOf } from '../schema/exits';
import { NODE_SCHEMAS, type FlowNode } from '../schema/nodes';
import type { Flow, NluFile, ProjectManifest } from '../schema/project';
import { fieldPath, type Problem } from './problems';
import { checkExpressions } from '../engine/check';
import { hostAllows, literalOrigin } from './apiHosts';
import { checkPattern } from '../util/regex';

export interface ProjectModel {
  manifest: ProjectManifest;
  nlu: NluFile;
  flows: Record<string, Flow>;
}

export type LineLookup = (file: string, path: readonly PropertyKey[]) => number | undefined;

export const flowFile = (flowId: string): string => `flows/${flowId}.yaml`;

/** `flows/card_lost.yaml` → `card_lost`; undefined when the name is not a valid flow id (or not `.yaml`). */
export function flowIdOf(file: string): string | undefined {
  const m = /^flows\/([^/]+)\.yaml$/.exec(file);
  return m?.[1] && Id.safeParse(m[1]).success ? m[1] : undefined;
}
export const MANIFEST_FILE = 'parley.yaml';
export const NLU_FILE = 'nlu.yaml';

/**
 * Cross-reference checks that a schema alone cannot express: edges to missing nodes, duplicate ids, unknown
 * intents, flows and entities. Pure; runs on load, in `parley validate`, and in the editor after each edit.
 */
export interface ValidateOptions {
  lineOf?: LineLookup;
  /**
   * Files that exist but failed to load. References into them are not reported again as missing: a broken
   * flow is not a missing flow, and with a broken nlu.yaml every intent would look unknown.
   */
  broken?: readonly string[];
}

export function validateProject(p: ProjectModel, options: ValidateOptions = {}): Problem[] {
  const lineOf = options.lineOf ?? (() => undefined);
  const broken = options.broken ?? [];
  const brokenFlows = new Set(broken.map(flowIdOf).filter((id): id is string => id !== undefined));
  const nluBroken = broken.includes(NLU_FILE);
  const problems: Problem[] = [];
  const flowExists = (id: string) => Boolean(p.flows[id]) || brokenFlows.has(id);
  const intents = new Set(p.nlu.intents.map((i) => i.id));
  const entities = new Set((p.nlu.entities ?? []).map((e) => e.id));
  const knownIntent = (id: string) => nluBroken || intents.has(id);
  const knownEntity = (id: string) => nluBroken || entities.has(id);
  const locales = new Set(p.manifest.locales);

  const report = (severity: Problem['severity'], file: string, path: PropertyKey[], message: string, ids: { flowId?: string; nodeId?: string } = {}) =>
    problems.push({ severity, file, line: lineOf(file, path), field: fieldPath(path), message, ...ids });

  if (!p.manifest.locales.includes(p.manifest.defaultLocale)) {
    report('error', MANIFEST_FILE, ['defaultLocale'], `"${p.manifest.defaultLocale}" is not one of the locales`);
  }
  if (!flowExists(p.manifest.startFlow)) {
    report('error', MANIFEST_FILE, ['startFlow'], `no flow "${p.manifest.startFlow}" (expected ${flowFile(p.manifest.startFlow)})`);
  }
  (p.manifest.globals ?? []).forEach((g, i) => {
    if (!knownIntent(g.intent)) report('error', MANIFEST_FILE, ['globals', i, 'intent'], `unknown intent "${g.intent}"`);
    if ((g.action === 'digress' || g.action === 'goto') && !g.flow) {
      report('error', MANIFEST_FILE, ['globals', i, 'flow'], `a ${g.action} handler needs a flow`);
    }
    if (g.flow && !flowExists(g.flow)) report('error', MANIFEST_FILE, ['globals', i, 'flow'], `no flow "${g.flow}"`);
  });
  checkDuplicates(
    p.manifest.globals ?? [],
    (g) => g.id,
    (i, id) => report('error', MANIFEST_FILE, ['globals', i, 'id'], `duplicate handler id "${id}"`),
  );
  const envs = p.manifest.environments ?? {};
  if (p.manifest.environment !== undefined && !Object.hasOwn(envs, p.manifest.environment)) {
    const known = Object.keys(envs);
    report(
      'error',
      MANIFEST_FILE,
      ['environment'],
      `no environment "${p.manifest.environment}"${known.length ? ` (environments: ${known.join(', ')})` : ' (add it under environments)'}`,
    );
  }
  const allHosts = Object.values(envs).flatMap((e) => e.hosts);
  checkDuplicates(
    p.nlu.intents,
    (x) => x.id,
    (i, id) => report('error', NLU_FILE, ['intents', i, 'id'], `duplicate intent "${id}"`),
  );
  checkDuplicates(
    p.nlu.entities ?? [],
    (x) => x.id,
    (i, id) => report('error', NLU_FILE, ['entities', i, 'id'], `duplicate entity "${id}"`),
  );
  // regex entities run on RE2 (linear time): name the construct it lacks, with a way around it
  (p.nlu.entities ?? []).forEach((e, i) => {
    if (e.kind !== 'regex') return;
    const c = checkPattern(e.pattern);
    if (!c.ok) report('error', NLU_FILE, ['entities', i, 'pattern'], c.message);
  });

  for (const [flowId, flow] of Object.entries(p.flows)) {
    const file = flowFile(flowId);
    const ids = new Map<string, number>();
    flow.nodes.forEach((n, i) => {
      if (ids.has(n.id)) report('error', file, ['nodes', i, 'id'], `duplicate node id "${n.id}" (first at nodes[${ids.get(n.id)}])`, { flowId, nodeId: n.id });
      else ids.set(n.id, i);
    });
    const starts = flow.nodes.filter((n) => n.kind === 'start');
    if (starts.length === 0) report('error', file, ['nodes'], 'the flow has no start node', { flowId });
    if (starts.length > 1) {
      const i = flow.nodes.indexOf(starts[1] as FlowNode);
      report('error', file, ['nodes', i, 'kind'], 'a flow has exactly one start node', { flowId, nodeId: starts[1]?.id });
    }

    flow.nodes.forEach((node, i) => {
      const at = (path: PropertyKey[]) => ['nodes', i, ...path];
      const ref = { flowId, nodeId: node.id };
      for (const exit of exitsOf(node)) {
        if (exit.target !== undefined && !ids.has(exit.target)) {
          report('error', file, at(exit.field), `edge to missing node "${exit.target}"`, ref);
        }
        if (exit.target === node.id && node.kind !== 'ask' && node.kind !== 'listen') {
          report('warning', file, at(exit.field), 'the node leads to itself', ref);
        }
      }
      const known = new Set(Object.keys(NODE_SCHEMAS[node.kind].shape));
      for (const key of Object.keys(node)) {
        if (!known.has(key)) report('warning', file, at([key]), `unknown field "${key}" for a ${node.kind} node (kept as is)`, ref);
      }
      forEachCopy(node, (path, text) => {
        for (const loc of Object.keys(text)) {
          if (!locales.has(loc)) report('warning', file, at([...path, loc]), `locale "${loc}" is not in the project's locales`, ref);
        }
      });
      switch (node.kind) {
        case 'start':
          (node.triggers ?? []).forEach((t, j) => {
            if (!knownIntent(t)) report('error', file, at(['triggers', j]), `unknown intent "${t}"`, ref);
          });
          break;
        case 'listen':
          (node.routes ?? []).forEach((r, j) => {
            if (!knownIntent(r.intent)) report('error', file, at(['routes', j, 'intent']), `unknown intent "${r.intent}"`, ref);
          });
          checkDuplicates(
            node.routes ?? [],
            (r) => r.intent,
            (j, id) => report('error', file, at(['routes', j, 'intent']), `intent "${id}" is routed twice`, ref),
          );
          break;
        case 'message':
          checkDuplicates(
            node.buttons ?? [],
            (b) => b.id,
            (j, id) => report('error', file, at(['buttons', j, 'id']), `duplicate button id "${id}"`, ref),
          );
          break;
        case 'condition':
          checkDuplicates(
            node.branches,
            (b) => b.id,
            (j, id) => report('error', file, at(['branches', j, 'id']), `duplicate branch id "${id}"`, ref),
          );
          break;
        case 'ask':
          if (node.type === 'entity' && !node.entity) report('error', file, at(['entity']), 'an entity slot needs an entity', ref);
          if (node.entity && !knownEntity(node.entity)) report('error', file, at(['entity']), `unknown entity "${node.entity}"`, ref);
          break;
        case 'api': {
          // the simulator refuses hosts no environment lists: say so while designing
          const origin = literalOrigin(node.url);
          if (origin && !allHosts.some((h) => hostAllows(h, origin))) {
            const hint = origin.port === (origin.scheme === 'https' ? 443 : 80) ? origin.host : `${origin.host}:${origin.port}`;
            report(
              'warning',
              file,
              at(['url']),
              `${hint} is not in the hosts of any environment, so the call will be refused; add it to environments.<id>.hosts in parley.yaml`,
              ref,
            );
          }
          break;
        }
        case 'jump':
        case 'call': {
          const target = p.flows[node.flow];
          if (!target && !brokenFlows.has(node.flow)) report('error', file, at(['flow']), `no flow "${node.flow}"`, ref);
          else if (target && node.node && !target.nodes.some((n) => n.id === node.node)) {
            report('error', file, at(['node']), `no node "${node.node}" in flow "${node.flow}"`, ref);
          }
          break;
        }
        default:
          break;
      }
    });
    (flow.groups ?? []).forEach((g, gi) => {
      g.nodes.forEach((nid, j) => {
        if (!ids.has(nid)) report('warning', file, ['groups', gi, 'nodes', j], `group "${g.id}" lists missing node "${nid}"`, { flowId });
      });
    });
  }
  checkReachable(p, report);
  // expressions and templates: syntax, filters, and variables nothing sets
  const nodeIndex = new Map<string, Map<string, number>>();
  for (const e of checkExpressions(p)) {
    let idx = nodeIndex.get(e.flowId);
    if (!idx) nodeIndex.set(e.flowId, (idx = new Map(p.flows[e.flowId]!.nodes.map((n, i) => [n.id, i] as const))));
    const i = idx.get(e.nodeId);
    if (i === undefined) continue;
    report(e.severity, flowFile(e.flowId), ['nodes', i, ...e.path], e.message, { flowId: e.flowId, nodeId: e.nodeId });
  }
  return problems;
}

/**
 * A node no conversation can get to is a warning (an exit pointed elsewhere cut it off). A flow is entered at its
 * start node (its triggers, globals, calls and jumps without `node`) or at a node a jump or call names; from
 * there, every exit (routes, buttons, branches, error paths) leads on. Flows without one start node are
 * reported already and not checked here.
 */
function checkReachable(
  p: ProjectModel,
  report: (severity: Problem['severity'], file: string, path: PropertyKey[], message: string, ids: { flowId?: string; nodeId?: string }) => void,
): void {
  const entries = new Map<string, Set<string>>();
  for (const flow of Object.values(p.flows)) {
    for (const n of flow.nodes) {
      if ((n.kind === 'jump' || n.kind === 'call') && n.node) {
        let e = entries.get(n.flow);
        if (!e) entries.set(n.flow, (e = new Set()));
        e.add(n.node);
      }
    }
  }
  for (const [flowId, flow] of Object.entries(p.flows)) {
    const starts = flow.nodes.filter((n) => n.kind === 'start');
    if (starts.length !== 1) continue;
    const byId = new Map(flow.nodes.map((n) => [n.id, n] as const));
    const seen = new Set<string>();
    const todo = [(starts[0] as FlowNode).id, ...(entries.get(flowId) ?? [])];
    while (todo.length) {
      const id = todo.pop() as string;
      const n = byId.get(id);
      if (!n || seen.has(id)) continue;
      seen.add(id);
      for (const exit of exitsOf(n)) if (exit.target !== undefined) todo.push(exit.target);
    }
    flow.nodes.forEach((n, i) => {
      if (!seen.has(n.id))
        report('warning', flowFile(flowId), ['nodes', i, 'id'], "unreachable: no exit, jump or call leads to this node from the flow's start", {
          flowId,
          nodeId: n.id,
        });
    });
  }
}

/** Calls `fn` for every piece of localized copy on a node, with its path relative to the node. */
export function forEachCopy(node: FlowNode, fn: (path: PropertyKey[], text: Record<string, string | string[]>) => void): void {
  switch (node.kind) {
    case 'message':
      fn(['say'], node.say);
      (node.buttons ?? []).forEach((b, i) => fn(['buttons', i, 'label'], b.label));
      break;
    case 'ask':
      fn(['prompt'], node.prompt);
      if (node.reprompt) fn(['reprompt'], node.reprompt);
      if (node.validation) fn(['validation', 'message'], node.validation.message);
      break;
    case 'handoff':
    case 'end':
      if (node.say) fn(['say'], node.say);
      break;
    default:
      break;
  }
}

function checkDuplicates<T>(items: readonly T[], key: (t: T) => string, onDup: (index: number, id: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) onDup(i, k);
    seen.add(k);
  });
}
