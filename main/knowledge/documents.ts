// The knowledge panel's view of knowledge/: each Markdown document with its title, where it was imported from,
// its age (since it was reviewed, else imported, else last changed: in git while the file is as committed, else
// on disk) and whether that makes it stale, and how many passages the index cut it into; and one document's text,
// to open a passage at its offsets. Every file is read through the path helper (confined to the project, within
// the user's size limits, UTF-8).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KnowledgeDocInfo } from '../../shared/api/knowledge';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_FILE_LIMITS, KNOWLEDGE_EXTENSIONS, type FileLimits } from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';
import { readFileState } from '../services/paths';
import { reviewedAtOf, splitFrontMatter } from './frontMatter';
import { blobId, knowledgeGitDates } from './gitAges';

export const DEFAULT_STALE_AFTER_DAYS = 180;
const DAY = 86_400_000;

const titleOf = (body: string, source: string): string =>
  /^ {0,3}# +(.+?)[ \t#]*$/m.exec(body)?.[1]?.trim() ?? source.replace(/\.md$/, '').replace(/[_-]+/g, ' ').trim();

export interface ListOptions {
  limits?: FileLimits;
  staleAfterDays?: number;
  now?: () => Date;
  /** How many commits back a document's last change is looked for (gitAges.ts's AGE_DEPTH by default). */
  historyDepth?: number;
  /**
   * How long the listing waits for the documents' dates from git (a first walk of a long history takes a second
   * or more); past it, the files' dates on disk and `datesPending`. Unbounded by default.
   */
  gitWaitMs?: number;
  /** Passages per document, from the knowledge index (by file name). */
  chunks: (dir: string) => Promise<ReadonlyMap<string, number>>;
}

/** The documents the index reads (knowledge/*.md), by name; files that cannot be read are problems. */
export async function listDocuments(
  dir: string,
  o: ListOptions,
): Promise<{ documents: KnowledgeDocInfo[]; problems: Problem[]; staleAfterDays: number; datesPending?: boolean }> {
  const limits = o.limits ?? DEFAULT_FILE_LIMITS;
  const staleAfterDays = o.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS;
  const now = (o.now ?? (() => new Date()))().getTime();
  const all = (await readdir(path.join(dir, 'knowledge')).catch(() => [] as string[])).filter((f) => !f.startsWith('.')).sort();
  const names = all.filter((f) => f.endsWith('.md'));
  // a clone's files carry the time of the clone: a document as committed dates from its last change in git (read
  // while the index's passages are counted)
  const reading = knowledgeGitDates(dir, o.historyDepth).catch(() => undefined);
  const chunks = await o.chunks(dir);
  const late = Symbol('late');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const got =
    o.gitWaitMs === undefined
      ? await reading
      : await Promise.race([reading, new Promise<typeof late>((r) => (timer = setTimeout(() => r(late), o.gitWaitMs)))]);
  clearTimeout(timer);
  const fromGit = got === late ? undefined : got;
  const documents: KnowledgeDocInfo[] = [];
  const problems: Problem[] = [];
  // a document dropped into knowledge/ as it came (a PDF, a web page) is not searched: said, not left silent
  for (const f of all) {
    const ext = f.slice(f.lastIndexOf('.') + 1).toLowerCase();
    if (f.includes('.') && ext !== 'md' && KNOWLEDGE_EXTENSIONS[ext])
      problems.push({
        severity: 'warning',
        file: `knowledge/${f}`,
        field: '',
        message: 'not searched: the knowledge index reads Markdown only; import it (the Knowledge panel, or parley knowledge import) to convert it',
      });
  }
  for (const source of names) {
    const file = `knowledge/${source}`;
    const state = await readFileState(dir, file, limits);
    if (!state) continue;
    if (!('text' in state)) {
      problems.push(state.problem);
      continue;
    }
    const st = await stat(path.join(dir, file)).catch(() => undefined);
    const committed = fromGit?.blobs.get(source) === blobId(Buffer.from(state.text, 'utf8')) ? fromGit?.changed.get(source) : undefined;
    const updated = committed ?? st?.mtimeMs ?? now;
    const fm = splitFrontMatter(state.text);
    const rec = fm.record;
    const reviewed = reviewedAtOf(fm);
    const reviewedAt = reviewed.value;
    const problem = fm.problem ?? reviewed.problem;
    const marked = Date.parse(reviewedAt ?? rec?.imported_at ?? '');
    const since = marked || updated;
    const ageDays = Math.max(0, Math.floor((now - since) / DAY));
    documents.push({
      source,
      file,
      title: rec?.title ?? titleOf(fm.body, source),
      importedFrom: rec?.imported_from ?? null,
      format: rec?.format ?? null,
      importedAt: rec?.imported_at ?? null,
      reviewedAt,
      updatedAt: new Date(updated).toISOString(),
      changedIn: committed === undefined ? 'disk' : 'git',
      ageDays,
      // counted from its last change, which is older than the history read
      ...(!marked && committed !== undefined && fromGit?.older.has(source) ? { atLeast: true } : {}),
      stale: ageDays > staleAfterDays,
      chunks: chunks.get(source) ?? 0,
      bytes: Buffer.byteLength(state.text, 'utf8'),
      ...(problem ? { problem } : {}),
    });
  }
  return { documents, problems, staleAfterDays, ...(got === late ? { datesPending: true } : {}) };
}

/** A document's text as on disk, with where its body starts (after the front matter). */
export async function readDocument(
  dir: string,
  source: string,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): Promise<{ source: string; file: string; title: string; text: string; bodyStart: number; revision: string }> {
  const file = `knowledge/${source}`;
  const state = await readFileState(dir, file, limits);
  if (!state) throw new ApiError('NOT_FOUND', `${file}: no such document (it was renamed or deleted)`);
  if (!('text' in state)) throw new ApiError('BAD_REQUEST', `${file}: ${state.problem.message}`);
  const fm = splitFrontMatter(state.text);
  return { source, file, title: fm.record?.title ?? titleOf(fm.body, source), text: state.text, bodyStart: fm.bodyStart, revision: state.revision };
}
