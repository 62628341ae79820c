import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { formatReport, validateDir } from './validate';

const userData = (settings?: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-ud-'));
  if (settings !== undefined) writeFileSync(path.join(dir, 'settings.json'), settings);
  return dir;
};

describe('parley validate and the user settings', () => {
  it('applies the limits of the user settings file', async () => {
    const dir = makeTinyProject({ 'flows/big.yaml': `name: Big\nnodes: []\n# ${'x'.repeat(3000)}\n` });
    const report = await validateDir(dir, { userDataDir: userData(JSON.stringify({ limits: { yaml: 0.002 } })) });
    expect(report.ok).toBe(false);
    expect(formatReport(report)).toContain('flows/big.yaml: file is 3 KB, over the 2 KB limit for YAML (raise it in Settings)');
    expect(formatReport(await validateDir(dir, { userDataDir: userData() }))).not.toContain('over the');
  });

  it('a broken settings file is a warning naming it, and the defaults apply', async () => {
    const ud = userData('{"limits": {"yaml": "lots"}}');
    const report = await validateDir(makeTinyProject(), { userDataDir: ud });
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: path.join(ud, 'settings.json'),
        message: expect.stringMatching(/^limits\.yaml: .*using the default settings$/),
      }),
    ]);
  });
});

describe('parley validate checks the stories', () => {
  it('reports a story that names a node the project no longer has, with its file and line, as parley test would', async () => {
    const story = `name: Greets
turns:
  - user: hello
    expect:
      says:
        - copy: main/welcome
      waits_at: main/menu_gone
  - user: "??"
    expect: { visits: main/sorry }
`;
    const dir = makeTinyProject({ 'stories/greets.yaml': story, 'stories/broken.yaml': 'name: [unclosed\n' });
    const report = await validateDir(dir, { userDataDir: userData() });
    expect(report.ok).toBe(false);
    const text = formatReport(report);
    expect(text).toContain('stories/greets.yaml:7: turns[0].expect.waits_at: unknown node "main/menu_gone"');
    expect(text).toMatch(/stories\/broken\.yaml:\d+: .*invalid YAML/);
    expect(text).not.toContain('main/sorry');
    expect(text).not.toContain('main/welcome');
  });
});
