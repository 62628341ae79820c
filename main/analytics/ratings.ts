// The reviewers' ratings of sampled conversations, in the project's `insights/ratings.yaml` (shared/schema/ratings.ts):
// read as on disk, changed under a lock, stamped with the user's git identity and the time, written atomically.
// A ratings file that does not load is reported and never written over.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ApiError } from '../../shared/api/errors';
import type { FileLimits } from '../../shared/project/files';
import { RATINGS_FILE, RatingsFile, type Rating } from '../../shared/schema/ratings';
import type { Person } from '../../shared/schema/reviews';
import { atomicWrite } from '../services/atomicWrite';
import { projectPath, readProjectFile } from '../services/paths';

export interface RatingsOptions {
  dir(): string;
  limits: FileLimits;
  identity(): Promise<Person>;
  now?: () => Date;
}

type Read = { ok: true; file: RatingsFile } | { ok: false; message: string };

async function readRatings(dir: string, limits: FileLimits): Promise<Read> {
  let text: string;
  try {
    text = (await readProjectFile(dir, RATINGS_FILE, limits)).bytes.toString('utf8');
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_FOUND') return { ok: true, file: {} };
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  let value: unknown;
  try {
    value = parse(text) ?? {};
  } catch (e) {
    return { ok: false, message: `does not parse: ${(e as Error).message.split('\n')[0]}` };
  }
  const r = RatingsFile.safeParse(value);
  if (r.success) return { ok: true, file: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, message: `${issue.path.join('.') || '(file)'}: ${issue.message}` };
}

export function createRatings(o: RatingsOptions) {
  let lock: Promise<unknown> = Promise.resolve();
  return {
    /** The ratings, or why the file does not load. */
    async list(): Promise<{ ratings: Rating[]; problem?: string }> {
      const read = await readRatings(o.dir(), o.limits);
      return read.ok ? { ratings: read.file.ratings ?? [] } : { ratings: [], problem: `${RATINGS_FILE}: ${read.message}` };
    },
    /** Rates a conversation: the user's earlier rating of it is replaced, others' are kept. */
    rate(r: { conversation: string; rating: Rating['rating']; tags?: string[]; note?: string }): Promise<Rating> {
      const run = lock
        .catch(() => undefined)
        .then(async () => {
          const dir = o.dir();
          const read = await readRatings(dir, o.limits);
          if (!read.ok) throw new ApiError('INVALID_PROJECT', `${RATINGS_FILE} does not load (${read.message}); fix it in the source view first`);
          const by = await o.identity();
          const tags = [...new Set((r.tags ?? []).map((t) => t.trim()).filter(Boolean))];
          const rating: Rating = {
            conversation: r.conversation,
            rating: r.rating,
            ...(tags.length ? { tags } : {}),
            ...(r.note?.trim() ? { note: r.note.trim() } : {}),
            by,
            at: (o.now?.() ?? new Date()).toISOString(),
          };
          const others = (read.file.ratings ?? []).filter((x) => !(x.conversation === r.conversation && x.by.name === by.name && x.by.email === by.email));
          const next = RatingsFile.parse({ ratings: [...others, rating] });
          const { abs } = await projectPath(dir, RATINGS_FILE);
          await fs.mkdir(path.dirname(abs), { recursive: true });
          await atomicWrite(abs, stringify(next, { lineWidth: 0 }));
          return rating;
        });
      lock = run;
      return run;
    },
  };
}
