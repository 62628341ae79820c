// The compiled project: what every turn of a project reads and none writes. Node maps per flow, global handlers
// by intent, start-node triggers, the "home" listen node, the escalation flow, and caches of compiled
// expressions and templates (memos: the same source text always compiles to the same thing).
import type { FlowNode, NodeOf } from '../../schema/nodes';
import type { Flow, GlobalHandler } from '../../schema/project';
import type { ProjectModel } from '../../project/validate';
import { conversationData, type ConversationData } from '../dataRefs';
import { ExpressionError, ExpressionLanguage } from '../expressions';
import type { NluPort } from '../ports';
import { compileTemplate, type CompiledTemplate } from '../templates';
import type { At } from '../types';

/** Extracts a typed slot value from a user message (see shared/nlu). */
export type SlotExtractor = (
  type: NodeOf<'ask'>['type'],
  text: string,
  ctx: { entityId?: string; now: number; locale: string; dates?: 'past' | 'future' | 'nearest' },
) => { ok: true; value: unknown } | { ok: false };

export interface EngineOptions {
  nlu?: NluPort;
  extractSlot?: SlotExtractor;
  /** Steps (nodes entered) per turn before the engine stops a loop. Default 200. */
  stepLimit?: number;
  /** Transcript entries kept in the state for LLM context. Default 40. */
  transcriptLimit?: number;
}

interface CompiledFlow {
  flow: Flow;
  nodes: Map<string, FlowNode>;
  start?: string;
}

export interface Engine {
  readonly model: ProjectModel;
  readonly flows: ReadonlyMap<string, CompiledFlow>;
  readonly lang: ExpressionLanguage;
  readonly options: Required<Pick<EngineOptions, 'stepLimit' | 'transcriptLimit'>> & EngineOptions;
  readonly globals: ReadonlyMap<string, GlobalHandler>;
  /** Intent → flow whose start node lists it as a trigger. */
  readonly triggers: ReadonlyMap<string, string>;
  /** The first listen node of the start flow: where "cancel" returns to and where an idle input is heard. */
  readonly home?: At;
  /** Flow a repeated no-match escalates to (the first `goto` global whose flow hands off). */
  readonly escalation?: string;
  /** Variables that hold conversation data (kept out of system prompts). */
  readonly data: ConversationData;
  template(text: string): CompiledTemplate;
}

export function createEngine(model: ProjectModel, options: EngineOptions = {}): Engine {
  const flows = new Map<string, CompiledFlow>();
  for (const [id, flow] of Object.entries(model.flows)) {
    const nodes = new Map(flow.nodes.map((n) => [n.id, n] as const));
    flows.set(id, { flow, nodes, start: flow.nodes.find((n) => n.kind === 'start')?.id ?? flow.nodes[0]?.id });
  }
  const globals = new Map((model.manifest.globals ?? []).map((g) => [g.intent, g] as const));
  const triggers = new Map<string, string>();
  for (const [id, f] of flows) {
    for (const n of f.flow.nodes) if (n.kind === 'start') for (const t of n.triggers ?? []) if (!triggers.has(t)) triggers.set(t, id);
  }
  // home: follow `next` from the start flow's start node to its first listen node
  let home: At | undefined;
  const sf = flows.get(model.manifest.startFlow);
  if (sf?.start) {
    let cur: FlowNode | undefined = sf.nodes.get(sf.start);
    const seen = new Set<string>();
    while (cur && !seen.has(cur.id)) {
      seen.add(cur.id);
      if (cur.kind === 'listen') {
        home = { flow: model.manifest.startFlow, node: cur.id };
        break;
      }
      const next: string | undefined = 'next' in cur ? (cur.next as string | undefined) : undefined;
      cur = next ? sf.nodes.get(next) : undefined;
    }
  }
  const escalation = (model.manifest.globals ?? []).find(
    (g) => g.action === 'goto' && g.flow && model.flows[g.flow]?.nodes.some((n) => n.kind === 'handoff'),
  )?.flow;
  const lang = new ExpressionLanguage({ locale: model.manifest.defaultLocale });
  const templates = new Map<string, CompiledTemplate>();
  const data = conversationData(model, (src) => {
    const c = lang.compile(src);
    return c instanceof ExpressionError ? undefined : c.refs;
  });
  return {
    model,
    flows,
    lang,
    options: { stepLimit: 200, transcriptLimit: 40, ...options },
    globals,
    triggers,
    ...(home ? { home } : {}),
    ...(escalation ? { escalation } : {}),
    data,
    template(text) {
      let t = templates.get(text);
      if (!t) templates.set(text, (t = compileTemplate(lang, text)));
      return t;
    },
  };
}
