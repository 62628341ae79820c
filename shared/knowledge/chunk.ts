// Markdown documents cut into passages by heading: each section (the text under a heading, up to the next heading)
// is one chunk, and a long section is cut into windows of at most `maxWords` words that overlap by `overlapWords`,
// so a sentence cut at a window's edge is whole in one of the two. A chunk carries its heading path
// (`Fees › Overdrafts`), where it is in the document's text (start, end: `text.slice(start, end)` is its Markdown)
// and a stable id `<source>#<n>` (n counts the document's chunks from 0, so it holds while the document is unchanged).

export interface KnowledgeDoc {
  /** File name under knowledge/, e.g. `fees.md`. */
  source: string;
  text: string;
}

export interface Chunk {
  id: string;
  source: string;
  /** The chunk's number in its document, from 0. */
  n: number;
  /** The document's title: its first level-1 heading, else the file name in words. */
  title: string;
  /** The headings the chunk sits under, outermost first, joined with ` › `. */
  heading: string;
  /** Character offsets of the chunk's Markdown in the document's text. */
  start: number;
  end: number;
}

export interface ChunkOptions {
  maxWords: number;
  overlapWords: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxWords: 220, overlapWords: 40 };

export const HEADING_SEPARATOR = ' › ';

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** A file name in words: `card_security.md` → `card security`. */
export const titleFromSource = (source: string): string =>
  source
    .replace(/\.[^.]+$/, '')
    .replace(/[_-]+/g, ' ')
    .trim();

/** Markdown emphasis, code, links and images reduced to their text. */
export const stripInline = (s: string): string =>
  s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/`([^`]+)`/g, '$1');

/**
 * The passage's text as a reader should see it (what a hit's `text` is): inline Markdown reduced to its words,
 * table rules dropped, a table row's cells separated by `; `, blank lines collapsed.
 */
export function plainText(markdown: string): string {
  const out: string[] = [];
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    if (!line) {
      if (out.length && out[out.length - 1] !== '') out.push('');
      continue;
    }
    if (/^\|?\s*:?-{3,}/.test(line) || FENCE.test(line)) continue;
    const row = line.startsWith('|')
      ? line
          .replace(/^\||\|$/g, '')
          .split('|')
          .map((c) => c.trim())
          .join('; ')
      : line;
    out.push(stripInline(row));
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n').replace(/\n\n+/g, '\n\n');
}

interface Section {
  heading: string;
  start: number;
  end: number;
}

function sections(text: string): { title: string | undefined; sections: Section[] } {
  const path: { level: number; text: string }[] = [];
  const out: Section[] = [];
  let title: string | undefined;
  let fenced = false;
  let pos = 0;
  let sectionStart = 0;
  let heading = '';
  const close = (end: number) => {
    if (/\S/.test(text.slice(sectionStart, end))) out.push({ heading, start: sectionStart, end });
  };
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    let first = pos;
    while (first < lineEnd && first < pos + 3 && text.charCodeAt(first) === 32) first++;
    const lead = text.charCodeAt(first);
    // only a line that starts with #, ` or ~ can be a heading or a fence
    const line = lead === 35 || lead === 96 || lead === 126 ? text.slice(pos, lineEnd).replace(/\r$/, '') : '';
    if (line && FENCE.test(line)) fenced = !fenced;
    const h = fenced || !line ? null : HEADING.exec(line);
    if (h) {
      close(pos);
      const level = (h[1] as string).length;
      const words = stripInline(h[2] as string).trim();
      if (level === 1 && title === undefined) title = words;
      while (path.length && (path[path.length - 1] as { level: number }).level >= level) path.pop();
      path.push({ level, text: words });
      heading = path.map((p) => p.text).join(HEADING_SEPARATOR);
      sectionStart = nl === -1 ? text.length : nl + 1;
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  close(text.length);
  return { title, sections: out };
}

const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
};

/** White space as `\s` in a regular expression. */
const isSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  (c >= 0x80 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff));

/** Whether text[start, end) surely has at most `max` words: fewer white-space characters (quick: indexOf). */
function fewWords(text: string, start: number, end: number, max: number): boolean {
  let n = 0;
  for (const sep of [' ', '\n', '\t', '\u00a0', '\r']) {
    for (let i = text.indexOf(sep, start); i !== -1 && i < end; i = text.indexOf(sep, i + 1)) if (++n >= max) return false;
  }
  return true;
}

/** The document's chunks, in order. */
export function chunkDocument(doc: KnowledgeDoc, options: ChunkOptions = DEFAULT_CHUNKING): Chunk[] {
  const { title, sections: secs } = sections(doc.text);
  const chunks: Chunk[] = [];
  const docTitle = title ?? titleFromSource(doc.source);
  const step = Math.max(1, options.maxWords - options.overlapWords);
  let starts: Int32Array<ArrayBuffer> = new Int32Array(1024);
  let ends: Int32Array<ArrayBuffer> = new Int32Array(1024);
  for (const s of secs) {
    if (fewWords(doc.text, s.start, s.end, options.maxWords)) {
      let start = s.start;
      let end = s.end;
      while (start < end && isSpace(doc.text.charCodeAt(start))) start++;
      while (end > start && isSpace(doc.text.charCodeAt(end - 1))) end--;
      if (start === end) continue;
      const n = chunks.length;
      chunks.push({ id: `${doc.source}#${n}`, source: doc.source, n, title: docTitle, heading: s.heading, start, end });
      continue;
    }
    let count = 0;
    let from = -1;
    for (let i = s.start; i <= s.end; i++) {
      const space = i === s.end || isSpace(doc.text.charCodeAt(i));
      if (!space) {
        if (from < 0) from = i;
        continue;
      }
      if (from < 0) continue;
      if (count === starts.length) {
        starts = grow(starts);
        ends = grow(ends);
      }
      starts[count] = from;
      ends[count++] = i;
      from = -1;
    }
    if (!count) continue;
    for (let i = 0; ; i += step) {
      const last = Math.min(count, i + options.maxWords) - 1;
      const n = chunks.length;
      chunks.push({
        id: `${doc.source}#${n}`,
        source: doc.source,
        n,
        title: docTitle,
        heading: s.heading,
        start: starts[i] as number,
        end: ends[last] as number,
      });
      if (last === count - 1) break;
    }
  }
  return chunks;
}
