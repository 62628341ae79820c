import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests never read or write the developer's own user data (settings, trust records, the YAML cache): a test that
// wants user data makes its own folder, and everything else gets this empty one.
const userData = path.join(os.tmpdir(), `parley-test-user-data-${process.pid}`);

export default defineConfig({
  test: {
    reporters: ['default', './test/summaryReporter.ts'],
    env: { PARLEY_USER_DATA: userData },
    projects: [
      {
        test: {
          name: 'unit',
          // unit tests first, then the browser tests on their own: on 2 cores, CPU-heavy unit tests (NLU training,
          // property tests, CLI subprocesses) running beside a browser made mouse gestures in e2e tests flaky
          sequence: { groupOrder: 0 },
          include: [
            'shared/**/*.test.ts',
            'main/**/*.test.ts',
            'preload/**/*.test.ts',
            'renderer/**/*.test.{ts,tsx}',
            'test/unit/**/*.test.ts',
            // exported bundles run as their own processes (server.mjs), with Redis and haproxy
            'test/integration/**/*.test.ts',
          ],
          environment: 'node',
          // a hang guard, not a speed check (speed is the benches'): tests that train the NLU, run property
          // tests or start the CLI take seconds on a busy 2-core machine, and vitest's 5 s default failed them there
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // one browser at a time on a 2-core machine
          fileParallelism: false,
        },
      },
    ],
  },
});
