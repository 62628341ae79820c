// The story runner as main runs it (`parley test`, the studio's stories panel): loads the project and its
// stories from disk, builds the engine once, and runs the stories with a bounded number in flight, each with
// ports from its fixtures plus, for model calls, a cassette (replay / record), the live model, or a mock.
// Reports per story, per perturbation, and the coverage of nodes and exits.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { LlmError, type LlmPort, type LlmResponse } from '../../shared/engine/ports';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../../shared/project/files';
import { formatProblem, type Problem } from '../../shared/project/problems';
import type { ProjectModel } from '../../shared/project/validate';
import { cassettePort } from '../../shared/stories/cassette';
import { coverage, type Coverage } from '../../shared/stories/coverage';
import type { LoadedStory } from '../../shared/stories/load';
import { perturb, type Perturbation } from '../../shared/stories/perturb';
import { runStory, type StoryResult } from '../../shared/stories/run';
import { createTurnRunner } from '../../shared/runtime/turnRunner';
import { createProjectPorts, liveProjectLlm } from '../runtime/projectPorts';
import { defaultUserDataDir } from '../services/userData';
import { atomicWrite } from '../services/atomicWrite';
import { fsError, projectPath } from '../services/paths';
import { TestInputError, cassetteFile, cassetteReader, listStoryFiles, loadStories, selectStories } from './storyFiles';
import { createProjectEngine } from '../services/projectEngine';
import type { ParseCache } from '../services/parseCache';
import { loadFromFilesParallel, readProjectFiles } from '../services/projectStore';

export { TestInputError, listStoryFiles, loadStories };

export type LlmMode = 'replay' | 'live' | 'mock';

export interface TestOptions {
  projectDir: string;
  /** Only stories whose name or file matches (a regular expression, case-insensitive). */
  grep?: string;
  /** Only stories with one of these tags. */
  tags?: string[];
  /** Only these story files (project-relative). */
  files?: string[];
  llm?: LlmMode;
  record?: boolean;
  repeat?: number;
  perturb?: Perturbation[];
  concurrency?: number;
  keepTrace?: boolean;
  /** The live model (tests; default: the project's llm settings and the user's key). */
  liveLlm?: LlmPort;
  env?: Record<string, string | undefined>;
  /** Size limits for reading project files (the user settings; default DEFAULT_FILE_LIMITS). */
  limits?: FileLimits;
  /** `--trust`: trust the project for this run. Otherwise the user's trust record (in `userDataDir`) decides. */
  trust?: boolean;
  /** Where the studio keeps the trust record (default: the user's Parley folder). */
  userDataDir?: string;
  /** Values read before, kept by the files' text (main/services/parseCache.ts); none: every file is read. */
  parseCache?: ParseCache;
  onResult?: (r: StoryRun, done: number, total: number) => void;
}

export interface StoryRun {
  file: string;
  name: string;
  tags: string[];
  passed: boolean;
  /** With --repeat: runs that passed, of how many, and the rate needed. */
  runs: number;
  passes: number;
  passRate: number;
  required: number;
  /** The first run that failed (else the first run). */
  result: StoryResult;
}

export interface PerturbationRun {
  kind: Perturbation;
  passed: number;
  total: number;
  rate: number;
  failed: string[];
}

export interface TestReport {
  ok: boolean;
  /** Problems of the project or of story files; stories with problems are left out, the others run. */
  problems: Problem[];
  stories: StoryRun[];
  perturbations: PerturbationRun[];
  coverage: Coverage;
  ms: number;
  recorded: number;
}

/** Loads the project for testing: it must load without errors. */
export async function loadTestProject(dir: string, limits: FileLimits = DEFAULT_FILE_LIMITS, cache?: ParseCache): Promise<ProjectModel> {
  const loaded = await loadFromFilesParallel(await readProjectFiles(path.resolve(dir), limits), cache ? { cache } : {});
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (!loaded.project || errors.length) throw new TestInputError(`the project does not load:\n${errors.map(formatProblem).join('\n')}`);
  return loaded.project;
}

/** A deterministic stand-in model for `--llm mock`: short canned replies, `{}` for extraction. */
export const mockLlm: LlmPort = {
  async complete(req, opts): Promise<LlmResponse> {
    if (req.node === 'judge') throw new LlmError('a judge needs a model: run with --llm live, or replay a recording', 'not_configured');
    const text = /Reply with one JSON object/.test(req.system ?? '') ? '{}' : `(mock reply from ${req.flow}/${req.node})`;
    opts?.onToken?.(text);
    return { text, model: 'mock', stopReason: 'end_turn', usage: { inputTokens: 0, outputTokens: 0 }, ttftMs: 0, totalMs: 0 };
  },
};

/** Runs fn over the items, at most n at a time (at least one). */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const limit = pLimit(Number.isFinite(n) ? Math.max(1, Math.floor(n)) : 1);
  await Promise.all(items.map((item) => limit(() => fn(item))));
}

/** A story's verdict over its runs: passed when the share of passing runs reaches its pass rate (1, or 0.8 with --repeat). */
export function storyRunOf(story: LoadedStory, repeat: number, passes: number, shown: StoryResult): StoryRun {
  const required = story.story.passRate ?? (repeat > 1 ? 0.8 : 1);
  return {
    file: story.file,
    name: story.story.name,
    tags: story.story.tags ?? [],
    passed: passes / repeat >= required,
    runs: repeat,
    passes,
    passRate: passes / repeat,
    required,
    result: shown,
  };
}

export async function runTests(o: TestOptions): Promise<TestReport> {
  const t0 = Date.now();
  const dir = path.resolve(o.projectDir);
  const limits = o.limits ?? DEFAULT_FILE_LIMITS;
  const model = await loadTestProject(dir, limits, o.parseCache);
  const { stories: all, problems } = await loadStories(dir, model, o.files, limits);
  const stories = selectStories(all, o);
  const engine = createProjectEngine(model);
  // the runtime core: every story turn goes through its input stage; the ports are the story's fixtures
  // (shared/runtime/fixtures.ts) with the project's knowledge files and, for the model, what --llm says
  const runner = createTurnRunner({ engine });
  const retrieval = await createProjectPorts({ limits }).retrievalFor(dir);
  const mode = o.llm ?? 'replay';
  const repeat = Math.max(1, o.repeat ?? 1);

  let live: LlmPort | undefined = o.liveLlm;
  if (!live && (mode === 'live' || o.record)) {
    if (!model.manifest.llm) throw new TestInputError('--llm live and --record need a model: add an llm section to parley.yaml');
    const got = await liveProjectLlm({
      dir,
      manifest: model.manifest,
      trust: Boolean(o.trust),
      userDataDir: o.userDataDir ?? defaultUserDataDir(),
      ...(o.env ? { env: o.env } : {}),
    });
    if ('refused' in got) throw new TestInputError(`--llm live and --record call the model with your key, and ${got.refused}`);
    live = got.llm;
  }
  const { cassettes, read: cassetteFor } = cassetteReader(dir, limits);
  let recorded = 0;
  const llmFor = async (story: LoadedStory): Promise<LlmPort | undefined> => {
    if (mode === 'mock') return mockLlm;
    if (mode === 'live' && !o.record) return live;
    const port = cassettePort({
      cassette: await cassetteFor(story),
      file: cassetteFile(story.file),
      ...(live ? { live } : {}),
      record: Boolean(o.record),
      ...(model.manifest.llm?.model ? { defaultModel: model.manifest.llm.model } : {}),
    });
    return {
      complete: async (req, opts) => {
        const before = port.recorded;
        const r = await port.complete(req, opts);
        recorded += port.recorded - before;
        return r;
      },
    };
  };

  const runOnce = async (story: LoadedStory, transform?: (t: string, turn: number) => string) => {
    const llm = await llmFor(story);
    return runStory(story, {
      engine,
      runner,
      retrieval,
      ...(llm ? { llm } : {}),
      ...(transform ? { transform } : {}),
      ...(o.keepTrace ? { keepTrace: true } : {}),
    });
  };

  const runs: StoryRun[] = new Array<StoryRun>(stories.length);
  let done = 0;
  const concurrency = o.concurrency ?? (mode === 'live' || o.record ? 4 : 8);
  await pool(
    stories.map((s, i) => [s, i] as const),
    concurrency,
    async ([story, i]) => {
      let passes = 0;
      let shown: StoryResult | undefined;
      for (let k = 0; k < repeat; k++) {
        const r = await runOnce(story);
        if (r.passed) passes++;
        if (!shown || (!r.passed && shown.passed)) shown = r;
      }
      const run = storyRunOf(story, repeat, passes, shown as StoryResult);
      runs[i] = run;
      o.onResult?.(run, ++done, stories.length);
    },
  );

  const perturbations: PerturbationRun[] = [];
  for (const kind of o.perturb ?? []) {
    const failed: string[] = [];
    let passed = 0;
    await pool(stories, concurrency, async (story) => {
      const r = await runOnce(story, (text, turn) => perturb(text, kind, `${story.file}#${turn}`));
      if (r.passed) passed++;
      else failed.push(story.story.name);
    });
    perturbations.push({ kind, passed, total: stories.length, rate: stories.length ? passed / stories.length : 1, failed: failed.sort() });
  }

  if (o.record) {
    for (const [file, c] of cassettes) {
      if (!Object.keys(c).length) continue;
      const { abs } = await projectPath(dir, file);
      try {
        await mkdir(path.dirname(abs), { recursive: true });
        await atomicWrite(abs, JSON.stringify(c, null, 2) + '\n');
      } catch (e) {
        throw fsError(e, file);
      }
    }
  }

  const cov = coverage(
    model,
    runs.flatMap((r) => r.result.visited),
    runs.flatMap((r) => r.result.exits),
  );
  return {
    ok: runs.every((r) => r.passed) && !problems.some((p) => p.severity === 'error'),
    problems,
    stories: runs,
    perturbations,
    coverage: cov,
    ms: Date.now() - t0,
    recorded,
  };
}
