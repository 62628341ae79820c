// Calendar dates without a time or a zone (year, month, day), the chrono-node parser for a locale, the reference
// a text is read against (the context's instant and zone), and the year a date said without one takes.

import * as chrono from 'chrono-node';
import type { EntityContext } from './index';

/** A calendar day. `m` is 1 to 12. */
export interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** Which year a date said without one ("January 12") takes: see `EntityContext.dates`. */
export type DatePurpose = 'past' | 'future' | 'nearest';

const CHRONO_BY_LANGUAGE: Record<string, chrono.Chrono> = {
  de: chrono.de.casual,
  es: chrono.es.casual,
  fr: chrono.fr.casual,
  it: chrono.it.casual,
  ja: chrono.ja.casual,
  nl: chrono.nl.casual,
  pt: chrono.pt.casual,
  ru: chrono.ru.casual,
  sv: chrono.sv.casual,
  uk: chrono.uk.casual,
  zh: chrono.zh.casual,
};

export function chronoFor(locale: string | undefined): chrono.Chrono {
  const tag = (locale ?? 'en').toLowerCase();
  if (/^en-(gb|au|nz|ie|in|za)/.test(tag)) return chrono.en.GB;
  return CHRONO_BY_LANGUAGE[tag.split('-')[0]!] ?? chrono.casual;
}

/** The instant and zone relative dates are read against. */
export function referenceOf(ctx: EntityContext): chrono.ParsingReference {
  const instant = ctx.now === undefined ? new Date() : new Date(ctx.now);
  if (ctx.timezone === undefined) return { instant };
  return { instant, timezone: typeof ctx.timezone === 'string' ? (zoneOffset(ctx.timezone, instant) ?? ctx.timezone) : ctx.timezone };
}

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

/**
 * The offset in minutes of an IANA zone ("Europe/Madrid") at an instant: chrono-node reads only offsets and
 * abbreviations ("CET"), and took a zone name for the host's zone. Undefined for a name Intl does not know.
 */
export function zoneOffset(zone: string, instant: Date): number | undefined {
  let f = zoneFormats.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      f = null;
    }
    if (zoneFormats.size < 100) zoneFormats.set(zone, f);
  }
  if (!f || Number.isNaN(instant.getTime())) return undefined;
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  return Math.round((wall - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

// The last reference read: a turn reads the same instant for every entity and slot.
let lastToday: { instant: number; zone: string | number | undefined; today: Ymd } | undefined;

/** Today in the reference's zone, as chrono reads "today" (so "today" and a range ending today agree). */
export function todayOf(ref: chrono.ParsingReference): Ymd {
  const instant = ref.instant?.getTime() ?? Number.NaN;
  const zone = ref.timezone ?? undefined;
  if (lastToday?.instant === instant && lastToday.zone === zone) return lastToday.today;
  const today = componentsYmd(chrono.casual.parse('today', ref)[0]!.start);
  lastToday = { instant, zone, today };
  return today;
}

export function componentsYmd(c: chrono.ParsedComponents): Ymd {
  return { y: c.get('year')!, m: c.get('month')!, d: c.get('day')! };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function iso(x: Ymd): string {
  return `${pad(x.y, 4)}-${pad(x.m)}-${pad(x.d)}`;
}

/** Days since 1970-01-01 (a plain count: no zone, no clock). */
export function dayNumber(x: Ymd): number {
  return Math.round(Date.UTC(x.y, x.m - 1, x.d) / 86_400_000);
}

export function fromDayNumber(n: number): Ymd {
  const t = new Date(n * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function addDays(x: Ymd, n: number): Ymd {
  return fromDayNumber(dayNumber(x) + n);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The same day `n` months later (or earlier), on the month's last day when it has no such day (Mar 31 − 1 month: Feb 28). */
export function addMonths(x: Ymd, n: number): Ymd {
  const k = x.y * 12 + (x.m - 1) + n;
  const y = Math.floor(k / 12);
  const m = (k % 12) + 1;
  return { y, m, d: Math.min(x.d, daysInMonth(y, m)) };
}

/** The day exists (no February 30). */
export function validYmd(x: Ymd): boolean {
  return x.m >= 1 && x.m <= 12 && x.d >= 1 && x.d <= daysInMonth(x.y, x.m);
}

/** Monday of the ISO week that holds `x` (weeks run Monday to Sunday). */
export function mondayOf(x: Ymd): Ymd {
  const n = dayNumber(x);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday = 0
  const weekday = (((n + 3) % 7) + 7) % 7;
  return fromDayNumber(n - weekday);
}

/**
 * The year shift (−1, 0 or +1) for a span of days whose year was not said, as chrono placed it: `past` takes the
 * latest placement that has begun by today, `future` the earliest that has not ended before today; `nearest` (and
 * no purpose) keeps chrono's, the year that puts the date closest to today. A single date is a span of one day.
 */
export function yearShift(start: Ymd, end: Ymd, today: Ymd, purpose: DatePurpose | undefined): number {
  if (!purpose || purpose === 'nearest') return 0;
  const t = dayNumber(today);
  const shifted = (x: Ymd, k: number): number | null => {
    const s = { ...x, y: x.y + k };
    return validYmd(s) ? dayNumber(s) : null;
  };
  const shifts = purpose === 'past' ? [1, 0, -1, -2] : [-1, 0, 1, 2];
  for (const k of shifts) {
    const s = shifted(start, k);
    const e = shifted(end, k);
    if (s === null || e === null) continue;
    if (purpose === 'past' ? s <= t : e >= t) return k;
  }
  return 0;
}
