// `parley traffic <bundleOrProject> --stories ... --conversations N --out <dir>`: realistic synthetic traffic through a
// running runtime, so Insights can be shown and tested without production data. The bundle (a project is exported
// to one first) is served in this process on 127.0.0.1 with --fixtures and a short session TTL, writing its
// transcripts to `--out` as in production; the project's stories are played on it again and again, each
// conversation with the story's fixtures (no backend, no model), its customer's words perturbed at times (typos,
// speech-recognition slips, casing: shared/stories/perturb.ts), A/B variants assigned by the runtime as for real
// customers, some conversations left half-way (the runtime writes them as abandoned when their session expires),
// and, with `--novel`, some opened with a question the bot was never taught (a new intent for Insights to find).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { perturb, PERTURBATIONS, type Perturbation } from '../../shared/stories/perturb';
import type { UserInput } from '../../shared/engine/types';
import { seededRandom } from '../../shared/util/random';
import { exportBundle } from '../export/export';
import { startRuntime } from '../runtime/serve';
import { createTargetClient } from '../stories/remoteClient';
import { loadStories, loadTestProject } from '../stories/runner';
import type { CliIo } from './io';

export interface TrafficOptions {
  /** A bundle folder (manifest.json) or a project folder (parley.yaml; exported to a temporary bundle). */
  source: string;
  /** The project whose stories are played (default: `source` when it is a project). */
  projectDir?: string;
  /** Story files or folders, relative to the project (default: all its stories). */
  stories?: string[];
  conversations: number;
  /** Where the runtime writes its transcripts (one file per day). */
  out: string;
  /** Share of conversations whose customer's words are perturbed (default 0.3), and how. */
  perturbShare?: number;
  perturbations?: Perturbation[];
  /** Share of conversations left half-way (default 0.1). */
  abandonShare?: number;
  /** A text file of questions the bot was never taught, one per line, and the share of conversations opened with one. */
  novel?: string;
  novelShare?: number;
  seed?: number;
  concurrency?: number;
  /** How long an idle conversation lives before it counts as abandoned (default 1.5 s: the run waits that long). */
  sessionTtlMs?: number;
  env?: Record<string, string | undefined>;
  userDataDir?: string;
}

export interface TrafficReport {
  conversations: number;
  turns: number;
  perturbed: number;
  abandoned: number;
  novel: number;
  failed: { story: string; error: string }[];
  out: string;
  files: string[];
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

export async function runTraffic(o: TrafficOptions): Promise<TrafficReport> {
  const source = path.resolve(o.source);
  const isBundle = await exists(path.join(source, 'manifest.json'));
  const projectDir = path.resolve(o.projectDir ?? (isBundle ? '' : source));
  if (!(await exists(path.join(projectDir, 'parley.yaml'))))
    throw new Error(`${projectDir} is not a project folder: give the project whose stories to play with --project`);
  let bundleDir = source;
  let temp: string | undefined;
  if (!isBundle) {
    temp = mkdtempSync(path.join(os.tmpdir(), 'parley-traffic-bundle-'));
    // a bundle is signed: this one, made for this run only, with a key made for it
    const key = path.join(temp, 'traffic-key.pem');
    writeFileSync(key, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const exported = await exportBundle({
      projectDir: source,
      outDir: path.join(temp, 'bundle'),
      signingKey: key,
      ...(o.userDataDir ? { userDataDir: o.userDataDir } : {}),
      env: {},
    });
    if (!exported.ok) throw new Error(`${source} does not export: ${exported.report.problems.find((p) => p.severity === 'error')?.message ?? 'it has errors'}`);
    bundleDir = path.join(temp, 'bundle');
  }
  const out = path.resolve(o.out);
  mkdirSync(out, { recursive: true });
  const token = randomBytes(24).toString('hex');
  const ttl = o.sessionTtlMs ?? 1500;
  const runtime = await startRuntime(
    {
      bundleDir,
      port: 0,
      host: '127.0.0.1',
      token,
      insecureNoToken: false,
      fixtures: true,
      publicKeyFile: undefined,
      environment: undefined,
      redisUrl: undefined,
      sessionTtlMs: ttl,
      leaseMs: 30_000,
      transcripts: out,
      corsOrigins: [],
      rateLimits: { perClient: 1_000_000, perConversation: 1_000_000 },
      logLevel: 'silent',
      llmBaseUrl: undefined,
      shutdownMs: 5000,
    },
    { env: o.env ?? {} },
  );
  const report: TrafficReport = { conversations: 0, turns: 0, perturbed: 0, abandoned: 0, novel: 0, failed: [], out, files: [] };
  try {
    const model = await loadTestProject(projectDir, DEFAULT_FILE_LIMITS);
    const { stories: all } = await loadStories(projectDir, model, o.stories, DEFAULT_FILE_LIMITS);
    // a runtime always plays the bot's opening: stories that start without it cannot be played as they are
    const stories = all.filter((s) => s.story.setup?.greet !== false && s.story.turns.some((t) => t.user !== undefined || t.button !== undefined));
    if (!stories.length) throw new Error(`no story to play in ${projectDir}${o.stories?.length ? ` (${o.stories.join(', ')})` : ''}`);
    const novel = o.novel
      ? readFileSync(o.novel, 'utf8')
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean)
      : [];
    const random = seededRandom(o.seed ?? 1);
    const kinds = o.perturbations?.length ? o.perturbations : (['typos', 'case'] as Perturbation[]);
    // every draw up front, in order, so a seed gives the same traffic whatever the concurrency
    const plans = Array.from({ length: o.conversations }, (_, i) => {
      const story = stories[Math.floor(random() * stories.length)]!;
      const isNovel = novel.length > 0 && random() < (o.novelShare ?? 0.1);
      const perturbed = !isNovel && random() < (o.perturbShare ?? 0.3) ? kinds[Math.floor(random() * kinds.length)]! : undefined;
      const abandonAfter = !isNovel && random() < (o.abandonShare ?? 0.1) ? 1 + Math.floor(random() * Math.max(1, story.story.turns.length - 1)) : undefined;
      return { i, story, novel: isNovel ? novel[Math.floor(random() * novel.length)]! : undefined, perturbed, abandonAfter };
    });
    const client = createTargetClient({ url: runtime.url, token });
    const limit = pLimit(Math.max(1, Math.floor(o.concurrency ?? 8)));
    await Promise.all(
      plans.map((p) =>
        limit(async () => {
          const driver = client.driver(p.story.story);
          try {
            await driver.play({ type: 'start' });
            report.turns++;
            let sent = 0;
            let changed = false;
            for (const t of p.story.story.turns) {
              let input: UserInput;
              if (p.novel) input = { type: 'text', text: p.novel };
              else if (t.button !== undefined) input = { type: 'button', payload: t.button };
              else if (t.event !== undefined) input = { type: 'event', name: t.event };
              else {
                const text = t.user ?? '';
                const said = p.perturbed ? perturb(text, p.perturbed, `${o.seed ?? 1}:${p.i}:${sent}`) : text;
                changed ||= said !== text;
                input = { type: 'text', text: said };
              }
              await driver.play(input);
              report.turns++;
              sent++;
              // a new question gets its answer, then the customer leaves; others may leave half-way
              if (p.novel || sent === p.abandonAfter) break;
            }
            report.conversations++;
            if (p.novel) report.novel++;
            else if (p.abandonAfter !== undefined) report.abandoned++;
            // counted when the customer's words did change (a story of buttons has none to perturb)
            if (changed) report.perturbed++;
          } catch (e) {
            report.failed.push({ story: p.story.file, error: e instanceof Error ? e.message : String(e) });
          }
        }),
      ),
    );
    // the conversations left open expire and are written as abandoned: wait for the store's sweep
    await new Promise((r) => setTimeout(r, ttl * 2 + 500));
  } finally {
    await runtime.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
  report.files = readdirSync(out)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(out, f));
  return report;
}

export async function runTrafficCommand(o: TrafficOptions, io: CliIo): Promise<number> {
  for (const k of o.perturbations ?? [])
    if (!(PERTURBATIONS as readonly string[]).includes(k)) return (io.err(`unknown perturbation ${k}: ${PERTURBATIONS.join(', ')}\n`), 2);
  if (!Number.isInteger(o.conversations) || o.conversations < 1 || o.conversations > 1_000_000)
    return (io.err('--conversations is a whole number, 1 to 1000000\n'), 2);
  try {
    const r = await runTraffic(o);
    io.write(
      `played ${r.conversations} conversations (${r.turns} turns; ${r.perturbed} perturbed, ${r.abandoned} left half-way, ${r.novel} with a new question) through the runtime; transcripts in ${r.out}\n`,
    );
    for (const f of r.failed.slice(0, 10)) io.write(`  failed: ${f.story}: ${f.error}\n`);
    return r.failed.length ? 1 : 0;
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
