import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { CallResult, Handlers } from '../../shared/api/contract';
import { createEventBus } from '../services/events';
import { startElectronApp, type CreateMainServices, type MainServices } from './app';
import { BUILD_LAYOUT, projectDirFromArgv, resolveAppPaths, resolveAppRoot } from './paths';
import type { BrowserWindowOptionsLike, ElectronMainLike, IpcMainInvokeEventLike, PreventableEventLike, SessionLike, WebContentsLike } from './types';

const ROOT = path.resolve('/opt/parley');
const INDEX = path.join(ROOT, 'out', 'renderer', 'index.html');
const INDEX_URL = pathToFileURL(INDEX).href;
const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

type Listener = (...args: unknown[]) => unknown;

function fakeElectron({ lock = true } = {}) {
  const appListeners = new Map<string, Listener[]>();
  const ipcHandlers = new Map<string, Listener>();
  const windows: FakeWindow[] = [];
  let nextId = 1;

  const session: SessionLike = {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
  };

  class FakeWindow {
    readonly options: BrowserWindowOptionsLike;
    readonly webContents: WebContentsLike & { url: string };
    readonly loaded: string[] = [];
    destroyed = false;
    focused = 0;
    private closedListeners: Array<() => void> = [];
    constructor(options: BrowserWindowOptionsLike) {
      this.options = options;
      const contents = {
        id: nextId++,
        url: '',
        session,
        send: vi.fn(),
        isDestroyed: () => this.destroyed,
        getURL: () => contents.url,
        setWindowOpenHandler: vi.fn(),
        on: vi.fn(),
      };
      this.webContents = contents as unknown as WebContentsLike & { url: string };
      windows.push(this);
      // Electron announces every new webContents on the app
      for (const l of appListeners.get('web-contents-created') ?? []) l({}, this.webContents);
    }
    async loadFile(file: string) {
      this.loaded.push(file);
      this.webContents.url = pathToFileURL(file).href;
    }
    show() {}
    focus() {
      this.focused++;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    isDestroyed() {
      return this.destroyed;
    }
    once() {
      return this;
    }
    on(event: string, listener: () => void) {
      if (event === 'closed') this.closedListeners.push(listener);
      return this;
    }
    close() {
      this.destroyed = true;
      for (const l of this.closedListeners) l();
    }
  }

  const app = {
    isPackaged: false,
    requestSingleInstanceLock: vi.fn(() => lock),
    whenReady: vi.fn(async () => undefined),
    quit: vi.fn(),
    exit: vi.fn(),
    getAppPath: () => ROOT,
    getPath: () => '/home/u/.config/Parley',
    on: vi.fn((event: string, listener: Listener) => {
      appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      return app;
    }),
  };
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: vi.fn((channel: string, l: Listener) => void ipcHandlers.set(channel, l)),
      removeHandler: vi.fn((channel: string) => void ipcHandlers.delete(channel)),
    },
    shell: { openExternal: vi.fn(async () => undefined) },
    dialog: { showErrorBox: vi.fn() },
  };
  const emitApp = (event: string, ...args: unknown[]) => {
    for (const l of appListeners.get(event) ?? []) l(...args);
  };
  const invoke = async (event: IpcMainInvokeEventLike, method: string, input: unknown) => {
    const handler = ipcHandlers.get('parley:call');
    if (!handler) throw new Error('no handler');
    return (await handler(event, method, input)) as CallResult;
  };
  return { electron: electron as unknown as ElectronMainLike, app, windows, ipcHandlers, emitApp, invoke, dialog: electron.dialog };
}

function fakeServices() {
  const bus = createEventBus();
  const handlers = { 'app.info': vi.fn(async () => ({ mode: 'electron', version: '0.1.0', hasApiKey: false })) } as unknown as Handlers;
  const dispose = vi.fn(async () => undefined);
  const services: MainServices = { handlers, bus, dispose };
  const createMainServices = vi.fn<CreateMainServices>(async () => services);
  return { services, createMainServices, bus, dispose };
}

const baseOptions = {
  cwd: '/home/u/work',
  defaultApp: true,
  platform: 'linux' as const,
  mainDir: path.join(ROOT, 'out', 'electron'),
  log: quiet,
};

describe('startElectronApp', () => {
  it('quits at once when another instance holds the lock', async () => {
    const f = fakeElectron({ lock: false });
    const s = fakeServices();
    const running = await startElectronApp({ ...baseOptions, electron: f.electron, createMainServices: s.createMainServices, argv: ['electron', '.'] });
    expect(running).toBeNull();
    expect(f.app.quit).toHaveBeenCalled();
    expect(s.createMainServices).not.toHaveBeenCalled();
    expect(f.windows).toHaveLength(0);
  });

  it('opens the project from argv, loads the renderer in a hardened window and serves IPC', async () => {
    const f = fakeElectron();
    const s = fakeServices();
    const running = await startElectronApp({
      ...baseOptions,
      electron: f.electron,
      createMainServices: s.createMainServices,
      argv: ['/usr/bin/electron', '.', '--inspect=9229', 'bots/support'],
      exists: () => true,
    });
    expect(running).not.toBeNull();
    expect(s.createMainServices).toHaveBeenCalledWith({
      mode: 'electron',
      projectDir: path.resolve('/home/u/work', 'bots/support'),
      userDataDir: '/home/u/.config/Parley',
      // where the packaged app's prebuilt bundle runtime is (out/runtime/server.mjs)
      appRoot: ROOT,
    });
    expect(f.windows).toHaveLength(1);
    const win = f.windows[0]!;
    expect(win.loaded).toEqual([INDEX]);
    expect(win.options.webPreferences.preload).toBe(path.join(ROOT, 'out', 'preload', 'electron.cjs'));
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(win.webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1); // hardened once, not twice

    const fromWindow = { sender: { id: win.webContents.id }, senderFrame: { url: INDEX_URL, parent: null } };
    await expect(f.invoke(fromWindow, 'app.info', {})).resolves.toMatchObject({ ok: true, value: { mode: 'electron' } });
    const foreign = { sender: { id: 999 }, senderFrame: { url: INDEX_URL, parent: null } };
    await expect(f.invoke(foreign, 'app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    s.bus.emit('simulator.token', { sessionId: 'a', turn: 0, flow: 'f', node: 'n', delta: 'b' });
    expect(win.webContents.send).toHaveBeenCalledWith('parley:event', 'simulator.token', { sessionId: 'a', turn: 0, flow: 'f', node: 'n', delta: 'b' });
  });

  it('checks outputs against the contract when unpackaged (development), not in a packaged build', async () => {
    for (const isPackaged of [false, true]) {
      const f = fakeElectron();
      f.app.isPackaged = isPackaged;
      const s = fakeServices();
      vi.mocked(s.services.handlers['app.info']).mockResolvedValue({ mode: 'electron', version: 1 } as never);
      await startElectronApp({
        ...baseOptions,
        electron: f.electron,
        createMainServices: s.createMainServices,
        argv: ['/usr/bin/electron', '.', 'bots/support'],
        exists: () => true,
      });
      const fromWindow = { sender: { id: f.windows[0]!.webContents.id }, senderFrame: { url: INDEX_URL, parent: null } };
      const result = await f.invoke(fromWindow, 'app.info', {});
      if (isPackaged) expect(result).toMatchObject({ ok: true });
      else expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('version') } });
    }
  });

  it('opens the sample next to the app when no project is given', async () => {
    const f = fakeElectron();
    const s = fakeServices();
    await startElectronApp({
      ...baseOptions,
      electron: f.electron,
      createMainServices: s.createMainServices,
      argv: ['/usr/bin/electron', '.'],
      exists: (p) => p === path.join(ROOT, 'examples', 'acme-bank'),
    });
    expect(s.createMainServices).toHaveBeenCalledWith(expect.objectContaining({ projectDir: path.join(ROOT, 'examples', 'acme-bank') }));
  });

  it('starts without a project when the given one cannot be opened', async () => {
    const f = fakeElectron();
    const s = fakeServices();
    s.createMainServices.mockRejectedValueOnce(new Error('not a Parley project'));
    await startElectronApp({ ...baseOptions, electron: f.electron, createMainServices: s.createMainServices, argv: ['parley', '/nope'], defaultApp: false });
    expect(s.createMainServices).toHaveBeenLastCalledWith({ mode: 'electron', userDataDir: '/home/u/.config/Parley', appRoot: ROOT });
    expect(f.dialog.showErrorBox).toHaveBeenCalledWith('Parley could not open the project', expect.stringContaining('not a Parley project'));
    expect(f.windows).toHaveLength(1);
  });

  it('stops sending events to a window once it is closed and refuses its calls', async () => {
    const f = fakeElectron();
    const s = fakeServices();
    await startElectronApp({ ...baseOptions, electron: f.electron, createMainServices: s.createMainServices, argv: ['electron', '.'], exists: () => false });
    const win = f.windows[0]!;
    win.close();
    s.bus.emit('simulator.token', { sessionId: 'a', turn: 0, flow: 'f', node: 'n', delta: 'b' });
    expect(win.webContents.send).not.toHaveBeenCalled();
    const fromWindow = { sender: { id: win.webContents.id }, senderFrame: { url: INDEX_URL, parent: null } };
    await expect(f.invoke(fromWindow, 'app.info', {})).resolves.toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('focuses the window on a second launch, reopens one on activate, and disposes services before quitting', async () => {
    const f = fakeElectron();
    const s = fakeServices();
    await startElectronApp({ ...baseOptions, electron: f.electron, createMainServices: s.createMainServices, argv: ['electron', '.'], exists: () => false });
    f.emitApp('second-instance', {}, ['parley', 'x'], '/');
    expect(f.windows[0]!.focused).toBe(1);

    f.windows[0]!.close();
    f.emitApp('activate');
    await vi.waitFor(() => expect(f.windows).toHaveLength(2));

    const quitEvent: PreventableEventLike & { prevented: boolean } = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    f.emitApp('will-quit', quitEvent);
    expect(quitEvent.prevented).toBe(true);
    await vi.waitFor(() => expect(f.app.quit).toHaveBeenCalled());
    expect(s.dispose).toHaveBeenCalledTimes(1);
    expect(f.ipcHandlers.size).toBe(0);
    const again = { prevented: false, preventDefault: vi.fn() };
    f.emitApp('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});

describe('paths', () => {
  it('finds the root from the main bundle, falling back to the app path', () => {
    expect(resolveAppRoot({ mainDir: path.join(ROOT, 'out', 'electron'), appPath: '/elsewhere' })).toBe(ROOT);
    expect(resolveAppRoot({ mainDir: '/tmp/bundle', appPath: ROOT })).toBe(ROOT);
    expect(resolveAppRoot({ appPath: ROOT })).toBe(ROOT);
  });

  it('lays out the build outputs under the root', () => {
    const paths = resolveAppPaths(ROOT);
    expect(paths.rendererIndex).toBe(INDEX);
    expect(paths.preload).toBe(path.join(ROOT, ...BUILD_LAYOUT.preload.split('/')));
    expect(paths.sampleProjectCandidates).toEqual([path.join(ROOT, 'examples', 'acme-bank')]);
    expect(resolveAppPaths(ROOT, '/opt/res').sampleProjectCandidates).toEqual([
      path.join('/opt/res', 'examples', 'acme-bank'),
      path.join(ROOT, 'examples', 'acme-bank'),
    ]);
  });

  it('reads the project from argv in development and packaged launches', () => {
    const cwd = path.resolve('/w');
    expect(projectDirFromArgv({ argv: ['electron', '.', 'proj'], defaultApp: true, cwd })).toBe(path.join(cwd, 'proj'));
    expect(projectDirFromArgv({ argv: ['electron', '.'], defaultApp: true, cwd })).toBeUndefined();
    expect(projectDirFromArgv({ argv: ['Parley', '-psn_0_123', '--no-sandbox', '/abs/p'], defaultApp: false, cwd })).toBe(path.resolve('/abs/p'));
    expect(projectDirFromArgv({ argv: ['Parley'], defaultApp: false, cwd })).toBeUndefined();
  });
});
