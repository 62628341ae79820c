/**
 * The Content-Security-Policy of the renderer, the same in both hosts: the Electron host sets it on every
 * response of its session, the web host on every HTTP response. Monaco needs inline styles and blob workers;
 * nothing else is loosened, and nothing is loaded from outside the app.
 */
export const CONTENT_SECURITY_POLICY = [
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
].join('; ');
