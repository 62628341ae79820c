// parley.yaml's `businessHours`: when people are there to take a handoff. A week of opening ranges in a time
// zone, closed days (dates, or a country's public holidays), and queues with hours of their own. The engine
// reads it with the turn's clock (shared/engine/businessHours.ts); the validator checks what zod cannot (ranges
// in order and apart, a time zone Intl knows, a country the holiday data has).
import { z } from 'zod';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM`, 00:00 to 24:00 (24:00 ends a range at midnight). */
export const ClockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM between 00:00 and 24:00, e.g. "09:00" or "17:30"');

/** An opening range: from, until (`["09:00", "17:30"]`). */
export const OpeningRange = z.tuple([ClockTime, ClockTime]);

const Day = z.array(OpeningRange).max(24);

export const WeeklyHours = z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, Day.optional()])) as Record<Weekday, z.ZodOptional<typeof Day>>);
export type WeeklyHours = z.infer<typeof WeeklyHours>;

const IsoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

/** Closed days: dates, or a country's public holidays (ISO 3166 codes, as the `date-holidays` package knows them) and dates. */
export const Holidays = z.union([
  z.array(IsoDate).max(1000),
  z.strictObject({
    /** `GB`, `US`, `ES`... */
    country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code in capitals, e.g. GB'),
    /** A region or state of the country (`ENG`, `NY`). */
    region: z
      .string()
      .regex(/^[A-Z0-9]{1,3}$/, 'must be a region code in capitals, e.g. ENG or NY')
      .optional(),
    /** More closed days. */
    dates: z.array(IsoDate).max(1000).optional(),
  }),
]);
export type Holidays = z.infer<typeof Holidays>;

/** A calendar: opening hours by weekday in a time zone, and closed days. */
export const Calendar = z.strictObject({
  /** An IANA time zone (`Europe/London`, `America/New_York`). */
  timezone: z.string().min(1).max(100),
  weekly: WeeklyHours,
  holidays: Holidays.optional(),
});
export type Calendar = z.infer<typeof Calendar>;

/** A queue's own hours: its weekly hours, and the time zone and holidays unless it gives its own. */
export const QueueCalendar = Calendar.partial({ timezone: true, holidays: true });

export const BusinessHours = Calendar.extend({
  /** Queues (a handoff node's `queue`) with hours of their own. */
  queues: z.record(z.string().min(1).max(100), QueueCalendar).optional(),
});
export type BusinessHours = z.infer<typeof BusinessHours>;
