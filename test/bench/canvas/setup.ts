// What every canvas bench script needs before a browser starts: Parley's renderer built (and copied, so a build
// started meanwhile by other work in this checkout cannot empty out/renderer under a running bench), the stock page
// built, the fixtures written, and the stock page served.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFlow } from '../../fixtures/generateFlow';
import { makeFixture, toStockGraph, type Fixture } from './fixtures';
import { buildStockPage, serveDir } from './stockPage';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type StockPage = 'quickstart' | 'tuned';

/**
 * Parley snaps a dragged card to a 20 px grid by default (a preference); the stock pages do not snap. The bench
 * turns snapping off (an init script for Parley's page) so that a drag moves the node exactly as far on every page,
 * on every step, and the harness can check it to the pixel (snapping costs a rounding per frame).
 */
export const NO_SNAP = `try { localStorage.setItem('parley.prefs', JSON.stringify({ ...JSON.parse(localStorage.getItem('parley.prefs') ?? '{}'), snapToGrid: false })); } catch {}`;

export interface BenchSetup {
  tmp: string;
  rendererDir: string;
  fixtures: Fixture[];
  /** A stock page (`quickstart` or `tuned`) on graph `size`, sized `canvas`; the tuned page opens on `view`. */
  stockUrl(page: StockPage, size: number | 'warm', canvas: { width: number; height: number }, view?: { x: number; y: number; k: number }): string;
  /** Parley's page without the launch token: it loads the whole app and stops at its "no token" message. */
  parleyWarmUrl(launchUrl: string): string;
  dispose(): Promise<void>;
}

/** `renderer`: a built renderer folder to use instead of `npm run build`'s out/renderer (the profiler's unminified build). */
export async function prepare(sizes: number[], renderer?: string): Promise<BenchSetup> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'parley-canvas-bench-'));
  const rendererDir = renderer ?? path.join(tmp, 'renderer');
  if (!renderer) {
    const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit', cwd: ROOT });
    if (built.status !== 0) throw new Error('npm run build failed');
    cpSync(path.join(ROOT, 'out', 'renderer'), rendererDir, { recursive: true });
  }
  if (!existsSync(path.join(rendererDir, 'index.html'))) throw new Error(`${rendererDir} has no index.html; run npm run build`);
  const stockDir = path.join(tmp, 'stock');
  mkdirSync(stockDir);
  await buildStockPage(stockDir);
  const fixtures = sizes.map((size) => makeFixture(size, tmp, stockDir));
  writeFileSync(path.join(stockDir, 'graph-warm.json'), JSON.stringify(toStockGraph(generateFlow(10))));
  const server = await serveDir(stockDir);
  return {
    tmp,
    rendererDir,
    fixtures,
    parleyWarmUrl: (launchUrl) => new URL('/', launchUrl).href,
    stockUrl: (page, size, { width, height }, view) => {
      const url = new URL(page === 'tuned' ? 'tuned.html' : './', server.url);
      url.search = new URLSearchParams({
        n: String(size),
        w: String(Math.round(width)),
        h: String(Math.round(height)),
        ...(view ? { x: String(view.x), y: String(view.y), k: String(view.k) } : {}),
      }).toString();
      return url.href;
    },
    async dispose() {
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
