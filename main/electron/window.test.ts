import { describe, expect, it, vi } from 'vitest';
import { externalUrlToOpen, isAppUrl } from './origin';
import type {
  BrowserWindowLike,
  BrowserWindowOptionsLike,
  HeadersReceivedDetailsLike,
  HeadersReceivedResponseLike,
  PreventableEventLike,
  SessionLike,
  ShellLike,
  WebContentsLike,
  WindowOpenHandlerResponseLike,
} from './types';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META, CSP_META_TAG, createMainWindow, hardenSession, hardenWebContents } from './window';

const APP_URL = 'file:///opt/parley/out/renderer/index.html';

type Listener = (...args: unknown[]) => unknown;

function fakeSession() {
  let headersListener: ((d: HeadersReceivedDetailsLike, cb: (r: HeadersReceivedResponseLike) => void) => void) | null = null;
  let permissionRequest: Parameters<SessionLike['setPermissionRequestHandler']>[0] = null;
  let permissionCheck: Parameters<SessionLike['setPermissionCheckHandler']>[0] = null;
  const session: SessionLike = {
    webRequest: { onHeadersReceived: vi.fn((l) => void (headersListener = l)) },
    setPermissionRequestHandler: vi.fn((h) => void (permissionRequest = h)),
    setPermissionCheckHandler: vi.fn((h) => void (permissionCheck = h)),
  };
  return {
    session,
    /** What Chromium does with a response's headers. */
    respond(details: HeadersReceivedDetailsLike): HeadersReceivedResponseLike {
      if (!headersListener) throw new Error('no onHeadersReceived listener');
      let response: HeadersReceivedResponseLike | undefined;
      headersListener(details, (r) => void (response = r));
      if (!response) throw new Error('callback not called');
      return response;
    },
    requestPermission(permission: string): boolean | undefined {
      if (!permissionRequest) throw new Error('no permission request handler');
      let granted: boolean | undefined;
      permissionRequest({}, permission, (g) => void (granted = g), {});
      return granted;
    },
    checkPermission(permission: string): boolean {
      if (!permissionCheck) throw new Error('no permission check handler');
      return permissionCheck({}, permission, 'file://', {});
    },
  };
}

function fakeContents(id = 1) {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((d: { url: string }) => WindowOpenHandlerResponseLike) | null = null;
  const s = fakeSession();
  const contents = {
    id,
    session: s.session,
    send: vi.fn(),
    isDestroyed: () => false,
    getURL: () => APP_URL,
    setWindowOpenHandler: vi.fn((h: (d: { url: string }) => WindowOpenHandlerResponseLike) => void (openHandler = h)),
    on: vi.fn((event: string, listener: Listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    }),
  };
  const emitPreventable = (name: string, ...args: unknown[]) => {
    const event: PreventableEventLike & { defaultPrevented: boolean } = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    for (const l of listeners.get(name) ?? []) l(event, ...args);
    return event.defaultPrevented;
  };
  return {
    contents: contents as unknown as WebContentsLike,
    session: s,
    listeners,
    /** true when the navigation was prevented */
    navigate: (url: string) => emitPreventable('will-navigate', url),
    redirect: (url: string) => emitPreventable('will-redirect', url),
    attachWebview: () => emitPreventable('will-attach-webview', {}, { src: 'https://evil.example' }),
    windowOpen: (url: string) => {
      if (!openHandler) throw new Error('no window open handler');
      return openHandler({ url });
    },
  };
}

function fakeShell() {
  return { openExternal: vi.fn(async (_url: string) => undefined) } satisfies ShellLike;
}

function hardened() {
  const c = fakeContents();
  const shell = fakeShell();
  const onBlocked = vi.fn();
  hardenWebContents(c.contents, { appUrl: APP_URL, shell, onBlocked, caseInsensitivePaths: false });
  return { ...c, shell, onBlocked };
}

describe('Content-Security-Policy', () => {
  it('is the strict policy, directive by directive', () => {
    expect(CONTENT_SECURITY_POLICY.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      "worker-src 'self' blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*|https?:/);
  });

  it('has a meta-tag form without frame-ancestors (ignored in meta tags)', () => {
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('frame-ancestors');
    expect(CONTENT_SECURITY_POLICY_META.split('; ')).toHaveLength(10);
    expect(CSP_META_TAG).toBe(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`);
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('"');
  });

  it('is added to every response, replacing any policy the response had', () => {
    const s = fakeSession();
    hardenSession(s.session);
    const response = s.respond({
      url: 'file:///opt/parley/out/renderer/index.html',
      responseHeaders: { 'content-type': ['text/html'], 'content-security-policy': ['default-src *'], 'Content-Security-Policy-Report-Only': ['x'] },
    });
    expect(response.cancel).toBeUndefined();
    expect(response.responseHeaders).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(s.respond({ url: 'https://example.com/' }).responseHeaders).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    const s = fakeSession();
    const onBlocked = vi.fn();
    hardenSession(s.session, { onBlocked });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(s.requestPermission(permission)).toBe(false);
      expect(s.checkPermission(permission)).toBe(false);
    }
    expect(onBlocked).toHaveBeenCalledWith({ kind: 'permission', detail: 'media' });
  });

  it('hardens a session once however often it is asked', () => {
    const s = fakeSession();
    hardenSession(s.session);
    hardenSession(s.session);
    expect(s.session.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
    expect(s.session.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
  });
});

describe('navigation', () => {
  it('prevents navigation to any other URL', () => {
    const c = hardened();
    for (const url of [
      'https://evil.example/',
      'http://localhost:5173/',
      'file:///etc/passwd',
      'file:///opt/parley/out/renderer/other.html',
      'javascript:alert(1)',
      'data:text/html,hi',
      'about:blank',
      'not a url',
    ]) {
      expect(c.navigate(url), url).toBe(true);
      expect(c.redirect(url), url).toBe(true);
    }
    expect(c.onBlocked).toHaveBeenCalledWith({ kind: 'navigation', detail: 'https://evil.example/' });
    expect(c.shell.openExternal).not.toHaveBeenCalled();
  });

  it('allows our own document (same URL, any hash or query)', () => {
    const c = hardened();
    expect(c.navigate(APP_URL)).toBe(false);
    expect(c.navigate(`${APP_URL}#/flows/greeting`)).toBe(false);
    expect(c.navigate(`${APP_URL}?reload=1`)).toBe(false);
  });

  it('prevents <webview> from attaching', () => {
    const c = hardened();
    expect(c.attachWebview()).toBe(true);
  });

  it('hardens a webContents once however often it is asked', () => {
    const c = fakeContents();
    const options = { appUrl: APP_URL, shell: fakeShell() };
    hardenWebContents(c.contents, options);
    hardenWebContents(c.contents, options);
    expect(c.listeners.get('will-navigate')).toHaveLength(1);
  });
});

describe('window.open', () => {
  it('is always denied', () => {
    const c = hardened();
    for (const url of ['https://example.com/', 'file:///etc/passwd', APP_URL, 'about:blank', '']) {
      expect(c.windowOpen(url)).toEqual({ action: 'deny' });
    }
  });

  it('opens http(s) links in the browser instead', async () => {
    const c = hardened();
    c.windowOpen('https://docs.example.com/guide?a=1#b');
    c.windowOpen('http://example.com');
    expect(c.shell.openExternal.mock.calls).toEqual([['https://docs.example.com/guide?a=1#b'], ['http://example.com/']]);
  });

  it('never hands anything else to the shell', () => {
    const c = hardened();
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'smb://attacker/share',
      'vscode://file/etc/passwd',
      'data:text/html,x',
      'https://user:pass@example.com/',
      'https://',
      'not a url',
      APP_URL,
    ]) {
      c.windowOpen(url);
    }
    expect(c.shell.openExternal).not.toHaveBeenCalled();
    expect(c.onBlocked).toHaveBeenCalledWith({ kind: 'window-open', detail: 'file:///etc/passwd' });
  });

  it('swallows a failing openExternal', async () => {
    const c = hardened();
    c.shell.openExternal.mockRejectedValueOnce(new Error('no browser'));
    expect(c.windowOpen('https://example.com/')).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
  });
});

describe('createMainWindow', () => {
  function fakeBrowserWindow() {
    const created: Array<{ options: BrowserWindowOptionsLike; contents: ReturnType<typeof fakeContents>; shown: number }> = [];
    class FakeBrowserWindow implements Partial<BrowserWindowLike> {
      readonly webContents: WebContentsLike;
      private readonly record: (typeof created)[number];
      private readyListeners: Array<() => void> = [];
      constructor(options: BrowserWindowOptionsLike) {
        const contents = fakeContents(created.length + 1);
        this.webContents = contents.contents;
        this.record = { options, contents, shown: 0 };
        created.push(this.record);
      }
      once(event: string, listener: () => void) {
        if (event === 'ready-to-show') this.readyListeners.push(listener);
        return this;
      }
      show() {
        this.record.shown++;
      }
      fireReady() {
        for (const l of this.readyListeners) l();
      }
    }
    return { BrowserWindow: FakeBrowserWindow, created };
  }

  it('creates the window with the secure preferences and our preload', () => {
    const { BrowserWindow, created } = fakeBrowserWindow();
    createMainWindow(BrowserWindow as never, { appUrl: APP_URL, shell: fakeShell(), preloadPath: '/opt/parley/out/preload/electron.cjs' });
    expect(created).toHaveLength(1);
    const prefs = created[0]!.options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/opt/parley/out/preload/electron.cjs',
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
    });
    expect(prefs).not.toHaveProperty('enableRemoteModule');
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(created[0]!.options.show).toBe(false);
  });

  it('hardens the window before returning it and shows it when ready', () => {
    const { BrowserWindow, created } = fakeBrowserWindow();
    const shell = fakeShell();
    const win = createMainWindow(BrowserWindow as never, { appUrl: APP_URL, shell, preloadPath: '/p.cjs' }) as unknown as { fireReady(): void };
    const c = created[0]!.contents;
    expect(c.navigate('https://evil.example/')).toBe(true);
    expect(c.windowOpen('https://example.com/')).toEqual({ action: 'deny' });
    expect(c.attachWebview()).toBe(true);
    expect(c.session.respond({ url: APP_URL }).responseHeaders).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(c.session.requestPermission('media')).toBe(false);
    expect(created[0]!.shown).toBe(0);
    win.fireReady();
    expect(created[0]!.shown).toBe(1);
  });
});

describe('origin helpers', () => {
  it('isAppUrl compares the whole path, case-sensitively unless asked', () => {
    expect(isAppUrl(APP_URL, APP_URL, { caseInsensitivePaths: false })).toBe(true);
    expect(isAppUrl(APP_URL.toUpperCase().replace('FILE:', 'file:'), APP_URL, { caseInsensitivePaths: false })).toBe(false);
    expect(isAppUrl('file:///C:/Parley/out/renderer/index.html', 'file:///c:/parley/out/renderer/index.html', { caseInsensitivePaths: true })).toBe(true);
    expect(isAppUrl('file:///opt/parley/out/renderer/index.html/..', APP_URL)).toBe(false);
    expect(isAppUrl('file:///opt/parley/out/renderer/x/../index.html', APP_URL)).toBe(true); // the URL parser resolves it
    expect(isAppUrl('file:///opt/parley/out/renderer/index%2ehtml', APP_URL, { caseInsensitivePaths: false })).toBe(true);
    expect(isAppUrl(undefined, APP_URL)).toBe(false);
    expect(isAppUrl('%', APP_URL)).toBe(false);
  });

  it('externalUrlToOpen keeps only http(s) without credentials', () => {
    expect(externalUrlToOpen('https://example.com')).toBe('https://example.com/');
    expect(externalUrlToOpen('HTTPS://EXAMPLE.com/A')).toBe('https://example.com/A');
    expect(externalUrlToOpen('file:///etc/passwd')).toBeNull();
    expect(externalUrlToOpen(42)).toBeNull();
    expect(externalUrlToOpen(`https://example.com/${'a'.repeat(9000)}`)).toBeNull();
  });
});
