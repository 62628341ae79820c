// Imports documents into a project's knowledge/ folder as Markdown: each file is converted whole (convert.ts,
// pdf.ts) and only then written, atomically and under a name no other document has (`fees.md`, then `fees_2.md`),
// with front matter recording where it came from and when (frontMatter.ts). A file that cannot be read, is too
// large or converts to nothing is reported with its reason and nothing of it is written.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FILE_LIMITS, formatBytes, type FileLimits } from '../../shared/project/files';
import { atomicWrite } from '../services/atomicWrite';
import { projectPath } from '../services/paths';
import { convertHtml, convertMarkdown, convertText, DocumentError, formatOf, IMPORT_EXTENSIONS, type Converted } from './convert';
import { frontMatterText, type DocumentFormat } from './frontMatter';
import { convertPdf } from './pdf';

export interface ImportFile {
  /** The original file's name; any folders in it are dropped. */
  name: string;
  bytes: Uint8Array;
}

export type ImportResult =
  | {
      name: string;
      ok: true;
      /** Project-relative, e.g. `knowledge/fees.md`. */
      file: string;
      title: string;
      format: DocumentFormat;
      /** The name the document would have had was taken: it was written under another. */
      renamed: boolean;
      /** An existing document of that name was replaced (only when asked to). */
      replaced: boolean;
    }
  | { name: string; ok: false; error: string };

export interface ImportOptions {
  /** The user's size limits (the original file: text or binary class; the Markdown written: text). */
  limits?: FileLimits;
  /** Replace a document of the same name instead of writing a new name beside it. */
  replace?: boolean;
  now?: () => Date;
}

const MAX_TRIES = 1000;

/** The file name part of a name, folders dropped (either slash). */
export const plainName = (name: string): string => name.split(/[\\/]/).pop() ?? name;

/** `Card Security (2024).pdf` → `card_security_2024`: lower-case letters, digits, `_` and `-`; `document` when nothing is left. */
export function documentSlug(name: string): string {
  const base = plainName(name).replace(/\.[^.]+$/, '');
  const slug = base
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, 80)
    .replace(/[_-]+$/, '');
  return slug || 'document';
}

/** Why a file of this size is not imported (over the user's limit for its format), or undefined. */
export function sizeProblem(name: string, bytes: number, limits: FileLimits = DEFAULT_FILE_LIMITS): string | undefined {
  const pdf = formatOf(name) === 'pdf';
  const max = Math.floor((pdf ? limits.binary : limits.text) * 1_000_000);
  return bytes > max ? `${formatBytes(bytes)} is over the limit of ${formatBytes(max)} for ${pdf ? 'PDF' : 'text'} documents` : undefined;
}

/** Converts one document to Markdown, checking its size first; a DocumentError says why it cannot be. */
export async function convertDocument(file: ImportFile, limits: FileLimits = DEFAULT_FILE_LIMITS): Promise<{ format: DocumentFormat; converted: Converted }> {
  const name = plainName(file.name);
  const format = formatOf(name);
  if (!format) throw new DocumentError(`not a document the importer reads (${IMPORT_EXTENSIONS.join(', ')})`);
  const tooLarge = sizeProblem(name, file.bytes.byteLength, limits);
  if (tooLarge) throw new DocumentError(tooLarge);
  if (!file.bytes.byteLength) throw new DocumentError('the file is empty');
  const converted =
    format === 'pdf'
      ? await convertPdf(file.bytes, name)
      : format === 'html'
        ? convertHtml(file.bytes, name)
        : format === 'text'
          ? convertText(file.bytes, name)
          : convertMarkdown(file.bytes, name);
  return { format, converted };
}

/**
 * Writes `text` as knowledge/<slug>.md, or <slug>_2.md ... when the name is taken: the temp file is linked to its
 * name, which fails if something is there, so a document written meanwhile is never overwritten. With `replace`,
 * the one of that name is replaced atomically instead.
 */
async function writeDocument(projectDir: string, slug: string, text: string, replace: boolean): Promise<{ rel: string; renamed: boolean; replaced: boolean }> {
  const first = await projectPath(projectDir, `knowledge/${slug}.md`);
  const dir = path.dirname(first.abs);
  await fs.mkdir(dir, { recursive: true });
  if (replace) {
    await atomicWrite(first.abs, text);
    return { rel: `knowledge/${slug}.md`, renamed: false, replaced: first.exists };
  }
  const tmp = path.join(dir, `.${slug}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    for (let i = 1; i <= MAX_TRIES; i++) {
      const rel = `knowledge/${slug}${i === 1 ? '' : `_${i}`}.md`;
      // each candidate goes through the path helper: a link planted under that name is refused, not followed
      const target = i === 1 ? first : await projectPath(projectDir, rel);
      if (target.exists) continue;
      try {
        await fs.link(tmp, target.abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      await syncDir(dir);
      return { rel, renamed: i > 1, replaced: false };
    }
    throw new DocumentError(`knowledge/ already has ${slug}.md and ${MAX_TRIES - 1} numbered copies`);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r').catch(() => undefined);
  await h?.sync().catch(() => undefined);
  await h?.close().catch(() => undefined);
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Imports each file in turn; the result of each says where it was written or why it was skipped. */
export async function importDocuments(projectDir: string, files: readonly ImportFile[], o: ImportOptions = {}): Promise<ImportResult[]> {
  const limits = o.limits ?? DEFAULT_FILE_LIMITS;
  const now = o.now ?? (() => new Date());
  const results: ImportResult[] = [];
  for (const file of files) {
    const name = plainName(file.name);
    try {
      const { format, converted } = await convertDocument(file, limits);
      const text =
        frontMatterText({ imported_from: name.slice(0, 255), format, imported_at: now().toISOString(), title: converted.title.slice(0, 500) }) +
        converted.markdown;
      const max = Math.floor(limits.text * 1_000_000);
      const size = Buffer.byteLength(text, 'utf8');
      if (size > max)
        throw new DocumentError(
          `its Markdown would be ${formatBytes(size)}, over the limit of ${formatBytes(max)} for knowledge documents (raise "text" in the user settings' limits, or split the document)`,
        );
      const written = await writeDocument(projectDir, documentSlug(name), text, Boolean(o.replace));
      results.push({ name, ok: true, file: written.rel, title: converted.title, format, renamed: written.renamed, replaced: written.replaced });
    } catch (e) {
      results.push({ name, ok: false, error: errorText(e) });
    }
  }
  return results;
}
