// The engine's HttpPort (api nodes) on the outbound policy: a call the policy stops is a failed call whose
// reason and message say which rule stopped it, shown in the turn's trace.
import type { HttpPort, HttpRequest, HttpResult } from '../../shared/engine/ports';
import { createOutboundFetch, OutboundBlockedError, type OutboundFetch, type OutboundPolicy } from './outbound';

export type PolicyHttpPort = HttpPort & { close(): Promise<void> };

export function createPolicyHttpPort(policy: OutboundPolicy | OutboundFetch): PolicyHttpPort {
  const outbound = typeof policy === 'function' ? policy : createOutboundFetch(policy);
  return {
    async request(req: HttpRequest): Promise<HttpResult> {
      const t0 = Date.now();
      try {
        const res = await outbound(req.url, {
          method: req.method,
          headers: req.headers,
          ...(req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD' ? { body: req.body } : {}),
          // covers reading the body too
          signal: AbortSignal.timeout(req.timeoutMs),
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: keep the text */
        }
        return { ok: true, status: res.status, body, ms: Date.now() - t0 };
      } catch (e) {
        const ms = Date.now() - t0;
        if (e instanceof OutboundBlockedError) return { ok: false, reason: e.reason === 'too_large' ? 'too_large' : 'blocked', message: e.message, ms };
        if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
          return { ok: false, reason: 'timeout', message: `no response within ${req.timeoutMs} ms`, ms };
        const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
        return { ok: false, reason: 'network', message: `${e instanceof Error ? e.message : String(e)}${cause}`, ms };
      }
    },
    close: () => outbound.close(),
  };
}
