// The front matter an imported document carries: where it came from (the original file's name and format) and
// when it was imported, so the knowledge panel can show its age and flag stale ones. It is a YAML block between
// two `---` lines at the very top of the Markdown file, the convention most Markdown tools know; the knowledge
// index leaves it out of its passages, and a document without it (written by hand) is as good.
import { stringify } from 'yaml';
import { z } from 'zod';
import { frontMatterEnd } from '../../shared/knowledge/frontMatter';
import { parseYaml } from '../../shared/project/parse';

export const DOCUMENT_FORMATS = ['markdown', 'html', 'text', 'pdf'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** `reviewed_at` as people write it: a date (2026-01-31), or a date and time with its offset. */
export const ReviewedAt = z.union([z.string().date(), z.string().datetime({ offset: true })], {
  error: 'must be a date (2026-01-31) or a date and time (2026-01-31T09:00:00Z)',
});

/** What the importer records (keys in snake_case, as YAML front matter usually is). */
export const ImportRecord = z.object({
  /** The original file's name, as it was picked or given on the command line (no folders). */
  imported_from: z.string().min(1).max(255),
  format: z.enum(DOCUMENT_FORMATS),
  /** ISO 8601. */
  imported_at: z.string().datetime({ offset: true }),
  title: z.string().max(500).optional(),
  /** Set by hand when someone checks the document is still right: the age counts from here. */
  reviewed_at: ReviewedAt.optional(),
});
export type ImportRecord = z.infer<typeof ImportRecord>;

/**
 * When a document was last checked (`reviewed_at` in its front matter), in an imported document's record or in the
 * front matter of one written by hand (which has no record); a value that is not a date is a problem.
 */
export function reviewedAtOf(fm: ReturnType<typeof splitFrontMatter>): { value: string | null; problem?: string } {
  if (fm.record) return { value: fm.record.reviewed_at ?? null };
  const raw = fm.data?.reviewed_at;
  if (raw === undefined || raw === null) return { value: null };
  const parsed = ReviewedAt.safeParse(raw instanceof Date ? raw.toISOString() : raw);
  return parsed.success ? { value: parsed.data } : { value: null, problem: `front matter: reviewed_at: ${parsed.error.issues[0]?.message}` };
}

/** The front matter block for a record, ending with its closing `---` line and a blank line. */
export function frontMatterText(record: ImportRecord): string {
  return `---\n${stringify(record, { lineWidth: 0 }).trimEnd()}\n---\n\n`;
}

/**
 * Splits a Markdown text into its front matter (the YAML block at the top, if any) and its body. `bodyStart` is
 * the body's offset in `text`. `record` is set when the block is one the importer wrote (or as valid);
 * `problem` says why a block that is there could not be read. A text with no block is all body.
 */
export function splitFrontMatter(text: string): { bodyStart: number; body: string; data?: Record<string, unknown>; record?: ImportRecord; problem?: string } {
  const end = frontMatterEnd(text);
  if (!end) return { bodyStart: 0, body: text };
  const yaml = text.slice(text.indexOf('\n') + 1, text.lastIndexOf('\n---', end));
  const parsed = parseYaml('front matter', yaml);
  const value = parsed.value;
  if (parsed.problems.some((p) => p.severity === 'error') || !value || typeof value !== 'object' || Array.isArray(value)) {
    return { bodyStart: end, body: text.slice(end), problem: 'the front matter is not a YAML mapping' };
  }
  const data = value as Record<string, unknown>;
  const rec = ImportRecord.safeParse(data);
  return {
    bodyStart: end,
    body: text.slice(end),
    data,
    ...(rec.success
      ? { record: rec.data }
      : 'imported_from' in data
        ? { problem: `front matter: ${rec.error.issues[0]?.path.join('.')}: ${rec.error.issues[0]?.message}` }
        : {}),
  };
}
