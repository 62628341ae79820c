// `parley test --target <url>`: the project's stories played against a running bundle over HTTP, checked here
// with the same checks as in the studio (shared/stories/run.ts playStory). A runtime started with --fixtures
// takes each story's fixtures and clock and returns the test view of each turn (trace, path, outputs, state as
// stored); what it cannot do is reported as skipped with the reason, never passed:
//   - every story, on a runtime without --fixtures (the checks read the test view; the studio plays a story on
//     its fixtures: a fixed clock, no API, no model, which a normal conversation does not have);
//   - a story with `setup.greet: false` (a runtime always plays the opening);
//   - a story that pins A/B variants (`setup.variants`), on a runtime that does not take forced variants; on one
//     that does, every story starts with its variants forced, pinned or as `runStory` assigns them (pins.ts);
//   - a story whose model requests no fixture answers, when its cassette (stories/cassettes/) has recordings:
//     the runtime answers model requests from fixtures only. `judge` expectations are scored here, with the
//     cassette, as in the studio.
import path from 'node:path';
import pLimit from 'p-limit';
import type { LlmPort } from '../../shared/engine/ports';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { cassettePort } from '../../shared/stories/cassette';
import { coverage } from '../../shared/stories/coverage';
import type { LoadedStory } from '../../shared/stories/load';
import { perturb } from '../../shared/stories/perturb';
import { storyVariantPicks } from '../../shared/stories/pins';
import { playStory, type StoryResult } from '../../shared/stories/run';
import { createProjectEngine } from '../services/projectEngine';
import { createTargetClient, type TargetInfo } from './remoteClient';
import { cassetteFile, cassetteReader, selectStories } from './storyFiles';
import { loadStories, loadTestProject, storyRunOf, type PerturbationRun, type StoryRun, type TestOptions, type TestReport } from './runner';

export interface RemoteTestOptions extends Pick<
  TestOptions,
  'projectDir' | 'grep' | 'tags' | 'files' | 'repeat' | 'perturb' | 'concurrency' | 'keepTrace' | 'limits' | 'parseCache' | 'onResult'
> {
  /** The running bundle's base URL. */
  target: string;
  /** Its bearer token (default: PARLEY_RUNTIME_TOKEN from `env`). */
  token?: string;
  env?: Record<string, string | undefined>;
}

export interface SkippedStory {
  file: string;
  name: string;
  tags: string[];
  reason: string;
}

export interface RemoteTestReport extends TestReport {
  target: TargetInfo;
  /** Stories not run against the target, with the reason (not counted as passed or failed). */
  skipped: SkippedStory[];
}

/** Why a story cannot run on this target before it starts (undefined: it can). */
function skipBefore(story: LoadedStory, target: TargetInfo): string | undefined {
  if (!target.fixtures) {
    const s = story.story;
    const needs = [...Object.keys(s.fixtures ?? {}).map((k) => `fixtures.${k}`), ...(s.setup?.now ? ['setup.now'] : [])];
    return needs.length
      ? `needs its fixtures (${needs.join(', ')}), and the runtime at ${target.url} was not started with --fixtures`
      : `the runtime at ${target.url} was not started with --fixtures: only conversations started with fixtures return what stories check (trace, path, variables), and the studio plays stories on fixtures (a fixed clock, no API, no model)`;
  }
  if (story.story.setup?.greet === false) return "setup.greet: false: a runtime always plays the bot's opening when a conversation starts";
  if (story.story.setup?.variants && !target.variants)
    return `pins A/B variants (setup.variants), and the runtime at ${target.url} does not take forced variants: export the bundle again with this version of Parley`;
  return undefined;
}

export async function runRemoteTests(o: RemoteTestOptions): Promise<RemoteTestReport> {
  const t0 = Date.now();
  const client = createTargetClient({ url: o.target, ...((o.token ?? o.env?.PARLEY_RUNTIME_TOKEN) ? { token: o.token ?? o.env?.PARLEY_RUNTIME_TOKEN } : {}) });
  const target = await client.info();
  const dir = path.resolve(o.projectDir);
  const limits = o.limits ?? DEFAULT_FILE_LIMITS;
  const model = await loadTestProject(dir, limits, o.parseCache);
  const { stories: all, problems } = await loadStories(dir, model, o.files, limits);
  const selected = selectStories(all, o);
  // the project's engine reads the flows, templates and expressions the checks need; the turns run on the target
  const engine = createProjectEngine(model);
  const repeat = Math.max(1, o.repeat ?? 1);

  const { read: cassetteFor } = cassetteReader(dir, limits);
  // judges score here as in the studio's replay: from the story's cassette
  const judgeFor = async (story: LoadedStory): Promise<LlmPort> =>
    cassettePort({
      cassette: await cassetteFor(story),
      file: cassetteFile(story.file),
      ...(model.manifest.llm?.model ? { defaultModel: model.manifest.llm.model } : {}),
    });

  const skipped: SkippedStory[] = [];
  const skip = (story: LoadedStory, reason: string) => skipped.push({ file: story.file, name: story.story.name, tags: story.story.tags ?? [], reason });
  const runnable: LoadedStory[] = [];
  for (const s of selected) {
    const reason = skipBefore(s, target);
    if (reason) skip(s, reason);
    else runnable.push(s);
  }

  /** One run on the target; `skip`: a reason the story cannot run there, found while it ran. */
  const runOnce = async (story: LoadedStory, transform?: (t: string, turn: number) => string): Promise<{ result: StoryResult; skip?: string }> => {
    // the story's variants, pinned or as a conversation seeded with the story's seed gets them (as runStory does)
    const driver = client.driver(story.story, target.variants ? storyVariantPicks(engine, story.file, story.story) : undefined);
    const result = await playStory(story, driver, {
      engine,
      judge: await judgeFor(story),
      ...(transform ? { transform } : {}),
      ...(o.keepTrace ? { keepTrace: true } : {}),
    });
    if (result.error && driver.unanswered() && Object.keys(await cassetteFor(story)).length)
      return {
        result,
        skip: `needs model replies no fixture gives (recorded in ${cassetteFile(story.file)}); a runtime answers model requests from the story's fixtures only`,
      };
    return { result };
  };

  const limit = pLimit(Math.max(1, Math.floor(o.concurrency ?? 8)));
  const runs: (StoryRun | undefined)[] = new Array<StoryRun | undefined>(runnable.length);
  let done = 0;
  await Promise.all(
    runnable.map((story, i) =>
      limit(async () => {
        let passes = 0;
        let shown: StoryResult | undefined;
        for (let k = 0; k < repeat; k++) {
          const r = await runOnce(story);
          if (r.skip) {
            skip(story, r.skip);
            return;
          }
          if (r.result.passed) passes++;
          if (!shown || (!r.result.passed && shown.passed)) shown = r.result;
        }
        const run = storyRunOf(story, repeat, passes, shown as StoryResult);
        runs[i] = run;
        o.onResult?.(run, ++done, runnable.length);
      }),
    ),
  );
  const ran = runs.filter((r): r is StoryRun => r !== undefined);
  const ranStories = runnable.filter((_, i) => runs[i]);

  // perturbations rewrite the user's text here, before it is sent: they run on the target as in the studio
  const perturbations: PerturbationRun[] = [];
  for (const kind of o.perturb ?? []) {
    const failed: string[] = [];
    let passed = 0;
    await Promise.all(
      ranStories.map((story) =>
        limit(async () => {
          const r = await runOnce(story, (text, turn) => perturb(text, kind, `${story.file}#${turn}`));
          if (r.result.passed) passed++;
          else failed.push(story.story.name);
        }),
      ),
    );
    const total = ranStories.length;
    perturbations.push({ kind, passed, total, rate: total ? passed / total : 1, failed: failed.sort() });
  }

  const order = new Map(selected.map((s, i) => [s.file, i]));
  skipped.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  return {
    ok: ran.every((r) => r.passed) && !problems.some((p) => p.severity === 'error'),
    problems,
    stories: ran,
    perturbations,
    coverage: coverage(
      model,
      ran.flatMap((r) => r.result.visited),
      ran.flatMap((r) => r.result.exits),
    ),
    ms: Date.now() - t0,
    recorded: 0,
    target,
    skipped,
  };
}
