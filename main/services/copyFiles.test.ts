import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { deckRows } from '../../shared/copy/deck';
import { copyTable, editsFromTable } from '../../shared/copy/table';
import { loadProject } from '../../shared/project/load';
import { createCopyFileHandlers, decodeCopyTable, encodeCopyTable } from './copyFiles';

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const read = (f: string) => ({ file: f, text: readFileSync(path.join(SAMPLE, f), 'utf8') });

function sampleRows() {
  const p = loadProject({
    manifest: read('parley.yaml'),
    nlu: read('nlu.yaml'),
    flows: readdirSync(path.join(SAMPLE, 'flows')).map((f) => read(`flows/${f}`)),
  }).project!;
  return deckRows({ manifest: p.manifest, flows: p.flows });
}

/** Cells a spreadsheet round trip tends to damage. */
const TRICKY = [
  ['copy_id', 'variant', 'flow', 'node', 'field', 'en', 'es'],
  ['c_0000000001', '', 'main', 'a', 'Message', 'Line one\nline two, "quoted"', 'Línea uno — ñ, ü, 💳'],
  ['c_0000000002', '1', 'main', 'b', 'Message', '\'=HYPERLINK("http://evil")', "'+34 600"],
  ['c_0000000002', '2', 'main', 'b', 'Message', '  spaces kept  ', ''],
  ['c_0000000003', '', '', '', 'Bot', '0042', 'TRUE'],
];

describe('copy deck files', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`a ${format.toUpperCase()} round trip gives the same table, so reading the sample's file back changes nothing`, async () => {
      expect(await decodeCopyTable(await encodeCopyTable(TRICKY, format), format, `copy.${format}`)).toEqual(TRICKY);
      const rows = sampleRows();
      const table = copyTable(rows, ['en', 'es']);
      const back = await decodeCopyTable(await encodeCopyTable(table, format), format, `copy.${format}`);
      expect(back).toEqual(table);
      expect(editsFromTable(rows, back, { defaultLocale: 'en', locales: ['en', 'es'] }, `copy.${format}`)).toEqual([]);
    });
  }

  it('writes CSV as UTF-8 with a byte-order mark and cells that start like formulas escaped', async () => {
    const bytes = await encodeCopyTable(TRICKY, 'csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('"\'=HYPERLINK(""http://evil"")"');
    expect(text.split('\r\n')[0]).toBe('\uFEFFcopy_id,variant,flow,node,field,en,es');
  });

  it('writes every XLSX cell as text, never as a formula', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await encodeCopyTable(TRICKY, 'xlsx')) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getCell('F3').value).toBe('\'=HYPERLINK("http://evil")');
    expect(sheet.getCell('F5').value).toBe('0042');
  });

  it('refuses a CSV that is not UTF-8, naming the row and column', async () => {
    const latin1 = Buffer.concat([Buffer.from('copy_id,en\nc_0000000001,ok\nc_0000000002,'), Buffer.from([0x43, 0x61, 0xf1, 0x61]), Buffer.from('\n')]);
    await expect(decodeCopyTable(latin1, 'csv', 'copy.csv')).rejects.toThrow('copy.csv, row 3, column B: is not UTF-8 text (save the file as "CSV UTF-8")');
    await expect(decodeCopyTable(Buffer.from('copy_id,en\n"c_1,x\n'), 'csv', 'copy.csv')).rejects.toThrow(/copy.csv, row \d: is not a readable CSV/);
  });

  it('refuses a workbook with a formula or a date cell, naming the row and column, and a file that is no workbook', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Copy');
    sheet.addRow(['copy_id', 'variant', 'flow', 'node', 'field', 'en']);
    sheet.addRow(['c_0000000001', '', '', '', '', 'fine']);
    sheet.addRow(['c_0000000002', '', '', '', '', { formula: 'CONCAT("a","b")', result: 'ab' }]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    await expect(decodeCopyTable(bytes, 'xlsx', 'deck.xlsx')).rejects.toThrow('deck.xlsx, row 3, column F: holds a formula; the copy deck holds text only');
    sheet.getCell('F3').value = new Date('2026-01-01');
    await expect(decodeCopyTable(Buffer.from(await book.xlsx.writeBuffer()), 'xlsx', 'deck.xlsx')).rejects.toThrow(/row 3, column F: holds a date/);
    await expect(decodeCopyTable(Buffer.from('not a zip'), 'xlsx', 'deck.xlsx')).rejects.toThrow(/deck.xlsx: is not a readable XLSX workbook/);
  });

  it('answers the API with base64 and turns a bad file into a BAD_REQUEST naming the cell', async () => {
    const h = createCopyFileHandlers();
    const { base64, mimeType } = await h['copy.encode']({ format: 'csv', table: TRICKY });
    expect(mimeType).toBe('text/csv;charset=utf-8');
    expect((await h['copy.decode']({ format: 'csv', fileName: 'x.csv', base64 })).table).toEqual(TRICKY);
    await expect(h['copy.decode']({ format: 'csv', fileName: 'x.csv', base64: Buffer.from([0xff, 0xfe, 0x41]).toString('base64') })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('x.csv, row 1, column A: is not UTF-8'),
    });
  });
});
