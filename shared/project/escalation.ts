// Every way a project hands a conversation to a person, in one list (the studio's escalation panel): after N
// messages not understood, on an explicit request (a global handler, a listen route), on a sensitive topic or
// another guardrail finding (guardrails.yaml rules, guardrail nodes), when an API call fails, when the bot cannot
// answer (knowledge not sure, no match), and the handoff nodes themselves with their queue, reason and hours.
// "Leads to a handoff" means can lead there without waiting for the customer: the walk follows every exit (a
// condition's branches, a guardrail node's), jumps and calls, and stops at nodes that wait (listen, ask,
// buttons) and at ends. Pure: a function of the project.
import { exitsOf } from '../schema/exits';
import type { FlowNode, NodeOf } from '../schema/nodes';
import type { Flow, ProjectManifest } from '../schema/project';

export type EscalationKind = 'fallback' | 'request' | 'sensitive_topic' | 'guardrail' | 'api_failure' | 'out_of_scope' | 'handoff';

export interface NodeAt {
  flow: string;
  node: string;
}

export interface EscalationRule {
  kind: EscalationKind;
  /** What sets it off, in a line. */
  when: string;
  /** What happens then. */
  then: string;
  /** The node to show on the canvas (the trigger's, else the handoff it reaches). */
  at?: NodeAt;
  /** Where it is configured when not on a node: `parley.yaml` / `guardrails.yaml`, and the field. */
  file?: string;
  field?: string;
  /** The handoff nodes it reaches. */
  handoffs: NodeAt[];
}

/** The rules of guardrails.yaml this reads (structurally: the file's schema lives with the guardrail stage). */
export interface GuardrailRuleLike {
  id: string;
  detector: string;
  action: string;
  categories?: string[];
  flow?: string;
  queue?: string;
  enabled?: boolean;
}

export interface EscalationProject {
  manifest: ProjectManifest;
  flows: Record<string, Flow>;
  guardrails?: { rules: readonly GuardrailRuleLike[] };
}

const key = (a: NodeAt) => `${a.flow}/${a.node}`;

/** Nodes that wait for the customer: a walk "without waiting" stops there. */
function waits(node: FlowNode): boolean {
  return node.kind === 'listen' || node.kind === 'ask' || (node.kind === 'message' && (node.buttons?.length ?? 0) > 0 && !node.next);
}

/**
 * The handoff nodes reachable from `from` without waiting for the customer (from itself included). `from` may
 * wait itself (a trigger that is a question) unless `strict`: the node an exit leads to must not.
 */
export function handoffsFrom(flows: Record<string, Flow>, from: NodeAt, strict = false): NodeAt[] {
  const found: NodeAt[] = [];
  const seen = new Set<string>();
  const queue: NodeAt[] = [from];
  const nodeOf = (a: NodeAt) => flows[a.flow]?.nodes.find((n) => n.id === a.node);
  const startOf = (flow: string) => flows[flow]?.nodes.find((n) => n.kind === 'start')?.id;
  while (queue.length) {
    const at = queue.shift() as NodeAt;
    if (seen.has(key(at))) continue;
    seen.add(key(at));
    const node = nodeOf(at);
    if (!node) continue;
    if (node.kind === 'handoff') {
      found.push(at);
      continue;
    }
    if ((strict || at !== from) && waits(node)) continue;
    if (node.kind === 'jump' || node.kind === 'call') {
      const entry = node.node ?? startOf(node.flow);
      if (entry) queue.push({ flow: node.flow, node: entry });
    }
    for (const e of exitsOf(node)) if (e.target) queue.push({ flow: at.flow, node: e.target });
  }
  return found;
}

const flowStart = (flows: Record<string, Flow>, flow: string): NodeAt | undefined => {
  const id = flows[flow]?.nodes.find((n) => n.kind === 'start')?.id;
  return id ? { flow, node: id } : undefined;
};

const names = (hs: readonly NodeAt[]) => hs.map(key).join(', ');

/** The calendar a handoff node follows, in words. */
function hoursOf(node: NodeOf<'handoff'>, m: ProjectManifest): string {
  const bh = m.businessHours;
  if (node.hours === false) return 'any time (the node ignores business hours)';
  if (!bh) return 'any time (no businessHours in parley.yaml)';
  const queue = typeof node.hours === 'string' ? node.hours : (node.queue ?? 'general');
  const own = bh.queues && Object.hasOwn(bh.queues, queue) ? bh.queues[queue] : undefined;
  const tz = own?.timezone ?? bh.timezone;
  return own ? `queue ${queue}'s own hours (${tz})` : `businessHours (${tz})`;
}

function handoffRow(flow: string, node: NodeOf<'handoff'>, m: ProjectManifest): EscalationRule {
  const reason = node.reason?.trim() ? node.reason.trim() : 'inferred from how the conversation got here';
  const summary = typeof node.summary === 'string' ? 'a template' : node.summary?.by === 'extract' || !node.summary ? 'extracted' : 'written by the model';
  const parts = [`queue ${node.queue ?? 'general'}`, `reason: ${reason}`, `hours: ${hoursOf(node, m)}`, `summary: ${summary}`];
  if (node.ticket) parts.push(`records it with ${node.ticket.operation}${node.ticket.when === 'outOfHours' ? ' (out of hours)' : ''}`);
  // out of hours: its exit, else the no-agent exit (nodes/handoff.ts), else a message
  const closed = node.outOfHours
    ? `out of hours → ${flow}/${node.outOfHours}`
    : node.unavailable
      ? `out of hours → ${flow}/${node.unavailable} (as with no agent free)`
      : node.outOfHoursSay
        ? 'out of hours: says its message'
        : undefined;
  if (m.businessHours && node.hours !== false) parts.push(closed ?? 'out of hours: says when the team opens');
  return {
    kind: 'handoff',
    when: `Handoff ${node.title ?? node.id}`,
    then: parts.join(' · '),
    at: { flow, node: node.id },
    handoffs: [{ flow, node: node.id }],
  };
}

/** Every escalation of the project, in the panel's order: fallbacks, requests, guardrails, API failures, no answer, handoff nodes. */
export function escalationRules(p: EscalationProject): EscalationRule[] {
  const { manifest: m, flows } = p;
  const rows: EscalationRule[] = [];
  const globals = m.globals ?? [];
  const reach = (flow: string | undefined) => {
    const s = flow ? flowStart(flows, flow) : undefined;
    return s ? handoffsFrom(flows, s) : [];
  };
  // 1. the fallback limit: the engine goes to the first goto global whose flow has a handoff node (compile.ts)
  const limit = m.nlu?.fallbackLimit ?? 3;
  const escalation = globals.find((g) => g.action === 'goto' && g.flow && flows[g.flow]?.nodes.some((n) => n.kind === 'handoff'));
  const fb = escalation ? reach(escalation.flow) : [];
  rows.push({
    kind: 'fallback',
    when: `${limit} messages in a row the bot cannot understand (nlu.fallbackLimit${m.nlu?.fallbackLimit === undefined ? ', default' : ''})`,
    then: escalation
      ? `says it is bringing in a person, then flow ${escalation.flow} (global ${escalation.id}) → ${names(fb) || 'no handoff node'}`
      : 'hands off to queue general (no goto global leads to a handoff flow)',
    ...(fb[0] ? { at: fb[0] } : {}),
    file: 'parley.yaml',
    field: 'nlu.fallbackLimit',
    handoffs: fb,
  });
  // 2. explicit requests: globals, and listen routes that lead to a handoff at once
  globals.forEach((g, i) => {
    const hs = reach(g.flow);
    if (!hs.length) return;
    rows.push({
      kind: 'request',
      when: `The customer says intent ${g.intent} (global ${g.id}, anywhere in the conversation)`,
      then: `${g.action} flow ${g.flow} → ${names(hs)}`,
      at: hs[0] as NodeAt,
      file: 'parley.yaml',
      field: `globals[${i}]`,
      handoffs: hs,
    });
  });
  const requestIntents = new Set(globals.filter((g) => reach(g.flow).length).map((g) => g.intent));
  // 3. guardrails.yaml
  (p.guardrails?.rules ?? []).forEach((r, i) => {
    if (r.enabled === false || (r.action !== 'escalate' && r.action !== 'route')) return;
    const what = `${r.detector}${r.categories?.length ? ` (${r.categories.join(', ')})` : ''}`;
    const kind: EscalationKind = r.detector === 'sensitive_topic' ? 'sensitive_topic' : 'guardrail';
    if (r.action === 'escalate') {
      const hs = escalation ? reach(escalation.flow) : [];
      rows.push({
        kind,
        when: `Guardrail rule ${r.id}: ${what} in a customer's message`,
        then: `escalates to ${r.queue ? `queue ${r.queue}` : hs.length ? names(hs) : 'queue general'}`,
        ...(hs[0] ? { at: hs[0] } : {}),
        file: 'guardrails.yaml',
        field: `rules[${i}]`,
        handoffs: hs,
      });
      return;
    }
    const hs = reach(r.flow);
    if (hs.length)
      rows.push({
        kind,
        when: `Guardrail rule ${r.id}: ${what} in a customer's message`,
        then: `routes to flow ${r.flow} → ${names(hs)}`,
        at: hs[0] as NodeAt,
        file: 'guardrails.yaml',
        field: `rules[${i}]`,
        handoffs: hs,
      });
  });
  // 4-6. nodes: guardrail nodes, api failures, no answer, listen routes on a request intent, then the handoffs
  const handoffRows: EscalationRule[] = [];
  for (const [flow, f] of Object.entries(flows)) {
    for (const node of f.nodes) {
      const at = { flow, node: node.id };
      const via = (target: string | undefined) => (target ? handoffsFrom(flows, { flow, node: target }, true) : []);
      const push = (kind: EscalationKind, when: string, exit: string, hs: NodeAt[]) => {
        if (hs.length) rows.push({ kind, when, then: `${exit} → ${names(hs)}`, at, handoffs: hs });
      };
      switch (node.kind) {
        case 'guardrail':
          push(
            node.checks.includes('sensitive_topic') ? 'sensitive_topic' : 'guardrail',
            `Guardrail node ${flow}/${node.id}: ${node.checks.join(', ')}${node.topics?.length ? ` (${node.topics.join(', ')})` : ''}`,
            'flagged',
            via(node.flagged),
          );
          break;
        case 'api': {
          const err = via(node.error);
          const slow = node.timeout ? via(node.timeout) : [];
          push('api_failure', `API ${node.operation} fails (${flow}/${node.id})`, 'error', err);
          push('api_failure', `API ${node.operation} times out (${flow}/${node.id})`, 'timeout', slow);
          break;
        }
        case 'knowledge':
          push('out_of_scope', `The knowledge base is not sure (${flow}/${node.id})`, 'not sure', via(node.notSure));
          break;
        case 'listen':
          push('out_of_scope', `No intent matches at ${flow}/${node.id}`, 'no match', via(node.noMatch));
          for (const r of node.routes ?? [])
            if (requestIntents.has(r.intent)) push('request', `The customer says intent ${r.intent} at ${flow}/${node.id}`, `intent ${r.intent}`, via(r.next));
          break;
        case 'handoff':
          handoffRows.push(handoffRow(flow, node, m));
          break;
        default:
          break;
      }
    }
  }
  return [...rows, ...handoffRows];
}
