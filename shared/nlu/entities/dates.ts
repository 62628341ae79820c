// Built-in date entity via chrono-node, against the reference time and zone in the context (never the clock
// implicitly when one is given); times that are not dates are returned too, as spans that are not numbers.

import * as chrono from 'chrono-node';
import type { ExtractedEntity } from '../../engine/ports';
import type { EntityContext } from './index';

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

function chronoFor(locale: string | undefined): chrono.Chrono {
  const tag = (locale ?? 'en').toLowerCase();
  if (/^en-(gb|au|nz|ie|in|za)/.test(tag)) return chrono.en.GB;
  return CHRONO_BY_LANGUAGE[tag.split('-')[0]!] ?? chrono.casual;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** "now" is the moment of speaking, not a date someone gives. */
const NOT_A_DATE = /^(?:right\s+)?now$|^ahora(?:\s+mismo)?$/i;

/** Dates, and the spans of times that are not dates ("at 5pm"), which are not numbers either. */
export function findDatesAndTimes(text: string, ctx: EntityContext): { dates: ExtractedEntity[]; times: { start: number; end: number }[] } {
  const instant = ctx.now === undefined ? new Date() : new Date(ctx.now);
  const ref: chrono.ParsingReference = ctx.timezone === undefined ? { instant } : { instant, timezone: ctx.timezone };
  const dates: ExtractedEntity[] = [];
  const times: { start: number; end: number }[] = [];
  for (const r of chronoFor(ctx.locale).parse(text, ref)) {
    const s = r.start;
    if (NOT_A_DATE.test(r.text.trim())) continue;
    if (!(['day', 'weekday', 'month', 'year'] as const).some((c) => s.isCertain(c))) {
      times.push({ start: r.index, end: r.index + r.text.length });
      continue;
    }
    const y = s.get('year');
    const mo = s.get('month');
    const d = s.get('day');
    if (y === null || mo === null || d === null) continue;
    const value = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
    dates.push({ entity: 'date', value, text: r.text, start: r.index, end: r.index + r.text.length });
  }
  return { dates, times };
}
