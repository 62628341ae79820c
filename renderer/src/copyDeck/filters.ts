// Which rows of the copy deck a writer sees: by flow, by what is wrong with them in a locale (missing, stale), by
// whether a story checks them, and by words in the line. Pure, so the filters are tested without a browser.
import { parse } from 'yaml';
import { hasTextIn, shownText, variantsOf, type DeckRow } from '../../../shared/copy/deck';

export type DeckFilter = 'all' | 'missing' | 'stale' | 'checked' | 'lint';

export interface DeckQuery {
  /** A flow id, `project` for the project's own lines (parley.yaml, guardrails.yaml), or all. */
  flow: string | 'all';
  filter: DeckFilter;
  /** The locale `missing` and `stale` look at. */
  locale: string;
  /** Words the line (in any locale), its id, node or field contains. */
  text: string;
}

/** Every string under a `copy` key of a story file (the lines its checks name by id or alias). */
export function copyRefsOf(storyText: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === 'copy' && typeof x === 'string') out.push(x);
        else walk(x);
      }
  };
  try {
    walk(parse(storyText));
  } catch {
    // a story file that does not parse checks nothing (the Stories panel says what is wrong with it)
  }
  return out;
}

/** The ids of the rows a story checks: by id or alias (`copy:`), or by words the line contains (`checksWords`). */
export function checkedRows(rows: readonly DeckRow[], refs: ReadonlySet<string>, byWords: (texts: string[]) => boolean): Set<string> {
  const out = new Set<string>();
  for (const r of rows) {
    if (refs.has(r.id) || refs.has(r.alias)) out.add(r.id);
    else if (byWords(Object.values(r.text).flatMap((t) => variantsOf(t)))) out.add(r.id);
  }
  return out;
}

/** `checked`: the rows a story checks; `linted`: the rows the copy lint finds something in. */
export function filterRows(rows: readonly DeckRow[], q: DeckQuery, checked: ReadonlySet<string>, linted: ReadonlySet<string> = new Set()): DeckRow[] {
  const words = q.text.trim().toLocaleLowerCase();
  return rows.filter((r) => {
    if (q.flow !== 'all' && (q.flow === 'project' ? r.flowId !== undefined : r.flowId !== q.flow)) return false;
    if (q.filter === 'missing' && hasTextIn(r, q.locale)) return false;
    if (q.filter === 'stale' && r.stale[q.locale] === undefined) return false;
    if (q.filter === 'checked' && !checked.has(r.id)) return false;
    if (q.filter === 'lint' && !linted.has(r.id)) return false;
    if (!words) return true;
    const locales = new Set([...Object.keys(r.text), ...Object.keys(r.engineText ?? {})]);
    const hay = [r.id, r.alias, r.field, ...[...locales].flatMap((l) => variantsOf(shownText(r, l)))].join('\n').toLocaleLowerCase();
    return hay.includes(words);
  });
}
