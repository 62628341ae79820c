// `validateProject` for the editor, which validates after every edit: the same problems in the same order, but
// what a flow's checks found is kept with the flow object (flows are immutable: an edit replaces only the edited
// flow), and only what crosses flows is looked at again (jump and call targets, reachability from other flows'
// jumps, the variables the project writes, conversation data).
import { checkExpressions, checkTemplateContexts, knownVariables } from '../engine/check';
import { conversationData } from '../engine/dataRefs';
import { ExpressionError, ExpressionLanguage } from '../engine/expressions';
import type { FlowNode } from '../schema/nodes';
import type { Flow, ProjectManifest } from '../schema/project';
import type { Problem } from './problems';
import {
  checkFlow,
  checkProjectFiles,
  expressionProblems,
  jumpEntries,
  reachEntries,
  resolveFlowItems,
  unreachableNodes,
  validateProject,
  validationContext,
  type FlowItem,
  type ProjectModel,
  type ValidateOptions,
  type ValidationContext,
} from './validate';
import type { HolidayRegionCheck } from '../engine/holidays';

/** What a call may give besides the project: the broken files and the holiday check (see ValidateOptions). */
type Options = Pick<ValidateOptions, 'broken' | 'holidayRegion'>;

/** The part of the project every flow's expressions are checked against: what is written, what is conversation data. */
interface ExpressionContext {
  key: string;
  /**
   * A flow standing for every other flow: it writes every variable the project's flows write and holds the same
   * conversation data, and has no problem of its own. `checkExpressions` on one flow beside it finds what it finds
   * for that flow in the whole project. Undefined when it could not be made so (the full check is used then).
   */
  stand?: Flow;
}

// Not a flow id (ids are lower_snake_case), so it names no file and meets no real flow.
const STAND_ID = ' project';

interface FlowMemo {
  flow: Flow;
  items?: FlowItem[];
  unreachable?: { key: string; problems: Problem[] };
  expressions?: { stand: Flow; found: Problem[]; contexts: Problem[] };
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

export function createIncrementalValidator() {
  const lang = new ExpressionLanguage();
  const refsOf = (src: string) => {
    const c = lang.compile(src);
    return c instanceof ExpressionError ? undefined : c.refs;
  };
  let ctx: ValidationContext | undefined;
  let ctxKey: { manifest: ProjectManifest; nlu: ProjectModel['nlu']; broken: string; holidayRegion: HolidayRegionCheck | undefined } | undefined;
  let memos = new Map<string, FlowMemo>();
  let exprCtx: ExpressionContext | undefined;
  // per flow object, whatever the context: its entries into flows, its node ids, the variables it writes
  const entriesOf = new WeakMap<Flow, [string, string][]>();
  const nodeIdsOf = new WeakMap<Flow, Set<string>>();
  const writesOf = new WeakMap<Flow, Set<string>>();

  const cached = <T>(map: WeakMap<Flow, T>, flow: Flow, make: (f: Flow) => T): T => {
    let v = map.get(flow);
    if (v === undefined) map.set(flow, (v = make(flow)));
    return v;
  };
  const hasNode = (flow: Flow, id: string) => cached(nodeIdsOf, flow, (f) => new Set(f.nodes.map((n) => n.id))).has(id);

  function contextFor(p: ProjectModel, options: Options): ValidationContext {
    const broken = options.broken ?? [];
    const key = { manifest: p.manifest, nlu: p.nlu, broken: JSON.stringify(broken), holidayRegion: options.holidayRegion };
    const same =
      ctxKey && ctxKey.manifest === key.manifest && ctxKey.nlu === key.nlu && ctxKey.broken === key.broken && ctxKey.holidayRegion === key.holidayRegion;
    if (!ctx || !same) {
      ctx = validationContext(p, options);
      ctxKey = key;
      memos = new Map();
      exprCtx = undefined;
      shared = undefined;
    }
    return ctx;
  }

  function memoOf(flowId: string, flow: Flow): FlowMemo {
    let m = memos.get(flowId);
    if (!m || m.flow !== flow) memos.set(flowId, (m = { flow }));
    return m;
  }

  function expressionContext(p: ProjectModel): ExpressionContext {
    const noVariables = { ...p.manifest, variables: undefined };
    const written = new Set<string>();
    for (const flow of Object.values(p.flows)) {
      for (const v of cached(writesOf, flow, (f) => knownVariables({ manifest: noVariables, nlu: p.nlu, flows: { [STAND_ID]: f } }))) written.add(v);
    }
    const data = conversationData(p, refsOf).paths;
    const w = [...written].sort();
    const d = [...data].sort();
    const key = `${w.join(' ')}|${d.join(' ')}`;
    if (exprCtx?.key === key) return exprCtx;
    const nodes: FlowNode[] = [];
    const assign = w.filter((v) => !data.has(v)).map((v) => ({ var: v, value: '0' }));
    if (assign.length) nodes.push({ id: 'set', kind: 'set', assign } as FlowNode);
    w.filter((v) => data.has(v)).forEach((slot, i) => nodes.push({ id: `ask_${i}`, kind: 'ask', slot, prompt: {} } as unknown as FlowNode));
    d.filter((v) => !written.has(v)).forEach((saveAs, i) => nodes.push({ id: `knowledge_${i}`, kind: 'knowledge', saveAs } as unknown as FlowNode));
    const stand: Flow = { name: STAND_ID, nodes };
    // It stands for the project only if it writes exactly its variables and holds exactly its data, alone and
    // without problems; otherwise (a kind of node this does not know of) every check is made on the whole project.
    const alone = { manifest: noVariables, nlu: p.nlu, flows: { [STAND_ID]: stand } };
    const faithful = sameSet(knownVariables(alone), written) && sameSet(conversationData(alone, refsOf).paths, data) && checkExpressions(alone).length === 0;
    exprCtx = faithful ? { key, stand } : { key };
    return exprCtx;
  }

  // what crosses flows, kept while the project's flows are the same objects (a warm-up goes over them one by one)
  let shared: { flows: [string, Flow][]; reach: Map<string, Set<string>>; exprs: ExpressionContext } | undefined;
  function crossFlow(p: ProjectModel, options: Options) {
    const c = contextFor(p, options);
    const flows = Object.entries(p.flows);
    if (!shared || shared.flows.length !== flows.length || shared.flows.some(([id, f], i) => flows[i]?.[0] !== id || flows[i]?.[1] !== f)) {
      for (const id of memos.keys()) if (!Object.hasOwn(p.flows, id)) memos.delete(id);
      const reach = reachEntries(flows.map(([, f]) => cached(entriesOf, f, jumpEntries)));
      shared = { flows, reach, exprs: expressionContext(p) };
    }
    return { c, ...shared };
  }

  function flowItems(flowId: string, flow: Flow, c: ValidationContext): FlowItem[] {
    const m = memoOf(flowId, flow);
    return (m.items ??= checkFlow(flowId, flow, c));
  }

  function unreachable(flowId: string, flow: Flow, reach: Map<string, Set<string>>, c: ValidationContext): Problem[] {
    const m = memoOf(flowId, flow);
    const into = reach.get(flowId);
    const key = into ? [...into].sort().join(' ') : '';
    if (m.unreachable?.key !== key) m.unreachable = { key, problems: unreachableNodes(flowId, flow, into, c) };
    return m.unreachable.problems;
  }

  function expressions(p: ProjectModel, flowId: string, flow: Flow, stand: Flow, c: ValidationContext) {
    const m = memoOf(flowId, flow);
    if (m.expressions?.stand !== stand) {
      const one = { manifest: p.manifest, nlu: p.nlu, flows: { [flowId]: flow, [STAND_ID]: stand } };
      const all = checkExpressions(one);
      const tail = checkTemplateContexts(one).length;
      m.expressions = {
        stand,
        found: expressionProblems(one, all.slice(0, all.length - tail), c),
        contexts: expressionProblems(one, all.slice(all.length - tail), c),
      };
    }
    return m.expressions;
  }

  return {
    /** `validateProject(p, { broken })`, reusing what was found for the flows `p` shares with the last calls. */
    validate(p: ProjectModel, options: Options = {}): Problem[] {
      const { c, flows, reach, exprs } = crossFlow(p, options);
      const { stand } = exprs;
      if (!stand) return validateProject(p, options);
      const problems = checkProjectFiles(p, c);
      for (const [flowId, flow] of flows) problems.push(...resolveFlowItems(flowItems(flowId, flow, c), p.flows, c, hasNode));
      for (const [flowId, flow] of flows) problems.push(...unreachable(flowId, flow, reach, c));
      const found: Problem[] = [];
      const contexts: Problem[] = [];
      for (const [flowId, flow] of flows) {
        const e = expressions(p, flowId, flow, stand, c);
        found.push(...e.found);
        contexts.push(...e.contexts);
      }
      problems.push(...found, ...contexts);
      return problems;
    },

    /**
     * Checks one flow of `p` ahead of time, so that the first edit after an open finds the others checked: a
     * caller goes over the flows one at a time between other work.
     */
    warm(p: ProjectModel, flowId: string, options: Options = {}): void {
      const flow = Object.hasOwn(p.flows, flowId) ? p.flows[flowId] : undefined;
      const { c, reach, exprs } = crossFlow(p, options);
      if (!flow || !exprs.stand) return;
      flowItems(flowId, flow, c);
      unreachable(flowId, flow, reach, c);
      expressions(p, flowId, flow, exprs.stand, c);
    },
  };
}
