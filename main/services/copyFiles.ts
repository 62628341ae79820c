// The copy deck's spreadsheets: a table of strings (shared/copy/table.ts) written as CSV (csv-stringify) or XLSX
// (exceljs), and such a file read back as a table. Reading refuses what is not a table of text, with the row and
// column: bytes that are not UTF-8, a broken CSV quote, a formula, date or error cell in a workbook. Every cell is
// written as text (a spreadsheet runs nothing: the cells that look like formulas were escaped by copyTable).
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { CopyTableError } from '../../shared/copy/table';
import type { CopyDeckMethod, CopyFileFormat } from '../../shared/api/copyDeck';
import type { Handlers } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';

export const MIME_TYPES: Record<CopyFileFormat, string> = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const BOM = '\uFEFF';

/** The table as a file. CSV: UTF-8 with a byte-order mark (so Excel reads accents), CRLF line ends (RFC 4180). */
export async function encodeCopyTable(table: readonly (readonly string[])[], format: CopyFileFormat): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(BOM + stringify(table as string[][], { record_delimiter: '\r\n' }), 'utf8');
  const book = new ExcelJS.Workbook();
  book.creator = 'Parley';
  const sheet = book.addWorksheet('Copy', { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
  for (const row of table) sheet.addRow([...row]);
  sheet.getRow(1).font = { bold: true };
  const widths = table[0]?.map((_, c) => Math.min(60, Math.max(8, ...table.slice(0, 200).map((r) => (r[c] ?? '').length + 2)))) ?? [];
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
  for (let c = 6; c <= widths.length; c++) sheet.getColumn(c).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The 1-based line of a text offset. */
const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The row and column (1-based) of the first cell holding a character that was not UTF-8, as a spreadsheet counts them. */
function badCell(loose: string): [number | undefined, number | undefined] {
  try {
    const rows = parse(loose.startsWith(BOM) ? loose.slice(1) : loose, { relax_column_count: true, relax_quotes: true }) as string[][];
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r]!.findIndex((cell) => cell.includes('\uFFFD'));
      if (c >= 0) return [r + 1, c + 1];
    }
  } catch {
    // not even readable as CSV: the line will do
  }
  const bad = loose.indexOf('\uFFFD');
  return [bad >= 0 ? lineAt(loose, bad) : undefined, undefined];
}

function decodeCsv(bytes: Uint8Array, file: string): string[][] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder('utf-8').decode(bytes);
    throw new CopyTableError(file, ...badCell(loose), 'is not UTF-8 text (save the file as "CSV UTF-8")');
  }
  if (text.startsWith(BOM)) text = text.slice(1);
  try {
    return parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new CopyTableError(file, line, undefined, `is not a readable CSV: ${(e as Error).message.replace(/^Invalid [A-Za-z ]+: /, '')}`);
  }
}

/** A workbook cell's text; a formula, date or error cell is refused (the deck holds text only). */
function cellText(value: ExcelJS.CellValue, file: string, row: number, column: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) throw new CopyTableError(file, row, column, 'holds a date; the copy deck holds text (format the column as text)');
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) throw new CopyTableError(file, row, column, 'holds a formula; the copy deck holds text only');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : '';
  if ('error' in value) throw new CopyTableError(file, row, column, `holds the error ${String(value.error)}`);
  return '';
}

async function decodeXlsx(bytes: Uint8Array, file: string): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new CopyTableError(file, undefined, undefined, `is not a readable XLSX workbook (${(e as Error).message})`);
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new CopyTableError(file, undefined, undefined, 'has no sheet');
  const width = sheet.getRow(1).cellCount;
  const out: string[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(width, row.cellCount); c++) cells.push(cellText(row.getCell(c).value, file, r, c));
    // cells past the header's that hold nothing are not cells of the table
    while (cells.length > width && cells[cells.length - 1] === '') cells.pop();
    out.push(cells);
  }
  return out;
}

/** A CSV or XLSX file read back as a table of strings (rows as wide as they are; the caller checks the width). */
export async function decodeCopyTable(bytes: Uint8Array, format: CopyFileFormat, file: string): Promise<string[][]> {
  return format === 'csv' ? decodeCsv(bytes, file) : decodeXlsx(bytes, file);
}

/** The copy deck's API methods: stateless, the table is the studio's. */
export function createCopyFileHandlers(): Pick<Handlers, Exclude<CopyDeckMethod, 'copy.history'>> {
  return {
    'copy.encode': async ({ format, table }) => ({ base64: (await encodeCopyTable(table, format)).toString('base64'), mimeType: MIME_TYPES[format] }),
    'copy.decode': async ({ format, fileName, base64 }) => {
      try {
        return { table: await decodeCopyTable(Buffer.from(base64, 'base64'), format, fileName) };
      } catch (e) {
        if (e instanceof CopyTableError) throw new ApiError('BAD_REQUEST', e.message);
        throw e;
      }
    },
  };
}
