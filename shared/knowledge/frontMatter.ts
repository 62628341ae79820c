// What a knowledge document carries that is not its text: the front matter at its top (a YAML block between two
// `---` lines, which the importer writes: the original file, its format, when it was imported) and comment lines
// (`<!-- page 3 -->`, the importer's page markers). The index masks them out before chunking: each of their
// characters but line breaks becomes a space, so they are never indexed nor shown in a passage while every offset
// still points at the same place in the file's text (a citation opens the file as it is on disk).

const OPEN = /^---[ \t]*\r?\n/;
const CLOSE = /^---[ \t]*$/m;
/** A block that does not close within this many characters is not front matter (a thematic break at the top). */
const MAX_FRONT_MATTER = 16_000;

/** Where the front matter ends (after its closing line and the blank lines after it), or 0 when there is none. */
export function frontMatterEnd(text: string): number {
  const open = OPEN.exec(text);
  if (!open) return 0;
  const close = CLOSE.exec(text.slice(open[0].length, open[0].length + MAX_FRONT_MATTER + 4));
  if (!close || close.index > MAX_FRONT_MATTER) return 0;
  let end = open[0].length + close.index + close[0].length;
  while (text[end] === '\n' || (text[end] === '\r' && text[end + 1] === '\n')) end += text[end] === '\r' ? 2 : 1;
  return end;
}

const COMMENT_LINE = /^[ \t]*<!--(?:(?!-->)[^\n])*-->[ \t]*$/gm;
const blank = (s: string): string => s.replace(/[^\r\n]/g, ' ');

/** The text with its front matter and whole-line comments blanked out: the same length, line for line. */
export function maskMeta(text: string): string {
  const end = frontMatterEnd(text);
  const masked = end ? blank(text.slice(0, end)) + text.slice(end) : text;
  return masked.includes('<!--') ? masked.replace(COMMENT_LINE, blank) : masked;
}
