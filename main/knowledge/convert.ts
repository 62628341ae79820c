// Document → Markdown for the knowledge base: Markdown as it is, plain text as paragraphs, HTML sanitised and
// converted with turndown, PDF through pdf.ts. Each converter takes the file's bytes and returns the Markdown
// body and a title, or throws a DocumentError saying why the document cannot be read (nothing is written then).
import TurndownService from 'turndown';
import type { DocumentFormat } from './frontMatter';
import { splitFrontMatter } from './frontMatter';

export class DocumentError extends Error {}

export interface Converted {
  title: string;
  /** The Markdown body (no front matter), ending with one newline. */
  markdown: string;
}

const EXTENSIONS: Record<string, DocumentFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  txt: 'text',
  pdf: 'pdf',
};

/** The extensions the importer accepts, with the dot (for file pickers and messages). */
export const IMPORT_EXTENSIONS = Object.keys(EXTENSIONS).map((e) => `.${e}`);

/** The format of a file by its extension, or undefined when the importer does not read it. */
export function formatOf(name: string): DocumentFormat | undefined {
  const i = name.lastIndexOf('.');
  return i > 0 ? EXTENSIONS[name.slice(i + 1).toLowerCase()] : undefined;
}

/** The bytes as UTF-8 text (a BOM dropped); binary data or another encoding is an error, never guessed at. */
export function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DocumentError('not UTF-8 text (a binary file, or another encoding: save it as UTF-8)');
  }
  if (text.includes('\u0000')) throw new DocumentError('binary data (NUL bytes), not a text document');
  return text.replace(/\r\n?/g, '\n');
}

const firstHeading = (md: string): string | undefined => /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(md)?.[1]?.trim();

const baseName = (name: string) => name.replace(/\.[^.]+$/, '');

const finish = (md: string): string =>
  `${md
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;

export function convertMarkdown(bytes: Uint8Array, name: string): Converted {
  // a document's own front matter is dropped: the importer writes its own record there
  const md = splitFrontMatter(decodeUtf8(bytes)).body;
  if (!md.trim()) throw new DocumentError('the document is empty');
  return { title: firstHeading(md) ?? baseName(name), markdown: finish(md) };
}

/** A line that Markdown would read as a heading, a list, a quote or a rule is escaped, so text stays text. */
const escapeLine = (line: string): string => line.replace(/^(\s*)([#>+*-]|\d+[.)]|=+$|`{3,}|~{3,})/, '$1\\$2');

export function convertText(bytes: Uint8Array, name: string): Converted {
  const text = decodeUtf8(bytes);
  const paragraphs = text
    .split(/\n[ \t]*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => escapeLine(l.trim()))
        .filter(Boolean)
        .join('\n'),
    )
    .filter(Boolean);
  if (!paragraphs.length) throw new DocumentError('the document is empty');
  const title = baseName(name);
  return { title, markdown: finish(`# ${title}\n\n${paragraphs.join('\n\n')}`) };
}

/** Elements whose content is code, styling, embedded content or input, never document text. */
const DANGEROUS = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'form',
  'noscript',
  'svg',
  'template',
  'canvas',
  'audio',
  'video',
  'button',
  'select',
  'textarea',
  'head',
  'meta',
  'link',
  'base',
]);

const SAFE_LINK = /^(https?:|mailto:|tel:)/i;

/** HTML → Markdown: dangerous elements removed with their content, links kept as text and URL (http, mail and tel only), images as their alt text. */
export function convertHtml(bytes: Uint8Array, name: string): Converted {
  const html = decodeUtf8(bytes);
  let title = '';
  const td = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*' });
  td.remove((node) => DANGEROUS.has(node.nodeName.toLowerCase()));
  td.addRule('title', {
    filter: 'title',
    replacement: (content) => {
      title ||= content.replace(/\s+/g, ' ').trim();
      return '';
    },
  });
  td.addRule('links', {
    filter: 'a',
    replacement: (content, node) => {
      const href = ((node as HTMLElement).getAttribute('href') ?? '').trim();
      const text = content.trim();
      if (!SAFE_LINK.test(href)) return text;
      if (!text || text === href) return `<${href}>`;
      return `[${text}](${href.replace(/[()]/g, (c) => encodeURIComponent(c))})`;
    },
  });
  // list items with one space after the marker (turndown pads them to four columns)
  td.addRule('listItems', {
    filter: 'li',
    replacement: (content, node) => {
      const li = node as HTMLElement;
      const parent = li.parentNode as HTMLElement | null;
      let marker = '- ';
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? '1');
        marker = `${(Number.isFinite(start) ? start : 1) + Array.prototype.indexOf.call(parent.children, li)}. `;
      }
      const body = content
        .replace(/^\n+/, '')
        .replace(/\n+$/, '\n')
        .replace(/\n(?!$)/g, `\n${' '.repeat(marker.length)}`);
      return marker + body + (li.nextSibling && !body.endsWith('\n') ? '\n' : '');
    },
  });
  td.addRule('images', {
    filter: 'img',
    replacement: (_content, node) => ((node as HTMLElement).getAttribute('alt') ?? '').trim(),
  });
  let md: string;
  try {
    md = td.turndown(html);
  } catch (e) {
    throw new DocumentError(`the HTML cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  md = finish(md);
  if (!md.trim()) throw new DocumentError('the page has no text');
  // the page's title: its first top-level heading, else its <title> (written as one), else any heading
  const h1 = /^# (.+)$/m.exec(md)?.[1]?.trim();
  if (!h1 && title) md = `# ${title}\n\n${md}`;
  return { title: h1 ?? (title || firstHeading(md) || baseName(name)), markdown: md };
}
