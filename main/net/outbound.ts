// The outbound policy: every HTTP call made on behalf of a project (api nodes in the simulator, the LLM client,
// the bundle runtime) goes through createOutboundFetch, so which hosts a project may reach, where redirects may
// lead and how much a response may weigh is decided in one place. See docs/ARCHITECTURE.md, "Outbound calls".
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, Pool, fetch as undiciFetch } from 'undici';
import { addressAllowed, addressEntry, defaultPort, entryFor, matchUrl, parseHostEntry, rangeOf, type HostEntry } from './hosts';
import { REDIRECT_KEPT_HEADERS } from '../../shared/engine/secrets';

export type OutboundBlockReason = 'host_not_allowed' | 'private_address' | 'redirect_not_allowed' | 'too_many_redirects' | 'too_large' | 'bad_url';

/** A call the policy stopped. `message` says which rule and how to allow the call. */
export class OutboundBlockedError extends Error {
  override readonly name = 'OutboundBlockedError';
  readonly code = 'OUTBOUND_BLOCKED';
  constructor(
    readonly reason: OutboundBlockReason,
    message: string,
    /** The URL being fetched when the rule fired (after redirects). */
    readonly url: string,
  ) {
    super(message);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** `dns.lookup`'s shape; tests inject their own resolver. */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

export interface OutboundPolicy {
  /** `host`, `host:port`, `*.domain` (subdomains only), an IP (`10.0.0.5`, `[::1]:11434`) or a CIDR range. No port: 80/443. */
  allowHosts: readonly string[];
  /** Default 1,000,000. */
  maxResponseBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  lookup?: LookupFunction;
  /** Where the allow-list comes from, for messages: "environment dev (parley.yaml environments.dev.hosts)". */
  describe?: string;
}

export type OutboundFetch = typeof globalThis.fetch & {
  /** Closes the pooled connections. */
  close(): Promise<void>;
};

export const DEFAULT_MAX_RESPONSE_BYTES = 1_000_000;
export const DEFAULT_MAX_REDIRECTS = 5;

// Only these survive a redirect to another origin: anything else may carry a credential (the validator refuses a
// secret in one of them, from the same list)
const CROSS_ORIGIN_HEADERS = REDIRECT_KEPT_HEADERS;
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

const short = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
const sizeText = (n: number) => (n >= 1_000_000 ? `${+(n / 1_000_000).toFixed(1)} MB` : n >= 1000 ? `${+(n / 1000).toFixed(1)} kB` : `${n} bytes`);

/** The error carried by a rejected undici fetch, when a rule fired inside it (the lookup). */
function blockedIn(e: unknown): OutboundBlockedError | undefined {
  for (let x = e, i = 0; x instanceof Error && i < 5; x = x.cause, i++) if (x instanceof OutboundBlockedError) return x;
  return undefined;
}

export function createOutboundFetch(policy: OutboundPolicy): OutboundFetch {
  const entries: HostEntry[] = policy.allowHosts.map(parseHostEntry);
  const cap = policy.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRedirects = policy.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const where = policy.describe ?? 'the outbound policy';
  const resolve: LookupFunction = policy.lookup ?? (dns.lookup as unknown as LookupFunction);

  // Rule 2 runs in the connection's own lookup, so the address checked is the address connected to (a name that
  // rebinds between a check and the connect gains nothing). One pool per origin, so the lookup knows the port.
  const checkedLookup =
    (origin: URL): LookupFunction =>
    (hostname, options, cb) => {
      const port = origin.port ? Number(origin.port) : defaultPort(origin.protocol);
      resolve(hostname, { ...options, all: true }, (err, res, family) => {
        if (err) return cb(err, '');
        const list: LookupAddress[] = Array.isArray(res) ? res : [{ address: res, family: family ?? (res.includes(':') ? 6 : 4) }];
        const bad = list.find((a) => !addressAllowed(entries, hostname, a.address, port, origin.protocol));
        if (bad) {
          const entry = addressEntry(bad.address, port, origin.protocol);
          const msg = `blocked: ${hostname} resolves to ${bad.address}, a ${rangeOf(bad.address)} address, which is not in the allowed hosts of ${where}; add "${entry}" there if this service is meant to be reached`;
          return cb(new OutboundBlockedError('private_address', msg, origin.href), '');
        }
        const first = list[0];
        if (!first) return cb(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        if (options.all) cb(null, list);
        else cb(null, first.address, first.family);
      });
    };
  const agent = new Agent({
    factory: (origin, opts) => {
      const o = opts as Pool.Options;
      return new Pool(origin, { ...o, connect: { ...(o.connect as object | undefined), lookup: checkedLookup(new URL(origin)) } });
    },
  });

  const parse = (raw: string): URL => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundBlockedError('bad_url', `blocked: "${short(raw)}" is not a valid URL`, raw);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundBlockedError('bad_url', `blocked: ${short(url.href)} is not an http or https URL`, url.href);
    if (url.username || url.password)
      throw new OutboundBlockedError('bad_url', `blocked: ${short(url.href)} has credentials in the URL; send them in a header`, url.href);
    return url;
  };

  const tooLarge = (url: URL, what: string) =>
    new OutboundBlockedError(
      'too_large',
      `too large: the response from ${entryFor(url)} ${what}, over the ${sizeText(cap)} response size cap of ${where}`,
      url.href,
    );

  const outboundFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const first = parse(input instanceof Request ? input.url : String(input));
    if (!matchUrl(entries, first)) {
      const msg = `blocked: ${entryFor(first)} is not in the allowed hosts of ${where}; add "${entryFor(first)}" there to allow calls to it`;
      throw new OutboundBlockedError('host_not_allowed', msg, first.href);
    }
    // Normalised the way fetch would (headers, body encoding); the body is kept to replay on 307/308.
    const req = new Request(input, init);
    // The caller's own signal: req.signal follows it only while req is reachable, and the body outlives req.
    const callerSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    let method = req.method;
    let headers = new Headers(req.headers);
    let body: Uint8Array | undefined = req.body ? new Uint8Array(await req.arrayBuffer()) : undefined;
    let url = first;

    for (let hops = 0; ; hops++) {
      const ctrl = new AbortController();
      let res;
      try {
        res = await undiciFetch(url, {
          method,
          headers: [...headers],
          ...(body ? { body } : {}),
          redirect: 'manual',
          dispatcher: agent,
          signal: callerSignal ? AbortSignal.any([callerSignal, ctrl.signal]) : ctrl.signal,
        });
      } catch (e) {
        throw blockedIn(e) ?? e;
      }
      const location = res.headers.get('location');
      if ([301, 302, 303, 307, 308].includes(res.status) && location !== null) {
        await res.body?.cancel().catch(() => {});
        if (hops >= maxRedirects)
          throw new OutboundBlockedError('too_many_redirects', `blocked: more than ${maxRedirects} redirects, starting at ${short(first.href)}`, url.href);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new OutboundBlockedError(
            'redirect_not_allowed',
            `blocked: ${short(url.href)} redirected to "${short(location)}", which is not a valid URL`,
            url.href,
          );
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:')
          throw new OutboundBlockedError(
            'redirect_not_allowed',
            `blocked: ${short(url.href)} redirected to ${short(next.href)}, which is not an http or https URL`,
            url.href,
          );
        if (!matchUrl(entries, next)) {
          const msg = `blocked: ${short(url.href)} redirected to ${short(next.href)}, and ${entryFor(next)} is not in the allowed hosts of ${where}; add "${entryFor(next)}" there to allow it`;
          throw new OutboundBlockedError('redirect_not_allowed', msg, next.href);
        }
        if (next.origin !== url.origin) headers = new Headers([...headers].filter(([name]) => CROSS_ORIGIN_HEADERS.has(name)));
        if (((res.status === 301 || res.status === 302) && method === 'POST') || (res.status === 303 && method !== 'GET' && method !== 'HEAD')) {
          method = 'GET';
          body = undefined;
          for (const h of BODY_HEADERS) headers.delete(h);
        }
        url = next;
        continue;
      }

      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > cap) {
        ctrl.abort();
        await res.body?.cancel().catch(() => {});
        throw tooLarge(url, `declares ${sizeText(declared)} (content-length)`);
      }
      // Counted as it streams (SSE readers see each chunk as it comes); past the cap the request is aborted.
      let seen = 0;
      const limitUrl = url;
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > cap) {
            const e = tooLarge(limitUrl, 'is larger');
            controller.error(e);
            ctrl.abort(e);
          } else controller.enqueue(chunk);
        },
      });
      const nullBody = NULL_BODY_STATUS.has(res.status) || !res.body;
      if (nullBody) await res.body?.cancel().catch(() => {});
      const out = new Response(nullBody ? null : (res.body as unknown as ReadableStream<Uint8Array>).pipeThrough(counter), {
        status: res.status,
        statusText: res.statusText,
        headers: [...res.headers],
      });
      Object.defineProperties(out, { url: { value: url.href }, redirected: { value: hops > 0 } });
      return out;
    }
  };
  return Object.assign(outboundFetch, { close: () => agent.close() }) as OutboundFetch;
}
