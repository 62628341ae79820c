import { pathToFileURL } from 'node:url';

/**
 * Which URLs are "us". Parley's renderer is a local file loaded with `loadFile`, so its origin is the exact
 * `file://` URL of `out/renderer/index.html`: a frame is trusted only when its URL is that document (any query
 * or hash, since the renderer may route with the hash). Any other file, even next to it, is foreign.
 */

export interface AppUrlOptions {
  /** Compare paths case-insensitively (Windows and default macOS file systems). Defaults to the platform's. */
  caseInsensitivePaths?: boolean;
}

const defaultCaseInsensitive = process.platform === 'win32';

/** The `file://` URL of the renderer's index.html. */
export function appUrlFor(indexHtmlPath: string): string {
  return pathToFileURL(indexHtmlPath).href;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether `url` is the app's own document (`appUrl`), ignoring query and hash. */
export function isAppUrl(url: unknown, appUrl: string, options: AppUrlOptions = {}): boolean {
  if (typeof url !== 'string' || url === '') return false;
  const actual = parse(url);
  const expected = parse(appUrl);
  if (!actual || !expected) return false;
  if (actual.protocol !== expected.protocol || actual.host !== expected.host) return false;
  if (actual.username || actual.password) return false;
  const caseInsensitive = options.caseInsensitivePaths ?? defaultCaseInsensitive;
  const a = safeDecode(actual.pathname);
  const e = safeDecode(expected.pathname);
  if (a === null || e === null) return false;
  return caseInsensitive ? a.toLowerCase() === e.toLowerCase() : a === e;
}

function safeDecode(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/**
 * The URL to hand to `shell.openExternal`, or null when it must not be opened: only plain http(s) links, never
 * `file:`, `javascript:`, custom protocol handlers (`ms-msdt:`, `smb:`...) or URLs carrying credentials.
 */
export function externalUrlToOpen(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 8192) return null;
  const parsed = parse(url);
  if (!parsed) return null;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.username || parsed.password || !parsed.hostname) return null;
  return parsed.href;
}
