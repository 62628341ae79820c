/**
 * Structural stand-ins for the few parts of Electron that Parley uses.
 *
 * The `electron` package is an optional dependency that cannot always be installed (CI, web-only machines), so
 * no file may import its types at compile time. The Electron entries obtain the real module at runtime with
 * `require('electron')` and cast it to these interfaces; tests pass fakes that implement them. Keep them
 * minimal: only what the code calls, with Electron's real signatures (a subset of them).
 */

/** An event whose default action can be cancelled (`will-navigate`, `will-attach-webview`, ...). */
export interface PreventableEventLike {
  preventDefault(): void;
}

/** `WebFrameMain`, as seen in `event.senderFrame`. */
export interface WebFrameLike {
  /** The frame's current URL. */
  readonly url: string;
  /** The parent frame, or null for a top-level frame. */
  readonly parent?: WebFrameLike | null;
}

/** The event of an `ipcMain.handle` listener. */
export interface IpcMainInvokeEventLike {
  /** The `WebContents` that sent the message (only its id is used). */
  readonly sender: { readonly id: number };
  /** The frame that sent the message; null when it has navigated away or been destroyed since. */
  readonly senderFrame: WebFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface HeadersReceivedDetailsLike {
  readonly url: string;
  readonly resourceType?: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface HeadersReceivedResponseLike {
  cancel?: boolean;
  responseHeaders?: Record<string, string | string[]>;
}

export interface WebRequestLike {
  onHeadersReceived(listener: ((details: HeadersReceivedDetailsLike, callback: (response: HeadersReceivedResponseLike) => void) => void) | null): void;
}

export interface SessionLike {
  readonly webRequest: WebRequestLike;
  setPermissionRequestHandler(
    handler: ((webContents: unknown, permission: string, callback: (permissionGranted: boolean) => void, details: unknown) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean) | null): void;
}

export type WindowOpenHandlerResponseLike = { action: 'deny' } | { action: 'allow' };

export interface WebContentsLike {
  readonly id: number;
  readonly session: SessionLike;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  getURL(): string;
  setWindowOpenHandler(handler: (details: { url: string; frameName?: string; disposition?: string }) => WindowOpenHandlerResponseLike): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEventLike, url: string) => void): unknown;
  on(
    event: 'will-attach-webview',
    listener: (event: PreventableEventLike, webPreferences: Record<string, unknown>, params: Record<string, unknown>) => void,
  ): unknown;
}

/** The subset of `BrowserWindowConstructorOptions` that Parley sets. */
export interface BrowserWindowOptionsLike {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    sandbox: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    webviewTag: boolean;
    experimentalFeatures: boolean;
    navigateOnDragDrop: boolean;
    safeDialogs: boolean;
    spellcheck?: boolean;
    disableBlinkFeatures?: string;
  };
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadFile(filePath: string): Promise<void>;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export type BrowserWindowConstructorLike = new (options: BrowserWindowOptionsLike) => BrowserWindowLike;

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export interface AppLike {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  getAppPath(): string;
  getPath(name: 'userData'): string;
  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, webContents: WebContentsLike) => void): unknown;
  on(event: 'window-all-closed' | 'activate', listener: () => void): unknown;
  on(event: 'will-quit', listener: (event: PreventableEventLike) => void): unknown;
}

export interface DialogLike {
  showErrorBox(title: string, content: string): void;
}

/** What `require('electron')` gives the main process (the parts Parley uses). */
export interface ElectronMainLike {
  app: AppLike;
  BrowserWindow: BrowserWindowConstructorLike;
  ipcMain: IpcMainLike;
  shell: ShellLike;
  dialog: DialogLike;
}

// The preload's structural types (ipcRenderer, contextBridge) live in preload/electron.ts: preload/ may not
// import main/ (docs/ARCHITECTURE.md).
