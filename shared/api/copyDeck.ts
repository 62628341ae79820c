// The copy deck's calls (listed in contract.ts's `methods`): a table of strings written as a CSV or XLSX file, and
// such a file read back as a table. The studio builds the table and reads the edits from it (shared/copy/table.ts)
// on the project as edited; main only encodes and decodes (exceljs, csv-stringify and csv-parse run in Node).
import { z } from 'zod';

export const CopyFileFormat = z.enum(['csv', 'xlsx']);
export type CopyFileFormat = z.infer<typeof CopyFileFormat>;

/** A table of cells; the header row first. Sized for the largest projects (a row per line and variant). */
export const CopyTableCells = z.array(z.array(z.string().max(20_000)).max(200)).max(200_000);

/** A file's bytes, base64: at most 50 MB of file. */
const FileBase64 = z
  .string()
  .max(Math.ceil((50 * 1024 * 1024) / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

const LineChange = z.object({ at: z.string(), author: z.string(), commit: z.string(), subject: z.string() });

export const copyDeckMethods = {
  /**
   * Each line's last change from the project's git history (shared/copy/history.ts): the newest commit that
   * changed its words within the last commits read, and its words at HEAD. `inGit` is false outside a repository.
   */
  'copy.history': {
    input: z.object({ project: z.string().min(1).max(1000) }).strict(),
    output: z.object({
      inGit: z.boolean(),
      head: z.record(z.string(), z.string()),
      changes: z.record(z.string(), LineChange),
      oldest: LineChange.optional(),
    }),
  },
  /** The table as a file: UTF-8 CSV with a byte-order mark (so spreadsheets read its accents), or an XLSX workbook. */
  'copy.encode': {
    input: z.object({ format: CopyFileFormat, table: CopyTableCells }).strict(),
    output: z.object({ base64: FileBase64, mimeType: z.string() }),
  },
  /**
   * A CSV or XLSX file read back as a table (its first sheet). A file that is not one (broken encoding, a formula
   * cell, rows of different widths) is refused with its row and column.
   */
  'copy.decode': {
    input: z.object({ format: CopyFileFormat, fileName: z.string().min(1).max(255), base64: FileBase64 }).strict(),
    output: z.object({ table: CopyTableCells }),
  },
} as const;

export type CopyDeckMethod = keyof typeof copyDeckMethods;
