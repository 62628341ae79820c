// The project's review files (`reviews/<flowId>.yaml`: comment threads and the flow's approval), read and written
// by main only: each change is stamped with the user's git identity and the time, applied to the file as it is on
// disk (under a lock per file), and written atomically. A review file that does not load is reported and never
// written over. An approval holds the digest of the flow it approved; saving a flow that no longer matches clears
// it (`clearOutdated`).
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Handlers } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { ReviewMethod, ReviewsSnapshot } from '../../shared/api/reviews';
import type { FileLimits } from '../../shared/project/files';
import type { Problem } from '../../shared/project/problems';
import { reviewDigest } from '../../shared/project/reviewDigest';
import type { Flow } from '../../shared/schema/project';
import { mentionsOf, REVIEWS_DIR, ReviewFile, reviewFile, type Person } from '../../shared/schema/reviews';
import { atomicWrite } from './atomicWrite';
import { projectFilesAt } from './gitRevision';
import { scriptPdf } from './scriptPdf';
import { scriptDoc } from '../../shared/project/script';
import { loadFromFiles, readProjectFiles } from './projectStore';
import { diffProjects } from '../../shared/project/projectDiff';
import type { DeckModel } from '../../shared/copy/deck';
import { projectPath, readProjectFile } from './paths';

export interface ReviewOptions {
  dir(): string;
  sameProject(project: string): void;
  limits: FileLimits;
  /** The flow as saved on disk (what an approval approves). */
  savedFlow(flowId: string): Flow | undefined;
  identity(): Promise<Person>;
  /** The project as saved (what a diff compares with the revision). */
  savedModel(): DeckModel | undefined;
  now?: () => Date;
}

type Read = { ok: true; file: ReviewFile } | { ok: false; problem: Problem };

async function readReview(dir: string, rel: string, limits: FileLimits): Promise<Read | undefined> {
  let text: string;
  try {
    text = (await readProjectFile(dir, rel, limits)).bytes.toString('utf8');
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_FOUND') return undefined;
    return { ok: false, problem: { severity: 'error', file: rel, field: '', message: e instanceof Error ? e.message : String(e) } };
  }
  let value: unknown;
  try {
    value = parse(text) ?? {};
  } catch (e) {
    return { ok: false, problem: { severity: 'error', file: rel, field: '', message: `does not parse: ${(e as Error).message.split('\n')[0]}` } };
  }
  const r = ReviewFile.safeParse(value);
  if (r.success) return { ok: true, file: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, problem: { severity: 'error', file: rel, field: issue.path.join('.'), message: issue.message } };
}

const newThreadId = () =>
  `t_${BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString(36)
    .slice(0, 10)}`;

export function createReviews(o: ReviewOptions) {
  const locks = new Map<string, Promise<unknown>>();
  const now = () => (o.now?.() ?? new Date()).toISOString();

  /** Runs `fn` on a flow's review file as on disk and writes what it returns (under the file's lock). */
  function update(flowId: string, fn: (file: ReviewFile, me: Person) => ReviewFile | undefined): Promise<ReviewFile> {
    const rel = reviewFile(flowId);
    const run = (locks.get(rel) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        const dir = o.dir();
        const read = await readReview(dir, rel, o.limits);
        if (read && !read.ok) throw new ApiError('INVALID_PROJECT', `${rel} does not load (${read.problem.message}); fix it in the source view first`);
        const before = read?.file ?? {};
        const after = fn(before, await o.identity());
        if (!after) return before;
        const { abs } = await projectPath(dir, rel);
        await fs.mkdir(path.dirname(abs), { recursive: true });
        await atomicWrite(abs, stringify(ReviewFile.parse(after), { lineWidth: 0 }));
        return after;
      });
    locks.set(rel, run);
    return run;
  }

  const thread = (file: ReviewFile, id: string) => {
    const t = file.threads?.find((x) => x.id === id);
    if (!t) throw new ApiError('NOT_FOUND', `no thread ${id}`);
    return t;
  };

  const handlers: Pick<Handlers, ReviewMethod> = {
    'reviews.list': async (): Promise<ReviewsSnapshot> => {
      const dir = o.dir();
      const files: ReviewsSnapshot['files'] = {};
      const problems: Problem[] = [];
      const names = await fs.readdir(path.join(dir, REVIEWS_DIR)).catch(() => [] as string[]);
      for (const name of names.filter((n) => /^[a-z][a-z0-9_]{0,63}\.yaml$/.test(n)).sort()) {
        const read = await readReview(dir, `${REVIEWS_DIR}/${name}`, o.limits);
        if (!read) continue;
        if (read.ok) files[name.slice(0, -5)] = read.file;
        else problems.push(read.problem);
      }
      return { files, problems, me: await o.identity() };
    },
    'reviews.comment': async ({ project, flowId, text, anchor, threadId }) => {
      o.sameProject(project);
      return update(flowId, (file, me) => {
        const mentions = mentionsOf(text);
        const comment = { by: me, at: now(), text, ...(mentions.length ? { mentions } : {}) };
        const threads = [...(file.threads ?? [])];
        if (threadId) {
          const t = thread(file, threadId);
          threads[threads.indexOf(t)] = { ...t, comments: [...t.comments, comment] };
        } else threads.push({ id: newThreadId(), anchor: anchor!, comments: [comment] });
        return { ...file, threads };
      });
    },
    'reviews.resolve': async ({ project, flowId, threadId, resolved }) => {
      o.sameProject(project);
      return update(flowId, (file, me) => {
        const t = thread(file, threadId);
        const { resolved: _was, ...open } = t;
        const next = resolved ? { ...open, resolved: { by: me, at: now() } } : open;
        return { ...file, threads: (file.threads ?? []).map((x) => (x === t ? next : x)) };
      });
    },
    'project.diff': async ({ rev, against }) => {
      const now = o.savedModel();
      if (!now) throw new ApiError('NO_PROJECT', 'no project is open');
      const read = against
        ? { files: await readProjectFiles(path.resolve(against), o.limits), commit: undefined }
        : await projectFilesAt(o.dir(), rev ?? 'HEAD', o.limits);
      const before = loadFromFiles(read.files).project;
      if (!before) throw new ApiError('INVALID_PROJECT', `the project at ${against ?? rev ?? 'HEAD'} does not load`);
      const diff = diffProjects({ manifest: before.manifest, flows: before.flows, guardrails: before.guardrails }, now);
      return { diff, ...(read.commit ? { commit: read.commit } : {}) };
    },
    'reviews.renameNode': async ({ project, flowId, from, to }) => {
      o.sameProject(project);
      let threads = 0;
      const read = await readReview(o.dir(), reviewFile(flowId), o.limits);
      if (!read?.ok || !read.file.threads?.some((t) => 'node' in t.anchor && t.anchor.node === from)) return { threads };
      await update(flowId, (file) => ({
        ...file,
        threads: (file.threads ?? []).map((t) => {
          if (!('node' in t.anchor) || t.anchor.node !== from) return t;
          threads++;
          return { ...t, anchor: { node: to } };
        }),
      }));
      return { threads };
    },
    'script.pdf': async ({ project, flowId, locale }) => {
      o.sameProject(project);
      const model = o.savedModel();
      const flow = model?.flows[flowId];
      if (!model || !flow) throw new ApiError('NOT_FOUND', `no flow ${flowId}`);
      if (!model.manifest.locales.includes(locale)) throw new ApiError('BAD_REQUEST', `${locale} is not a locale of the project`);
      const pdf = await scriptPdf([scriptDoc(flowId, flow, locale, model.manifest.defaultLocale)], flow.name);
      return { base64: pdf.toString('base64') };
    },
    'reviews.approve': async ({ project, flowId, approve, note }) => {
      o.sameProject(project);
      const flow = o.savedFlow(flowId);
      if (!flow) throw new ApiError('NOT_FOUND', `no flow ${flowId}`);
      return update(flowId, (file, me) => {
        const { approval: _old, ...rest } = file;
        if (!approve) return rest;
        return { ...rest, approval: { by: me, at: now(), ...(note ? { note } : {}), digest: reviewDigest(flow) } };
      });
    },
  };

  return {
    handlers,
    /** After a flow was saved: its approval goes when the flow no longer is what was approved. */
    async clearOutdated(flowId: string, flow: Flow): Promise<void> {
      const read = await readReview(o.dir(), reviewFile(flowId), o.limits).catch(() => undefined);
      if (!read?.ok || !read.file.approval || read.file.approval.digest === reviewDigest(flow)) return;
      await update(flowId, (file) => {
        if (!file.approval || file.approval.digest === reviewDigest(flow)) return undefined;
        const { approval: _gone, ...rest } = file;
        return rest;
      });
    },
  };
}
