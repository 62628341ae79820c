// Which host an `api` node's URL names, and whether an environment's `hosts` list allows it, for the validator
// and the trust dialog. Main enforces the real rule (main/net/hosts.ts, after DNS); this is the early warning.

/** `scheme`, lower-case `host` and `port` of a URL whose origin is literal (no `{{` before the path), else null. */
export function literalOrigin(url: string): { scheme: 'http' | 'https'; host: string; port: number } | null {
  const m = /^(https?):\/\/([^/?#]*)/i.exec(url.trim());
  if (!m || m[2]!.includes('{{') || m[2]!.includes('@')) return null;
  const scheme = m[1]!.toLowerCase() as 'http' | 'https';
  const hp = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/i.exec(m[2]!);
  if (!hp) return null;
  return { scheme, host: hp[1]!.toLowerCase().replace(/\.$/, ''), port: hp[2] ? Number(hp[2]) : scheme === 'https' ? 443 : 80 };
}

/** Whether a `hosts` entry (`name`, `name:port`, `*.domain[:port]`, `10.0.0.5`, `[::1]:4010`) allows this origin. */
export function hostAllows(entry: string, o: { scheme: 'http' | 'https'; host: string; port: number }): boolean {
  const m = /^(\*\.)?(\[[0-9a-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/i.exec(entry.trim().toLowerCase());
  if (!m) return false;
  const port = m[3] ? Number(m[3]) : undefined;
  if (port !== undefined ? port !== o.port : o.port !== (o.scheme === 'https' ? 443 : 80)) return false;
  return m[1] ? o.host.endsWith(`.${m[2]}`) : o.host === m[2];
}
