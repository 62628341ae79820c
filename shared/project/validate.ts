import { checkQuestions } from './validateQuestions';
import type { GuardrailsFile } from '../schema/guardrails';
import { exitsOf } from '../schema/exits';
import { NODE_SCHEMAS, type FlowNode } from '../schema/nodes';
import type { Flow, NluFile, ProjectManifest } from '../schema/project';
import { fieldPath, type Problem } from './problems';
import { checkExpressions, type ExpressionProblem } from '../engine/check';
import { readsSecrets, SECRETS_ROOT } from '../engine/secrets';
import { hostAllows, literalOrigin } from './apiHosts';
import { apiNodeChecks } from './validateApi';
import { checkPattern } from '../util/regex';
import { copyLintPatternChecks } from '../schema/copyLint';
import { forEachCopy } from './copy';
import { collisionMessage, collisionPath, copyIdCollisions } from './copyIds';
import { nodeTranslationChecks, translationChecks, translationContext, type TranslationContext } from './validateTranslations';
import { flowFile, flowIdOf, MANIFEST_FILE, NLU_FILE } from './names';
import { businessHoursChecks, handoffNodeChecks, type HandoffContext } from './validateHandoff';
import type { HolidayRegionCheck } from '../engine/holidays';

// The project's file names and its copy, from modules of their own (the editor loads them without the checks).
export { forEachCopy, flowFile, flowIdOf, MANIFEST_FILE, NLU_FILE };

export interface ProjectModel {
  manifest: ProjectManifest;
  nlu: NluFile;
  flows: Record<string, Flow>;
  /** guardrails.yaml, when the project has one (shared/schema/guardrails.ts; the defaults apply without it). */
  guardrails?: GuardrailsFile;
}

export type LineLookup = (file: string, path: readonly PropertyKey[]) => number | undefined;

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
  /** Checks the holiday countries of `businessHours` (holidays.ts); without it they are not checked (the studio, at first). */
  holidayRegion?: HolidayRegionCheck;
}

type Report = (severity: Problem['severity'], file: string, path: PropertyKey[], message: string, ids?: { flowId?: string; nodeId?: string }) => void;

/** What the checks of one flow need from the rest of the project: the manifest, the NLU and the broken files. */
export interface ValidationContext {
  lineOf: LineLookup;
  brokenFlows: ReadonlySet<string>;
  knownIntent(id: string): boolean;
  knownEntity(id: string): boolean;
  allHosts: readonly string[];
  /** Each environment's hosts, by id (`environments` of parley.yaml). */
  environmentHosts: ReadonlyMap<string, readonly string[]>;
  /** Business hours and whether a model is configured, for handoff nodes (validateHandoff.ts). */
  handoff: HandoffContext;
  translations: TranslationContext;
  holidayRegion?: HolidayRegionCheck;
}

export function validationContext(p: Pick<ProjectModel, 'manifest' | 'nlu'>, options: ValidateOptions = {}): ValidationContext {
  const broken = options.broken ?? [];
  const nluBroken = broken.includes(NLU_FILE);
  const intents = new Set(p.nlu.intents.map((i) => i.id));
  const entities = new Set((p.nlu.entities ?? []).map((e) => e.id));
  return {
    lineOf: options.lineOf ?? (() => undefined),
    brokenFlows: new Set(broken.map(flowIdOf).filter((id): id is string => id !== undefined)),
    knownIntent: (id) => nluBroken || intents.has(id),
    knownEntity: (id) => nluBroken || entities.has(id),
    translations: translationContext(p.manifest),
    allHosts: Object.values(p.manifest.environments ?? {}).flatMap((e) => e.hosts),
    environmentHosts: new Map(Object.entries(p.manifest.environments ?? {}).map(([id, e]) => [id, e.hosts] as const)),
    handoff: { ...(p.manifest.businessHours ? { hours: p.manifest.businessHours } : {}), llm: p.manifest.llm !== undefined },
    ...(options.holidayRegion ? { holidayRegion: options.holidayRegion } : {}),
  };
}

const reporter =
  (ctx: ValidationContext, problems: Problem[]): Report =>
  (severity, file, path, message, ids = {}) =>
    problems.push({ severity, file, line: ctx.lineOf(file, path), field: fieldPath(path), message, ...ids });

/**
 * The checks of one flow whose outcome depends on another flow: a jump or call to a flow (and node). A flow's
 * own checks leave one in their place, resolved against the project by `resolveFlowItems`, so that the rest of a
 * flow's checks can be kept while other flows change.
 */
interface TargetCheck {
  target: 'jump' | 'call';
  flowId: string;
  index: number;
  node: Extract<FlowNode, { kind: 'jump' | 'call' }>;
}
export type FlowItem = Problem | TargetCheck;

export function validateProject(p: ProjectModel, options: ValidateOptions = {}): Problem[] {
  const ctx = validationContext(p, options);
  const problems = checkProjectFiles(p, ctx);
  const hasNode = (flow: Flow, id: string) => flow.nodes.some((n) => n.id === id);
  for (const [flowId, flow] of Object.entries(p.flows)) problems.push(...resolveFlowItems(checkFlow(flowId, flow, ctx), p.flows, ctx, hasNode));
  const entries = reachEntries(Object.values(p.flows).map(jumpEntries));
  for (const [flowId, flow] of Object.entries(p.flows)) problems.push(...unreachableNodes(flowId, flow, entries.get(flowId), ctx));
  problems.push(...expressionProblems(p, checkExpressions(p), ctx));
  return problems;
}

/** parley.yaml and nlu.yaml: the start flow, global handlers, environments, duplicate intents and entities. */
export function checkProjectFiles(p: ProjectModel, ctx: ValidationContext): Problem[] {
  const problems: Problem[] = [];
  const report = reporter(ctx, problems);
  const flowExists = (id: string) => Boolean(p.flows[id]) || ctx.brokenFlows.has(id);
  const { knownIntent } = ctx;

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
    for (const c of g.say ? translationChecks(g.say, ctx.translations) : []) report(c.severity, MANIFEST_FILE, ['globals', i, 'say', ...c.path], c.message);
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
  if (Object.hasOwn(p.manifest.variables ?? {}, SECRETS_ROOT)) report('error', MANIFEST_FILE, ['variables', SECRETS_ROOT], RESERVED_SECRETS);
  for (const c of copyLintPatternChecks(p.manifest.copyLint)) report('warning', MANIFEST_FILE, c.path, c.message);
  // a secret goes only where its hosts and the environment's both allow: a host no environment lists never gets it
  for (const [name, secret] of Object.entries(p.manifest.secrets ?? {})) {
    secret.hosts.forEach((host, i) => {
      if (!ctx.allHosts.includes(host))
        report(
          'warning',
          MANIFEST_FILE,
          ['secrets', name, 'hosts', i],
          `${host} is not in the hosts of any environment, so secret ${name} can never be sent there; add it to environments.<id>.hosts`,
        );
    });
  }
  for (const c of businessHoursChecks(p.manifest.businessHours, ctx.holidayRegion)) report(c.severity, MANIFEST_FILE, c.path, c.message);
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
  // two lines with one stable copy id (a merge, or ids copied by hand): the second gives it up
  for (const c of copyIdCollisions(p.flows)) report('error', flowFile(c.again.flowId), collisionPath(c), collisionMessage(c), c.again);

  return problems;
}

// the fields of each kind of node, read once (a schema's shape is built on each read)
const fieldsByKind = new Map<FlowNode['kind'], ReadonlySet<string>>();
function fieldsOf(kind: FlowNode['kind']): ReadonlySet<string> {
  let known = fieldsByKind.get(kind);
  if (!known) fieldsByKind.set(kind, (known = new Set(Object.keys(NODE_SCHEMAS[kind].shape))));
  return known;
}

/** The checks of one flow that depend on it alone (and `ctx`), with its jumps' and calls' targets left to resolve. */
export function checkFlow(flowId: string, flow: Flow, ctx: ValidationContext): FlowItem[] {
  const items: FlowItem[] = [];
  const report = reporter(ctx, items as Problem[]);
  const file = flowFile(flowId);
  const { knownIntent, knownEntity, allHosts, environmentHosts } = ctx;
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
    checkQuestions(node, ctx, (severity, path, message) => report(severity, file, at(path), message, ref));
    for (const exit of exitsOf(node)) {
      if (exit.target !== undefined && !ids.has(exit.target)) {
        report('error', file, at(exit.field), `edge to missing node "${exit.target}"`, ref);
      }
      if (exit.target === node.id && node.kind !== 'ask' && node.kind !== 'listen') {
        report('warning', file, at(exit.field), 'the node leads to itself', ref);
      }
    }
    const known = fieldsOf(node.kind);
    for (const key of Object.keys(node)) {
      if (!known.has(key)) report('warning', file, at([key]), `unknown field "${key}" for a ${node.kind} node (kept as is)`, ref);
    }
    for (const [path, v] of writtenVars(node)) if (readsSecrets(v)) report('error', file, at(path), RESERVED_SECRETS, ref);
    for (const c of nodeTranslationChecks(node, ctx.translations)) report(c.severity, file, at(c.path), c.message, ref);
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
        checkVariants(node.variants, ['say'], (path, severity, message) => report(severity, file, at(path), message, ref));
        break;
      case 'llm':
        checkVariants(node.variants, ['system', 'prompt', 'model', 'temperature'], (path, severity, message) => report(severity, file, at(path), message, ref));
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
        checkDuplicates(
          node.buttons ?? [],
          (b) => b.id,
          (j, id) => report('error', file, at(['buttons', j, 'id']), `duplicate button id "${id}"`, ref),
        );
        break;
      case 'api': {
        for (const c of apiNodeChecks(node)) report(c.severity, file, at(c.path), c.message, ref);
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
        // a URL per environment: for an environment parley.yaml declares, to a host that environment lists
        for (const [env, u] of Object.entries(node.urls ?? {})) {
          const hosts = environmentHosts.get(env);
          if (!hosts) {
            const known = [...environmentHosts.keys()];
            report(
              'error',
              file,
              at(['urls', env]),
              `no environment "${env}" in parley.yaml (${known.length ? `it has ${known.join(', ')}` : 'it declares none'})`,
              ref,
            );
            continue;
          }
          const o = literalOrigin(u);
          if (o && !hosts.some((h) => hostAllows(h, o))) {
            const hint = o.port === (o.scheme === 'https' ? 443 : 80) ? o.host : `${o.host}:${o.port}`;
            report(
              'warning',
              file,
              at(['urls', env]),
              `${hint} is not in the hosts of environment ${env}, so the call will be refused there; add it to environments.${env}.hosts`,
              ref,
            );
          }
        }
        break;
      }
      case 'handoff': {
        for (const c of handoffNodeChecks(node, ctx.handoff)) report(c.severity, file, at(c.path), c.message, ref);
        // the ticket call goes through the same outbound policy as an api node's
        const origin = node.ticket ? literalOrigin(node.ticket.url) : undefined;
        if (origin && !allHosts.some((h) => hostAllows(h, origin)))
          report(
            'warning',
            file,
            at(['ticket', 'url']),
            `${origin.host} is not in the hosts of any environment, so the ticket call will be refused; add it to environments.<id>.hosts in parley.yaml`,
            ref,
          );
        break;
      }
      case 'jump':
      case 'call':
        items.push({ target: node.kind, flowId, index: i, node });
        break;
      default:
        break;
    }
  });
  (flow.groups ?? []).forEach((g, gi) => {
    g.nodes.forEach((nid, j) => {
      if (!ids.has(nid)) report('warning', file, ['groups', gi, 'nodes', j], `group "${g.id}" lists missing node "${nid}"`, { flowId });
    });
  });
  return items;
}

/** `items` with each jump's and call's target looked up in `flows`. */
export function resolveFlowItems(
  items: readonly FlowItem[],
  flows: Readonly<Record<string, Flow>>,
  ctx: ValidationContext,
  hasNode: (flow: Flow, id: string) => boolean,
): Problem[] {
  const problems: Problem[] = [];
  const report = reporter(ctx, problems);
  for (const item of items) {
    if (!('target' in item)) {
      problems.push(item);
      continue;
    }
    const { node, flowId, index } = item;
    const file = flowFile(flowId);
    const ref = { flowId, nodeId: node.id };
    const target = flows[node.flow];
    if (!target && !ctx.brokenFlows.has(node.flow)) report('error', file, ['nodes', index, 'flow'], `no flow "${node.flow}"`, ref);
    else if (target && node.node && !hasNode(target, node.node)) {
      report('error', file, ['nodes', index, 'node'], `no node "${node.node}" in flow "${node.flow}"`, ref);
    }
  }
  return problems;
}

/** The nodes of other flows (or this one) that a flow's jumps and calls enter at: `[flowId, nodeId]`. */
export function jumpEntries(flow: Flow): [string, string][] {
  const out: [string, string][] = [];
  for (const n of flow.nodes) if ((n.kind === 'jump' || n.kind === 'call') && n.node) out.push([n.flow, n.node]);
  return out;
}

/** The entry nodes of each flow named by jumps and calls, from every flow's `jumpEntries`. */
export function reachEntries(perFlow: Iterable<readonly (readonly [string, string])[]>): Map<string, Set<string>> {
  const entries = new Map<string, Set<string>>();
  for (const list of perFlow) {
    for (const [flowId, nodeId] of list) {
      let e = entries.get(flowId);
      if (!e) entries.set(flowId, (e = new Set()));
      e.add(nodeId);
    }
  }
  return entries;
}

/**
 * A node no conversation can get to is a warning (an exit pointed elsewhere cut it off). A flow is entered at its
 * start node (its triggers, globals, calls and jumps without `node`) or at a node a jump or call names
 * (`entries`); from there, every exit (routes, buttons, branches, error paths) leads on. Flows without one start
 * node are reported already and not checked here.
 */
export function unreachableNodes(flowId: string, flow: Flow, entries: Iterable<string> | undefined, ctx: ValidationContext): Problem[] {
  const problems: Problem[] = [];
  const starts = flow.nodes.filter((n) => n.kind === 'start');
  if (starts.length !== 1) return problems;
  const report = reporter(ctx, problems);
  const byId = new Map(flow.nodes.map((n) => [n.id, n] as const));
  const seen = new Set<string>();
  const todo = [(starts[0] as FlowNode).id, ...(entries ?? [])];
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
  return problems;
}

/** Expression and template problems (`checkExpressions`) placed in their flows' files. */
export function expressionProblems(p: Pick<ProjectModel, 'flows'>, found: readonly ExpressionProblem[], ctx: ValidationContext): Problem[] {
  const problems: Problem[] = [];
  const report = reporter(ctx, problems);
  const nodeIndex = new Map<string, Map<string, number>>();
  for (const e of found) {
    let idx = nodeIndex.get(e.flowId);
    if (!idx) nodeIndex.set(e.flowId, (idx = new Map(p.flows[e.flowId]!.nodes.map((n, i) => [n.id, i] as const))));
    const i = idx.get(e.nodeId);
    if (i === undefined) continue;
    report(e.severity, flowFile(e.flowId), ['nodes', i, ...e.path], e.message, { flowId: e.flowId, nodeId: e.nodeId });
  }
  return problems;
}

/**
 * A node's A/B variants: ids unique within the node (results are counted by id), and at most one control (a
 * variant that sets none of `fields` runs the node as it is: two of them split one experience in two).
 * Weights and the number of variants are the schema's.
 */
function checkVariants(
  variants: readonly ({ id: string } & Record<string, unknown>)[] | undefined,
  fields: readonly string[],
  report: (path: PropertyKey[], severity: Problem['severity'], message: string) => void,
): void {
  if (!variants) return;
  checkDuplicates(
    variants,
    (v) => v.id,
    (j, id) => report(['variants', j, 'id'], 'error', `duplicate variant id "${id}"`),
  );
  let control: string | undefined;
  variants.forEach((v, j) => {
    if (fields.some((f) => v[f] !== undefined)) return;
    if (control === undefined) control = v.id;
    else if (v.id !== control)
      report(
        ['variants', j],
        'warning',
        `variant "${v.id}" changes nothing, like "${control}": both run the node as it is (give it its own ${fields.join(' or ')})`,
      );
  });
}

const RESERVED_SECRETS = `"${SECRETS_ROOT}" is reserved for the secrets declared in parley.yaml ({{ secrets.NAME }} in api headers): name the variable otherwise`;

/** The variables a node writes, with the field each is named in. */
function writtenVars(node: FlowNode): [PropertyKey[], string][] {
  switch (node.kind) {
    case 'ask':
      return [[['slot'], node.slot]];
    case 'form':
      return node.fields.map((f, i) => [['fields', i, 'slot'], f.slot]);
    case 'set':
      return node.assign.map((a, i) => [['assign', i, 'var'], a.var]);
    case 'llm':
      return [
        ...(node.saveAs ? [[['saveAs'], node.saveAs] as [PropertyKey[], string]] : []),
        ...(node.extract ?? []).map((e, i): [PropertyKey[], string] => [['extract', i, 'var'], e.var]),
      ];
    case 'api':
      return (node.assign ?? []).map((a, i) => [['assign', i, 'var'], a.var]);
    case 'knowledge':
      return node.saveAs ? [[['saveAs'], node.saveAs]] : [];
    case 'handoff':
      return (node.ticket?.assign ?? []).map((a, i) => [['ticket', 'assign', i, 'var'], a.var]);
    default:
      return [];
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
