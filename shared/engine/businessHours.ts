// Business hours, pure: whether a calendar (parley.yaml `businessHours`, shared/schema/businessHours.ts) is open
// at an instant, and when it next opens. Time zones through Intl (no Node APIs, no time-zone data of our own),
// so a daylight-saving change is the platform's: an opening time the clock skips (01:30 on the night it jumps
// from 01:00 to 02:00) opens when the clock jumps; one it passes twice opens the first time.
// Public holidays come from holidays.ts; what the validator checks of a calendar is in calendarChecks.ts.
import { WEEKDAYS, type BusinessHours, type Calendar, type Holidays as HolidaySpec, type Weekday } from '../schema/businessHours';
import { formatter, toMinutes } from './calendarChecks';
import { countryHolidays } from './holidays';

export interface HoursVerdict {
  open: boolean;
  /** When closed: the next opening (epoch ms); undefined when the calendar never opens within a year. */
  opensAt?: number;
}

/** The calendar of a queue: its own hours (with the project's time zone and holidays unless it gives its own), else the project's. */
export function calendarFor(hours: BusinessHours, queue?: string): Calendar {
  const own = queue !== undefined && hours.queues && Object.hasOwn(hours.queues, queue) ? hours.queues[queue] : undefined;
  if (!own) return { timezone: hours.timezone, weekly: hours.weekly, ...(hours.holidays ? { holidays: hours.holidays } : {}) };
  const holidays = own.holidays ?? hours.holidays;
  return { timezone: own.timezone ?? hours.timezone, weekly: own.weekly, ...(holidays ? { holidays } : {}) };
}

interface Local {
  y: number;
  m: number;
  d: number;
  /** Minutes since local midnight. */
  min: number;
}

function localAt(ms: number, timeZone: string): Local {
  const p: Record<string, number> = {};
  for (const x of formatter(timeZone).formatToParts(ms)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year ?? 0, m: p.month ?? 0, d: p.day ?? 0, min: ((p.hour ?? 0) % 24) * 60 + (p.minute ?? 0) };
}

/** Local wall time as if it were UTC: comparable across time zones' offsets. */
const wall = (l: Local) => Date.UTC(l.y, l.m - 1, l.d) + l.min * 60_000;

/** The first instant the local clock reads `want` (wall ms) or later, on its day: see the file's head. */
function instantOf(want: number, timeZone: string): number {
  const offsetAt = (ms: number) => wall(localAt(ms, timeZone)) - Math.floor(ms / 60_000) * 60_000;
  const tries = [want - offsetAt(want - 86_400_000), want - offsetAt(want + 86_400_000)].filter((ms) => wall(localAt(ms, timeZone)) === want);
  if (tries.length) return Math.min(...tries);
  // skipped by a change to summer time: the first minute whose local time is past `want`
  let lo = want - offsetAt(want - 86_400_000) - 86_400_000;
  let hi = want - offsetAt(want + 86_400_000) + 86_400_000;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wall(localAt(mid, timeZone)) >= want) hi = mid;
    else lo = mid;
  }
  return hi;
}

const isoDay = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const weekdayOf = (y: number, m: number, d: number): Weekday => WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7] as Weekday;

/**
 * The closed dates of a holiday spec in a year (`YYYY-MM-DD`): its dates, and its country's public and bank
 * holidays. An unknown country gives none (the validator reports it).
 */
export function closedDates(spec: HolidaySpec | undefined, year: number): ReadonlySet<string> {
  if (!spec) return NONE;
  // per spec (the manifest's object) and year: a handoff reads it on every turn
  let years = specCache.get(spec);
  if (!years) specCache.set(spec, (years = new Map()));
  let set = years.get(year);
  if (!set) years.set(year, (set = computeClosedDates(spec, year)));
  return set;
}

const NONE: ReadonlySet<string> = new Set();
const specCache = new WeakMap<HolidaySpec, Map<number, ReadonlySet<string>>>();

function computeClosedDates(spec: HolidaySpec, year: number): ReadonlySet<string> {
  if (Array.isArray(spec)) return new Set(spec);
  return new Set([...countryHolidays(spec.country, spec.region, year), ...(spec.dates ?? [])]);
}

/** The ranges of a weekday, in minutes, sorted. */
function rangesOf(cal: Calendar, day: Weekday): [number, number][] {
  return (cal.weekly[day] ?? []).map(([a, b]) => [toMinutes(a), toMinutes(b)] as [number, number]).sort((a, b) => a[0] - b[0]);
}

/**
 * Whether `cal` is open at `now` (epoch ms) and, when closed, its next opening within a year. Throws a
 * RangeError for a time zone Intl does not know.
 */
export function hoursAt(cal: Calendar, now: number): HoursVerdict {
  const tz = cal.timezone;
  const here = localAt(now, tz);
  const closed = new Map<number, ReadonlySet<string>>();
  const isClosed = (y: number, date: string) => {
    let s = closed.get(y);
    if (!s) closed.set(y, (s = closedDates(cal.holidays, y)));
    return s.has(date);
  };
  const today = isoDay(here.y, here.m, here.d);
  if (!isClosed(here.y, today) && rangesOf(cal, weekdayOf(here.y, here.m, here.d)).some(([a, b]) => here.min >= a && here.min < b)) return { open: true };
  for (let i = 0; i <= 366; i++) {
    const date = new Date(Date.UTC(here.y, here.m - 1, here.d + i));
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (isClosed(y, isoDay(y, m, d))) continue;
    for (const [a, b] of rangesOf(cal, weekdayOf(y, m, d))) {
      if (b <= a) continue;
      if (i === 0 && a <= here.min) continue;
      const at = instantOf(Date.UTC(y, m - 1, d) + a * 60_000, tz);
      if (at > now) return { open: false, opensAt: at };
    }
  }
  return { open: false };
}

/** The opening time as a customer reads it, in their language and the calendar's time zone ("Monday 9:00 AM GMT"). */
export function formatOpening(ms: number, timeZone: string, locale: string): string {
  const opts: Intl.DateTimeFormatOptions = {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(locale, opts).format(ms);
  } catch {
    return new Intl.DateTimeFormat('en', opts).format(ms);
  }
}
