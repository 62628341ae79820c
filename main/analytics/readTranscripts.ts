// Reading the runtime's transcripts (docs/FORMAT.md, "Transcripts"): JSON Lines files, or folders of them, read as a
// stream so a million turns never sit in memory at once. Each line is parsed and checked against the format's
// schema; a line that is not an event (broken JSON, a wrong field, a version this reader does not know) is counted
// and reported with its file and line number, and the reading goes on.
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TRANSCRIPT_VERSION, TranscriptEvent } from '../../shared/transcripts/format';

export interface Malformed {
  file: string;
  line: number;
  reason: string;
}

/** How many malformed lines a report names one by one (all are counted). */
export const MALFORMED_LISTED = 100;

/** The JSONL files a list of paths names: files as given, folders' `*.jsonl` files in name order (not recursive). */
export async function transcriptFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await fs.stat(p);
    if (st.isDirectory()) {
      const names = (await fs.readdir(p)).filter((n) => n.endsWith('.jsonl')).sort();
      out.push(...names.map((n) => path.join(p, n)));
    } else out.push(p);
  }
  return out;
}

/** A reason in a few words from a schema failure: the first issue's path and message. */
function schemaReason(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'not a transcript event';
  return `${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`;
}

/** The non-blank lines of one file with their numbers (counting from 1, blank lines included), as they are read. */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim()) yield { line: n, text };
  }
}

/** One line checked against the transcript schema: its event, or why it is malformed. */
export function checkLine(text: string, file: string, n: number): { event: TranscriptEvent } | { malformed: Malformed } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { malformed: { file, line: n, reason: `not JSON (${(e as Error).message})` } };
  }
  const v = (value as { v?: unknown } | null)?.v;
  if (typeof value === 'object' && value !== null && v !== TRANSCRIPT_VERSION) {
    return { malformed: { file, line: n, reason: `format version ${JSON.stringify(v)} is not one this studio reads (${TRANSCRIPT_VERSION})` } };
  }
  const parsed = TranscriptEvent.safeParse(value);
  if (!parsed.success) return { malformed: { file, line: n, reason: schemaReason(parsed.error) } };
  if (Number.isNaN(Date.parse(parsed.data.at))) return { malformed: { file, line: n, reason: 'at: not a date' } };
  return { event: parsed.data };
}
