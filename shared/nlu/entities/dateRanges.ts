// Built-in date_range entity: spans of days ("last month", "the past 7 days", "between March 3 and 10", "since
// Monday", "in January", "del 3 al 10 de marzo"), as `{ start, end }` ISO dates, both days included. Phrases for
// periods are read here (English and Spanish); chrono-node reads the dates in them and its own ranges ("March 3-10",
// "from March 3 to March 10"). Relative to the reference time and zone of the context, like the date entity.

import type * as chrono from 'chrono-node';
import type { ExtractedEntity } from '../../engine/ports';
import { findNumbers } from '../numbers';
import {
  addDays,
  addMonths,
  chronoFor,
  componentsYmd,
  dayNumber,
  daysInMonth,
  iso,
  mondayOf,
  validYmd,
  yearShift,
  type DatePurpose,
  type Ymd,
} from './calendar';
import { fold, type Folded } from './fold';

/** The value of a date_range: the first and the last day, ISO `YYYY-MM-DD`, both included. */
export interface DateRangeValue {
  start: string;
  end: string;
}

type Unit = 'day' | 'week' | 'month' | 'year';

interface Found {
  start: number;
  end: number;
  from: Ymd;
  to: Ymd;
}

const UNIT: Record<string, Unit> = {
  day: 'day',
  days: 'day',
  dia: 'day',
  dias: 'day',
  week: 'week',
  weeks: 'week',
  semana: 'week',
  semanas: 'week',
  month: 'month',
  months: 'month',
  mes: 'month',
  meses: 'month',
  year: 'year',
  years: 'year',
  ano: 'year',
  anos: 'year',
};

// On folded text (lower case, no accents): "año" is "ano".
const W = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const UNITS = 'days?|weeks?|months?|years?|dias?|semanas?|mes(?:es)?|anos?';
const COUNT = '(\\d{1,3}|[a-z]+(?:[ -][a-z]+)?)';
const DIRECTION: Record<string, -1 | 0 | 1> = {
  this: 0,
  current: 0,
  last: -1,
  previous: -1,
  next: 1,
  coming: 1,
  following: 1,
  este: 0,
  esta: 0,
  pasado: -1,
  pasada: -1,
  anterior: -1,
  proximo: 1,
  proxima: 1,
  siguiente: 1,
  'que viene': 1,
};

/** "last month", "this week", "next year"; "el mes pasado", "la próxima semana", "este año": calendar periods. */
const CALENDAR = [
  new RegExp(`${W}(?:the\\s+)?(this|current|last|previous|next|coming|following)\\s+(week|month|year)${E}`, 'gu'),
  new RegExp(`${W}(?:(?:la|el)\\s+)?(semana|mes|ano)\\s+(pasad[ao]|anterior|proxim[ao]|siguiente|que\\s+viene)${E}`, 'gu'),
  new RegExp(`${W}(?:(?:la|el)\\s+)?(proxim[ao]|pasad[ao])\\s+(semana|mes|ano)${E}`, 'gu'),
  new RegExp(`${W}(est[ae])\\s+(semana|mes|ano)${E}`, 'gu'),
];

/** "the past 7 days", "last two weeks", "past month"; "los últimos 30 días", "la última semana": ending today. */
const ROLLING_BACK = [
  new RegExp(`${W}(?:(?:in|over|during|for)\\s+)?(?:the\\s+)?(?:last|past|previous)\\s+${COUNT}\\s+(${UNITS})${E}`, 'gu'),
  new RegExp(`${W}(?:(?:in|over|during|for)\\s+)?(?:the\\s+)?past()\\s+(week|month|year)${E}`, 'gu'),
  new RegExp(`${W}(?:(?:en|durante)\\s+)?(?:(?:los|las)\\s+)?(?:ultim[oa]s|pasad[oa]s)\\s+${COUNT}\\s+(${UNITS})${E}`, 'gu'),
  new RegExp(`${W}(?:(?:en|durante)\\s+)?(?:(?:el|la)\\s+)?ultim[oa]()\\s+(semana|mes|ano)${E}`, 'gu'),
];
/** "the next 7 days", "the coming two weeks"; "los próximos 10 días": starting today. */
const ROLLING_ON = [
  new RegExp(`${W}(?:(?:in|over|during|within)\\s+)?(?:the\\s+)?(?:next|coming|following)\\s+${COUNT}\\s+(${UNITS})${E}`, 'gu'),
  new RegExp(`${W}(?:(?:en|durante)\\s+)?(?:(?:los|las)\\s+)?(?:proxim[oa]s|siguientes)\\s+${COUNT}\\s+(${UNITS})${E}`, 'gu'),
];
/** Words before a date that make it the start of a range ending today. */
const SINCE = new RegExp(`${W}(?:since|desde)(?:\\s+(?:el|la))?\\s+$`, 'u');
/** "between A and B", "entre el A y el B"; A or B may be a bare day ("between 3 and 10 March"). */
const BETWEEN = new RegExp(`${W}(?:between(?:\\s+the)?|entre(?:\\s+el)?)\\s+`, 'gu');
const BETWEEN_AND = /^\s+(?:and|y)(?:\s+(?:the|el))?\s+/u;
const BARE_DAY = /^(\d{1,2})(?:st|nd|rd|th|º)?(?![\p{L}\p{N}])/u;
/** "del 3 al 10 de marzo (de 2026)", "desde el 3 hasta el 10 de marzo": chrono takes "del 3 al 10" for hours. */
const DEL_AL = new RegExp(`${W}(?:del|desde\\s+el)\\s+(\\d{1,2})\\s+(?:al|hasta\\s+el)\\s+((\\d{1,2})\\s+de\\s+[a-z]+(?:\\s+(?:de|del)\\s+\\d{4})?)${E}`, 'gu');

function span(f: Folded, start: number, end: number): { start: number; end: number } {
  return { start: f.starts[start]!, end: f.ends[end - 1]! };
}

function count(word: string | undefined): number | null {
  if (!word) return 1;
  for (const locale of ['en', 'es']) {
    const n = findNumbers(word, locale);
    if (n.length === 1 && n[0]!.start === 0 && n[0]!.end === word.length && Number.isInteger(n[0]!.value)) return n[0]!.value;
  }
  return null;
}

function shiftUnits(x: Ymd, unit: Unit, n: number): Ymd {
  if (unit === 'day') return addDays(x, n);
  if (unit === 'week') return addDays(x, 7 * n);
  return addMonths(x, unit === 'month' ? n : 12 * n);
}

/** The calendar week, month or year `dir` periods from the one holding today. */
function calendarPeriod(today: Ymd, unit: Unit, dir: number): { from: Ymd; to: Ymd } {
  if (unit === 'week') {
    const from = addDays(mondayOf(today), 7 * dir);
    return { from, to: addDays(from, 6) };
  }
  if (unit === 'month') {
    const first = addMonths({ y: today.y, m: today.m, d: 1 }, dir);
    return { from: first, to: { ...first, d: daysInMonth(first.y, first.m) } };
  }
  return { from: { y: today.y + dir, m: 1, d: 1 }, to: { y: today.y + dir, m: 12, d: 31 } };
}

function periodPhrases(f: Folded, today: Ymd): Found[] {
  const out: Found[] = [];
  for (const re of CALENDAR) {
    for (const m of f.text.matchAll(re)) {
      const [a, b] = [m[1]!, m[2]!];
      const unit = UNIT[a] ?? UNIT[b]!;
      const dir = DIRECTION[(UNIT[a] ? b : a).replace(/\s+/g, ' ')] ?? 0;
      out.push({ ...span(f, m.index, m.index + m[0].length), ...calendarPeriod(today, unit, dir) });
    }
  }
  for (const [list, back] of [
    [ROLLING_BACK, true],
    [ROLLING_ON, false],
  ] as const) {
    for (const re of list) {
      for (const m of f.text.matchAll(re)) {
        const n = count(m[1]);
        if (n === null || n < 1 || n > 1000) continue;
        const unit = UNIT[m[2]!]!;
        const { from, to } = back ? { from: addDays(shiftUnits(today, unit, -n), 1), to: today } : { from: today, to: addDays(shiftUnits(today, unit, n), -1) };
        out.push({ ...span(f, m.index, m.index + m[0].length), from, to });
      }
    }
  }
  return out;
}

/** A date chrono read, placed in the year the purpose asks for when none was said. */
function dateOf(r: chrono.ParsedComponents, today: Ymd, purpose: DatePurpose | undefined): Ymd | null {
  if (!(['day', 'weekday'] as const).some((c) => r.isCertain(c))) return null;
  const x = componentsYmd(r);
  if (r.isCertain('year') || !r.isCertain('month')) return x;
  const shifted = { ...x, y: x.y + yearShift(x, x, today, purpose) };
  return validYmd(shifted) ? shifted : x;
}

function fromChrono(
  text: string,
  results: readonly chrono.ParsedResult[],
  f: Folded,
  ref: chrono.ParsingReference,
  today: Ymd,
  purpose: DatePurpose | undefined,
): Found[] {
  const out: Found[] = [];
  const at = (pos: number) => results.find((r) => r.index === pos);
  // since <date>: from that day to today ("since Monday" is the last Monday, not the next)
  for (const r of results) {
    const i = foldedIndex(f, r.index);
    const m = SINCE.exec(f.text.slice(0, i));
    if (!m) continue;
    let from = dateOf(r.start, today, 'past');
    if (!from && monthOnly(r.start)) from = monthOf(r.start, today, 'past').from;
    if (!from) continue;
    if (!r.start.isCertain('month') && !r.start.isCertain('year')) while (dayNumber(from) > dayNumber(today)) from = addDays(from, -7);
    if (dayNumber(from) > dayNumber(today)) continue;
    out.push({ start: f.starts[m.index]!, end: r.index + r.text.length, from, to: today });
  }
  // between A and B, either of them a bare day
  for (const m of f.text.matchAll(BETWEEN)) {
    const kw = span(f, m.index, m.index + m[0].length);
    const a = endpoint(text, kw.end, at);
    if (!a) continue;
    const and = BETWEEN_AND.exec(text.slice(a.end));
    if (!and) continue;
    const b = endpoint(text, a.end + and[0].length, at);
    if (!b || (a.day !== undefined && b.day !== undefined)) continue;
    const aDate = a.result ? dateOf(a.result.start, today, undefined) : null;
    const bDate = b.result ? dateOf(b.result.start, today, undefined) : null;
    const from = aDate ?? (bDate ? { ...bDate, d: a.day! } : null);
    const to = bDate ?? (aDate ? { ...aDate, d: b.day! } : null);
    if (!from || !to || !validYmd(from) || !validYmd(to) || dayNumber(to) < dayNumber(from)) continue;
    const free = [a.result, b.result].every((r) => !r || yearFree(r.start));
    out.push({ start: kw.start, end: b.end, ...placed(from, to, today, purpose, free) });
  }
  // del 3 al 10 de marzo
  for (const m of f.text.matchAll(DEL_AL)) {
    const s = span(f, m.index, m.index + m[0].length);
    const tail = span(f, m.index + m[0].length - m[2]!.length, m.index + m[0].length);
    const r = chronoFor('es').parse(text.slice(tail.start, tail.end), ref)[0];
    if (!r || r.index !== 0 || !r.start.isCertain('month') || !r.start.isCertain('day')) continue;
    const to = componentsYmd(r.start);
    const from = { ...to, d: Number(m[1]) };
    if (!validYmd(from) || from.d > to.d) continue;
    out.push({ ...s, ...placed(from, to, today, purpose, yearFree(r.start)) });
  }
  // chrono's own ranges ("March 3-10", "from March 3 to March 10") and months ("in January", "January 2025")
  for (const r of results) {
    if (r.end) {
      const from = dateOf(r.start, today, undefined);
      const to = dateOf(r.end, today, undefined);
      if (!from || !to || dayNumber(to) < dayNumber(from)) continue;
      out.push({ start: r.index, end: r.index + r.text.length, ...placed(from, to, today, purpose, yearFree(r.start)) });
    } else if (monthOnly(r.start)) {
      out.push({ start: r.index, end: r.index + r.text.length, ...monthOf(r.start, today, purpose) });
    }
  }
  return out;
}

function monthOf(c: chrono.ParsedComponents, today: Ymd, purpose: DatePurpose | undefined): { from: Ymd; to: Ymd } {
  const y = c.get('year')!;
  const m = c.get('month')!;
  return placed({ y, m, d: 1 }, { y, m, d: daysInMonth(y, m) }, today, purpose, yearFree(c));
}

/** A month was said and no year ("January 12", "March 3-10"; not "tomorrow", "Monday" or "January 12 2026"). */
function yearFree(c: chrono.ParsedComponents): boolean {
  return c.isCertain('month') && !c.isCertain('year');
}

/** A month and no day ("January", "in March 2025", "next month"). */
function monthOnly(c: chrono.ParsedComponents): boolean {
  return c.isCertain('month') && !c.isCertain('day') && !c.isCertain('weekday') && !c.isCertain('hour');
}

/** The first folded position at or after the original position `pos`. */
function foldedIndex(f: Folded, pos: number): number {
  let i = 0;
  while (i < f.starts.length && f.starts[i]! < pos) i++;
  return i;
}

/** The span moved by whole years as the purpose asks, when its year was not said (`free`). */
function placed(from: Ymd, to: Ymd, today: Ymd, purpose: DatePurpose | undefined, free: boolean): { from: Ymd; to: Ymd } {
  const k = free ? yearShift(from, to, today, purpose) : 0;
  if (k === 0) return { from, to };
  const f = { ...from, y: from.y + k };
  const t = { ...to, y: to.y + k, d: Math.min(to.d, daysInMonth(to.y + k, to.m)) };
  return validYmd(f) ? { from: f, to: t } : { from, to };
}

function endpoint(
  text: string,
  pos: number,
  at: (pos: number) => chrono.ParsedResult | undefined,
): { end: number; result?: chrono.ParsedResult; day?: number } | null {
  const r = at(pos);
  if (r && !r.end) return { end: pos + r.text.length, result: r };
  const m = BARE_DAY.exec(text.slice(pos));
  const day = m ? Number(m[1]) : 0;
  return m && day >= 1 && day <= 31 ? { end: pos + m[0].length, day } : null;
}

/**
 * The date ranges in the text, first come first served where they overlap (period phrases before chrono's), with
 * the chrono results they used up: those are neither dates nor times.
 */
export function findDateRanges(
  text: string,
  results: readonly chrono.ParsedResult[],
  ref: chrono.ParsingReference,
  today: Ymd,
  purpose: DatePurpose | undefined,
): ExtractedEntity[] {
  const f = fold(text);
  // since a period: from its first day to today ("since last week")
  const periods = periodPhrases(f, today).map((x) => {
    const m = SINCE.exec(f.text.slice(0, foldedIndex(f, x.start)));
    return m && dayNumber(x.from) <= dayNumber(today) ? { ...x, start: f.starts[m.index]!, to: today } : x;
  });
  const found = [...periods, ...fromChrono(text, results, f, ref, today, purpose)];
  const kept: Found[] = [];
  for (const x of found) if (!kept.some((k) => k.start < x.end && x.start < k.end)) kept.push(x);
  return kept
    .sort((a, b) => a.start - b.start)
    .map((x) => ({
      entity: 'date_range',
      value: { start: iso(x.from), end: iso(x.to) } satisfies DateRangeValue,
      text: text.slice(x.start, x.end),
      start: x.start,
      end: x.end,
    }));
}
