// Public and bank holidays by country and region, from `date-holidays` (rules, not a fixed list, so any year works).
// Its own module because its data is large (about 2 MB of code with moment-timezone): the engine's business hours
// import it, and the studio's Problems panel loads it only for a project that names a holiday country
// (renderer/src/store/checkModules.ts); the calendar checks take the region check as an argument.
import Holidays from 'date-holidays';

/** Whether the holiday data knows a country (and its region), and if not, why. */
export type HolidayRegionCheck = (country: string, region?: string) => { ok: true } | { ok: false; message: string };

const holidayCache = new Map<string, ReadonlySet<string>>();

/** The public and bank holidays (`YYYY-MM-DD`) of a country (and region) in a year; none for an unknown country. */
export function countryHolidays(country: string, region: string | undefined, year: number): ReadonlySet<string> {
  const key = `${country}/${region ?? ''}/${year}`;
  let days = holidayCache.get(key);
  if (!days) {
    const set = new Set<string>();
    const hd = new Holidays();
    hd.init(country, region ?? '');
    const list = hd.getHolidays(year) || [];
    for (const h of list) if (h.type === 'public' || h.type === 'bank') set.add(h.date.slice(0, 10));
    holidayCache.set(key, (days = set));
  }
  return days;
}

const regionCache = new Map<string, { ok: true } | { ok: false; message: string }>();

/** Whether the holiday data knows a country (and its region). Remembered: the validator asks on every edit. */
export const knownHolidayRegion: HolidayRegionCheck = (country, region) => {
  const key = `${country}/${region ?? ''}`;
  let r = regionCache.get(key);
  if (!r) regionCache.set(key, (r = lookUpRegion(country, region)));
  return r;
};

function lookUpRegion(country: string, region?: string): { ok: true } | { ok: false; message: string } {
  const hd = new Holidays();
  const countries = hd.getCountries();
  if (!Object.hasOwn(countries, country)) return { ok: false, message: `the holiday data has no country "${country}"` };
  if (region === undefined) return { ok: true };
  const states = hd.getStates(country) ?? {};
  if (!Object.hasOwn(states, region)) {
    const known = Object.keys(states);
    return {
      ok: false,
      message: `the holiday data has no region "${region}" in ${country}${known.length ? ` (it has ${known.slice(0, 20).join(', ')})` : ''}`,
    };
  }
  return { ok: true };
}
