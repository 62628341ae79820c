// The handoff node: the conversation goes to a person, with a reason code, a summary for the agent and a payload
// for the ticketing or live-chat system (its `ticket` call, through the api node's machinery). Business hours
// (parley.yaml `businessHours`, read with the turn's clock) decide whether anyone is there: out of hours the
// request is recorded (the ticket call), and the node takes its `outOfHours` exit, else its `unavailable` one
// (nobody is there: the path the flow already has for that, a crisis line say), else says when the team opens.
//
// In hours: the handoff port says whether an agent is free; none and an `unavailable` exit: that exit, as before
// (no summary, no call). Otherwise the summary is written (a template, the model, or extracted), the ticket call
// made (its failure is traced and the handoff goes on: the person still gets the conversation and its summary),
// the `say` said, and the conversation ends `escalated` with a handoff output.
import { calendarFor, formatOpening, hoursAt, type HoursVerdict } from '../../businessHours';
import type { NodeOf } from '../../../schema/nodes';
import type { LlmResponse } from '../../ports';
import type { At } from '../../types';
import { errorText, type Run, type Step } from '../effects';
import type { Turn } from '../turn';
import { callApi } from './api';
import { DEFAULT_SUMMARY_TURNS, extractiveSummary, handoffFacts, handoffPayload, reasonOf, summaryRequest, type HandoffFacts } from './handoffSummary';

/** Whether the node's queue is in business hours now: `none` without a calendar, a clock, or with `hours: false`. */
function hoursNow(t: Turn, node: NodeOf<'handoff'>, queue: string, at: At): { state: 'open' | 'closed' | 'none'; verdict?: HoursVerdict; timezone?: string } {
  const bh = t.engine.model.manifest.businessHours;
  if (!bh || node.hours === false || t.clock === undefined) return { state: 'none' };
  const cal = calendarFor(bh, typeof node.hours === 'string' ? node.hours : queue);
  try {
    const verdict = hoursAt(cal, t.clock);
    return { state: verdict.open ? 'open' : 'closed', verdict, timezone: cal.timezone };
  } catch (e) {
    // an unknown time zone (the validator reports it): nobody can say it is closed
    t.problem(`business hours: ${errorText(e)} (treated as open)`, at, 'warning');
    return { state: 'none' };
  }
}

/** The summary for the agent: the node's template, else the model's (the extractive one when it cannot). */
function* writeSummary(t: Turn, node: NodeOf<'handoff'>, facts: HandoffFacts, at: At): Run<{ text: string; by: 'llm' | 'extract' | 'template' }> {
  if (typeof node.summary === 'string') return { text: t.render(node.summary, at, 'summary'), by: 'template' };
  const extractive = extractiveSummary(facts);
  const m = t.engine.model.manifest;
  // the model only when the node asks for it (`summary: { by: llm }`) and the project has one
  if (node.summary?.by === 'extract' || node.summary === undefined || !m.llm) return { text: extractive, by: 'extract' };
  const request = summaryRequest(facts, at, m, node.summary.instructions);
  const r = yield { type: 'llm', request };
  const res = r.ok ? (r.value as LlmResponse) : undefined;
  const text = res?.text.trim();
  if (!res || !text || res.partial) {
    const why = !r.ok ? errorText(r.error) : res?.partial ? 'the reply was cut off' : 'the reply was empty';
    t.trace.push({ kind: 'llm', ...at, request, error: `LLM: ${why}`, ...(res?.partial ? { reply: res.text, partial: true } : {}) });
    t.problem(`handoff summary: the model failed (${why}); the extractive summary was used`, at, 'warning');
    return { text: extractive, by: 'extract' };
  }
  t.trace.push({ kind: 'llm', ...at, request, reply: res.text, model: res.model, usage: res.usage, ttftMs: res.ttftMs, totalMs: res.totalMs });
  return { text: text.slice(0, 4000), by: 'llm' };
}

/** The ticket call with the payload as `handoff`; true when it succeeded. Its failure is traced and reported, never thrown. */
function* sendTicket(t: Turn, node: NodeOf<'handoff'>, payload: Record<string, unknown>, at: At, closed: boolean): Run<boolean> {
  const ticket = node.ticket;
  if (!ticket) return false;
  const api: NodeOf<'api'> = { ...ticket, id: node.id, kind: 'api', method: ticket.method ?? 'POST' };
  const outcome = yield* callApi(t, api, at, { handoff: payload });
  if (outcome !== 'next')
    t.problem(
      `handoff ticket ${ticket.operation}: the call failed (${outcome}); ${closed ? 'the out-of-hours request was not recorded' : 'the handoff goes on without it'}`,
      at,
      'warning',
    );
  return outcome === 'next';
}

/** The intents of the globals that go to a flow with a handoff node (`agent`): a listen route on one is a request for a person. */
function requestIntents(t: Turn): Set<string> {
  const flows = t.engine.model.flows;
  return new Set(
    (t.engine.model.manifest.globals ?? []).filter((g) => g.flow !== undefined && flows[g.flow]?.nodes.some((x) => x.kind === 'handoff')).map((g) => g.intent),
  );
}

export function* execHandoff(t: Turn, node: NodeOf<'handoff'>, at: At): Run<Step> {
  const queue = node.queue ?? 'general';
  const hours = hoursNow(t, node, queue, at);
  const closed = hours.state === 'closed';
  let available = false;
  if (!closed) {
    const r = yield { type: 'handoff', queue };
    available = r.ok ? Boolean(r.value) : false;
    if (!available && node.unavailable) return t.go(at, node.unavailable, 'unavailable');
  }
  const { reason, from } = reasonOf(node, t.trace, requestIntents(t));
  const turns = typeof node.summary === 'object' ? (node.summary.turns ?? DEFAULT_SUMMARY_TURNS) : DEFAULT_SUMMARY_TURNS;
  const facts = handoffFacts(t.s, t.trace, t.path, {
    queue,
    reason,
    turns,
    intentLabel: (id) => t.intentLabel(id),
    intentOfFlow: (flow) => [...t.engine.triggers].find(([, f]) => f === flow)?.[0],
  });
  const summary = yield* writeSummary(t, node, facts, at);
  const opensAt = hours.verdict?.opensAt;
  const payload = handoffPayload(facts, summary.text, t.s, { outOfHours: closed, ...(opensAt !== undefined ? { opensAt } : {}) });
  t.trace.push({
    kind: 'handoff',
    ...at,
    queue,
    reason,
    reasonFrom: from,
    summary: summary.text,
    summaryBy: summary.by,
    hours: hours.state,
    ...(opensAt !== undefined ? { opensAt: new Date(opensAt).toISOString() } : {}),
    payload,
  });
  const when = node.ticket?.when ?? 'always';
  const recorded = node.ticket && (closed || when === 'always') ? yield* sendTicket(t, node, payload, at, closed) : undefined;
  if (closed) {
    if (recorded === false && node.ticketFailed) return t.go(at, node.ticketFailed, 'ticketFailed');
    const opening = opensAt !== undefined && hours.timezone ? formatOpening(opensAt, hours.timezone, t.s.locale) : undefined;
    // what the exit's copy can say: `{{handoff.opensAtText}}`, and whether the request was recorded
    const exit = node.outOfHours ? 'outOfHours' : node.unavailable ? 'unavailable' : undefined;
    if (exit) {
      t.setVar('handoff', { queue, reason, opensAt: payload.opensAt, opensAtText: opening ?? null, recorded: recorded ?? false });
      return t.go(at, node[exit], exit);
    }
    if (node.outOfHoursSay) t.say(node.outOfHoursSay, at, 'outOfHoursSay', undefined, { opensAt: opening ?? '' });
    else if (opening) t.builtin('closedUntil', at, { opensAt: opening });
    else t.builtin('closed', at);
    if (recorded !== undefined) t.builtin(recorded ? 'recorded' : 'notRecorded', at);
    t.trace.push({ kind: 'node', ...at, nodeKind: 'handoff', exit: 'out of hours' });
    t.s.ended = { outcome: 'unresolved', at };
    t.s.stack = [];
    t.s.wait = { kind: 'idle' };
    return 'wait';
  }
  if (!available) t.builtin('noAgents', at);
  if (node.say) t.say(node.say, at);
  t.outputs.push({ type: 'handoff', queue, reason, summary: summary.text, payload, ...at });
  t.trace.push({ kind: 'node', ...at, nodeKind: 'handoff', exit: available ? 'agent' : 'no agent' });
  t.s.ended = { outcome: 'escalated', at };
  t.s.stack = [];
  t.s.wait = { kind: 'idle' };
  return 'wait';
}
