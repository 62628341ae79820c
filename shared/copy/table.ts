// The copy deck as a table of strings, for writers and translators who work in spreadsheets (CSV and XLSX are
// encoded in main: main/services/copyFiles.ts), and a table read back as edits, checked before anything is applied.
//
// Columns: `copy_id`, `variant`, then `flow`, `node` and `field` (context, ignored when read back), then one column
// per locale. A line with A/B-style random variants (a list of wordings) takes one row per variant, numbered from
// 1; a plain line one row with `variant` empty. An engine line the project does not word shows the engine's words.
//
// Formula injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
// formula by a spreadsheet; it is written with a `'` in front, as is a text that starts with `'` (so that reading
// back, which removes a `'` before one of those characters, gives every text exactly as it was).
import type { CopyText } from '../schema/common';
import { shownText, variantsOf, type DeckRow } from './deck';

export const INFO_COLUMNS = ['copy_id', 'variant', 'flow', 'node', 'field'] as const;

const RISKY = /^['=+\-@\t\r]/;
const ESCAPED = /^'['=+\-@\t\r]/;

/** A cell's text as written: escaped against formula injection. */
export const escapeCell = (text: string): string => (RISKY.test(text) ? `'${text}` : text);
/** A cell's text as read: the escape removed. */
export const unescapeCell = (text: string): string => (ESCAPED.test(text) ? text.slice(1) : text);

/** The table of `rows` with a column per locale in `locales`: the header row first. */
export function copyTable(rows: readonly DeckRow[], locales: readonly string[]): string[][] {
  const out: string[][] = [[...INFO_COLUMNS, ...locales]];
  for (const row of rows) {
    const texts = locales.map((l) => shownText(row, l));
    const many = texts.some((t) => Array.isArray(t));
    const count = Math.max(1, ...texts.map((t) => variantsOf(t).length));
    for (let i = 0; i < count; i++) {
      const info = [row.id, many ? String(i + 1) : '', row.flowId ?? '', row.nodeId ?? '', row.field];
      out.push([...info, ...texts.map((t) => escapeCell(variantsOf(t)[i] ?? ''))]);
    }
  }
  return out;
}

/** A cell of a table file: its row (1-based, the header is row 1) and column (1-based). */
export class CopyTableError extends Error {
  constructor(
    readonly file: string,
    readonly row: number | undefined,
    readonly column: number | undefined,
    detail: string,
  ) {
    super(`${file}${row !== undefined ? `, row ${row}` : ''}${column !== undefined ? `, column ${columnName(column)}` : ''}: ${detail}`);
  }
}

/** A spreadsheet's name of a 1-based column: 1 → A, 27 → AA. */
export function columnName(column: number): string {
  let s = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** One change of a line in one locale: its new text, or `undefined` to remove the locale's text. */
export interface CopyEdit {
  id: string;
  locale: string;
  before: CopyText | undefined;
  after: CopyText | undefined;
}

const sameText = (a: CopyText | undefined, b: CopyText | undefined): boolean => {
  const va = variantsOf(a);
  const vb = variantsOf(b);
  return va.length === vb.length && va.every((v, i) => v === vb[i]);
};

/** A text from a line's cells in order (one cell: a plain string; none with words: absent). */
function textOf(cells: readonly string[], many: boolean): CopyText | undefined {
  const words = cells.filter((c) => c !== '');
  if (words.length === 0) return undefined;
  return many ? words : words[0];
}

/**
 * The edits a table read back makes to `rows` (what differs from the project, in the locales it has columns for).
 * Throws a CopyTableError naming the row and column of the first thing wrong (nothing is applied then): a missing
 * `copy_id` column, a column that is no locale of the project, an unknown copy id, a variant that is not a number,
 * a line given twice, a row of the wrong width, an empty default-locale text.
 */
export function editsFromTable(
  rows: readonly DeckRow[],
  table: readonly (readonly string[])[],
  project: { defaultLocale: string; locales: readonly string[] },
  file: string,
): CopyEdit[] {
  const header = table[0];
  if (!header || header.length === 0)
    throw new CopyTableError(file, undefined, undefined, 'the file is empty; it needs a header row with copy_id and a column per locale');
  const at = new Map<string, number>();
  header.forEach((h, i) => at.set(h.trim(), at.get(h.trim()) ?? i));
  const idCol = at.get('copy_id');
  if (idCol === undefined) throw new CopyTableError(file, 1, undefined, 'no copy_id column: export the copy deck to get a file with the right columns');
  const localeCols: [string, number][] = [];
  header.forEach((h, i) => {
    const name = h.trim();
    if (at.get(name) !== i) throw new CopyTableError(file, 1, i + 1, `column "${name}" is there twice`);
    if ((INFO_COLUMNS as readonly string[]).includes(name)) return;
    if (!project.locales.includes(name))
      throw new CopyTableError(
        file,
        1,
        i + 1,
        `"${name}" is not a locale of the project (${project.locales.join(', ')}) nor one of ${INFO_COLUMNS.join(', ')}`,
      );
    localeCols.push([name, i]);
  });
  if (localeCols.length === 0)
    throw new CopyTableError(file, 1, undefined, `no locale column: add one named after a locale of the project (${project.locales.join(', ')})`);
  const variantCol = at.get('variant');
  const byId = new Map(rows.map((r) => [r.id, r]));

  // the rows of each line, by variant number (0: the line's one row)
  const lines = new Map<string, { row: DeckRow; cells: Map<number, { line: number; cells: readonly string[] }> }>();
  table.slice(1).forEach((cells, i) => {
    const line = i + 2;
    if (cells.every((c) => c.trim() === '')) return; // a blank row
    if (cells.length !== header.length) throw new CopyTableError(file, line, undefined, `has ${cells.length} cells where the header has ${header.length}`);
    const id = cells[idCol]!.trim();
    const row = byId.get(id);
    if (!row) throw new CopyTableError(file, line, idCol + 1, id ? `unknown copy id "${id}": no line of the project has it` : 'no copy id');
    const v = variantCol === undefined ? '' : cells[variantCol]!.trim();
    if (v !== '' && !/^[1-9]\d{0,2}$/.test(v)) throw new CopyTableError(file, line, variantCol! + 1, `variant "${v}" is not a number from 1`);
    const entry = lines.get(id) ?? { row, cells: new Map() };
    const n = v === '' ? 0 : Number(v);
    const twice = entry.cells.has(n) || (n === 0 ? entry.cells.size > 0 : entry.cells.has(0));
    if (twice) throw new CopyTableError(file, line, idCol + 1, `line "${id}" is given twice${n ? ` (variant ${n})` : ''}`);
    entry.cells.set(n, { line, cells });
    lines.set(id, entry);
  });

  const edits: CopyEdit[] = [];
  for (const [id, { row, cells }] of lines) {
    const order = [...cells.keys()].sort((a, b) => a - b);
    const many = order[0] !== 0;
    for (const [locale, col] of localeCols) {
      const after = textOf(
        order.map((n) => unescapeCell(cells.get(n)!.cells[col]!)),
        many,
      );
      const before = shownText(row, locale);
      if (sameText(before, after)) continue;
      if (after === undefined && locale === project.defaultLocale && row.source.type !== 'builtin')
        throw new CopyTableError(
          file,
          cells.get(order[0]!)!.line,
          col + 1,
          `the ${locale} text of "${id}" is empty; the default locale's text cannot be removed`,
        );
      // an engine line back to the engine's words is the project's wording removed
      const engine = row.engineText?.[locale];
      const written = row.source.type === 'builtin' && engine !== undefined && sameText(after, engine) ? undefined : after;
      if (sameText(row.text[locale], written)) continue;
      edits.push({ id, locale, before, after: written });
    }
  }
  return edits;
}
