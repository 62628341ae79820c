import { describe, expect, it } from 'vitest';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import type { FlowNode } from '../schema/nodes';
import type { ProjectManifest } from '../schema/project';
import { formatProblem } from './problems';
import { knownHolidayRegion } from '../engine/holidays';
import { validateProject } from './validate';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;

function problems(handoff: Record<string, unknown>, manifest: Partial<ProjectManifest> = {}) {
  const model = makeModel(
    {
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'person' }),
        n({ id: 'person', kind: 'handoff', ...handoff }),
        n({ id: 'closed', kind: 'message', say: { en: 'Closed.' } }),
      ]),
    },
    manifest,
  );
  // the message node is only reachable through the exits under test
  return validateProject(model, { holidayRegion: knownHolidayRegion })
    .filter((p) => !p.message.startsWith('unreachable'))
    .map(formatProblem);
}

const hours = {
  timezone: 'Europe/London',
  weekly: { mon: [['09:00', '12:00'] as [string, string], ['11:00', '17:00'] as [string, string]], tue: [['18:00', '09:00'] as [string, string]] },
  holidays: { country: 'GB', region: 'XX' },
  queues: { premier: { timezone: 'Europe/Londres', weekly: {} } },
};

describe('business hours and handoff checks', () => {
  it('reports bad ranges, overlaps, unknown time zones and holiday regions in parley.yaml, naming the field', () => {
    const found = problems({ reason: 'user_request' }, { businessHours: hours });
    expect(found).toEqual([
      'parley.yaml: businessHours.weekly.mon[1]: 11:00–17:00 overlaps 09:00–12:00 on mon: merge them into one range',
      'parley.yaml: businessHours.weekly.tue[0]: the range ends (09:00) before or when it starts (18:00)',
      expect.stringMatching(/^parley\.yaml: businessHours\.holidays\.region: the holiday data has no region "XX" in GB/),
      'parley.yaml: businessHours.queues.premier.timezone: unknown time zone "Europe/Londres": use an IANA name such as Europe/London or America/New_York',
    ]);
  });

  it('checks a handoff against the hours, the model and its ticket call (a reason of its own is fine)', () => {
    const found = problems({
      hours: 'vip',
      outOfHours: 'closed',
      summary: { by: 'llm' },
      reason: 'customer asked',
      ticket: { operation: 'create_ticket', url: 'https://t.test/x', when: 'outOfHours', assign: [{ var: 'ticket_id', path: '$..[?(@.x)]' }] },
    });
    expect(found).toEqual([
      'flows/main.yaml: nodes[1].hours: no queue "vip" under businessHours.queues in parley.yaml',
      'flows/main.yaml: nodes[1].outOfHours: never used: parley.yaml has no businessHours, so the node is never out of hours',
      'flows/main.yaml: nodes[1].ticket.when: the ticket is never sent: parley.yaml has no businessHours',
      'flows/main.yaml: nodes[1].summary.by: parley.yaml configures no model (llm), so the extractive summary is used',
      expect.stringMatching(/^flows\/main\.yaml: nodes\[1\]\.ticket\.assign\[0\]\.path: /),
      expect.stringMatching(/^flows\/main\.yaml: nodes\[1\]\.ticket\.url: t\.test is not in the hosts of any environment, so the ticket call will be refused/),
    ]);
  });

  it('accepts a valid calendar and a handoff that uses it', () => {
    const good = {
      timezone: 'Europe/London',
      weekly: { mon: [['09:00', '17:00'] as [string, string]] },
      holidays: { country: 'GB', region: 'ENG' },
      queues: { premier: { weekly: {} } },
    };
    expect(problems({ hours: 'premier', outOfHours: 'closed', reason: 'policy' }, { businessHours: good })).toEqual([]);
  });
});
