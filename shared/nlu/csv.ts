// CSV (RFC 4180) through papaparse, whose string parser uses no Node built-ins: quoted fields may hold commas,
// line breaks and doubled quotes (""); CRLF, LF or CR line endings, mixed in one file; a UTF-8 byte-order mark
// is ignored.
import Papa from 'papaparse';

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/** Parses CSV text into rows of fields. Blank lines are skipped. Throws CsvError on an unterminated quote. */
export function parseCsv(text: string): string[][] {
  // papaparse takes one line ending per file; files made by hand mix them, so they are made one first
  // (a line break inside a quoted field becomes \n too).
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const r = Papa.parse<string[]>(body, { delimiter: ',', newline: '\n', quoteChar: '"', skipEmptyLines: true });
  const open = r.errors.find((e) => e.code === 'MissingQuotes');
  if (open) {
    const line = body.slice(0, open.index ?? 0).split('\n').length;
    throw new CsvError(`unterminated quoted field starting on line ${line}`, line);
  }
  return r.data;
}

export interface LabelledRow {
  text: string;
  label: string;
}

/**
 * Reads `text,category` rows (the header names the columns; they may be in any order and other columns are
 * ignored). Throws an Error saying what is wrong: no rows, a missing column, an empty text or label.
 */
export function readLabelledCsv(csv: string, textColumn = 'text', labelColumn = 'category'): LabelledRow[] {
  const rows = parseCsv(csv);
  if (rows.length === 0) throw new Error('is empty');
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const ti = header.indexOf(textColumn);
  const li = header.indexOf(labelColumn);
  const missing = [ti < 0 ? textColumn : null, li < 0 ? labelColumn : null].filter(Boolean);
  if (missing.length) {
    throw new Error(`has no ${missing.map((m) => `"${m}"`).join(' or ')} column (header: ${rows[0]!.join(',') || '(empty)'})`);
  }
  const out: LabelledRow[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const text = (row[ti] ?? '').trim();
    const label = (row[li] ?? '').trim();
    if (!text || !label) throw new Error(`row ${r + 1} has an empty ${!text ? textColumn : labelColumn}`);
    out.push({ text, label });
  }
  if (out.length === 0) throw new Error('has a header but no rows');
  return out;
}
