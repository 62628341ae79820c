/**
 * The only IPC channels between a Parley window and main, declared once for both sides (main/electron and
 * preload/electron.ts). The preload exposes nothing else: one invoke channel for every contract call, one push
 * channel for every contract event.
 */

/** renderer → main, `ipcRenderer.invoke(CALL_CHANNEL, method, input)`; resolves with a `CallResult`. */
export const CALL_CHANNEL = 'parley:call';

/** main → renderer, `webContents.send(EVENT_CHANNEL, eventName, payload)`. */
export const EVENT_CHANNEL = 'parley:event';

/** The `window` property the preload exposes the `ParleyApi` on (`window.parley`). */
export const BRIDGE_KEY = 'parley';
