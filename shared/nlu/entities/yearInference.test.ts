import { describe, expect, it } from 'vitest';
import { extractEntities, extractSlotValue, type EntityContext } from './index';

// Sunday 6 December 2026 and Sunday 3 January 2027: a date without a year is near a year boundary from both
const december: EntityContext = { now: Date.UTC(2026, 11, 6, 12), timezone: 'UTC' };
const january: EntityContext = { now: Date.UTC(2027, 0, 3, 12), timezone: 'UTC' };

const date = (text: string, ctx: EntityContext) => {
  const r = extractSlotValue('date', text, ctx);
  return r.ok ? r.value : undefined;
};
const range = (text: string, ctx: EntityContext) => {
  const r = extractSlotValue('date_range', text, ctx);
  return r.ok ? r.value : undefined;
};

describe('the year of a date said without one', () => {
  it('past (transactions): the latest that has begun by today', () => {
    expect(date('January 12', { ...december, dates: 'past' })).toBe('2026-01-12');
    expect(date('December 28', { ...january, dates: 'past' })).toBe('2026-12-28');
    expect(date('December 6', { ...december, dates: 'past' })).toBe('2026-12-06'); // today is not in the future
    expect(date('December 7', { ...december, dates: 'past' })).toBe('2025-12-07');
  });

  it('future (appointments): the earliest that has not ended before today', () => {
    expect(date('January 12', { ...december, dates: 'future' })).toBe('2027-01-12');
    expect(date('December 28', { ...january, dates: 'future' })).toBe('2027-12-28');
    expect(date('December 6', { ...december, dates: 'future' })).toBe('2026-12-06');
    expect(date('December 5', { ...december, dates: 'future' })).toBe('2027-12-05');
  });

  it('nearest, and no setting (the behaviour before the setting existed: chrono-node takes the closest year)', () => {
    for (const dates of ['nearest', undefined] as const) {
      const d = dates ? { dates } : {};
      expect(date('January 12', { ...december, ...d })).toBe('2027-01-12');
      expect(date('December 28', { ...january, ...d })).toBe('2026-12-28');
      expect(date('June 1', { ...december, ...d })).toBe('2027-06-01'); // 177 days ahead, 188 back
      expect(date('July 1', { ...december, ...d })).toBe('2026-07-01'); // 158 days back, 207 ahead
    }
  });

  it('relative words and a year that was said are never changed', () => {
    for (const dates of ['past', 'future', 'nearest'] as const) {
      expect(date('tomorrow', { ...december, dates })).toBe('2026-12-07');
      expect(date('last Friday', { ...december, dates })).toBe('2026-12-04');
      expect(date('next Friday', { ...december, dates })).toBe('2026-12-11');
      expect(date('January 12 2026', { ...december, dates })).toBe('2026-01-12');
      expect(date('12 January 2027', { ...december, dates })).toBe('2027-01-12');
      expect(range('last week', { ...december, dates })).toEqual({ start: '2026-11-23', end: '2026-11-29' });
      expect(range('next month', { ...december, dates })).toEqual({ start: '2027-01-01', end: '2027-01-31' });
    }
  });

  it('applies to ranges without a year, as one span: past has begun, future has not ended', () => {
    expect(range('March 3-10', { ...december, dates: 'past' })).toEqual({ start: '2026-03-03', end: '2026-03-10' });
    expect(range('March 3-10', { ...december, dates: 'future' })).toEqual({ start: '2027-03-03', end: '2027-03-10' });
    expect(range('between December 1 and 10', { ...december, dates: 'past' })).toEqual({ start: '2026-12-01', end: '2026-12-10' });
    expect(range('between December 1 and 10', { ...december, dates: 'future' })).toEqual({ start: '2026-12-01', end: '2026-12-10' });
    expect(range('between December 28 and January 4', { ...january, dates: 'past' })).toEqual({ start: '2026-12-28', end: '2027-01-04' });
    expect(range('in January', { ...december, dates: 'past' })).toEqual({ start: '2026-01-01', end: '2026-01-31' });
    expect(range('in January', { ...december, dates: 'future' })).toEqual({ start: '2027-01-01', end: '2027-01-31' });
    expect(range('del 3 al 10 de marzo', { ...december, locale: 'es', dates: 'past' })).toEqual({ start: '2026-03-03', end: '2026-03-10' });
    expect(range('from 1 to 5 January 2026', { ...december, dates: 'future' })).toEqual({ start: '2026-01-01', end: '2026-01-05' });
  });

  it('extractEntities reads the setting too (Spanish)', () => {
    const es = { ...december, locale: 'es' };
    expect(extractEntities('el 12 de enero', { ...es, dates: 'past' }).map((e) => e.value)).toEqual(['2026-01-12']);
    expect(extractEntities('el 12 de enero', { ...es, dates: 'future' }).map((e) => e.value)).toEqual(['2027-01-12']);
  });
});
