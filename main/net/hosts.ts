// Host allow-list entries and address classification for the outbound policy (outbound.ts).
import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** One parsed allowHosts entry. A missing port means the scheme's default port (80 / 443) only. */
export type HostEntry =
  | { kind: 'name'; host: string; port?: number; source: string }
  | { kind: 'wildcard'; suffix: string; port?: number; source: string }
  | { kind: 'ip'; range: [Addr, number]; port?: number; source: string };

export const defaultPort = (protocol: string): number => (protocol === 'https:' ? 443 : 80);

/** Lower case, no trailing dot, no IPv6 brackets. */
export const normalizeHost = (host: string): string =>
  host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');

/** An IP literal as an address (IPv4-mapped IPv6 becomes IPv4), or undefined for a name. */
export function ipOf(host: string): Addr | undefined {
  const h = normalizeHost(host);
  // URL hosts and resolved addresses are canonical: four-part IPv4 only, so a name like "1" stays a name
  return ipaddr.IPv4.isValidFourPartDecimal(h) || ipaddr.IPv6.isValid(h) ? ipaddr.process(h) : undefined;
}

/** Parses an entry: `host`, `host:port`, `*.domain[:port]`, `1.2.3.4[:port]`, `[::1][:port]`, `10.0.0.0/8`. */
export function parseHostEntry(source: string): HostEntry {
  const s = source.trim();
  const fail = (why: string) => new Error(`allowed host "${source}": ${why} (expected host, host:port, *.domain, an IP address or a CIDR range)`);
  if (!s) throw fail('empty');
  if (ipaddr.isValidCIDR(s)) {
    const [a, bits] = ipaddr.parseCIDR(s);
    const mapped = a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96;
    return { kind: 'ip', range: mapped ? [(a as ipaddr.IPv6).toIPv4Address(), bits - 96] : [a, bits], source };
  }
  // A bare IPv6 address has colons of its own: no port without brackets.
  if (ipaddr.IPv6.isValid(s)) return { kind: 'ip', range: single(ipaddr.process(s)), source };
  const wildcard = s.startsWith('*.');
  let url: URL;
  try {
    url = new URL(`http://${wildcard ? s.slice(2) : s}`);
  } catch {
    throw fail('not a host');
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) throw fail('a host, not a URL');
  const port = url.port ? Number(url.port) : /:80$/.test(s) ? 80 : undefined; // URL drops :80 for http
  const host = normalizeHost(url.hostname);
  const ip = ipOf(host);
  if (ip) {
    if (wildcard) throw fail('a wildcard needs a domain name');
    return { kind: 'ip', range: single(ip), ...(port !== undefined ? { port } : {}), source };
  }
  if (wildcard) return { kind: 'wildcard', suffix: `.${host}`, ...(port !== undefined ? { port } : {}), source };
  return { kind: 'name', host, ...(port !== undefined ? { port } : {}), source };
}

const single = (a: Addr): [Addr, number] => [a, a.kind() === 'ipv4' ? 32 : 128];

const inRange = (a: Addr, [net, bits]: [Addr, number]) => a.kind() === net.kind() && a.match(net, bits);

const portMatches = (e: HostEntry, port: number, protocol: string) => (e.port ?? defaultPort(protocol)) === port;

/** The entry that allows this URL's host and port, if any (rule 1). */
export function matchUrl(entries: readonly HostEntry[], url: URL): HostEntry | undefined {
  const port = url.port ? Number(url.port) : defaultPort(url.protocol);
  const host = normalizeHost(url.hostname);
  const ip = ipOf(host);
  return entries.find((e) => {
    if (!portMatches(e, port, url.protocol)) return false;
    if (e.kind === 'ip') return ip !== undefined && inRange(ip, e.range);
    if (ip) return false;
    return e.kind === 'name' ? e.host === host : host.endsWith(e.suffix);
  });
}

/** The ipaddr.js range of an address (`loopback`, `private`, ...); only `unicast` is public. */
export const rangeOf = (address: string): string => ipOf(address)?.range() ?? 'invalid';

export const isLocalhostName = (host: string): boolean => {
  const h = normalizeHost(host);
  return h === 'localhost' || h.endsWith('.localhost');
};

/**
 * Whether a connection to `address` (resolved from `hostname`, for a URL on `port`) is allowed (rule 2): a
 * public address always; a loopback address when the name is `localhost`; any other when an IP entry with
 * the same port covers it.
 */
export function addressAllowed(entries: readonly HostEntry[], hostname: string, address: string, port: number, protocol: string): boolean {
  const a = ipOf(address);
  if (!a) return false;
  const range = a.range();
  if (range === 'unicast') return true;
  if (range === 'loopback' && isLocalhostName(hostname)) return true;
  return entries.some((e) => e.kind === 'ip' && portMatches(e, port, protocol) && inRange(a, e.range));
}

/** How to write this URL's host as an allowHosts entry. */
export function entryFor(url: URL): string {
  const port = url.port ? Number(url.port) : defaultPort(url.protocol);
  return port === defaultPort(url.protocol) ? url.hostname : url.host;
}

/** An address as an entry for a URL on `port`: `10.0.0.5:8080`, `[fd00::1]:8080`. */
export function addressEntry(address: string, port: number, protocol: string): string {
  const a = ipaddr.process(address).toString();
  const host = a.includes(':') ? `[${a}]` : a;
  return port === defaultPort(protocol) ? host : `${host}:${port}`;
}
