import { describe, expect, it } from 'vitest';
import { BusinessHours } from '../schema/businessHours';
import { calendarFor, closedDates, formatOpening, hoursAt } from './businessHours';
import { calendarProblems } from './calendarChecks';
import { knownHolidayRegion } from './holidays';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

const london = BusinessHours.parse({
  timezone: 'Europe/London',
  weekly: { mon: [['09:00', '17:30']], tue: [['09:00', '17:30']], wed: [['09:00', '17:30']], thu: [['09:00', '17:30']], fri: [['09:00', '17:00']] },
  holidays: ['2026-12-25'],
  queues: {
    night: { weekly: { sun: [['01:30', '03:00']] } },
    premier: { timezone: 'America/New_York', weekly: { mon: [['08:00', '20:00']] }, holidays: [] },
  },
});

describe('hoursAt', () => {
  it('is open inside a range and closed at its end (the end is not included)', () => {
    const cal = calendarFor(london);
    // winter: London is UTC+0
    expect(hoursAt(cal, at('2026-01-15T09:00:00Z'))).toEqual({ open: true });
    expect(hoursAt(cal, at('2026-01-15T17:29:59Z')).open).toBe(true);
    expect(iso(hoursAt(cal, at('2026-01-15T17:30:00Z')).opensAt)).toBe('2026-01-16T09:00:00.000Z');
    // summer: UTC+1, so 09:00 local is 08:00 UTC
    expect(hoursAt(cal, at('2026-07-15T07:59:00Z')).open).toBe(false);
    expect(hoursAt(cal, at('2026-07-15T08:00:00Z')).open).toBe(true);
  });

  it('skips the weekend and a holiday to the next opening', () => {
    const cal = calendarFor(london);
    expect(iso(hoursAt(cal, at('2026-01-16T18:00:00Z')).opensAt)).toBe('2026-01-19T09:00:00.000Z');
    // Thursday 24 December after closing: Friday 25 is a holiday, then the weekend
    expect(iso(hoursAt(cal, at('2026-12-24T18:00:00Z')).opensAt)).toBe('2026-12-28T09:00:00.000Z');
    expect(hoursAt(cal, at('2026-12-25T10:00:00Z')).open).toBe(false);
  });

  it('opens on the Monday after the clocks go forward at the summer offset', () => {
    // Saturday 28 March 2026, GMT; the clocks go forward on Sunday 29 at 01:00 UTC
    expect(iso(hoursAt(calendarFor(london), at('2026-03-28T12:00:00Z')).opensAt)).toBe('2026-03-30T08:00:00.000Z');
  });

  it('opens when the clock jumps over an opening time it skips (spring forward)', () => {
    const night = calendarFor(london, 'night');
    expect(night.timezone).toBe('Europe/London');
    // 01:30 does not exist in London on 29 March 2026: the clock goes from 01:00 GMT to 02:00 BST at 01:00 UTC
    const v = hoursAt(night, at('2026-03-29T00:30:00Z'));
    expect(iso(v.opensAt)).toBe('2026-03-29T01:00:00.000Z');
    expect(hoursAt(night, at('2026-03-29T01:00:00Z')).open).toBe(true); // 02:00 BST
    expect(hoursAt(night, at('2026-03-29T02:00:00Z')).open).toBe(false); // 03:00 BST
  });

  it('opens the first time the clock reads an opening time it passes twice (fall back)', () => {
    // 25 October 2026: 01:30 BST (00:30 UTC) and then 01:30 GMT (01:30 UTC)
    const v = hoursAt(calendarFor(london, 'night'), at('2026-10-25T00:00:00Z'));
    expect(iso(v.opensAt)).toBe('2026-10-25T00:30:00.000Z');
    // open through both hours of 01:xx until 03:00 GMT
    expect(hoursAt(calendarFor(london, 'night'), at('2026-10-25T02:59:00Z')).open).toBe(true);
  });

  it("uses a queue's own time zone and holidays", () => {
    const premier = calendarFor(london, 'premier');
    expect(premier.holidays).toEqual([]);
    // Monday 2 November 2026, the day after New York leaves daylight time: 08:00 EST is 13:00 UTC
    expect(iso(hoursAt(premier, at('2026-11-02T12:59:00Z')).opensAt)).toBe('2026-11-02T13:00:00.000Z');
    expect(hoursAt(premier, at('2026-11-02T13:00:00Z')).open).toBe(true);
    // Monday 9 March 2026, after the change to EDT: 08:00 is 12:00 UTC
    expect(hoursAt(premier, at('2026-03-09T12:00:00Z')).open).toBe(true);
    expect(hoursAt(premier, at('2026-03-09T11:59:00Z')).open).toBe(false);
  });

  it("reads a country's public holidays (England: Good Friday and Easter Monday 2026)", () => {
    const cal = { ...calendarFor(london), holidays: { country: 'GB', region: 'ENG', dates: ['2026-04-07'] } };
    const days = closedDates(cal.holidays, 2026);
    expect(days.has('2026-04-03')).toBe(true);
    expect(days.has('2026-04-06')).toBe(true);
    expect(days.has('2026-04-07')).toBe(true);
    expect(days.has('2026-04-08')).toBe(false);
    // Thursday 2 April after closing: Friday, the weekend, Monday and the extra Tuesday are closed
    expect(iso(hoursAt(cal, at('2026-04-02T18:00:00Z')).opensAt)).toBe('2026-04-08T08:00:00.000Z');
  });

  it('never opens with no hours at all', () => {
    expect(hoursAt({ timezone: 'UTC', weekly: {} }, at('2026-01-15T12:00:00Z'))).toEqual({ open: false });
  });

  it("formats the opening in the customer's language and the calendar's time zone", () => {
    const ms = at('2026-01-19T09:00:00Z');
    expect(formatOpening(ms, 'Europe/London', 'en')).toMatch(/Monday.*19.*9:00.*GMT/);
    expect(formatOpening(ms, 'Europe/London', 'es')).toMatch(/lunes.*19.*9:00/);
  });
});

describe('calendarProblems', () => {
  it('finds ranges out of order, overlaps, unknown time zones and holiday regions, with their paths', () => {
    const bad = BusinessHours.parse({
      timezone: 'Europe/Londres',
      weekly: {
        mon: [['17:00', '09:00']],
        tue: [
          ['09:00', '13:00'],
          ['12:30', '17:00'],
        ],
      },
      holidays: { country: 'GB', region: 'XYZ' },
      queues: { q: { timezone: 'Mars/Olympus', weekly: {}, holidays: { country: 'ZZ' } } },
    });
    const found = calendarProblems(bad, knownHolidayRegion).map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(found).toEqual([
      'timezone: unknown time zone "Europe/Londres": use an IANA name such as Europe/London or America/New_York',
      'weekly.mon.0: the range ends (09:00) before or when it starts (17:00)',
      'weekly.tue.1: 12:30–17:00 overlaps 09:00–13:00 on tue: merge them into one range',
      expect.stringMatching(/^holidays\.region: the holiday data has no region "XYZ" in GB \(it has .*ENG/),
      'queues.q.timezone: unknown time zone "Mars/Olympus": use an IANA name such as Europe/London or America/New_York',
      'queues.q.holidays.country: the holiday data has no country "ZZ"',
    ]);
    expect(calendarProblems(london, knownHolidayRegion)).toEqual([]);
    // without the holiday data (the studio before it loads it) the countries are not checked, the rest is
    expect(calendarProblems(bad).map((p) => p.path.join('.'))).toEqual(['timezone', 'weekly.mon.0', 'weekly.tue.1', 'queues.q.timezone']);
  });

  it('rejects a malformed time in the schema, naming the field', () => {
    const r = BusinessHours.safeParse({ timezone: 'UTC', weekly: { mon: [['9:00', '25:00']] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['weekly.mon.0.0', 'weekly.mon.0.1']);
  });
});
