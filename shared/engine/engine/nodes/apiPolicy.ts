// The api node's policies, pure: which URL an environment uses, when a failed call is tried again and after how
// long (exponential backoff with jitter, a Retry-After honoured within a cap), and whether a response can be
// mapped into variables. The wait itself belongs to the HTTP port (`HttpRequest.delayMs`): no timers here.
import type { NodeOf } from '../../../schema/nodes';
import type { ProjectManifest } from '../../../schema/project';
import type { HttpResult } from '../../ports';

export interface RetryPolicy {
  /** Attempts in all, the first included; 1 never retries. */
  attempts: number;
  backoffMs: number;
  maxDelayMs: number;
}

/** Methods a retry cannot repeat the effect of: they retry by default. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export const DEFAULT_RETRY: RetryPolicy = { attempts: 2, backoffMs: 250, maxDelayMs: 2000 };

/** The node's retries: `retry: false` none; an object tunes them (and opts a POST or PATCH in); else by method. */
export function retryPolicy(node: NodeOf<'api'>): RetryPolicy {
  const r = node.retry;
  if (r === false) return { ...DEFAULT_RETRY, attempts: 1 };
  if (r === undefined && !IDEMPOTENT.has(node.method ?? 'GET')) return { ...DEFAULT_RETRY, attempts: 1 };
  if (r === undefined || r === true) return DEFAULT_RETRY;
  return {
    attempts: r.attempts ?? DEFAULT_RETRY.attempts,
    backoffMs: r.backoffMs ?? DEFAULT_RETRY.backoffMs,
    maxDelayMs: r.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
}

/** A failure a retry may cure: a timeout, a network error, a 5xx or a 429. Never a call the policy stopped. */
export function retryable(res: HttpResult): boolean {
  if (!res.ok) return res.reason === 'timeout' || res.reason === 'network';
  return res.status >= 500 || res.status === 429;
}

/**
 * The wait before retry number `retry` (1 = the first retry): `backoffMs` doubled each time, capped at
 * `maxDelayMs`, and jittered in its upper half by `unit` (uniform in [0, 1)), so conversations that failed
 * together do not retry together. A Retry-After longer than the cap is not waited for: no retry, and why.
 */
export function retryDelay(policy: RetryPolicy, retry: number, unit: number, retryAfterMs?: number): { delayMs: number } | { giveUp: string } {
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxDelayMs)
    return {
      giveUp: `the server asked to wait ${retryAfterMs} ms (Retry-After), longer than the node's cap of ${policy.maxDelayMs} ms (retry.maxDelayMs); not retried`,
    };
  const full = Math.min(policy.maxDelayMs, policy.backoffMs * 2 ** (retry - 1));
  const jittered = Math.round(full / 2 + (Math.min(Math.max(unit, 0), 1) * full) / 2);
  return { delayMs: Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)) };
}

/** A number in [0, 1) from a string (FNV-1a): the jitter of a turn with no random port, still per conversation. */
export function hashUnit(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 4294967296;
}

/** The environment `api` nodes call: parley.yaml's `environment`, else the first one listed (as the trust policy). */
export function environmentOf(manifest: ProjectManifest): string | undefined {
  return manifest.environment ?? Object.keys(manifest.environments ?? {})[0];
}

/** The URL template for the environment: its entry in `urls`, else `url`. */
export function urlTemplate(node: NodeOf<'api'>, environment: string | undefined): string {
  const urls = node.urls ?? {};
  return environment !== undefined && Object.hasOwn(urls, environment) ? (urls[environment] as string) : node.url;
}

/**
 * Why a successful response cannot be mapped into variables, or undefined when it can: a node that assigns
 * needs a JSON object or list, and an HTML error page or plain text served with a 200 is not one.
 */
export function unmappable(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null) return undefined;
  if (typeof body === 'string') {
    const head = body.trimStart().slice(0, 60).replace(/\s+/g, ' ');
    const kind = /^<(!doctype html|html|head|body)\b/i.test(head) ? 'an HTML page' : 'not JSON';
    return `the response is ${kind}${head ? ` (it starts "${head}${body.trimStart().length > 60 ? '…' : ''}")` : ' (it is empty)'}, so nothing can be assigned from it`;
  }
  return `the response is ${body === null ? 'null' : `a JSON ${typeof body}`}, not an object or a list, so nothing can be assigned from it`;
}

/** A text response as the trace keeps it: at most `max` characters. */
export function traceBody(body: unknown, max = 4000): unknown {
  if (typeof body !== 'string' || body.length <= max) return body;
  return `${body.slice(0, max)}… (${body.length} characters in all)`;
}
