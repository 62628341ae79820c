/**
 * The Electron entry. Bundled by esbuild to `out/electron/main.cjs` (CJS, `electron` external), so it runs as
 * CommonJS: `require` and `__dirname` exist there, `import.meta` does not. Everything testable lives in
 * ./app.ts; this file only wires the real Electron module and the real services to it.
 */
import path from 'node:path';
import type { SafeStorageLike } from '../llm/keys';
import { createMainServices } from '../services/mainServices';
import { startElectronApp } from './app';
import type { ElectronMainLike } from './types';

// The CJS bundle's own `require` (the `electron` package has no types here and must not be imported).
declare const require: (id: 'electron') => unknown;

const electron = require('electron') as ElectronMainLike;
const electronProcess = process as NodeJS.Process & { defaultApp?: boolean; resourcesPath?: string };

// The API key is kept with the OS keychain (safeStorage), in the user data folder, never in a project.
const safeStorage = (electron as unknown as { safeStorage?: SafeStorageLike }).safeStorage;

startElectronApp({
  electron,
  createMainServices: (o) => createMainServices({ ...o, ...(safeStorage ? { safeStorage, keychainFile: path.join(o.userDataDir, 'llm-key.bin') } : {}) }),
  argv: process.argv,
  cwd: process.cwd(),
  defaultApp: electronProcess.defaultApp === true,
  platform: process.platform,
  mainDir: typeof __dirname !== 'undefined' ? __dirname : undefined,
  resourcesPath: electron.app.isPackaged ? electronProcess.resourcesPath : undefined,
}).catch((error: unknown) => {
  console.error('[parley] startup failed:', error);
  try {
    electron.dialog.showErrorBox('Parley could not start', error instanceof Error ? error.message : String(error));
  } finally {
    electron.app.exit(1);
  }
});
