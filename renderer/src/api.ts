import type { ParleyApi } from '../../shared/api/contract';

/**
 * The renderer's only way to reach main. In Electron the preload defines `window.parley` through the
 * contextBridge; in web mode `preload/webEntry.ts` defines it over HTTP. The renderer cannot tell which.
 */
export function getApi(): ParleyApi | undefined {
  return (window as Window & { parley?: ParleyApi }).parley;
}
