import type { CallResult, EventName } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { EventBus } from '../services/events';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../shared/api/channels';
import { isAppUrl, type AppUrlOptions } from './origin';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike } from './types';

/** The dispatcher from `shared/api/dispatch`: validates against the contract, never throws. */
export type Dispatch = (method: unknown, input: unknown) => Promise<CallResult>;

export type TrustedSenderCheck = (event: IpcMainInvokeEventLike) => boolean;

export interface TrustedSenderOptions extends AppUrlOptions {
  /** The `file://` URL of the renderer's index.html (see `appUrlFor`). */
  appUrl: string;
  /** Whether a webContents id belongs to one of Parley's own windows. */
  isOurWebContents(id: number): boolean;
}

/**
 * A sender is trusted when it is the top-level frame of one of our windows and that frame shows our own
 * renderer document. A window that somehow navigated elsewhere, an iframe, or any other webContents (a devtools
 * extension, a future helper window) gets FORBIDDEN.
 */
export function createTrustedSenderCheck(options: TrustedSenderOptions): TrustedSenderCheck {
  return (event) => {
    const id = event?.sender?.id;
    if (typeof id !== 'number' || !options.isOurWebContents(id)) return false;
    const frame = event.senderFrame;
    if (!frame) return false;
    if (frame.parent) return false;
    return isAppUrl(frame.url, options.appUrl, options);
  };
}

export interface RegisterIpcOptions {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  isTrustedSender: TrustedSenderCheck;
  /** Told about each refused call (for the log); must not throw. */
  onForbidden?: (info: { senderId: unknown; frameUrl: unknown; method: unknown }) => void;
}

const forbidden = (): CallResult => ({
  ok: false,
  error: new ApiError('FORBIDDEN', 'this window may not call Parley').toJSON(),
});

const internal = (): CallResult => ({
  ok: false,
  error: new ApiError('INTERNAL', 'the call failed unexpectedly').toJSON(),
});

/**
 * Registers the one invoke channel, `parley:call` (event, method, input) → `CallResult`. The handler never
 * throws (a throw would reach the renderer as an opaque Error): a foreign sender gets FORBIDDEN without the
 * dispatcher being called, everything else is what the dispatcher returns. Returns the function that
 * unregisters it.
 */
export function registerIpc(options: RegisterIpcOptions): () => void {
  const { ipcMain, dispatch, isTrustedSender, onForbidden } = options;
  ipcMain.handle(CALL_CHANNEL, async (event: IpcMainInvokeEventLike, ...args: unknown[]): Promise<CallResult> => {
    const [method, input] = args;
    let trusted: boolean;
    try {
      trusted = isTrustedSender(event) === true;
    } catch {
      trusted = false;
    }
    if (!trusted) {
      try {
        onForbidden?.({ senderId: event?.sender?.id, frameUrl: event?.senderFrame?.url, method });
      } catch {
        // logging must not change the answer
      }
      return forbidden();
    }
    try {
      return await dispatch(method, input);
    } catch {
      return internal();
    }
  });
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    ipcMain.removeHandler(CALL_CHANNEL);
  };
}

/**
 * Forwards every EventBus event to Parley's windows on `parley:event` as (eventName, payload).
 * `getTrustedWebContents` must return only our own windows' webContents (the caller also checks that they
 * still show our renderer); destroyed ones are skipped and one failing window does not stop the others.
 * Returns the function that stops forwarding.
 */
export function createEventForwarder(bus: EventBus, getTrustedWebContents: () => Iterable<WebContentsLike>): () => void {
  const unsubscribe = bus.subscribe((event: EventName, payload: unknown) => {
    for (const contents of getTrustedWebContents()) {
      try {
        if (contents.isDestroyed()) continue;
        contents.send(EVENT_CHANNEL, event, payload);
      } catch {
        // a window closing mid-send must not stop the others
      }
    }
  });
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    unsubscribe();
  };
}
