// ESLint enforces Parley's layering (docs/ARCHITECTURE.md), not goodwill:
//   shared/   pure TypeScript: no Node, DOM, React, Electron, Monaco; imports nothing from the other layers
//   main/     Node: may import shared/, never renderer/ or preload/
//   preload/  bridges: may import shared/ only
//   renderer/ React UI: may import shared/ only; no Node built-ins, no main/, no Electron
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layer = (name, message) => ({ group: [`**/${name}/**`, `${name}/**`], message });
const MAIN = layer('main', 'main/ is Node-only; reach it through the API contract in shared/api');
const RENDERER = layer('renderer', 'renderer/ is UI; other layers must not depend on it');
const PRELOAD = layer('preload', 'preload/ is the bridge; only the renderer host page loads it');
const builtinsRule = (why) => ({ paths: nodeBuiltins.map((name) => ({ name, message: why })) });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'examples/**', 'test/fixtures/lint/**'] },
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
          ...builtinsRule('shared/ is pure TypeScript: no Node built-ins'),
          patterns: [
            MAIN,
            RENDERER,
            PRELOAD,
            { group: ['react', 'react-dom', 'react/*', 'electron', 'monaco-editor', 'monaco-editor/*', '@xyflow/*', 'zustand', 'zustand/*'], message: 'shared/ imports no UI framework, Electron or editor' },
          ],
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
          patterns: [MAIN, { group: ['electron'], message: 'the renderer never touches Electron; use window.parley' }],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', { patterns: [MAIN, RENDERER] }] },
  },
  {
    files: ['main/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { patterns: [RENDERER, PRELOAD] }] },
  },
  {
    files: ['scripts/**/*.{js,mjs,ts}', 'bin/**/*.mjs', 'test/**/*.ts', '*.config.{js,ts}', '**/*.test.ts'],
    languageOptions: { globals: globals.node },
  },
);
