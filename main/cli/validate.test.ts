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
    expect(report.problems).toEqual([expect.objectContaining({ severity: 'warning', file: path.join(ud, 'settings.json'), message: expect.stringMatching(/^limits\.yaml: .*using the default settings$/) })]);
  });
});
