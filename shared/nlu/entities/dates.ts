// Built-in date and date_range entities via chrono-node, against the reference time and zone in the context
// (never the clock implicitly when one is given); times that are not dates are returned too, as spans that are
// not numbers. A date said without a year takes the year the context's purpose asks for (`dates`).

import type { ExtractedEntity } from '../../engine/ports';
import { chronoFor, componentsYmd, iso, referenceOf, todayOf, validYmd, yearShift } from './calendar';
import { findDateRanges } from './dateRanges';
import type { EntityContext } from './index';

/** "now" is the moment of speaking, not a date someone gives. */
const NOT_A_DATE = /^(?:right\s+)?now$|^ahora(?:\s+mismo)?$/i;

/**
 * Dates, date ranges, and the spans of times that are not dates ("at 5pm"), which are not numbers either. A range
 * ("last week", "March 3-10") is not also a date, nor are the dates it is made of.
 */
export function findDatesAndTimes(
  text: string,
  ctx: EntityContext,
): { dates: ExtractedEntity[]; ranges: ExtractedEntity[]; times: { start: number; end: number }[] } {
  const ref = referenceOf(ctx);
  const results = chronoFor(ctx.locale).parse(text, ref);
  const dates: ExtractedEntity[] = [];
  const times: { start: number; end: number }[] = [];
  const today = todayOf(ref);
  const ranges = findDateRanges(text, results, ref, today, ctx.dates);
  for (const r of results) {
    const s = r.start;
    if (NOT_A_DATE.test(r.text.trim())) continue;
    if (ranges.some((g) => g.start < r.index + r.text.length && r.index < g.end)) continue;
    if (!(['day', 'weekday', 'month', 'year'] as const).some((c) => s.isCertain(c))) {
      times.push({ start: r.index, end: r.index + r.text.length });
      continue;
    }
    if (s.get('year') === null || s.get('month') === null || s.get('day') === null) continue;
    let x = componentsYmd(s);
    // "January 12": the year the question's purpose asks for; "tomorrow", "Friday" and "12 Jan 2026" stay
    if (s.isCertain('month') && !s.isCertain('year')) {
      const moved = { ...x, y: x.y + yearShift(x, x, today, ctx.dates) };
      if (validYmd(moved)) x = moved;
    }
    dates.push({ entity: 'date', value: iso(x), text: r.text, start: r.index, end: r.index + r.text.length });
  }
  return { dates, ranges, times };
}
