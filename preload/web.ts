import { WS_PROTOCOL, WS_TOKEN_PREFIX, events, isEventName, type EventName, type EventPayload, type MethodName, type ParleyApi } from '../shared/api/contract';
import { ApiError } from '../shared/api/errors';
import { unwrap } from '../shared/api/dispatch';

export interface WebBridgeOptions {
  /** Origin of the web host, e.g. `http://127.0.0.1:7468`. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** First reconnect delay after the socket drops; doubles up to 5 s. */
  reconnectMs?: number;
  /** Where a dropped (invalid) event is reported; `console.warn` by default. */
  warn?: (message: string) => void;
  /**
   * Asks for the open project (`project.current`) at once, while the page's scripts are still being evaluated, and
   * answers the page's first `project.current` call with it: main prepares the snapshot (the largest answer, a
   * megabyte at 5,000 nodes) in parallel with the page starting instead of after it. The early answer is dropped
   * when a `project.opened` event arrives (it may be stale then) or after `prefetchTtlMs` (10 s).
   */
  prefetchProject?: boolean;
  prefetchTtlMs?: number;
}

export interface WebBridge extends ParleyApi {
  /** Closes the event socket and stops reconnecting. */
  close(): void;
}

/**
 * The web bridge: `ParleyApi` over HTTP (calls) and a WebSocket (events), with the per-launch token.
 * The renderer sees the very same interface as in Electron.
 */
export function createWebBridge(opts: WebBridgeOptions): WebBridge {
  const doFetch = opts.fetch ?? fetch.bind(globalThis);
  const WS = opts.WebSocket ?? WebSocket;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let closed = false;
  /** The early `project.current` (prefetchProject) until the page's first call takes it. */
  let early: Promise<unknown> | undefined;
  let earlyTimer: ReturnType<typeof setTimeout> | undefined;
  let delay = opts.reconnectMs ?? 250;
  const warn = opts.warn ?? ((m: string) => console.warn(m));

  function connect(): void {
    if (closed) return;
    const wsUrl = opts.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/api/events';
    const ws = new WS(wsUrl, [WS_PROTOCOL, WS_TOKEN_PREFIX + opts.token]);
    socket = ws;
    ws.onopen = () => {
      delay = opts.reconnectMs ?? 250;
    };
    ws.onmessage = (msg: MessageEvent) => {
      let data: { event?: unknown; payload?: unknown };
      try {
        data = JSON.parse(String(msg.data)) as typeof data;
      } catch {
        return;
      }
      if (!isEventName(data.event)) return;
      // Listeners get only payloads that keep the contract; a bad one is dropped, naming the field, not its value.
      const parsed = events[data.event].safeParse(data.payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        warn(`parley: dropped a ${data.event} event that breaks the contract${issue ? ` at ${issue.path.join('.') || 'payload'}: ${issue.message}` : ''}`);
        return;
      }
      if (data.event === 'project.opened') early = undefined;
      for (const l of listeners.get(data.event) ?? []) l(data.payload);
    };
    ws.onclose = () => {
      if (closed) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();

  async function call(method: MethodName, input: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(opts.baseUrl.replace(/\/$/, '') + '/api/call', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${opts.token}` },
        body: JSON.stringify({ method, input }),
      });
    } catch {
      throw new ApiError('INTERNAL', 'the Parley host is not reachable (was it stopped?)');
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ApiError(res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL', `host answered ${res.status} without a result`);
    }
    return unwrap(body);
  }

  if (opts.prefetchProject) {
    early = call('project.current', {});
    early.catch(() => undefined); // its error goes to the call that takes it, not to the console
    earlyTimer = setTimeout(() => (early = undefined), opts.prefetchTtlMs ?? 10_000);
  }

  return {
    call(method: MethodName, input: unknown) {
      if (method === 'project.current' && early) {
        const answer = early;
        early = undefined;
        return answer;
      }
      return call(method, input);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
    close() {
      closed = true;
      clearTimeout(earlyTimer);
      early = undefined;
      socket?.close();
    },
  } as WebBridge;
}

/**
 * Reads the launch token: from the URL fragment on first load (then removed from the address bar), or from
 * this tab's sessionStorage after a reload. Never from a cookie, so other sites cannot ride on it.
 */
export function readLaunchToken(
  loc: Pick<Location, 'hash' | 'pathname' | 'search'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  history?: Pick<History, 'replaceState'>,
): string | undefined {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(loc.hash);
  if (m?.[1]) {
    storage.setItem('parley.token', m[1]);
    history?.replaceState(null, '', loc.pathname + loc.search);
    return m[1];
  }
  return storage.getItem('parley.token') ?? undefined;
}
