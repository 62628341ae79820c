import path from 'node:path';

/**
 * Where the Electron build puts things, relative to the app root (the repository in development, `app.asar`
 * when packaged). `scripts/build.mjs` must produce exactly these.
 */
export const BUILD_LAYOUT = {
  /** esbuild bundle of `main/electron/main.ts` (CJS, `electron` external); package.json "main". */
  main: 'out/electron/main.cjs',
  /** esbuild bundle of `preload/electronEntry.ts` (CJS, `electron` external, runs sandboxed). */
  preload: 'out/preload/electron.cjs',
  /** Vite build of the renderer (relative asset URLs: `base: './'`). */
  rendererIndex: 'out/renderer/index.html',
  /** The sample project opened when no project is given on the command line. */
  sampleProject: 'examples/acme-bank',
} as const;

export interface AppPaths {
  root: string;
  preload: string;
  rendererIndex: string;
  /** Where the sample project may be, most likely first. */
  sampleProjectCandidates: string[];
}

export interface AppRootInput {
  /** `__dirname` of the running main bundle (`<root>/out/electron`), when known. */
  mainDir?: string | undefined;
  /** `app.getAppPath()`. */
  appPath: string;
}

/**
 * The app root. The main bundle always sits at `<root>/out/electron/main.cjs`, so its directory is the
 * reliable anchor; `app.getAppPath()` is the fallback (it is the root when started as `electron .` or
 * packaged, but the bundle's own directory when started as `electron out/electron/main.cjs`).
 */
export function resolveAppRoot({ mainDir, appPath }: AppRootInput): string {
  if (mainDir && path.basename(mainDir) === 'electron' && path.basename(path.dirname(mainDir)) === 'out') {
    return path.resolve(mainDir, '..', '..');
  }
  return path.resolve(appPath);
}

export function resolveAppPaths(root: string, resourcesPath?: string): AppPaths {
  const fromRoot = (rel: string) => path.join(root, ...rel.split('/'));
  const sample = fromRoot(BUILD_LAYOUT.sampleProject);
  // Packaged, the sample is best shipped unpacked next to app.asar (extraResources) so it can be edited and
  // watched; inside the asar it is read-only.
  const packedSample = resourcesPath ? path.join(resourcesPath, ...BUILD_LAYOUT.sampleProject.split('/')) : null;
  return {
    root,
    preload: fromRoot(BUILD_LAYOUT.preload),
    rendererIndex: fromRoot(BUILD_LAYOUT.rendererIndex),
    sampleProjectCandidates: packedSample && packedSample !== sample ? [packedSample, sample] : [sample],
  };
}

export interface ArgvInput {
  argv: readonly string[];
  /** `process.defaultApp`: true when started as `electron <app>`, where argv[1] is the app itself. */
  defaultApp: boolean;
  /** The directory relative paths are resolved against (the cwd, or a second instance's working directory). */
  cwd: string;
}

/**
 * The project directory given on the command line: the first positional argument after the executable (and
 * after the app path in development). Flags are skipped, whether Chromium's (`--inspect=...`), macOS's
 * (`-psn_...`) or our own. Returns an absolute path, or undefined when none was given.
 */
export function projectDirFromArgv({ argv, defaultApp, cwd }: ArgvInput): string | undefined {
  const args = argv.slice(defaultApp ? 2 : 1);
  for (const arg of args) {
    if (arg === '' || arg.startsWith('-')) continue;
    return path.resolve(cwd, arg);
  }
  return undefined;
}
