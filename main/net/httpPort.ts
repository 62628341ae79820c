// The engine's HttpPort (api nodes) on the outbound policy: a call the policy stops is a failed call whose
// reason and message say which rule stopped it, shown in the turn's trace.
//
// Secrets: a request whose header values name secrets (`secretHeaders`, built by the engine with markers, never
// values) gets each value here, just before sending, and only when the request's host is one the secret is
// declared for (parley.yaml `secrets.NAME.hosts`) AND one the outbound policy allows. Otherwise nothing is sent
// and the call fails with the reason. A value that comes back (an echo in a response or an error) is replaced by
// its marker before anything reaches the trace, variables or logs.
import type { HttpPort, HttpRequest, HttpResult } from '../../shared/engine/ports';
import { REDIRECT_KEPT_HEADERS, breaksHeader, secretMarker } from '../../shared/engine/secrets';
import { matchUrl, parseHostEntry, type HostEntry } from './hosts';
import { createOutboundFetch, OutboundBlockedError, type OutboundFetch, type OutboundPolicy } from './outbound';

export type PolicyHttpPort = HttpPort & {
  /** The same port (and connection pool) with these secrets instead of the ones it was made with. */
  withSecrets(secrets: SecretSource | undefined): HttpPort;
  close(): Promise<void>;
};

/** Where secrets' hosts and values come from: the project's declarations, and the operator's or user's values. */
export interface SecretSource {
  /** The hosts the secret is declared for (parley.yaml); undefined when the project declares no such secret. */
  hosts(name: string): readonly string[] | undefined;
  /** Its value; undefined when none is set. */
  value(name: string): Promise<string | undefined> | string | undefined;
  /** Where to set a missing value, for the message: `PARLEY_SECRET_BANK_TOKEN`, `parley secrets set ...`. */
  hint(name: string): string;
}

export interface PolicyHttpPortOptions {
  /** Without it, a request that names a secret is refused (nothing secret can be sent). */
  secrets?: SecretSource;
  /** Waits before a retry (`HttpRequest.delayMs`, chosen by the engine); default a timer. Tests pass a fake clock's. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock a Retry-After date is read against; default Date.now. */
  now?: () => number;
}

/** The longest wait before a retry the port accepts (the schema's cap of `retry.maxDelayMs`). */
const MAX_DELAY_MS = 30_000;

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Retry-After header (delay-seconds or an HTTP date) in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const v = header.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) && /[a-z]/i.test(v) ? Math.max(0, at - now) : undefined;
}

type Prepared = { headers: Record<string, string>; values: Map<string, string> } | { refused: string };

/** The request's headers with its secrets' values, or why none may be sent. */
async function withSecrets(req: HttpRequest, source: SecretSource | undefined, allow: readonly HostEntry[] | undefined): Promise<Prepared> {
  const parts = Object.entries(req.secretHeaders ?? {});
  if (!parts.length) return { headers: req.headers, values: new Map() };
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { refused: `not sent: "${req.url.slice(0, 200)}" is not a valid URL` };
  }
  if (!source) return { refused: 'not sent: no secrets are available here' };
  const headers = { ...req.headers };
  const values = new Map<string, string>();
  for (const [header, pieces] of parts) {
    let text = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        text += piece;
        continue;
      }
      const name = piece.secret;
      if (REDIRECT_KEPT_HEADERS.has(header.toLowerCase()))
        return {
          refused: `not sent: secret ${name} may not go in the ${header} header (it would follow a redirect to another host); use Authorization or a header of your own`,
        };
      const hosts = source.hosts(name);
      if (!hosts) return { refused: `not sent: secret ${name} is not declared in parley.yaml (secrets.${name})` };
      // the secret's own hosts, then the outbound policy's: both must allow this URL's host and port
      if (!matchUrl(hosts.map(parseHostEntry), url))
        return { refused: `not sent: secret ${name} may only be sent to ${hosts.join(', ')} (parley.yaml secrets.${name}.hosts), not to ${url.host}` };
      if (allow && !matchUrl(allow, url)) return { refused: `not sent: ${url.host} is not an allowed host, so secret ${name} is not sent there` };
      let value = values.get(name);
      if (value === undefined) {
        value = (await source.value(name)) || undefined;
        if (value === undefined) return { refused: `not sent: secret ${name} has no value; set ${source.hint(name)}` };
        if (breaksHeader(value)) return { refused: `not sent: the value of secret ${name} contains a line break or a control character; set it again` };
        values.set(name, value);
      }
      text += value;
    }
    headers[header] = text;
  }
  return { headers, values };
}

/** Replaces each secret's value (and its JSON-escaped form) with its marker. */
function redactor(values: Map<string, string>): (s: string) => string {
  if (!values.size) return (s) => s;
  const forms: [string, string][] = [];
  for (const [name, v] of values) {
    forms.push([v, secretMarker(name)]);
    const json = JSON.stringify(v).slice(1, -1);
    if (json !== v) forms.push([json, secretMarker(name)]);
  }
  forms.sort((a, b) => b[0].length - a[0].length);
  return (s) => forms.reduce((t, [v, m]) => t.split(v).join(m), s);
}

export function createPolicyHttpPort(policy: OutboundPolicy | OutboundFetch, o: PolicyHttpPortOptions = {}): PolicyHttpPort {
  const outbound = typeof policy === 'function' ? policy : createOutboundFetch(policy);
  // with an OutboundFetch, its own policy stops a host it does not allow before anything is sent
  const allow = typeof policy === 'function' ? undefined : policy.allowHosts.map(parseHostEntry);
  const sleep = o.sleep ?? timerSleep;
  const now = o.now ?? Date.now;
  const request = async (req: HttpRequest, secrets: SecretSource | undefined): Promise<HttpResult> => {
    // a retry's backoff: waited here, before the attempt (its time is not the attempt's)
    if (req.delayMs !== undefined && req.delayMs > 0) await sleep(Math.min(req.delayMs, MAX_DELAY_MS));
    const t0 = Date.now();
    const prepared = await withSecrets(req, secrets, allow);
    if ('refused' in prepared) return { ok: false, reason: 'blocked', message: prepared.refused, ms: Date.now() - t0 };
    const redact = redactor(prepared.values);
    try {
      const res = await outbound(req.url, {
        method: req.method,
        headers: prepared.headers,
        ...(req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD' ? { body: req.body } : {}),
        // covers reading the body too
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const text = redact(await res.text());
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      const after = res.status === 429 || res.status >= 500 ? retryAfterMs(res.headers.get('retry-after'), now()) : undefined;
      return { ok: true, status: res.status, body, ms: Date.now() - t0, ...(after !== undefined ? { retryAfterMs: after } : {}) };
    } catch (e) {
      const ms = Date.now() - t0;
      if (e instanceof OutboundBlockedError) return { ok: false, reason: e.reason === 'too_large' ? 'too_large' : 'blocked', message: redact(e.message), ms };
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
        return { ok: false, reason: 'timeout', message: `no response within ${req.timeoutMs} ms`, ms };
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      return { ok: false, reason: 'network', message: redact(`${e instanceof Error ? e.message : String(e)}${cause}`), ms };
    }
  };
  return {
    request: (req) => request(req, o.secrets),
    withSecrets: (secrets) => ({ request: (req) => request(req, secrets) }),
    close: () => outbound.close(),
  };
}
