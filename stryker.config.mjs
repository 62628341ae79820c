// Mutation testing of the security-critical modules: `npm run mutation` (all of them, slow), or one module:
// `npm run mutation -- --mutate main/web/server.ts`. Each mutant runs only the unit tests that import the
// mutated file and cover the mutated code (vitest related mode + per-test coverage), never the e2e tests.
// The HTML report is written to reports/mutation/index.html.
// Not --testFiles: Stryker 9.6 then activates module-level (static) mutants too late and calls them survivors.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'stryker.vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'main/web/server.ts', // web host: Host/Origin/token checks, static-file confinement, 127.0.0.1 bind, limits
    'main/services/paths.ts', // path confinement
    'shared/engine/expressions.ts', // the Jexl sandbox
    'shared/engine/templates.ts', // template rendering
    'shared/project/parse.ts', // YAML parsing limits (aliases)
    'main/llm/keys.ts', // key handling
    'shared/util/redact.ts', // redaction of secrets
  ],
  // Static mutants (module-level constants such as the Jexl forbidden names or the YAML alias limit) are the very
  // checks a mutation run must cover, so they are run too, although each needs a fresh module graph.
  ignoreStatic: false,
  ignorePatterns: ['out', 'dist', 'coverage', 'reports', '.stryker-tmp', 'test/e2e', 'test/bench'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { logTests: false },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  thresholds: { high: 90, low: 80, break: null },
  timeoutMS: 20_000,
};
