// ESLint enforces Parley's layering (docs/ARCHITECTURE.md), not goodwill:
//   shared/   pure TypeScript: only the packages in SHARED_PACKAGES; imports nothing from the other layers
//   main/     Node: may import shared/, never renderer/, preload/ or test/ (its *.test.ts may use test fixtures)
//   preload/  bridges: may import shared/ only; no Node built-ins
//   renderer/ React UI: may import shared/ only; no Node built-ins, no main/, no preload/, no Electron
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

/**
 * The only npm packages shared/ may import (an allow-list: anything else, Node built-ins included, fails).
 * docs/ARCHITECTURE.md's layer table documents it; test/unit/layering.test.ts checks the two agree.
 */
export const SHARED_PACKAGES = [
  'zod',
  'yaml',
  'js-yaml',
  'minisearch',
  'elkjs',
  'jexl',
  'chrono-node',
  're2js',
  'papaparse',
  'libphonenumber-js',
  'obscenity',
  '@orama/stemmers',
  'jsonpath-plus',
  'date-holidays',
  'compromise',
  'flesch-kincaid',
  'syllable',
  'diff',
  'unified',
  'vfile',
  'retext-english',
  'retext-equality',
  'retext-passive',
  'retext-readability',
  'retext-simplify',
  'lru-cache',
];
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SHARED_ALLOW = {
  // any bare specifier (not ./ or ../) other than an allowed package or one of its subpaths
  regex: `^(?!\\.{1,2}/)(?!(?:${SHARED_PACKAGES.map(escapeRe).join('|')})(?:/|$))`,
  message: `shared/ may import only ${SHARED_PACKAGES.join(', ')} (docs/ARCHITECTURE.md): no Node built-ins, UI framework, Electron or other package`,
};

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layer = (name, message) => ({ group: [`**/${name}/**`, `${name}/**`], message });
const MAIN = layer('main', 'main/ is Node-only; reach it through the API contract in shared/api');
const RENDERER = layer('renderer', 'renderer/ is UI; other layers must not depend on it');
const PRELOAD = layer('preload', 'preload/ is the bridge; only the renderer host page loads it');
const TEST = layer('test', 'main/ ships; test/ helpers are for *.test.ts files only');
const builtinsRule = (why) => ({ paths: nodeBuiltins.map((name) => ({ name, message: why })) });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', '.stryker-tmp/**', 'reports/**', 'examples/**', 'test/fixtures/lint/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'never eval: flows are untrusted input' },
        { selector: "NewExpression[callee.name='Function']", message: 'never new Function: flows are untrusted input' },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [MAIN, RENDERER, PRELOAD, TEST, SHARED_ALLOW],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname', 'localStorage', 'navigator'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          ...builtinsRule('the renderer has no Node: ask main through the API contract'),
          patterns: [MAIN, PRELOAD, { group: ['electron'], message: 'the renderer never touches Electron; use window.parley' }],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', { ...builtinsRule('preload/ runs sandboxed: no Node built-ins'), patterns: [MAIN, RENDERER] }] },
  },
  {
    files: ['main/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { patterns: [RENDERER, PRELOAD, TEST] }] },
  },
  {
    files: ['main/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [RENDERER, PRELOAD] }] },
  },
  {
    files: ['scripts/**/*.{js,mjs,ts}', 'bin/**/*.mjs', 'test/**/*.ts', '*.config.{js,ts}', '**/*.test.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // One idea per file: a source file past 500 lines holds several and is split into a folder (issue 11).
    // Tests and benches are exempt: a long table of cases reads better in one place.
    files: ['main/**/*.ts', 'shared/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,tsx}', 'scripts/**/*.mjs', 'bin/**/*.mjs'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }] },
  },
);
