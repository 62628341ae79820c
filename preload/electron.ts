import { isEventName, type EventName, type ParleyApi } from '../shared/api/contract';
import { unwrap } from '../shared/api/dispatch';
import { ApiError, ApiErrorShape } from '../shared/api/errors';
import { BRIDGE_KEY, CALL_CHANNEL, EVENT_CHANNEL } from '../shared/api/channels';

// preload/ may import shared/ only, so the structural Electron types it needs are declared here.

/** The parts of Electron's `ipcRenderer` the bridge uses (the `electron` package has no types here). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

/** What `require('electron')` gives a sandboxed preload (the parts Parley uses). */
export interface ElectronPreloadLike {
  contextBridge: ContextBridgeLike;
  ipcRenderer: IpcRendererLike;
}

/**
 * The Electron side of `ParleyApi`: every call goes over the one `parley:call` invoke channel and comes back
 * as a `CallResult`; every event arrives on the one `parley:event` channel. Nothing else of ipcRenderer is
 * reachable through it.
 */
export function createElectronBridge(ipcRenderer: IpcRendererLike): ParleyApi {
  type Subscription = { listener: (payload: unknown) => void };
  const subscriptions = new Map<EventName, Set<Subscription>>();
  let attached = false;

  const onEvent = (_event: unknown, ...args: unknown[]) => {
    const [name, payload] = args;
    if (!isEventName(name)) return;
    const subs = subscriptions.get(name);
    if (!subs) return;
    for (const sub of [...subs]) {
      try {
        sub.listener(payload);
      } catch (error) {
        // one failing listener must not starve the others
        console.error(`[parley] listener for ${name} failed:`, error);
      }
    }
  };

  const api: ParleyApi = {
    async call(method, input) {
      let result: unknown;
      try {
        result = await ipcRenderer.invoke(CALL_CHANNEL, method, input);
      } catch (error) {
        // Only the transport can fail here (main's handler never throws): no handler yet, an uncloneable input.
        throw new ApiError('INTERNAL', `could not reach Parley: ${error instanceof Error ? error.message : String(error)}`);
      }
      return unwrap(result);
    },

    on(event, listener) {
      if (!isEventName(event)) throw new ApiError('BAD_REQUEST', `unknown event ${JSON.stringify(String(event)).slice(0, 80)}`);
      if (typeof listener !== 'function') throw new ApiError('BAD_REQUEST', 'listener must be a function');
      const sub: Subscription = { listener: listener as (payload: unknown) => void };
      let subs = subscriptions.get(event);
      if (!subs) subscriptions.set(event, (subs = new Set()));
      subs.add(sub);
      if (!attached) {
        ipcRenderer.on(EVENT_CHANNEL, onEvent);
        attached = true;
      }
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        subs.delete(sub);
        if (subs.size === 0 && subscriptions.get(event) === subs) subscriptions.delete(event);
        if (subscriptions.size === 0 && attached) {
          ipcRenderer.removeListener(EVENT_CHANNEL, onEvent);
          attached = false;
        }
      };
    },
  };
  return api;
}

/** What a failed call rejects with once it has crossed the context bridge: a plain, cloneable object. */
export type WireApiError = ApiErrorShape & { name: 'ApiError' };

/** Any failure as the plain object the context bridge can carry intact. */
export function toWireError(error: unknown): WireApiError {
  const apiError = error instanceof ApiError ? error : new ApiError('INTERNAL', error instanceof Error ? error.message : 'the call failed unexpectedly');
  return { name: 'ApiError', ...apiError.toJSON() };
}

/** A failure from a bridge (an `ApiError`, its wire form, or anything else) as an `ApiError` of this realm. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const parsed = ApiErrorShape.safeParse(error);
  if (parsed.success) return new ApiError(parsed.data.code, parsed.data.message, parsed.data.details);
  if (error instanceof Error) return new ApiError('INTERNAL', error.message);
  return new ApiError('INTERNAL', 'the call failed unexpectedly');
}

/**
 * The form of the bridge handed to `contextBridge.exposeInMainWorld`. The context bridge copies a thrown or
 * rejected Error as a bare `Error(message)` in the page, losing `code` and `details`, so here a failed call
 * rejects with the plain `WireApiError` object instead, which crosses intact (`e.code`, `e.message`,
 * `e.details` all work in the page). It is not an `ApiError` instance there (no class can cross the bridge):
 * the renderer should wrap `window.parley` with `withApiErrors` to get real `ApiError`s back.
 */
export function forContextBridge(api: ParleyApi): ParleyApi {
  return {
    call: (method, input) =>
      api.call(method, input).catch((error: unknown) => {
        throw toWireError(error);
      }),
    on: (event, listener) => api.on(event, listener),
  };
}

/**
 * Renderer-side: wraps whatever bridge `window.parley` is (Electron's, whose failures arrive as plain
 * objects, or the web one, which throws `ApiError`s already) so that every failed call throws an `ApiError`
 * of the renderer's own realm, and `instanceof ApiError` works the same in both hosts.
 */
export function withApiErrors(api: ParleyApi): ParleyApi {
  return {
    call: (method, input) =>
      api.call(method, input).catch((error: unknown) => {
        throw toApiError(error);
      }),
    on: (event, listener) => api.on(event, listener),
  };
}

/**
 * What the preload entry does: exposes the bridge as `window.parley`, and only that. The ipcRenderer itself,
 * its other methods and any channel name stay in the isolated world.
 */
export function exposeParleyApi({ contextBridge, ipcRenderer }: ElectronPreloadLike): void {
  contextBridge.exposeInMainWorld(BRIDGE_KEY, forContextBridge(createElectronBridge(ipcRenderer)));
}
