import { existsSync } from 'node:fs';
import type { Handlers } from '../../shared/api/contract';
import { createDispatcher } from '../../shared/api/dispatch';
import type { EventBus } from '../services/events';
import { createEventForwarder, createTrustedSenderCheck, registerIpc } from './ipc';
import { appUrlFor, isAppUrl } from './origin';
import { projectDirFromArgv, resolveAppPaths, resolveAppRoot } from './paths';
import type { BrowserWindowLike, ElectronMainLike, WebContentsLike } from './types';
import { createMainWindow, hardenSession, hardenWebContents } from './window';

/** What `createMainServices` (main/services/mainServices.ts) returns. */
export interface MainServices {
  handlers: Handlers;
  bus: EventBus;
  dispose(): Promise<void>;
}

export type CreateMainServices = (opts: { mode: 'electron' | 'web'; projectDir?: string; userDataDir: string; appRoot?: string }) => Promise<MainServices>;

export interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface StartOptions {
  electron: ElectronMainLike;
  createMainServices: CreateMainServices;
  argv: readonly string[];
  cwd: string;
  /** `process.defaultApp` */
  defaultApp: boolean;
  platform: NodeJS.Platform;
  /** `__dirname` of the main bundle, when known (see `resolveAppRoot`). */
  mainDir?: string | undefined;
  /** `process.resourcesPath` (packaged builds). */
  resourcesPath?: string | undefined;
  exists?: (path: string) => boolean;
  log?: Logger;
}

export interface RunningApp {
  /** The open Parley windows. */
  windows(): BrowserWindowLike[];
  /** Stops IPC and events and disposes the services (what `will-quit` does). */
  shutdown(): Promise<void>;
}

/**
 * The whole Electron startup, with Electron and the services passed in so it can run against fakes.
 * Returns null when another instance already runs (this one quits and that one gets focused).
 */
export async function startElectronApp(options: StartOptions): Promise<RunningApp | null> {
  const { electron, platform } = options;
  const { app, BrowserWindow, ipcMain, shell, dialog } = electron;
  const log = options.log ?? console;
  const exists = options.exists ?? existsSync;

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  const windows = new Set<BrowserWindowLike>();
  const liveWindows = () => [...windows].filter((w) => !w.isDestroyed());

  app.on('second-instance', () => {
    // The project of a second launch is not opened here: main holds one current project and the renderer
    // has no event telling it the project changed. Bring the existing window forward instead.
    const [win] = liveWindows();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  const root = resolveAppRoot({ mainDir: options.mainDir, appPath: app.getAppPath() });
  const paths = resolveAppPaths(root, options.resourcesPath);
  const appUrl = appUrlFor(paths.rendererIndex);
  const hardenOptions = {
    appUrl,
    shell,
    onBlocked: (what: { kind: string; detail: string }) => log.warn(`[parley] blocked ${what.kind}: ${what.detail.slice(0, 200)}`),
  };

  // Every webContents that ever exists gets the same hardening, not only the ones we create.
  app.on('web-contents-created', (_event, contents) => {
    hardenSession(contents.session, hardenOptions);
    hardenWebContents(contents, hardenOptions);
  });

  await app.whenReady();

  const fromArgv = projectDirFromArgv({ argv: options.argv, defaultApp: options.defaultApp, cwd: options.cwd });
  const projectDir = fromArgv ?? paths.sampleProjectCandidates.find((candidate) => exists(candidate));
  const userDataDir = app.getPath('userData');

  let services: MainServices;
  try {
    services = await options.createMainServices({ mode: 'electron', projectDir, userDataDir, appRoot: root });
  } catch (error) {
    if (projectDir === undefined) throw error;
    // A project that does not open must not keep the studio from starting: open without one.
    log.error(`[parley] could not open ${projectDir}:`, error);
    if (fromArgv !== undefined) {
      dialog.showErrorBox('Parley could not open the project', `${projectDir}\n\n${error instanceof Error ? error.message : String(error)}`);
    }
    services = await options.createMainServices({ mode: 'electron', userDataDir, appRoot: root });
  }

  const dispatch = createDispatcher(services.handlers, {
    // Outputs are checked against the contract in development (unpackaged, as `npm start` and the e2e tests run
    // it); a packaged build skips it for speed.
    checkOutput: !app.isPackaged,
    onInternalError: (method, error) => log.error(`[parley] ${method} failed:`, error),
  });

  const isOurWebContents = (id: number) => liveWindows().some((w) => w.webContents.id === id);
  const disposeIpc = registerIpc({
    ipcMain,
    dispatch,
    isTrustedSender: createTrustedSenderCheck({ appUrl, isOurWebContents }),
    onForbidden: ({ senderId, frameUrl, method }) =>
      log.warn(`[parley] refused ${String(method).slice(0, 80)} from webContents ${String(senderId)} (${String(frameUrl).slice(0, 200)})`),
  });
  const trustedContents = (): WebContentsLike[] =>
    liveWindows()
      .map((w) => w.webContents)
      .filter((c) => !c.isDestroyed() && isAppUrl(c.getURL(), appUrl));
  const disposeEvents = createEventForwarder(services.bus, trustedContents);

  const openWindow = async (): Promise<BrowserWindowLike> => {
    const win = createMainWindow(BrowserWindow, { ...hardenOptions, preloadPath: paths.preload });
    windows.add(win);
    win.on('closed', () => windows.delete(win));
    await win.loadFile(paths.rendererIndex);
    return win;
  };

  let shutdownPromise: Promise<void> | null = null;
  let shutDown = false;
  const shutdown = () => {
    shutdownPromise ??= (async () => {
      disposeIpc();
      disposeEvents();
      try {
        await services.dispose();
      } catch (error) {
        log.error('[parley] shutdown failed:', error);
      } finally {
        shutDown = true;
      }
    })();
    return shutdownPromise;
  };

  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (liveWindows().length === 0) openWindow().catch((error: unknown) => log.error('[parley] could not open a window:', error));
  });
  app.on('will-quit', (event) => {
    if (shutDown) return;
    // Let the services flush and close their watchers before the process goes.
    event.preventDefault();
    void shutdown().then(() => app.quit());
  });

  await openWindow();
  return { windows: liveWindows, shutdown };
}
