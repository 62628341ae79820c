import { checkGuardrails } from '../guardrails/load';
import { copyIdsInUse, withFlowCopyIds } from './copyIds';
import { migrate } from '../schema/migrations';
import { NODE_KINDS, NODE_SCHEMAS } from '../schema/nodes';
import { Flow, NluFile, Position, ProjectManifest } from '../schema/project';
import { checkSchema, fastParsed, parseYaml, type ParsedYaml } from './parse';
import { fieldPath, type Problem } from './problems';
import { MANIFEST_FILE, NLU_FILE, flowIdOf, validateProject, type ProjectModel, type ValidateOptions } from './validate';

export { flowIdOf };
import { z } from 'zod';

export interface SourceFile {
  /** Project-relative path with forward slashes. */
  file: string;
  text: string;
}

export interface ProjectSources {
  manifest: SourceFile;
  nlu?: SourceFile;
  /** guardrails.yaml, when the project has one. */
  guardrails?: SourceFile;
  flows: SourceFile[];
  /** Files that exist but could not be read (too large, a link out of the project, not UTF-8): one problem each. */
  unreadable?: Problem[];
  /**
   * Values of files the fast YAML reader has already read (`fastYamlValue` of the very same text), by file: main/
   * reads a large project's flows in worker threads. A file not in it is parsed here.
   */
  preparsed?: ReadonlyMap<string, unknown>;
}

export interface LoadResult {
  /** Undefined when parley.yaml itself cannot be read: nothing else can be interpreted without it. */
  project: ProjectModel | undefined;
  problems: Problem[];
  /** Files that failed to parse or validate. They are shown, never overwritten by the studio. */
  broken: string[];
  /** The format version on disk, when it was migrated in memory. */
  migratedFrom?: number;
}

const FlowShell = Flow.extend({ nodes: z.array(z.unknown()) });

/**
 * A flow that failed its schema, for cross-reference checks only: the nodes that passed, and a stub (no exits, no
 * copy) for each node that did not, so that edges to it are not reported as missing.
 */
export interface PartialFlow {
  flow: Flow;
  stubs: ReadonlySet<string>;
}

/** Validates one flow's raw value: first its shell, then each node against its own kind's schema. */
export function checkFlow(
  parsed: Pick<ParsedYaml, 'file' | 'lineOf'>,
  value: unknown,
  flowId: string,
): { flow?: Flow; partial?: PartialFlow; problems: Problem[] } {
  const shell = checkSchema(parsed, value, FlowShell, [], { flowId });
  if (!shell.ok) return { problems: shell.problems };
  const problems: Problem[] = [];
  const nodes: Flow['nodes'] = [];
  const withStubs: Flow['nodes'] = [];
  const stubs = new Set<string>();
  shell.data.nodes.forEach((raw, i) => {
    const kind = (raw as { kind?: unknown } | null)?.kind;
    const nodeId = typeof (raw as { id?: unknown } | null)?.id === 'string' ? String((raw as { id: string }).id) : undefined;
    const stub = () => {
      if (nodeId === undefined) return;
      stubs.add(nodeId);
      withStubs.push({ id: nodeId, kind: kind === 'start' ? 'start' : 'end' } as Flow['nodes'][number]);
    };
    if (typeof kind !== 'string' || !(NODE_KINDS as string[]).includes(kind)) {
      problems.push({
        severity: 'error',
        file: parsed.file,
        line: parsed.lineOf(['nodes', i, 'kind']),
        field: fieldPath(['nodes', i, 'kind']),
        message: `${kind === undefined ? 'missing node kind' : `unknown node kind "${String(kind)}"`}; expected one of ${NODE_KINDS.join(', ')}`,
        flowId,
        nodeId,
      });
      stub();
      return;
    }
    // A broken position (NaN, a string, half a pair) must not cost the user the whole flow: warn, and let the
    // canvas place the node; the next save writes a valid position.
    let value = raw as Record<string, unknown>;
    if (value.position !== undefined && !Position.safeParse(value.position).success) {
      problems.push({
        severity: 'warning',
        file: parsed.file,
        line: parsed.lineOf(['nodes', i, 'position']),
        field: fieldPath(['nodes', i, 'position']),
        message: 'position must be { x: number, y: number }; the node is placed automatically',
        flowId,
        ...(nodeId ? { nodeId } : {}),
      });
      const { position: _dropped, ...rest } = value;
      value = rest;
    }
    const res = checkSchema(parsed, value, NODE_SCHEMAS[kind as keyof typeof NODE_SCHEMAS], ['nodes', i], { flowId, nodeId });
    if (res.ok) {
      nodes.push(res.data as Flow['nodes'][number]);
      withStubs.push(res.data as Flow['nodes'][number]);
    } else {
      problems.push(...res.problems);
      stub();
    }
  });
  if (problems.some((p) => p.severity === 'error')) return { problems, partial: { flow: { ...shell.data, nodes: withStubs }, stubs } };
  return { flow: { ...shell.data, nodes }, problems };
}

/**
 * Drops what cross-reference checks say about the stubs of partial flows (they stand for nodes already reported)
 * and about reachability in them (a stub has no exits, so what follows it would look cut off).
 */
export function withoutStubNoise(problems: Problem[], partial: Readonly<Record<string, PartialFlow>>): Problem[] {
  return problems.filter((p) => {
    const f = p.flowId !== undefined ? partial[p.flowId] : undefined;
    return !f || !((p.nodeId !== undefined && f.stubs.has(p.nodeId)) || p.message.startsWith('unreachable'));
  });
}

/**
 * Parses, migrates and validates a project's files. Pure: the caller reads the files (main/ from disk, tests from
 * fixtures). A flow that fails is left out of the model and listed in `broken`; the rest of the project still opens.
 * `holidayRegion` checks the holiday countries of business hours (main passes holidays.ts's; see ValidateOptions).
 */
export function loadProject(src: ProjectSources, options: Pick<ValidateOptions, 'holidayRegion'> = {}): LoadResult {
  const problems: Problem[] = [];
  const broken: string[] = [];
  const parsedByFile = new Map<string, ParsedYaml>();
  const parse = (f: SourceFile): ParsedYaml => {
    const p = src.preparsed?.has(f.file) ? fastParsed(f.file, f.text, src.preparsed.get(f.file)) : parseYaml(f.file, f.text);
    parsedByFile.set(f.file, p);
    problems.push(...p.problems);
    if (p.problems.length) broken.push(f.file);
    return p;
  };

  for (const p of src.unreadable ?? []) {
    problems.push(p);
    broken.push(p.file);
  }
  const manifestParsed = parse(src.manifest);
  if (manifestParsed.problems.length) return { project: undefined, problems, broken };
  if (!isObject(manifestParsed.value)) {
    problems.push({ severity: 'error', file: MANIFEST_FILE, line: 1, field: '', message: 'expected a mapping of project settings' });
    return { project: undefined, problems, broken: [MANIFEST_FILE] };
  }

  const nluParsed = src.nlu ? parse(src.nlu) : undefined;
  const rawFlows: Record<string, unknown> = {};
  const flowParsed = new Map<string, ParsedYaml>();
  for (const f of src.flows) {
    const id = flowIdOf(f.file);
    if (!id) {
      problems.push({ severity: 'error', file: f.file, field: '', message: 'a flow file name must be a lower_snake_case id followed by .yaml' });
      broken.push(f.file);
      continue;
    }
    const p = parse(f);
    if (p.problems.length === 0) {
      rawFlows[id] = p.value;
      flowParsed.set(id, p);
    }
  }

  const migrated = migrate({
    manifest: manifestParsed.value,
    nlu: nluParsed && isObject(nluParsed.value) ? nluParsed.value : undefined,
    flows: rawFlows,
  });
  if (!migrated.ok) {
    problems.push({ severity: 'error', file: MANIFEST_FILE, line: manifestParsed.lineOf(['schema']), field: 'schema', message: migrated.message });
    return { project: undefined, problems, broken: [...broken, MANIFEST_FILE] };
  }

  const manifest = checkSchema(manifestParsed, migrated.project.manifest, ProjectManifest);
  if (!manifest.ok) {
    problems.push(...manifest.problems);
    return { project: undefined, problems, broken: [...broken, MANIFEST_FILE] };
  }

  let nlu: NluFile = { intents: [] };
  if (nluParsed && nluParsed.problems.length === 0) {
    const res = checkSchema(nluParsed, migrated.project.nlu ?? nluParsed.value, NluFile);
    if (res.ok) nlu = res.data;
    else {
      problems.push(...res.problems);
      broken.push(NLU_FILE);
    }
  }

  const flows: Record<string, Flow> = {};
  const partial: Record<string, PartialFlow> = {};
  for (const [id, raw] of Object.entries(migrated.project.flows)) {
    const parsed = flowParsed.get(id) as ParsedYaml;
    const res = checkFlow(parsed, raw, id);
    problems.push(...res.problems);
    if (res.flow) flows[id] = res.flow;
    else {
      broken.push(parsed.file);
      if (res.partial) partial[id] = res.partial;
    }
  }

  // a line of copy without a stable id gets one (copyIds.ts), none taken by a flow loaded or broken
  const partialFlows = Object.fromEntries(Object.entries(partial).map(([id, f]) => [id, f.flow]));
  const taken = copyIdsInUse({ ...flows, ...partialFlows });
  for (const [id, flow] of Object.entries(flows)) flows[id] = withFlowCopyIds(id, flow, taken);

  const project: ProjectModel = { manifest: manifest.data, nlu, flows };
  const guardrailsParsed = src.guardrails ? parse(src.guardrails) : undefined;
  if (guardrailsParsed && !guardrailsParsed.problems.length) {
    const g = checkGuardrails(guardrailsParsed, guardrailsParsed.value, new Set([...Object.keys(flows), ...Object.keys(partial)]));
    problems.push(...g.problems);
    if (g.file && !g.problems.some((p) => p.severity === 'error')) project.guardrails = g.file;
    else broken.push(guardrailsParsed.file);
  }
  const lineOf = (file: string, path: readonly PropertyKey[]) => parsedByFile.get(file)?.lineOf(path);
  // A flow with a bad node is left out of the project, but what can be checked in it still is (one unknown node
  // kind must not hide the file's other problems until it is fixed).
  const checked: ProjectModel = { ...project, flows: { ...flows, ...partialFlows } };
  const stillBroken = broken.filter((f) => !Object.hasOwn(partial, flowIdOf(f) ?? ''));
  problems.push(...withoutStubNoise(validateProject(checked, { ...options, lineOf, broken: stillBroken }), partial));
  const result: LoadResult = { project, problems, broken };
  if (migrated.applied.length) result.migratedFrom = migrated.from;
  return result;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
