// Find and replace across the project's copy, as edits to preview before they are applied. The text searched
// for is plain text, never a pattern; placeholders (`{{slots.amount}}`) are left alone, so replacing "amount"
// cannot break a line's variables.
import type { CopyText } from '../schema/common';
import { shownText, variantsOf, type DeckRow } from './deck';
import type { CopyEdit } from './table';

export interface ReplaceQuery {
  find: string;
  replace: string;
  /** The locales to search (columns of the deck). */
  locales: readonly string[];
  matchCase?: boolean;
  /** Only whole words: the match neither starts nor ends inside a word. */
  wholeWord?: boolean;
}

const WORD = /[\p{L}\p{N}_]/u;

/** The places `find` occurs in `text` outside placeholders, as [start, end) offsets. */
export function matchesIn(text: string, q: Pick<ReplaceQuery, 'find' | 'matchCase' | 'wholeWord'>): [number, number][] {
  if (!q.find) return [];
  const hay = q.matchCase ? text : text.toLocaleLowerCase();
  const needle = q.matchCase ? q.find : q.find.toLocaleLowerCase();
  // placeholder spans, where nothing is matched
  const closed: [number, number][] = [];
  for (let i = text.indexOf('{{'); i !== -1; i = text.indexOf('{{', i + 2)) {
    const end = text.indexOf('}}', i + 2);
    if (end === -1) break;
    closed.push([i, end + 2]);
    i = end;
  }
  const out: [number, number][] = [];
  // lower-casing keeps lengths for the scripts copy is written in; a text where it does not is matched as is
  const exact = hay.length !== text.length;
  const h = exact ? text : hay;
  const n = exact ? q.find : needle;
  for (let i = h.indexOf(n); i !== -1; i = h.indexOf(n, i + Math.max(1, n.length))) {
    const end = i + n.length;
    if (closed.some(([a, b]) => i < b && end > a)) continue;
    if (q.wholeWord && (WORD.test(text.charAt(i - 1)) || WORD.test(text.charAt(end)))) continue;
    out.push([i, end]);
  }
  return out;
}

function replaced(text: string, q: ReplaceQuery): string {
  let out = '';
  let at = 0;
  for (const [a, b] of matchesIn(text, q)) {
    out += text.slice(at, a) + q.replace;
    at = b;
  }
  return out + text.slice(at);
}

export interface ReplacePreview extends CopyEdit {
  /** How many times the text occurs in the line (its variants together). */
  count: number;
  after: CopyText;
}

/** Every line (in the query's locales) the replacement would change, with its text before and after. */
export function previewReplace(rows: readonly DeckRow[], q: ReplaceQuery): ReplacePreview[] {
  const out: ReplacePreview[] = [];
  if (!q.find) return out;
  for (const row of rows)
    for (const locale of q.locales) {
      const before = shownText(row, locale);
      if (before === undefined) continue;
      const variants = variantsOf(before);
      const count = variants.reduce((n, v) => n + matchesIn(v, q).length, 0);
      if (count === 0) continue;
      const after = Array.isArray(before) ? variants.map((v) => replaced(v, q)) : replaced(before as string, q);
      out.push({ id: row.id, locale, before, after, count });
    }
  return out;
}
