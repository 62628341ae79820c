/**
 * Web mode's stand-in for the Electron preload: loaded by index.html before the renderer. In Electron the
 * contextBridge has already defined `window.parley`, and this script does nothing.
 */
import type { ParleyApi } from '../shared/api/contract';
import { createWebBridge, readLaunchToken } from './web';

declare global {
  interface Window {
    parley?: ParleyApi;
  }
}

if (!window.parley) {
  const token = readLaunchToken(window.location, window.sessionStorage, window.history);
  if (token) {
    window.parley = createWebBridge({ baseUrl: window.location.origin, token, prefetchProject: true });
  }
}
