// The Electron fuses of the packaged app. No Electron binary runs here, so this checks the configuration:
// the values in electron-builder.yml, and that electron-builder's own schema accepts them (a misspelt key
// would otherwise fail only at `npm run dist`, or be dropped).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const root = path.resolve(__dirname, '../..');
const config = YAML.parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  electronFuses?: Record<string, unknown>;
};
const require = createRequire(import.meta.url);
const builderDir = path.dirname(require.resolve('app-builder-lib/package.json'));
const { validateConfiguration } = require(path.join(builderDir, 'out/util/config/config.js')) as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};
const quietLogger = { isEnabled: false, add: () => undefined };

describe('Electron fuses (electron-builder.yml)', () => {
  it('sets each fuse', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // on while the renderer is loaded from file:// (module scripts need it); see the comment in the file
      grantFileProtocolExtraPrivileges: true,
    });
    // onlyLoadAppFromAsar and the integrity check need the app packed as an ASAR
    expect(config.asar).toBe(true);
  });

  it('uses the key names of electron-builder’s FuseOptionsV1', () => {
    const scheme = JSON.parse(readFileSync(path.join(builderDir, 'scheme.json'), 'utf8')) as {
      properties: Record<string, unknown>;
      definitions: { FuseOptionsV1: { properties: Record<string, { type: string }> } };
    };
    expect(scheme.properties).toHaveProperty('electronFuses');
    const known = scheme.definitions.FuseOptionsV1.properties;
    for (const [key, value] of Object.entries(config.electronFuses ?? {})) {
      expect(known, key).toHaveProperty(key);
      expect(typeof value, key).toBe(known[key]!.type);
    }
  });

  it('passes electron-builder’s own validation, which rejects a misspelt fuse', async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsnode: false } };
    await expect(validateConfiguration(misspelt, quietLogger)).rejects.toThrow(/electronFuses/);
  }, 30_000);
});
