// What the validator checks of parley.yaml's business hours that the schema cannot: each range in order, the ranges
// of a day apart, a time zone Intl knows, and (given a check from holidays.ts) a holiday country and region the
// holiday data has. Apart from businessHours.ts so that checking needs no holiday data unless a project names one.
import { WEEKDAYS, type BusinessHours, type Calendar, type Holidays as HolidaySpec } from '../schema/businessHours';
import type { HolidayRegionCheck } from './holidays';

/** Minutes since midnight of an `HH:MM` time. */
export const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter of local wall time in a time zone (businessHours.ts reads it). Throws a RangeError for a time zone Intl does not know. */
export function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the time zone. */
export function knownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface CalendarProblem {
  /** Path under `businessHours`. */
  path: (string | number)[];
  message: string;
}

/**
 * The problems of a project's business hours. `holidayRegion` checks a holiday country and region; without it
 * (the studio before it has loaded the holiday data) they are not checked.
 */
export function calendarProblems(hours: BusinessHours, holidayRegion?: HolidayRegionCheck): CalendarProblem[] {
  const out: CalendarProblem[] = [];
  const check = (cal: { timezone?: string; weekly: Calendar['weekly']; holidays?: HolidaySpec }, base: (string | number)[]) => {
    if (cal.timezone !== undefined && !knownTimeZone(cal.timezone))
      out.push({ path: [...base, 'timezone'], message: `unknown time zone "${cal.timezone}": use an IANA name such as Europe/London or America/New_York` });
    for (const day of WEEKDAYS) {
      const ranges = cal.weekly[day] ?? [];
      ranges.forEach(([a, b], i) => {
        if (toMinutes(b) <= toMinutes(a)) out.push({ path: [...base, 'weekly', day, i], message: `the range ends (${b}) before or when it starts (${a})` });
      });
      const sorted = ranges.map((r, i) => ({ a: toMinutes(r[0]), b: toMinutes(r[1]), i, r })).sort((x, y) => x.a - y.a);
      for (let k = 1; k < sorted.length; k++) {
        const prev = sorted[k - 1]!;
        const cur = sorted[k]!;
        if (cur.a < prev.b)
          out.push({
            path: [...base, 'weekly', day, cur.i],
            message: `${cur.r[0]}–${cur.r[1]} overlaps ${prev.r[0]}–${prev.r[1]} on ${day}: merge them into one range`,
          });
      }
    }
    const h = cal.holidays;
    if (h && !Array.isArray(h) && holidayRegion) {
      const k = holidayRegion(h.country, h.region);
      if (!k.ok) out.push({ path: [...base, 'holidays', h.region !== undefined && k.message.includes('region') ? 'region' : 'country'], message: k.message });
    }
  };
  check(hours, []);
  for (const [q, cal] of Object.entries(hours.queues ?? {})) check(cal, ['queues', q]);
  return out;
}

/** Whether a project's business hours name a holiday country, which only holidays.ts can check. */
export function namesHolidayCountry(hours: BusinessHours | undefined): boolean {
  if (!hours) return false;
  return [hours, ...Object.values(hours.queues ?? {})].some((c) => c.holidays !== undefined && !Array.isArray(c.holidays));
}
