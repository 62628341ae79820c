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

/**
 * The same policy for the `<meta http-equiv="Content-Security-Policy">` tag that the build puts in index.html
 * (vite.config.ts). Electron loads the renderer from `file://`, whose responses carry no HTTP headers, so the
 * tag is what protects the page there. `frame-ancestors` is dropped: browsers ignore it in a meta tag.
 */
export const CONTENT_SECURITY_POLICY_META = CONTENT_SECURITY_POLICY.split(';')
  .map((directive) => directive.trim())
  .filter((directive) => directive !== '' && !directive.startsWith('frame-ancestors'))
  .join('; ');
