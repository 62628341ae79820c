// The studio's stories: list, run (with progress events) and "save as story" from a simulator conversation (the
// personal data the designer typed saved as test values, unless asked for as typed).
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { StoriesReport, StoryInfo } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Problem } from '../../shared/project/problems';
import { storyFileName, storyFromConversation, storyYaml } from '../../shared/stories/fromConversation';
import type { Story } from '../../shared/stories/schema';
import { storySummary } from '../stories/report';
import { loadStories, loadTestProject, runTests, TestInputError } from '../stories/runner';
import type { EventBus } from './events';
import type { ProjectStore } from './projectStore';
import type { Simulator } from './simulator';
import { retrievalMisses, type RetrievalMiss } from '../knowledge/unanswered';

function flowsOf(story: Story): string[] {
  const flows = new Set<string>();
  const add = (a: string | undefined) => a && flows.add(a.split('/')[0] as string);
  for (const t of story.turns) {
    const e = t.expect;
    if (!e) continue;
    e.path?.forEach(add);
    add(e.visits);
    add(e.waits_at);
    e.says?.forEach((c) => 'copy' in c && !c.copy.startsWith('globals/') && add(c.copy));
  }
  return [...flows];
}

export function createStoriesService(o: { bus: EventBus; store: ProjectStore; simulator: Simulator }) {
  const dir = () => {
    if (!o.store.dir) throw new ApiError('NO_PROJECT', 'no project is open');
    return o.store.dir;
  };
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof TestInputError) throw new ApiError('INVALID_PROJECT', e.message);
      throw e;
    }
  };
  /** The knowledge panel's unanswered questions: the not-sure answers of each story's last run, by file. */
  const misses = new Map<string, RetrievalMiss[]>();
  return {
    misses: (): RetrievalMiss[] => [...misses.values()].flat(),
    list: (): Promise<{ stories: StoryInfo[]; problems: Problem[] }> =>
      wrap(async () => {
        const d = dir();
        const { stories, problems } = await loadStories(d, await loadTestProject(d, o.store.limits, o.store.cache), undefined, o.store.limits);
        return {
          stories: stories.map((s) => ({ file: s.file, name: s.story.name, tags: s.story.tags ?? [], turns: s.story.turns.length, flows: flowsOf(s.story) })),
          problems,
        };
      }),
    run: (files?: string[]): Promise<StoriesReport> =>
      wrap(async () => {
        const report = await runTests({
          projectDir: dir(),
          limits: o.store.limits,
          ...(o.store.cache ? { parseCache: o.store.cache } : {}),
          ...(files ? { files } : {}),
          // traces are kept for the knowledge panel's misses, then left out of the report
          keepTrace: true,
          onResult: (r, done, total) => {
            misses.set(r.file, retrievalMisses('story', r.file, r.result.turns));
            o.bus.emit('stories.progress', { done, total, file: r.file, name: r.name, passed: r.passed });
          },
        });
        return {
          stories: report.stories.map((r) => ({ ...storySummary(r), turns: r.result.turns.map(({ trace: _trace, ...t }) => t) })),
          problems: report.problems,
          coverage: report.coverage,
          ms: report.ms,
        };
      }),
    /** `typed`: keep the personal data in the customer's turns as typed, not as test values (shared/stories/testValues.ts). */
    async saveConversation(sessionId: string, name: string, opts: { typed: boolean } = { typed: false }): Promise<{ file: string }> {
      const d = dir();
      const conv = o.simulator.conversation(sessionId);
      const story = storyFromConversation(conv.turns, {
        name,
        typed: opts.typed,
        patterns: conv.patterns,
        ...(conv.locale ? { locale: conv.locale } : {}),
        ...(conv.vars ? { vars: conv.vars } : {}),
      });
      const base = storyFileName(name);
      const existing = new Set(
        (await loadStories(d, await loadTestProject(d, o.store.limits, o.store.cache), undefined, o.store.limits).catch(() => ({ stories: [] }))).stories.map(
          (s) => s.file,
        ),
      );
      let file = `stories/${base}.yaml`;
      for (let i = 2; existing.has(file) || (await exists(path.join(d, file))); i++) file = `stories/${base}_${i}.yaml`;
      await o.store.writeFile(file, storyYaml(story), null);
      return { file };
    },
  };
}

function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
