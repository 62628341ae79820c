// A small RFC 4180 CSV reader: quoted fields may hold commas, line breaks and doubled quotes ("");
// CRLF or LF line endings; a UTF-8 byte-order mark is ignored. No npm CSV parser is installed, and this is all
// the evaluation needs.

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
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let quoted = false;
  let quoteLine = 0;
  let fieldStarted = false;
  const endRow = () => {
    if (fieldStarted || row.length > 0 || field !== '') row.push(field);
    if (row.length > 0) rows.push(row);
    row = [];
    field = '';
    fieldStarted = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new CsvError(`unterminated quoted field starting on line ${quoteLine}`, quoteLine);
  endRow();
  return rows;
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
