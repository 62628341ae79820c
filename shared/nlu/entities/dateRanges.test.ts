import { describe, expect, it } from 'vitest';
import { extractEntities, extractSlotValue, type EntityContext } from './index';

// Sunday 6 December 2026, noon UTC: this ISO week runs from Monday 30 November to Sunday 6 December
const ctx: EntityContext = { now: Date.UTC(2026, 11, 6, 12), timezone: 'UTC' };

const found = (text: string, c: EntityContext = ctx) => extractEntities(text, c).map((e) => [e.entity, e.value, e.text]);
const range = (text: string, c: EntityContext = ctx) => {
  const r = extractEntities(text, c).filter((e) => e.entity === 'date_range');
  expect(r, text).toHaveLength(1);
  return r[0]!.value;
};

describe('date_range', () => {
  it('calendar periods: last month, this week, last week, next week, this month, last year', () => {
    expect(range('show me last month')).toEqual({ start: '2026-11-01', end: '2026-11-30' });
    expect(range('this week')).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    expect(range('payments from last week')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(range('next week')).toEqual({ start: '2026-12-07', end: '2026-12-13' });
    expect(range('this month')).toEqual({ start: '2026-12-01', end: '2026-12-31' });
    expect(range('next month')).toEqual({ start: '2027-01-01', end: '2027-01-31' });
    expect(range('last year')).toEqual({ start: '2025-01-01', end: '2025-12-31' });
  });

  it('rolling periods end today, today included: past 7 days, last 30 days, the past two weeks; next N days start today', () => {
    expect(range('past 7 days')).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    expect(found('what did I spend in the last 30 days?')).toEqual([['date_range', { start: '2026-11-07', end: '2026-12-06' }, 'in the last 30 days']]);
    expect(range('the past two weeks')).toEqual({ start: '2026-11-23', end: '2026-12-06' });
    expect(range('over the last 3 months')).toEqual({ start: '2026-09-07', end: '2026-12-06' });
    expect(range('the past week')).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    expect(range('in the next 10 days')).toEqual({ start: '2026-12-06', end: '2026-12-15' });
  });

  it('between, from…to and a dash: the days named, both included, the year inherited by a bare day', () => {
    expect(found('between March 3 and 10')).toEqual([['date_range', { start: '2027-03-03', end: '2027-03-10' }, 'between March 3 and 10']]);
    expect(range('between 3 and 10 March')).toEqual({ start: '2027-03-03', end: '2027-03-10' });
    expect(range('between March 3 and March 10')).toEqual({ start: '2027-03-03', end: '2027-03-10' });
    expect(range('from March 3 to March 10')).toEqual({ start: '2027-03-03', end: '2027-03-10' });
    expect(range('March 3-10')).toEqual({ start: '2027-03-03', end: '2027-03-10' });
    expect(range('between December 20 and January 5')).toEqual({ start: '2026-12-20', end: '2027-01-05' });
    expect(range('from 1 to 5 January 2026')).toEqual({ start: '2026-01-01', end: '2026-01-05' });
  });

  it('since a day: from that day to today, a weekday being the last one (not the next)', () => {
    expect(found('charges since Monday')).toEqual([['date_range', { start: '2026-11-30', end: '2026-12-06' }, 'since Monday']]);
    expect(range('since January 12')).toEqual({ start: '2026-01-12', end: '2026-12-06' });
    expect(range('since yesterday')).toEqual({ start: '2026-12-05', end: '2026-12-06' });
    expect(found('since tomorrow').map((e) => e[0])).toEqual(['date']);
    expect(found('since last week')).toEqual([['date_range', { start: '2026-11-23', end: '2026-12-06' }, 'since last week']]);
  });

  it('not ranges: a last day, the last digits, a last payment', () => {
    expect(found('the last day of the month').map((e) => e[0])).toEqual(['date']);
    expect(found('my last 4 digits are 4821').map((e) => e[0])).not.toContain('date_range');
    expect(found('the last two payments').map((e) => e[0])).toEqual(['number']);
    expect(found('el último día', { ...ctx, locale: 'es' })).toEqual([]);
  });

  it('a month: the whole month ("in January"), in the year said or the nearest', () => {
    expect(found('in January')).toEqual([['date_range', { start: '2027-01-01', end: '2027-01-31' }, 'January']]);
    expect(range('in February 2028')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(range('January 2025')).toEqual({ start: '2025-01-01', end: '2025-01-31' });
  });

  it('Spanish: el mes pasado, la semana pasada, los últimos 7 días, entre el 3 y el 10 de marzo, del 3 al 10, desde el lunes, en enero', () => {
    const es = { ...ctx, locale: 'es' };
    expect(range('el mes pasado', es)).toEqual({ start: '2026-11-01', end: '2026-11-30' });
    expect(range('la semana pasada', es)).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(range('esta semana', es)).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    expect(range('la próxima semana', es)).toEqual({ start: '2026-12-07', end: '2026-12-13' });
    expect(range('el año pasado', es)).toEqual({ start: '2025-01-01', end: '2025-12-31' });
    expect(range('los últimos 7 días', es)).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    expect(range('entre el 3 y el 10 de marzo', es)).toEqual({ start: '2027-03-03', end: '2027-03-10' });
    expect(found('del 3 al 10 de marzo', es)).toEqual([['date_range', { start: '2027-03-03', end: '2027-03-10' }, 'del 3 al 10 de marzo']]);
    expect(range('desde el lunes', es)).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    expect(range('en enero', es)).toEqual({ start: '2027-01-01', end: '2027-01-31' });
  });

  it('a single date is a date, not a range; a range is not also dates, numbers or a phone number', () => {
    expect(found('January 12')).toEqual([['date', '2027-01-12', 'January 12']]);
    expect(found('tomorrow')).toEqual([['date', '2026-12-07', 'tomorrow']]);
    expect(found('last 30 days').map((e) => e[0])).toEqual(['date_range']);
    expect(found('March 3-10').map((e) => e[0])).toEqual(['date_range']);
    expect(found('between 3 and 10 March').map((e) => e[0])).toEqual(['date_range']);
    expect(found('I paid 50 on March 3 and called 555 123 4567 last week').map((e) => e[0])).toEqual(['number', 'date', 'phone', 'date_range']);
  });

  it('reads today in the context zone: late on Sunday in UTC is already Monday in Auckland', () => {
    const late = { now: Date.UTC(2026, 11, 6, 23, 30), timezone: 'Pacific/Auckland' };
    expect(range('this week', late)).toEqual({ start: '2026-12-07', end: '2026-12-13' });
    expect(range('past 7 days', late)).toEqual({ start: '2026-12-01', end: '2026-12-07' });
  });

  it('slot value: the first range; a single day answers as a range of that day; none fails', () => {
    expect(extractSlotValue('date_range', 'from March 3 to March 10 please', ctx)).toEqual({ ok: true, value: { start: '2027-03-03', end: '2027-03-10' } });
    expect(extractSlotValue('date_range', 'yesterday', ctx)).toEqual({ ok: true, value: { start: '2026-12-05', end: '2026-12-05' } });
    expect(extractSlotValue('date_range', 'no idea', ctx)).toEqual({ ok: false });
    expect(extractSlotValue('entity', 'last week', { ...ctx, entityId: 'date_range' })).toEqual({
      ok: true,
      value: { start: '2026-11-23', end: '2026-11-29' },
    });
    // a date question does not take a range as one of its days
    expect(extractSlotValue('date', 'last week', ctx)).toEqual({ ok: false });
  });
});
