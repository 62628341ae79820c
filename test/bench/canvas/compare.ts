// A/B of Parley's canvas while working on it: two or more builds of the renderer (folders written by
// `npx vite build --outDir <dir>`) and the stock tuned page, measured in the same run on the same graph, gesture by
// gesture, as the canvas bench does (same harness, same same-work checks). On a busy machine only figures taken
// side by side compare; `--rounds` repeats the whole measurement, to see which differences hold.
// Run: node --import tsx/esm test/bench/canvas/compare.ts [size] <rendererDir> [<rendererDir> ...] [--rounds N]
// [--only pan1,drag025] (the gestures to measure; PARLEY_BENCH_ROUNDS sets how many times each runs per round)
import { cpSync } from 'node:fs';
import path from 'node:path';
import { runWeb } from '../../../main/cli/web';
import { launchBrowser } from './harness';
import { GESTURES, measurePages, type CanvasResult, type Gesture, type PageSpec } from './measure';
import { NO_SNAP, prepare } from './setup';

const args = process.argv.slice(2);
const size = Number(args.find((a) => /^\d+$/.test(a)) ?? 5000);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 1;
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1]!.split(',') as Gesture[]) : GESTURES;
const bad = only.filter((g) => !GESTURES.includes(g));
if (bad.length) throw new Error(`--only: unknown gesture ${bad.join(', ')} (gestures: ${GESTURES.join(', ')})`);
const dirs = args.filter((a, i) => !/^\d+$/.test(a) && !a.startsWith('--') && (roundsAt < 0 || i !== roundsAt + 1) && (onlyAt < 0 || i !== onlyAt + 1));
if (!dirs.length) throw new Error('usage: compare.ts [size] <rendererDir> [<rendererDir> ...] [--rounds N]');

const setup = await prepare([size], dirs[0]);
const fixture = setup.fixtures[0]!;
const browser = await launchBrowser();
const names = [...dirs.map((d) => path.basename(d)), 'stock tuned'];
const f1 = (n: number) => n.toFixed(1);
try {
  for (let r = 0; r < rounds; r++) {
    // Each build gets its own copy of the project, fresh each round: a drag is saved, and a host would otherwise see
    // another build's save as a change on disk (and a later round would open the moved nodes).
    const hosts = await Promise.all(
      dirs.map((dir, i) => {
        const projectDir = path.join(setup.tmp, `project-${r}-${i}`);
        cpSync(fixture.projectDir, projectDir, { recursive: true });
        return runWeb({
          projectDir,
          rendererDir: path.resolve(dir),
          port: 0,
          open: false,
          userDataDir: path.join(setup.tmp, `ud-${r}-${i}`),
          log: () => undefined,
        });
      }),
    );
    const pages: PageSpec[] = hosts.map((web, i) => ({
      name: names[i]!,
      initScript: NO_SNAP,
      ...(i ? { opensLikeParley: true } : {}),
      url: () => web.host.launchUrl,
      warmUrl: () => setup.parleyWarmUrl(web.host.launchUrl),
    }));
    pages.push({
      name: 'stock tuned',
      opensLikeParley: true,
      url: (p) => setup.stockUrl('tuned', size, p!.box, p!.opened),
      warmUrl: (p) => setup.stockUrl('tuned', 'warm', p!.box, p!.opened),
    });
    const results: CanvasResult[] = await measurePages(browser, pages, only).finally(() => Promise.all(hosts.map((web) => web.stop())));
    const width = Math.max(...names.map((n) => n.length));
    console.log(`\nround ${r + 1} of ${rounds}, ${size} nodes: main-thread CPU ms/frame (mean), open wall ms (CPU ms), heap MB`);
    console.log(`${''.padEnd(width)}  ${[...GESTURES, 'probe'].map((g) => g.padStart(8)).join('')}  ${'open'.padStart(14)}  ${'heap'.padStart(6)}`);
    results.forEach((res, i) => {
      const cells = [...GESTURES, 'probe' as const].map((g) => (res[g].steps ? f1(res[g].mean) : '-').padStart(8)).join('');
      console.log(
        `${names[i]!.padEnd(width)}  ${cells}  ${`${res.openMs.toFixed(0)} (${res.openCpuMs.toFixed(0)})`.padStart(14)}  ${f1(res.heapMb).padStart(6)}`,
      );
    });
  }
} finally {
  await browser.close();
  await setup.dispose();
}
