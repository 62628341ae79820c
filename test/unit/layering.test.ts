import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Lints code as if it lived at the given path, with the project's real eslint.config.js.
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../..') });
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering rules (npm run lint)', () => {
  it('fails on a renderer → main import', async () => {
    const messages = await lint('renderer/src/Bad.tsx', "import { createProjectStore } from '../../main/services/projectStore';\nexport const x = createProjectStore;\n");
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*main\/ is Node-only/)]);
  });

  it('fails on a Node built-in in the renderer', async () => {
    expect(await lint('renderer/src/Bad.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*the renderer has no Node/),
    ]);
  });

  it('fails when shared/ imports Node, React or Electron, or touches window', async () => {
    expect(await lint('shared/bad.ts', "import path from 'path';\nexport const x = path;\n")).toEqual([expect.stringMatching(/no Node built-ins/)]);
    expect(await lint('shared/bad.ts', "import { useState } from 'react';\nexport const x = useState;\n")).toEqual([expect.stringMatching(/no UI framework/)]);
    expect(await lint('shared/bad.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([expect.stringMatching(/no UI framework, Electron/)]);
    expect(await lint('shared/bad.ts', 'export const w = window.location;\n')).toEqual([expect.stringMatching(/^no-restricted-globals/)]);
  });

  it('fails when main/ imports the renderer, or preload/ imports main/', async () => {
    expect(await lint('main/services/bad.ts', "import { App } from '../../renderer/src/App';\nexport const x = App;\n")).toHaveLength(1);
    expect(await lint('preload/bad.ts', "import { startWebHost } from '../main/web/server';\nexport const x = startWebHost;\n")).toHaveLength(1);
  });

  it('refuses eval and new Function anywhere', async () => {
    expect(await lint('main/services/bad.ts', "export const f = (s: string) => eval(s);\n")).toEqual([expect.stringMatching(/never eval/)]);
    expect(await lint('shared/bad.ts', "export const f = (s: string) => new Function(s);\n")).toEqual([expect.stringMatching(/never new Function/)]);
  });

  it('accepts the allowed directions', async () => {
    expect(await lint('renderer/src/Good.ts', "import { methods } from '../../shared/api/contract';\nexport const x = methods;\n")).toEqual([]);
    expect(await lint('main/services/good.ts', "import fs from 'node:fs';\nimport { methods } from '../../shared/api/contract';\nexport const x = [fs, methods];\n")).toEqual([]);
  });
});
