// PDF → Markdown with pdf.js (pdfjs-dist's legacy build, the one for Node), eval off (CVE-2024-4367: a font
// could run script through the glyph compiler). Text page by page, lines rebuilt from the text items' positions,
// paragraphs split at larger gaps, headings guessed from font size (larger than the body text, and short), and
// a marker comment before each page (`<!-- page 3 -->`) so a passage can be traced to its page.
import { createRequire } from 'node:module';
import { DocumentError, type Converted } from './convert';

/** Pages read at most: a longer document is refused rather than cut. */
export const MAX_PDF_PAGES = 2000;

interface Item {
  str: string;
  /** The font's height in user space. */
  size: number;
  x: number;
  y: number;
  width: number;
  eol: boolean;
}

interface Line {
  text: string;
  size: number;
  y: number;
}

const CANVAS = '@napi-rs/canvas';

/**
 * pdf.js in Node takes DOMMatrix, ImageData and Path2D from @napi-rs/canvas, which it loads with a `require` made
 * from `import.meta.url`; a CommonJS bundle (the Electron main process) has no `import.meta.url`, and pdf.js
 * cannot load without DOMMatrix, so they are put in place here first, with whichever `require` this build has.
 */
function canvasGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  if (g.DOMMatrix) return;
  try {
    const req = typeof require === 'function' ? require : createRequire(import.meta.url);
    const canvas = req(CANVAS) as Record<string, unknown>;
    for (const name of ['DOMMatrix', 'ImageData', 'Path2D']) g[name] ??= canvas[name];
  } catch {
    // not installed: pdf.js says what is missing, and a PDF that cannot be read is reported as such
  }
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let loading: Promise<PdfJs> | undefined;

/**
 * pdf.js and its worker code, loaded once. The worker runs in this thread (pdf.js's "fake worker", found at
 * `globalThis.pdfjsWorker`), so a bundled build needs no separate worker file.
 */
function pdfjs(): Promise<PdfJs> {
  return (loading ??= (async () => {
    canvasGlobals();
    const g = globalThis as { pdfjsWorker?: unknown };
    g.pdfjsWorker ??= await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })());
}

const baseName = (name: string) => name.replace(/\.[^.]+$/, '');

function linesOf(items: Item[]): Line[] {
  const lines: Line[] = [];
  let cur: { parts: string[]; sizes: Map<number, number>; y: number } | undefined;
  let lastX = -Infinity;
  const flush = () => {
    const text = cur?.parts.join('').replace(/\s+/g, ' ').trim();
    if (cur && text) lines.push({ text, size: mostUsed(cur.sizes), y: cur.y });
    cur = undefined;
  };
  for (const it of items) {
    // a new baseline starts a new line (a tolerance of a fifth of the font size for sub- and superscripts)
    if (cur && it.str.trim() && Math.abs(it.y - cur.y) > Math.max(1, 0.2 * it.size)) flush();
    if (it.str) {
      cur ??= { parts: [], sizes: new Map(), y: it.y };
      // items on one line with a visible gap between them: a space, unless the text already has one
      const prev = cur.parts[cur.parts.length - 1];
      if (prev && !/\s$/.test(prev) && !/^\s/.test(it.str) && it.x > lastX + 0.15 * it.size) cur.parts.push(' ');
      cur.parts.push(it.str);
      const size = Math.round(it.size * 2) / 2;
      cur.sizes.set(size, (cur.sizes.get(size) ?? 0) + it.str.trim().length);
      lastX = it.x + it.width;
    }
    if (it.eol) flush();
  }
  flush();
  return lines;
}

/** The key with the largest count. */
function mostUsed(counts: Map<number, number>): number {
  let best = 0;
  let most = -1;
  for (const [k, n] of counts) if (n > most) [best, most] = [k, n];
  return best;
}

/** The body text's size: the size most characters of the document are set in. */
function bodySize(pages: Line[][]): number {
  const count = new Map<number, number>();
  for (const page of pages) for (const l of page) count.set(Math.round(l.size), (count.get(Math.round(l.size)) ?? 0) + l.text.length);
  return mostUsed(count);
}

/** Heading levels for the sizes clearly above the body's: the largest is `#`, then `##`, then `###`. */
function headingLevels(pages: Line[][], body: number): Map<number, number> {
  const sizes = new Set<number>();
  for (const page of pages) for (const l of page) if (Math.round(l.size) >= body * 1.15 && l.text.length <= 120) sizes.add(Math.round(l.size));
  const levels = new Map<number, number>();
  [...sizes].sort((a, b) => b - a).forEach((s, i) => levels.set(s, Math.min(i + 1, 3)));
  return levels;
}

const escapeText = (line: string): string => line.replace(/^(\s*)([#>+*-]|\d+[.)]|=+$|`{3,}|~{3,})/, '$1\\$2').replace(/<!--/g, '<\\!--');

function pageMarkdown(lines: Line[], levels: Map<number, number>, body: number): string {
  const out: string[] = [];
  let para: string[] = [];
  let prevY: number | undefined;
  const endPara = () => {
    if (para.length) out.push(para.join(' '));
    para = [];
  };
  for (const l of lines) {
    const level = levels.get(Math.round(l.size));
    if (level) {
      endPara();
      // a heading set over two lines continues the one before it
      const last = out[out.length - 1];
      if (last?.startsWith('#'.repeat(level) + ' ') && prevY !== undefined && Math.abs(prevY - l.y) < l.size * 1.6) out[out.length - 1] = `${last} ${l.text}`;
      else out.push(`${'#'.repeat(level)} ${l.text.replace(/^#+\s*/, '')}`);
    } else {
      // a gap of more than one and a half lines ends a paragraph
      if (prevY !== undefined && Math.abs(prevY - l.y) > Math.max(l.size, body) * 1.5) endPara();
      para.push(escapeText(l.text));
    }
    prevY = l.y;
  }
  endPara();
  return out.join('\n\n');
}

export async function convertPdf(bytes: Uint8Array, name: string): Promise<Converted> {
  const { getDocument } = await pdfjs();
  // a copy: pdf.js takes ownership of the buffer it is given
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: true,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    const what = e instanceof Error ? e.message : String(e);
    if (e instanceof Error && e.name === 'PasswordException') throw new DocumentError('the PDF is password-protected');
    throw new DocumentError(`not a readable PDF (${what})`);
  }
  try {
    if (doc.numPages > MAX_PDF_PAGES) throw new DocumentError(`the PDF has ${doc.numPages} pages; at most ${MAX_PDF_PAGES} are imported`);
    const pages: Line[][] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const it of content.items) {
        if (!('str' in it)) continue;
        const [a, b, , , x, y] = it.transform as number[];
        items.push({ str: it.str, size: it.height || Math.hypot(a ?? 0, b ?? 0), x: x ?? 0, y: y ?? 0, width: it.width, eol: it.hasEOL });
      }
      pages.push(linesOf(items));
      page.cleanup();
    }
    if (!pages.some((l) => l.length)) throw new DocumentError('the PDF has no text (a scan? Parley does not read text from images)');
    const body = bodySize(pages);
    const levels = headingLevels(pages, body);
    const parts = pages.map((lines, i) => `<!-- page ${i + 1} -->\n\n${pageMarkdown(lines, levels, body)}`.trimEnd());
    let md = parts.join('\n\n');
    const heading = /^#{1,6} (.+)$/m.exec(md)?.[1]?.trim();
    const title = heading ?? baseName(name);
    if (!heading) md = `# ${title}\n\n${md}`;
    return { title, markdown: `${md.replace(/\n{3,}/g, '\n\n').trim()}\n` };
  } catch (e) {
    if (e instanceof DocumentError) throw e;
    throw new DocumentError(`the PDF cannot be read (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
