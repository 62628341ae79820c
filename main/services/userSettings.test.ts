import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { loadUserSettings } from './userSettings';

const dirWith = (text?: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-settings-'));
  if (text !== undefined) writeFileSync(path.join(dir, 'settings.json'), text);
  return dir;
};

describe('user settings', () => {
  it('a missing file means the defaults, without a warning', async () => {
    expect(await loadUserSettings(dirWith())).toEqual({ settings: { limits: DEFAULT_FILE_LIMITS }, warnings: [] });
    expect(await loadUserSettings(path.join(dirWith(), 'no', 'such'))).toEqual({ settings: { limits: DEFAULT_FILE_LIMITS }, warnings: [] });
  });

  it('reads the limits, keeping the defaults for the ones not set and ignoring unknown keys', async () => {
    const r = await loadUserSettings(dirWith(JSON.stringify({ limits: { yaml: 20 }, theme: 'dark' })));
    expect(r).toEqual({ settings: { limits: { ...DEFAULT_FILE_LIMITS, yaml: 20 } }, warnings: [] });
  });

  it('a broken file means the defaults and a warning naming the file and the field', async () => {
    const bad = await loadUserSettings(dirWith('{ not json'));
    expect(bad.settings.limits).toEqual(DEFAULT_FILE_LIMITS);
    expect(bad.warnings[0]).toMatch(/settings\.json: not valid JSON/);
    const negative = await loadUserSettings(dirWith(JSON.stringify({ limits: { yaml: -1 } })));
    expect(negative.settings.limits).toEqual(DEFAULT_FILE_LIMITS);
    expect(negative.warnings[0]).toMatch(/settings\.json: limits\.yaml: /);
    const typo = await loadUserSettings(dirWith(JSON.stringify({ limits: { yml: 1 } })));
    expect(typo.warnings[0]).toMatch(/limits/);
  });
});
