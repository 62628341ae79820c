import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../shared/api/security';
import { externalUrlToOpen, isAppUrl, type AppUrlOptions } from './origin';
import type { BrowserWindowConstructorLike, BrowserWindowLike, HeadersReceivedDetailsLike, SessionLike, ShellLike, WebContentsLike } from './types';

/**
 * The Parley window and the hardening of everything it loads. The BrowserWindow options are written out
 * literally here (not built by a helper) so that reviewers and Electronegativity see every security-relevant
 * preference where the window is created. The policy itself is `shared/api/security.ts`, shared with the web
 * host.
 */

export { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META };

/** The ready-made tag for the renderer's `<head>` (before any script or stylesheet). */
export const CSP_META_TAG = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`;

export interface HardenOptions extends AppUrlOptions {
  /** The `file://` URL of the renderer's index.html: the one document a Parley window may show. */
  appUrl: string;
  shell: ShellLike;
  /** Told about each blocked navigation, window or permission (for the log); must not throw. */
  onBlocked?: (what: { kind: 'navigation' | 'window-open' | 'webview' | 'permission'; detail: string }) => void;
}

export interface MainWindowOptions extends HardenOptions {
  /** Absolute path of the bundled preload (`out/preload/electron.cjs`). */
  preloadPath: string;
}

const hardenedContents = new WeakSet<object>();
const hardenedSessions = new WeakSet<object>();

type BlockedListener = NonNullable<HardenOptions['onBlocked']>;

function report(onBlocked: BlockedListener | undefined, what: Parameters<BlockedListener>[0]): void {
  try {
    onBlocked?.(what);
  } catch {
    // logging must not weaken the block
  }
}

/**
 * Creates the Parley window, hardened before anything is loaded into it. The caller then loads
 * `out/renderer/index.html` with `loadFile`.
 */
export function createMainWindow(BrowserWindow: BrowserWindowConstructorLike, options: MainWindowOptions): BrowserWindowLike {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Parley',
    webPreferences: {
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK reviewed the preload exposes only the typed call and on bridge over two fixed channels
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  hardenSession(win.webContents.session, options);
  hardenWebContents(win.webContents, options);
  win.once('ready-to-show', () => win.show());
  return win;
}

/**
 * Per-session hardening: the Content-Security-Policy header on every response, and every permission request
 * (camera, microphone, notifications, geolocation, clipboard read, ...) denied. Idempotent.
 */
export function hardenSession(session: SessionLike, options: Pick<HardenOptions, 'onBlocked'> = {}): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);

  session.webRequest.onHeadersReceived((details: HeadersReceivedDetailsLike, callback) => {
    callback({
      responseHeaders: {
        ...withoutCspHeaders(details.responseHeaders),
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });

  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    report(options.onBlocked, { kind: 'permission', detail: String(permission) });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

/** Response headers minus any Content-Security-Policy of their own (ours replaces it, whatever its case). */
function withoutCspHeaders(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'content-security-policy' || lower === 'content-security-policy-report-only') continue;
    out[name] = value;
  }
  return out;
}

/**
 * Per-webContents hardening, applied to our window and (through `app.on('web-contents-created')`) to any
 * other webContents that ever appears: no navigation away from our document, no new windows (http(s) links
 * go to the user's browser instead), no <webview>. Idempotent.
 */
export function hardenWebContents(contents: WebContentsLike, options: HardenOptions): void {
  if (hardenedContents.has(contents)) return;
  hardenedContents.add(contents);

  const denyNavigation = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url, options.appUrl, options)) return;
    event.preventDefault();
    report(options.onBlocked, { kind: 'navigation', detail: String(url) });
  };
  contents.on('will-navigate', denyNavigation);
  contents.on('will-redirect', denyNavigation);

  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external !== null) {
      // Only http(s) URLs without credentials reach the shell (checked by externalUrlToOpen just above).
      options.shell.openExternal(external).catch(() => undefined); // eng-disable OPEN_EXTERNAL_JS_CHECK reviewed the URL is restricted to http and https by externalUrlToOpen
    } else {
      report(options.onBlocked, { kind: 'window-open', detail: String(url) });
    }
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    report(options.onBlocked, { kind: 'webview', detail: 'will-attach-webview' });
  });
}
