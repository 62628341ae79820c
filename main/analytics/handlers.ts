// The Insights panel's contract methods (shared/api/insights.ts), served to both hosts through the one handler table
// (main/services/mainServices.ts). The open project's analytics store (store.ts) is opened on first use and closed
// when another project opens; its file is in the user's data folder (location.ts). Writes to the project (an intent
// made from a cluster) go through the project store, so they are checked, atomic and seen by every window.
import { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { Handlers } from '../../shared/api/contract';
import { NluFile } from '../../shared/schema/project';
import { discoverIntents } from './discover';
import { analyzeAbTest, wilsonInterval } from '../../shared/insights/abtest';
import { judgeCoherence, type CoherenceItem } from '../../shared/insights/coherence';
import type { LlmPort } from '../../shared/engine/ports';
import { analyticsDbFile } from './location';
import { AnalyticsStore } from './store';
import { createRatings } from './ratings';
import type { FileLimits } from '../../shared/project/files';
import type { Person } from '../../shared/schema/reviews';
import { storyFromTranscript } from '../../shared/stories/fromTranscript';
import { storyFileName, storyYaml } from '../../shared/stories/fromConversation';

export type InsightsMethod = Extract<keyof Handlers, `insights.${string}`>;

export interface InsightsHandlerOptions {
  /** The open project's folder (throws NO_PROJECT when none is). */
  dir: () => string;
  /** Refuses a write for a project that is no longer the open one (CONFLICT). */
  sameProject: (project: string) => void;
  userDataDir: string;
  readFile: (rel: string) => Promise<{ text: string; revision: string }>;
  limits: FileLimits;
  identity(): Promise<Person>;
  /** Whether a project file exists (a story draft's name must be free). */
  exists(rel: string): Promise<boolean>;
  /** The open project's model as the user trusts it (a refusing port when not trusted), for the coherence judge. */
  judge(): Promise<LlmPort | undefined>;
  writeFile: (rel: string, text: string, baseRevision: string | null) => Promise<unknown>;
}

const NLU_FILE = 'nlu.yaml';
/** Below this confidence an understood intent still counts as not understood (for discovery). */
const LOW_CONFIDENCE = 0.5;
const UTTERANCES_LISTED = 200;

/** The node most of a cluster's utterances were said at, and the share said there. */
function mostSaidAt(members: readonly { count: number; at: string }[]): { node: string; share: number } | null {
  const by = new Map<string, number>();
  let total = 0;
  for (const m of members) {
    if (m.at) by.set(m.at, (by.get(m.at) ?? 0) + m.count);
    total += m.count;
  }
  const [node, n] = [...by].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
  return node && total ? { node, share: n! / total } : null;
}

export function createInsightsHandlers(o: InsightsHandlerOptions): Pick<Handlers, InsightsMethod> & { dispose(): void } {
  let open: { dir: string; file: string; store: Promise<AnalyticsStore> } | undefined;
  const store = async (): Promise<{ store: AnalyticsStore; file: string }> => {
    const dir = o.dir();
    if (open?.dir !== dir) {
      const previous = open;
      const file = analyticsDbFile(o.userDataDir, dir);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      open = { dir, file, store: AnalyticsStore.open(file) };
      void previous?.store.then((s) => s.close()).catch(() => undefined);
    }
    const { file } = open;
    return { store: await open.store, file };
  };

  const ratings = createRatings({ dir: o.dir, limits: o.limits, identity: o.identity });

  async function intents() {
    try {
      const { text } = await o.readFile(NLU_FILE);
      const nlu = NluFile.safeParse(parseDocument(text).toJS());
      return nlu.success ? nlu.data.intents : [];
    } catch {
      return [];
    }
  }

  return {
    'insights.status': async () => {
      const { store: s, file } = await store();
      return { db: file, ...(await s.counts()), ...(await s.days()), retentionDays: (await s.retentionDays()) ?? null };
    },
    'insights.import': async ({ project, paths }) => {
      o.sameProject(project);
      // typed by the user in the panel: ~ is their home folder; anything else must be a full path (not one relative
      // to wherever main happens to run)
      const full = paths.map((p) => {
        const expanded = p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
        if (!path.isAbsolute(expanded)) throw new ApiError('BAD_REQUEST', `${p}: give the full path of a transcript file or folder (e.g. /var/log/parley)`);
        return path.normalize(expanded);
      });
      const { store: s } = await store();
      try {
        return await s.import(full);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new ApiError('NOT_FOUND', `no such file or folder: ${(e as NodeJS.ErrnoException).path ?? paths.join(', ')}`);
        throw e;
      }
    },
    'insights.overlay': async ({ range }) => (await store()).store.overlay(range),
    'insights.failurePaths': async ({ range, limit }) => ({ paths: await (await store()).store.failurePaths(range, limit) }),
    'insights.pathConversations': async ({ range, path: p, ending, limit }) => ({
      conversations: await (await store()).store.pathConversations(range, p, ending, limit),
    }),
    'insights.conversation': async ({ id }) => (await (await store()).store.conversation(id)) ?? null,
    'insights.discover': async ({ range, maxConfidence, locale }) => {
      const utterances = await (await store()).store.unmatched(range, maxConfidence ?? LOW_CONFIDENCE);
      const known = (await intents()).map((i) => ({ id: i.id, examples: i.examples[locale ?? 'en'] ?? [] }));
      const found = discoverIntents(utterances, { intents: known, ...(locale ? { locale } : {}) });
      const members = found.clusters.map(() => [] as { text: string; count: number; at: string }[]);
      found.labels.forEach((c, i) => c >= 0 && members[c]?.push(utterances[i]!));
      return {
        clusters: found.clusters.map((c, i) => ({
          ...c,
          utterances: members[i]!.sort((a, b) => b.count - a.count || a.text.localeCompare(b.text))
            .slice(0, UTTERANCES_LISTED)
            .map(({ text, count }) => ({ text, count })),
          at: mostSaidAt(members[i]!),
        })),
        noise: found.noise,
        total: found.total,
      };
    },
    'insights.addExamples': async ({ project, intent, create, description, locale, examples }) => {
      o.sameProject(project);
      const { text, revision } = await o.readFile(NLU_FILE);
      const doc = parseDocument(text);
      if (doc.errors.length) throw new ApiError('INVALID_PROJECT', `${NLU_FILE} does not parse (${doc.errors[0]!.message}); fix it in the source view first`);
      const list = doc.get('intents');
      if (!isSeq(list)) throw new ApiError('INVALID_PROJECT', `${NLU_FILE}: intents is not a list`);
      let item = list.items.find((it) => isMap(it) && it.get('id') === intent) as YAMLMap | undefined;
      if (item && create) throw new ApiError('CONFLICT', `${NLU_FILE} already has an intent ${intent}; add the examples to it instead`);
      if (!item && !create) throw new ApiError('NOT_FOUND', `${NLU_FILE} has no intent ${intent}`);
      if (!item) {
        item = doc.createNode({ id: intent, ...(description ? { description } : {}), examples: {} }) as YAMLMap;
        list.items.push(item);
      }
      if (!isMap(item.get('examples'))) item.set('examples', doc.createNode({}));
      const byLocale = item.get('examples') as YAMLMap;
      if (!isSeq(byLocale.get(locale))) byLocale.set(locale, doc.createNode([]));
      const seq = byLocale.get(locale) as YAMLSeq;
      const have = new Set(
        seq.items.map((x) =>
          String((x as { value?: unknown }).value ?? x)
            .trim()
            .toLowerCase(),
        ),
      );
      let added = 0;
      for (const e of examples) {
        const key = e.trim().toLowerCase();
        if (!key || have.has(key)) continue;
        have.add(key);
        seq.items.push(doc.createNode(e.trim()));
        added++;
      }
      await o.writeFile(NLU_FILE, doc.toString(), revision);
      return { intent, created: create, added };
    },
    'insights.sample': async ({ range, size, only, stratify, seed }) => ({
      conversations: await (
        await store()
      ).store.sample(range, { size, ...(only ? { only } : {}), ...(stratify ? { stratify } : {}), ...(seed !== undefined ? { seed } : {}) }),
    }),
    'insights.ratings': async () => ratings.list(),
    'insights.rate': async ({ project, conversation, rating, tags, note }) => {
      o.sameProject(project);
      return ratings.rate({ conversation, rating, ...(tags ? { tags } : {}), ...(note !== undefined ? { note } : {}) });
    },
    'insights.storyDraft': async ({ id, name }) => {
      const c = await (await store()).store.conversation(id);
      if (!c) throw new ApiError('NOT_FOUND', `no conversation ${id} in the analytics store`);
      const title = name ?? `Production conversation ${id}`;
      const { story, redactions } = storyFromTranscript(id, c.turns, { name: title });
      const base = `stories/from-production/${storyFileName(title)}`;
      let file = `${base}.yaml`;
      for (let i = 2; await o.exists(file); i++) file = `${base}_${i}.yaml`;
      return { file, text: storyYaml(story), redactions };
    },
    'insights.ab': async ({ range, metric, mde }) => {
      const arms = await (await store()).store.variantArms(range);
      const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;
      const nodes = [...new Set(arms.map((a) => a.node))];
      return {
        experiments: nodes.map((node) => {
          const variants = arms.filter((a) => a.node === node);
          const total = variants.reduce((n, v) => n + v.conversations, 0);
          const result = analyzeAbTest({
            metric,
            ...(mde ? { mde } : {}),
            // the control: the variant called so, else the first
            ...(variants.some((v) => v.variant === 'control') ? { control: 'control' } : {}),
            // looked at once a day: a day's traffic between looks (what "more conversations needed" plans with)
            looksEvery: Math.max(1, Math.round(total / days)),
            variants: variants.map((v) => ({
              id: v.variant,
              conversations: v.conversations,
              escalated: v.escalated,
              completed: v.completed,
              ...(v.csat.count ? { csat: v.csat } : {}),
            })),
          });
          return { node, days, ...result };
        }),
      };
    },
    'insights.metrics': async ({ range }) => {
      const m = await (await store()).store.metrics(range);
      const rate = (x: number) => ({ count: x, rate: m.conversations ? x / m.conversations : null, interval: wilsonInterval(x, m.conversations) });
      const { responses, mean, sd } = m.csat;
      // a normal interval of the mean: CSAT samples are large when there is any point in showing one
      const csatHalf = mean !== null && sd !== null && responses > 1 ? (1.96 * sd) / Math.sqrt(responses) : null;
      return {
        conversations: m.conversations,
        containment: rate(m.contained),
        escalation: rate(m.escalated),
        resolution: rate(m.resolved),
        csat: { responses, mean, interval: csatHalf === null || mean === null ? null : { low: mean - csatHalf, high: mean + csatHalf } },
      };
    },
    'insights.coherence': async ({ project, range, size, seed }) => {
      o.sameProject(project);
      const llm = await o.judge();
      if (!llm) throw new ApiError('INVALID_PROJECT', 'no model is configured: add an llm section to parley.yaml to judge coherence');
      const { store: s } = await store();
      // the conversations reviewers rated in the range first (to measure the judge against them), then random ones
      const rated = new Map<string, 'good' | 'bad'>();
      for (const r of (await ratings.list()).ratings) rated.set(r.conversation, r.rating);
      const items: CoherenceItem[] = [];
      const inRange = (day: string | undefined) => day !== undefined && day >= range.from && day <= range.to;
      for (const [id, human] of rated) {
        if (items.length >= size) break;
        const c = await s.conversation(id);
        if (c && inRange(c.turns[0]?.at.slice(0, 10))) items.push({ conversation: id, turns: c.turns, human });
      }
      for (const id of await s.multiTurnSample(range, size, seed ?? 1)) {
        if (items.length >= size) break;
        if (rated.has(id)) continue;
        const c = await s.conversation(id);
        if (c) items.push({ conversation: id, turns: c.turns });
      }
      return judgeCoherence(items, llm);
    },
    'insights.erase': async ({ project, conversations }) => {
      o.sameProject(project);
      return { erased: await (await store()).store.erase(conversations) };
    },
    'insights.retention': async ({ project, days }) => {
      o.sameProject(project);
      return { deleted: await (await store()).store.setRetention(days ?? undefined) };
    },
    dispose() {
      void open?.store.then((s) => s.close()).catch(() => undefined);
      open = undefined;
    },
  };
}
