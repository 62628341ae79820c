import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Tests never read or write the developer's own user data (settings, trust records, the YAML cache): a test that
// wants user data makes its own folder, and everything else gets this empty one.
const userData = path.join(os.tmpdir(), `parley-test-user-data-${process.pid}`);

const UNIT = [
  'shared/**/*.test.ts',
  'main/**/*.test.ts',
  'preload/**/*.test.ts',
  'renderer/**/*.test.{ts,tsx}',
  'test/unit/**/*.test.ts',
  // exported bundles run as their own processes (server.mjs), with Redis and haproxy
  'test/integration/**/*.test.ts',
];

/**
 * Unit test files that replace modules (`vi.mock`, `vi.doMock`), or that say they check a module's process-wide
 * state from its start (a line `// needs fresh modules: <why>`): they need a module graph of their own, so they run
 * in the `unit-isolated` project. Every other unit file shares its worker's modules with the files before it
 * (`isolate: false`): loading the same modules again for each of some 170 files was a third of the unit tests' time.
 */
const ROOT = path.dirname(fileURLToPath(import.meta.url));
const MOCKS_MODULES = /\bvi\s*\.\s*(?:mock|doMock|unmock|doUnmock)\s*\(|^\/\/ needs fresh modules:/m;
const replacesModules = (): string[] =>
  ['shared', 'main', 'preload', 'renderer', 'test/unit', 'test/integration'].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.test\.tsx?$/.test(f) && !f.split(path.sep).includes('node_modules'))
      .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
      .filter((f) => MOCKS_MODULES.test(readFileSync(path.join(ROOT, f), 'utf8'))),
  );
const isolated = replacesModules();

const unitOptions = {
  environment: 'node',
  // a hang guard, not a speed check (speed is the benches'): tests that train the NLU, run property
  // tests or start the CLI take seconds on a busy 2-core machine, and vitest's 5 s default failed them there
  testTimeout: 30_000,
  // unit tests first, then the browser tests on their own: on 2 cores, CPU-heavy unit tests (NLU training,
  // property tests, CLI subprocesses) running beside a browser made mouse gestures in e2e tests flaky
  sequence: { groupOrder: 0 },
} as const;

export default defineConfig({
  test: {
    reporters: ['default', './test/summaryReporter.ts'],
    env: { PARLEY_USER_DATA: userData },
    // vitest's default is one worker fewer than the cores: one worker on a 2-core CI machine, which then waited,
    // a file at a time, on every test that waits for a server, a subprocess or Redis's clock
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          include: UNIT,
          exclude: [...configDefaults.exclude, ...isolated],
          isolate: false,
          ...unitOptions,
        },
      },
      // (an empty include would mean every file)
      ...(isolated.length > 0 ? [{ test: { name: 'unit-isolated', include: isolated, ...unitOptions } }] : []),
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // one build check and one Chromium for every file (test/e2e/globalSetup.ts), each file in a browser
          // context of its own; and one worker that loads the web host's modules once for every file
          globalSetup: ['test/e2e/globalSetup.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // one browser at a time on a 2-core machine
          fileParallelism: false,
        },
      },
    ],
  },
});
