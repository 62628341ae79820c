// The LLM port on the real Anthropic SDK, against any Messages-API-compatible server (Anthropic, or a local
// Ollama / llama.cpp / LiteLLM). Every call streams; text reaches `onToken` as it arrives.
//
// Failures, and what the flow sees (an `LlmError` routes the node's `error` exit):
// - 429 / 529 / 5xx / dropped connections before the reply starts: retried by the SDK (`maxRetries`, default 2),
//   which honours `retry-after-ms` / `retry-after` and otherwise backs off 0.5 s, 1 s, ... (up to 8 s). When
//   the wait the server asks for would outlast the call's timeout, we stop retrying at once (we mark the
//   response `x-should-retry: false`, which the SDK obeys). Then: 'rate_limited' / 'overloaded' / 'server'
//   with the status and the number of attempts.
// - `timeoutMs` bounds the time to the first token (retries and their waits included), then the silence
//   between two stream events. No first token in time → 'timeout'.
// - `signal` aborts the HTTP request → 'cancelled' (with the text so far in `partialText`).
// - A stream that ends without `message_stop` after some text (cut connection, stall, an `error` event) →
//   resolves with `partial: true` and the text received; it is never retried (the user has seen it).
// - 401 / 403 → 'auth', naming the key source to check. The key never appears in a message.
// - The key, and any part of it 8 characters or longer, is redacted from messages, partialText and the reply text
//   (shared/util/redact.ts). Streamed deltas are passed on as they come.
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, type Middleware } from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { LlmError, type ClockPort, type LlmCallOptions, type LlmPort, type LlmRequest, type LlmResponse } from '../../shared/engine/ports';
import type { LlmSettings } from '../../shared/schema/project';
import { createRedactor } from '../../shared/util/redact';
import { DEFAULT_API_KEY_ENV, isLoopbackUrl, type ResolvedKey } from './keys';

/** Returns the key: a bare string, or a `ResolvedKey` (then a 401 names its source), or null when none is set. */
export type ApiKeyProvider = () => string | ResolvedKey | null | undefined | Promise<string | ResolvedKey | null | undefined>;

export interface AnthropicLlmOptions {
  /** A Messages-API-compatible endpoint; default https://api.anthropic.com. */
  baseUrl?: string;
  /** Asked before every call (a key saved meanwhile in Settings is picked up). Never logged. */
  apiKey: ApiKeyProvider;
  /** Default model; a request's `model` overrides it. */
  model?: string;
  /** Default 1024. */
  maxTokens?: number;
  temperature?: number;
  /** Default 60 000: time to first token, then the longest silence mid-stream. */
  timeoutMs?: number;
  /** Retries after the first attempt (429, 529, 5xx, connection errors); default 2. */
  maxRetries?: number;
  /** For the measurements (ttft, total); default Date.now. Timers are real. */
  clock?: ClockPort;
  /** The SDK's own log level (its debug logs redact credentials); default 'off'. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'off';
  /** The HTTP client: main passes the outbound policy's fetch (allowed host, DNS checked, no redirects out). */
  fetch?: typeof globalThis.fetch;
  /** How to tell the user to set a key when none is found (default: Settings, ANTHROPIC_API_KEY or the credentials file). */
  missingKeyHint?: string;
}

export interface AnthropicLlmResponse extends LlmResponse {
  /** HTTP attempts this call made (1 when the first one succeeded). */
  attempts: number;
}

export interface AnthropicLlm extends LlmPort {
  complete(request: LlmRequest, options?: LlmCallOptions): Promise<AnthropicLlmResponse>;
}

export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_MAX_TOKENS = 1024;
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Sent to a loopback server when no key is set: Ollama and llama.cpp ignore it. */
export const PLACEHOLDER_KEY = 'parley-local-no-key';

const RETRYABLE = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

interface Attempt {
  status: number;
  retryAfterMs?: number;
  /** The server asked to wait beyond our deadline, so we told the SDK not to retry. */
  gaveUp?: boolean;
}

interface KeyInfo {
  key: string;
  /** For a 401: which key source to check. */
  check: string;
}

function parseRetryAfter(headers: Headers): number | undefined {
  const ms = parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(ms)) return ms;
  const h = headers.get('retry-after');
  if (!h) return undefined;
  const s = parseFloat(h);
  if (!Number.isNaN(s)) return s * 1000;
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : at - Date.now();
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** The options for `createAnthropicLlm` from the project's `llm` settings and a key provider. */
export function anthropicLlmOptions(settings: LlmSettings, apiKey: ApiKeyProvider, extra: Partial<AnthropicLlmOptions> = {}): AnthropicLlmOptions {
  const envVar = settings.apiKeyEnv ?? DEFAULT_API_KEY_ENV;
  return {
    apiKey,
    model: settings.model,
    ...(settings.baseUrl !== undefined && { baseUrl: settings.baseUrl }),
    ...(settings.maxTokens !== undefined && { maxTokens: settings.maxTokens }),
    ...(settings.temperature !== undefined && { temperature: settings.temperature }),
    ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
    missingKeyHint: `save a key in Settings, set the environment variable ${envVar}, or put it in ~/.config/parley/credentials.json (chmod 600)`,
    ...extra,
  };
}

/** The outbound policy's refusal (main/net/outbound.ts) in an error's cause chain, by name (no import cycle). */
function outboundBlock(e: unknown): Error | null {
  for (let x = e, i = 0; x instanceof Error && i < 6; x = x.cause, i++) if (x.name === 'OutboundBlockedError') return x;
  return null;
}

export function createAnthropicLlm(options: AnthropicLlmOptions): AnthropicLlm {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const local = isLoopbackUrl(baseUrl);
  const clock: ClockPort = options.clock ?? { now: () => Date.now() };
  const maxRetries = options.maxRetries ?? 2;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new TypeError('maxRetries must be a whole number ≥ 0');
  const missingKeyHint =
    options.missingKeyHint ??
    `save a key in Settings, set the environment variable ${DEFAULT_API_KEY_ENV}, or put it in ~/.config/parley/credentials.json (chmod 600)`;

  let cached: { key: string; client: Anthropic } | null = null;
  const clientFor = (key: string): Anthropic => {
    if (cached?.key !== key) {
      cached = {
        key,
        // An explicit key and base URL: the SDK then reads no key, token, profile or base URL of its own.
        client: new Anthropic({
          apiKey: key,
          baseURL: baseUrl,
          maxRetries,
          logLevel: options.logLevel ?? 'off',
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      };
    }
    return cached.client;
  };

  const resolveKey = async (): Promise<KeyInfo> => {
    let got: string | ResolvedKey | null | undefined;
    try {
      got = await options.apiKey();
    } catch (e) {
      // KeyStoreError messages name the file and the fix, never the key
      throw new LlmError(`no usable API key: ${(e as Error).message}`, 'not_configured');
    }
    const resolved = typeof got === 'string' ? { key: got.trim(), source: null, location: '' } : got ? { ...got, key: got.key.trim() } : null;
    if (resolved?.key) {
      const check =
        resolved.source === 'keychain'
          ? 'the key saved in Settings (OS keychain)'
          : resolved.source === 'env'
            ? `the environment variable ${resolved.location}`
            : resolved.source === 'config'
              ? `the key in ${resolved.location}`
              : 'the API key Parley was given';
      return { key: resolved.key, check };
    }
    if (local) return { key: PLACEHOLDER_KEY, check: `whether the server at ${baseUrl} needs an API key (none is set: ${missingKeyHint})` };
    throw new LlmError(`no API key is set for ${hostOf(baseUrl)}: ${missingKeyHint}`, 'not_configured');
  };

  async function complete(request: LlmRequest, callOptions: LlmCallOptions = {}): Promise<AnthropicLlmResponse> {
    const t0 = clock.now();
    const startedAt = Date.now();
    const { onToken, signal } = callOptions;
    if (signal?.aborted) throw new LlmError('the LLM call was cancelled before it started', 'cancelled');
    const model = request.model || options.model;
    if (!model) throw new LlmError('no model is set: set llm.model in parley.yaml, or model on the llm node', 'not_configured');
    if (request.messages.length === 0) throw new LlmError('the LLM request has no messages', 'bad_request');
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxTokens = request.maxTokens ?? options.maxTokens ?? DEFAULT_MAX_TOKENS;
    const temperature = request.temperature ?? options.temperature;

    const auth = await resolveKey();
    // a server may echo the key, or part of it, in an error or even in the reply
    const redact = createRedactor(auth.key === PLACEHOLDER_KEY ? [] : [auth.key]);
    const fail = (message: string, kind: LlmError['kind'], partialText?: string) =>
      new LlmError(redact(message), kind, partialText === undefined ? undefined : redact(partialText));
    const client = clientFor(auth.key);

    // one controller for the whole call: the caller's signal and our timer both abort it
    const controller = new AbortController();
    let stopped: 'cancelled' | 'timeout' | null = null;
    let sdkStream: { controller: AbortController } | null = null;
    const stop = (why: 'cancelled' | 'timeout') => {
      if (stopped) return;
      stopped = why;
      controller.abort();
      sdkStream?.controller.abort();
    };
    const onAbort = () => stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const firstTokenDeadline = startedAt + timeoutMs;
    let timer = setTimeout(() => stop('timeout'), timeoutMs);
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stop('timeout'), timeoutMs);
    };

    const attempts: Attempt[] = [];
    let firstTokenAt: number | null = null;
    let blocked: Error | null = null;
    const observe: Middleware = async (req, next) => {
      const attempt: Attempt = { status: 0 };
      attempts.push(attempt);
      let res: Response;
      try {
        res = await next(req);
      } catch (e) {
        // The outbound policy refused the host: final, so stop the SDK's retries now (they would be refused too).
        const b = outboundBlock(e);
        if (b) {
          blocked = b;
          controller.abort();
        }
        throw e;
      }
      attempt.status = res.status;
      if (res.ok) return res;
      attempt.retryAfterMs = parseRetryAfter(res.headers);
      const left = firstTokenDeadline - Date.now();
      if (RETRYABLE(res.status) && attempt.retryAfterMs !== undefined && attempt.retryAfterMs > left) {
        attempt.gaveUp = true;
        const headers = new Headers(res.headers);
        headers.set('x-should-retry', 'false');
        return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      }
      return res;
    };

    const params: MessageCreateParamsStreaming = {
      model,
      max_tokens: maxTokens,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      ...(request.system ? { system: request.system } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
    };

    let text = '';
    let sawStop = false;
    let stopReason: string | null = null;
    let servedModel = model;
    let inputTokens = 0;
    let outputTokens = 0;
    let failure: unknown = null;
    let callbackError: { error: unknown } | null = null;
    try {
      const stream = await client.messages.create(params, {
        signal: controller.signal,
        maxRetries,
        // our own timer fires first; this only guards a request that somehow outlives it
        timeout: timeoutMs + 1000,
        middleware: [observe],
      });
      sdkStream = stream;
      if (stopped) stream.controller.abort();
      for await (const event of stream as AsyncIterable<RawMessageStreamEvent>) {
        if (firstTokenAt !== null) rearm();
        switch (event.type) {
          case 'message_start': {
            servedModel = event.message.model || model;
            const u = event.message.usage;
            inputTokens = (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
            outputTokens = u.output_tokens ?? 0;
            break;
          }
          case 'content_block_delta':
            if (event.delta.type === 'text_delta' && event.delta.text) {
              if (firstTokenAt === null) {
                firstTokenAt = clock.now();
                rearm(); // from now on the timer measures silence, not time to first token
              }
              text += event.delta.text;
              try {
                onToken?.(event.delta.text);
              } catch (e) {
                callbackError = { error: e };
              }
            }
            break;
          case 'message_delta': {
            stopReason = event.delta.stop_reason ?? stopReason;
            const u = event.usage;
            if (u.input_tokens != null) inputTokens = u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
            outputTokens = u.output_tokens ?? outputTokens;
            break;
          }
          case 'message_stop':
            sawStop = true;
            break;
          default:
            break;
        }
        if (callbackError) break; // leaving the loop aborts the request
      }
    } catch (e) {
      failure = e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    if (callbackError) throw (callbackError as { error: unknown }).error;
    const totalMs = clock.now() - t0;
    const n = attempts.length;
    const done = (partial: boolean): AnthropicLlmResponse => ({
      text: redact(text),
      model: servedModel,
      stopReason: partial ? null : stopReason,
      ...(partial ? { partial: true } : {}),
      usage: { inputTokens, outputTokens },
      ttftMs: firstTokenAt === null ? totalMs : firstTokenAt - t0,
      totalMs,
      attempts: n,
    });

    if (stopped === 'cancelled') throw fail('the LLM call was cancelled', 'cancelled', text || undefined);
    if (sawStop) return done(false);
    // Text has reached the user: whatever stopped the stream (a cut, a stall, an error event), keep what came.
    if (text) return done(true);

    const last = attempts.at(-1);
    if (stopped === 'timeout') {
      if (last && last.status >= 400 && RETRYABLE(last.status)) {
        const { kind, what } = statusKind(last.status);
        throw fail(`${what} after ${plural(n, 'attempt')}; the call's ${seconds(timeoutMs)} timeout ran out before it could retry`, kind);
      }
      throw fail(`the model did not start answering within ${seconds(timeoutMs)} (${model} at ${hostOf(baseUrl)})`, 'timeout');
    }
    if (blocked) throw fail(`the model server was not called: ${(blocked as Error).message}`, 'network');
    if (failure instanceof APIUserAbortError) throw fail('the LLM call was aborted', 'cancelled');
    if (failure instanceof APIConnectionTimeoutError) throw fail(`the model server at ${hostOf(baseUrl)} did not answer in time`, 'timeout');
    if (failure instanceof APIConnectionError) {
      const cause = describeCause(failure);
      throw fail(`could not reach the model server at ${hostOf(baseUrl)}${cause ? ` (${cause})` : ''} after ${plural(Math.max(n, 1), 'attempt')}`, 'network');
    }
    if (failure instanceof APIError) {
      const detail = failure.apiMessage ? `: ${failure.apiMessage}` : '';
      if (failure.status === undefined) {
        // an `error` event in the stream, before any text
        const kind = failure.type === 'overloaded_error' ? 'overloaded' : failure.type === 'rate_limit_error' ? 'rate_limited' : 'server';
        throw fail(`the model stopped with an error before answering (${failure.type ?? 'error'})${detail}`, kind);
      }
      const status = failure.status;
      if (status === 401) throw fail(`the model server rejected the API key (401)${detail}. Check ${auth.check}.`, 'auth');
      if (status === 403) throw fail(`the API key may not use this model or endpoint (403)${detail}. Check ${auth.check}.`, 'auth');
      if (status === 404) throw fail(`the model server answered 404${detail}. Check the model name "${model}" and the base URL ${baseUrl}.`, 'bad_request');
      if (RETRYABLE(status)) {
        const { kind, what } = statusKind(status);
        const gaveUp =
          last?.gaveUp && last.retryAfterMs !== undefined
            ? `; it asked to retry after ${seconds(last.retryAfterMs)}, beyond the call's ${seconds(timeoutMs)} timeout`
            : '';
        throw fail(`${what} after ${plural(n, 'attempt')}${gaveUp}${detail}`, kind);
      }
      throw fail(`the model server rejected the request (${status})${detail}`, 'bad_request');
    }
    if (failure) throw fail(`the connection to the model dropped before it answered (${(failure as Error).message || 'error'})`, 'network');
    throw fail('the model stream ended before the model answered', 'network');
  }

  return { complete };
}

function statusKind(status: number): { kind: LlmError['kind']; what: string } {
  if (status === 429) return { kind: 'rate_limited', what: 'the rate limit was reached (429)' };
  if (status === 529) return { kind: 'overloaded', what: 'the model is overloaded (529)' };
  if (status === 408) return { kind: 'server', what: 'the model server timed out the request (408)' };
  return { kind: 'server', what: `the model server failed (${status})` };
}

/** ECONNREFUSED and friends, from the fetch error the SDK wraps. */
function describeCause(e: unknown): string {
  const seen = new Set<unknown>();
  let c: unknown = (e as { cause?: unknown }).cause;
  while (c && typeof c === 'object' && !seen.has(c)) {
    seen.add(c);
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code === 'ECONNREFUSED' ? 'connection refused' : code;
    c = (c as { cause?: unknown }).cause;
  }
  return '';
}
