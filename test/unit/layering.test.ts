import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_PACKAGES } from '../../eslint.config.js';

// Lints code as if it lived at the given path, with the project's real eslint.config.js.
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../..') });
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering rules (npm run lint)', () => {
  it('fails on a renderer → main import', async () => {
    const messages = await lint(
      'renderer/src/Bad.tsx',
      "import { createProjectStore } from '../../main/services/projectStore';\nexport const x = createProjectStore;\n",
    );
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*main\/ is Node-only/)]);
  });

  it('fails on a Node built-in in the renderer', async () => {
    expect(await lint('renderer/src/Bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*the renderer has no Node/),
    ]);
  });

  it('fails when shared/ imports Node, React or Electron, or touches window', async () => {
    const notAllowed = /^no-restricted-imports: .*shared\/ may import only zod/;
    expect(await lint('shared/bad.ts', "import path from 'path';\nexport const x = path;\n")).toEqual([expect.stringMatching(notAllowed)]);
    expect(await lint('shared/bad.ts', "import { useState } from 'react';\nexport const x = useState;\n")).toEqual([expect.stringMatching(notAllowed)]);
    expect(await lint('shared/bad.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([expect.stringMatching(notAllowed)]);
    expect(await lint('shared/bad.ts', 'export const w = window.location;\n')).toEqual([expect.stringMatching(/^no-restricted-globals/)]);
  });

  it('lets shared/ import only the allow-listed packages (any other package fails)', async () => {
    const notAllowed = /^no-restricted-imports: .*shared\/ may import only/;
    expect(await lint('shared/engine/bad.ts', "import { watch } from 'chokidar';\nexport const x = watch;\n")).toEqual([expect.stringMatching(notAllowed)]);
    expect(await lint('shared/llm/bad.ts', "import Anthropic from '@anthropic-ai/sdk';\nexport const x = Anthropic;\n")).toEqual([
      expect.stringMatching(notAllowed),
    ]);
    expect(await lint('shared/llm/bad.ts', "import type { Message } from '@anthropic-ai/sdk/resources';\nexport type X = Message;\n")).toEqual([
      expect.stringMatching(notAllowed),
    ]);
    // a name that merely starts like an allowed one is not allowed
    expect(await lint('shared/bad.ts', "import x from 'zod-extra';\nexport const y = x;\n")).toEqual([expect.stringMatching(notAllowed)]);
    expect(
      await lint(
        'shared/good.ts',
        "import { z } from 'zod';\nimport type { ELK } from 'elkjs/lib/elk.bundled.js';\nimport { Id } from './schema/common';\nexport type X = [ELK, typeof z, typeof Id];\n",
      ),
    ).toEqual([]);
  });

  it('keeps the allow-list and the layer table in docs/ARCHITECTURE.md in step', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/ARCHITECTURE.md'), 'utf8');
    const row = doc.split('\n').find((line) => line.startsWith('| `shared/` |'));
    const documented = [...(row?.split('|')[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    expect(documented).toEqual(SHARED_PACKAGES);
  });

  it('fails when preload/ imports a Node built-in', async () => {
    expect(await lint('preload/bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*preload\/ runs sandboxed/),
    ]);
    expect(await lint('preload/bad.ts', "import { join } from 'path';\nexport const x = join;\n")).toEqual([expect.stringMatching(/preload\/ runs sandboxed/)]);
  });

  it('fails when the renderer imports preload/', async () => {
    expect(await lint('renderer/src/Bad.ts', "import { createWebBridge } from '../../preload/web';\nexport const x = createWebBridge;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*preload\/ is the bridge/),
    ]);
  });

  it('fails when main/ imports test/, except in its *.test.ts files', async () => {
    const code = "import { makeTinyProject } from '../../test/fixtures/tinyProject';\nexport const x = makeTinyProject;\n";
    expect(await lint('main/services/bad.ts', code)).toEqual([expect.stringMatching(/^no-restricted-imports: .*test\/ helpers are for \*\.test\.ts/)]);
    expect(await lint('main/services/good.test.ts', code)).toEqual([]);
    // the test exception does not open main/ tests to the renderer
    expect(await lint('main/services/bad.test.ts', "import { App } from '../../renderer/src/App';\nexport const x = App;\n")).toHaveLength(1);
  });

  it('fails when main/ imports the renderer, or preload/ imports main/', async () => {
    expect(await lint('main/services/bad.ts', "import { App } from '../../renderer/src/App';\nexport const x = App;\n")).toHaveLength(1);
    expect(await lint('preload/bad.ts', "import { startWebHost } from '../main/web/server';\nexport const x = startWebHost;\n")).toHaveLength(1);
  });

  it('refuses eval and new Function anywhere', async () => {
    expect(await lint('main/services/bad.ts', 'export const f = (s: string) => eval(s);\n')).toEqual([expect.stringMatching(/never eval/)]);
    expect(await lint('shared/bad.ts', 'export const f = (s: string) => new Function(s);\n')).toEqual([expect.stringMatching(/never new Function/)]);
  });

  it('accepts the allowed directions', async () => {
    expect(await lint('renderer/src/Good.ts', "import { methods } from '../../shared/api/contract';\nexport const x = methods;\n")).toEqual([]);
    expect(await lint('preload/good.ts', "import { CALL_CHANNEL } from '../shared/api/channels';\nexport const x = CALL_CHANNEL;\n")).toEqual([]);
    expect(
      await lint('main/services/good.ts', "import fs from 'node:fs';\nimport { methods } from '../../shared/api/contract';\nexport const x = [fs, methods];\n"),
    ).toEqual([]);
  });
  it('fails on a source file over 500 lines; tests are exempt', async () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    expect(await lint('shared/engine/big.ts', lines(501))).toEqual([expect.stringMatching(/^max-lines: File has too many lines \(501\)/)]);
    expect(await lint('renderer/src/Big.tsx', lines(501))).toEqual([expect.stringMatching(/^max-lines:/)]);
    expect(await lint('main/services/ok.ts', lines(500))).toEqual([]);
    expect(await lint('shared/engine/big.test.ts', lines(501))).toEqual([]);
  });
});
