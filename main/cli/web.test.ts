// `parley web`: the URL comes before main's services and the project, and every call waits for them; a folder
// that is not a project and a missing UI build are refused before any URL is printed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { runWeb } from './web';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const rendererDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-ui-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Parley</title>');
  return dir;
};
const userDataDir = () => mkdtempSync(path.join(os.tmpdir(), 'parley-ud-'));

describe('runWeb', () => {
  it('prints the URL, and a call made at once answers with the project once it has opened', async () => {
    const lines: string[] = [];
    const web = await runWeb({
      projectDir: makeTinyProject(),
      port: 0,
      open: false,
      rendererDir: rendererDir(),
      userDataDir: userDataDir(),
      log: (l) => lines.push(l),
    });
    stops.push(() => web.stop());
    expect(lines[0]).toBe(`Parley web mode: ${web.host.launchUrl}`);
    const token = /#token=(.+)$/.exec(web.host.launchUrl)![1]!;
    const res = await fetch(new URL('/api/call', web.host.launchUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'project.current', input: {} }),
    });
    const body = (await res.json()) as { ok: boolean; value: { manifest: { name: string }; flows: Record<string, unknown> } | null };
    expect(body.ok).toBe(true);
    expect(body.value?.manifest.name).toBe('Tiny Bank');
    expect(Object.keys(body.value?.flows ?? {})).toEqual(['main']);
    await web.ready;
  });

  it('refuses a folder that is not a project before printing a URL', async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-empty-'));
    await expect(
      runWeb({ projectDir: dir, port: 0, open: false, rendererDir: rendererDir(), userDataDir: userDataDir(), log: (l) => lines.push(l) }),
    ).rejects.toThrow(`${dir} is not a Parley project (no parley.yaml)`);
    expect(lines).toEqual([]);
  });

  it('says how to build the UI when a given renderer folder has none (it builds only its own out/renderer)', async () => {
    const lines: string[] = [];
    const empty = mkdtempSync(path.join(os.tmpdir(), 'parley-noui-'));
    await expect(
      runWeb({ projectDir: makeTinyProject(), port: 0, open: false, rendererDir: empty, userDataDir: userDataDir(), log: (l) => lines.push(l) }),
    ).rejects.toThrow(`the studio's UI is not built (no ${path.join(empty, 'index.html')}); run: npm run build`);
    expect(lines).toEqual([]);
  });
});
