// Once for the whole e2e project (vitest's globalSetup, in vitest's own process): the one build check, and the one
// Chromium every test file connects to. Each file opens its studio in a fresh browser context of its own
// (test/e2e/studio.ts), so files share the browser process and nothing else; they run one at a time (fileParallelism
// false in vitest.config.ts). Launching Chromium, and closing it, for each file cost about 2 s a file.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { launchChromiumServer } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared browser's endpoint, for `chromium.connect`. */
    chromiumEndpoint: string;
    /** The renderer the studios serve, built and checked here (each web host would otherwise check again). */
    rendererDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '../..');
  // PARLEY_RENDERER_DIR: a renderer built elsewhere (e.g. `vite build --outDir`), tested as it is
  let rendererDir = process.env.PARLEY_RENDERER_DIR;
  if (!rendererDir) {
    const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`the build before the e2e tests failed (scripts/build.mjs exited with ${build.status})`);
    rendererDir = path.join(root, 'out/renderer');
  }
  const server = await launchChromiumServer();
  project.provide('chromiumEndpoint', server.wsEndpoint());
  project.provide('rendererDir', rendererDir);
  return () => server.close();
}
