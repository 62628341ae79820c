// Checks the schema cannot make of parley.yaml's business hours (ranges in order and apart, a time zone Intl
// knows, a country and region the holiday data has) and of a handoff node against them: the hours it names, an
// out-of-hours branch that can never run, a model summary with no model, and its ticket call as an api node's
// (response paths, the worst case against the turn lease). A reason that is not a code is the project's own: fine.
import { calendarProblems } from '../engine/calendarChecks';
import type { HolidayRegionCheck } from '../engine/holidays';
import type { BusinessHours } from '../schema/businessHours';
import type { NodeOf } from '../schema/nodes';
import { apiNodeChecks, type ApiCheck } from './validateApi';

/** What the handoff checks need from parley.yaml. */
export interface HandoffContext {
  hours?: BusinessHours;
  /** Whether parley.yaml configures a model (`llm`). */
  llm: boolean;
}

/** Problems of `businessHours`, with paths from parley.yaml's root. */
export function businessHoursChecks(hours: BusinessHours | undefined, holidayRegion?: HolidayRegionCheck): ApiCheck[] {
  if (!hours) return [];
  return calendarProblems(hours, holidayRegion).map((p) => ({ severity: 'error' as const, path: ['businessHours', ...p.path], message: p.message }));
}

export function handoffNodeChecks(node: NodeOf<'handoff'>, ctx: HandoffContext): ApiCheck[] {
  const out: ApiCheck[] = [];
  const queues = Object.keys(ctx.hours?.queues ?? {});
  if (typeof node.hours === 'string' && !queues.includes(node.hours))
    out.push({
      severity: 'error',
      path: ['hours'],
      message: `no queue "${node.hours}" under businessHours.queues in parley.yaml${queues.length ? ` (it has ${queues.join(', ')})` : ''}`,
    });
  if (!ctx.hours || node.hours === false) {
    const why = node.hours === false ? 'the node ignores business hours (hours: false)' : 'parley.yaml has no businessHours';
    for (const field of ['outOfHours', 'outOfHoursSay', 'ticketFailed'] as const)
      if (node[field] !== undefined) out.push({ severity: 'warning', path: [field], message: `never used: ${why}, so the node is never out of hours` });
    if (node.ticket?.when === 'outOfHours') out.push({ severity: 'warning', path: ['ticket', 'when'], message: `the ticket is never sent: ${why}` });
  }
  if (typeof node.summary === 'object' && (node.summary.by ?? 'llm') === 'llm' && !ctx.llm)
    out.push({ severity: 'warning', path: ['summary', 'by'], message: 'parley.yaml configures no model (llm), so the extractive summary is used' });
  if (node.ticket) {
    const api: NodeOf<'api'> = { ...node.ticket, id: node.id, kind: 'api', method: node.ticket.method ?? 'POST' };
    for (const c of apiNodeChecks(api)) out.push({ ...c, path: ['ticket', ...c.path] });
  }
  return out;
}
