import type { ParleyApi } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';

let wrapped: ParleyApi | undefined;

/**
 * The renderer's only way to reach main. In Electron the preload defines `window.parley` through the
 * contextBridge; in web mode `preload/webEntry.ts` defines it over HTTP. The renderer cannot tell which.
 * Errors that crossed the contextBridge arrive as plain objects (classes do not survive it), so every
 * rejection is turned back into an `ApiError` with its code here.
 */
export function getApi(): ParleyApi | undefined {
  const raw = (window as Window & { parley?: ParleyApi }).parley;
  if (!raw) return undefined;
  wrapped ??= {
    call: (method, input) => raw.call(method, input).catch((e: unknown) => Promise.reject(e instanceof ApiError ? e : ApiError.from(e))),
    on: (event, listener) => raw.on(event, listener),
  };
  return wrapped;
}
