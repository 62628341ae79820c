import { describe, expect, it, vi } from 'vitest';
import type { EventName, ParleyApi } from '../shared/api/contract';
import { ApiError } from '../shared/api/errors';
import { createElectronBridge, exposeParleyApi, forContextBridge, toApiError, toWireError, withApiErrors, type IpcRendererLike } from './electron';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpcRenderer(reply: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, value: null })) {
  const listeners = new Map<string, Listener[]>();
  const ipc = {
    invoke: vi.fn(async (channel: string, ...args: unknown[]) => reply(channel, ...args)),
    on: vi.fn((channel: string, listener: Listener) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipc;
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => {
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      );
      return ipc;
    }),
  };
  /** What main's `webContents.send(channel, ...args)` does on this side. */
  const push = (channel: string, ...args: unknown[]) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer' }, ...args);
  };
  const listenerCount = (channel: string) => (listeners.get(channel) ?? []).length;
  return { ipc, ipcRenderer: ipc as IpcRendererLike, push, listenerCount, listeners };
}

const appInfo = { mode: 'electron' as const, version: '1.2.3', hasApiKey: false };

describe('createElectronBridge: call', () => {
  it('invokes parley:call with (method, input) and resolves with the value', async () => {
    const f = fakeIpcRenderer(() => ({ ok: true, value: appInfo }));
    const api = createElectronBridge(f.ipcRenderer);
    await expect(api.call('app.info', {})).resolves.toEqual(appInfo);
    expect(f.ipc.invoke).toHaveBeenCalledWith('parley:call', 'app.info', {});
    await api.call('project.open', { dir: '/p' });
    expect(f.ipc.invoke).toHaveBeenLastCalledWith('parley:call', 'project.open', { dir: '/p' });
  });

  it('throws an ApiError with the code, message and details of an error result', async () => {
    const details = { issues: [{ field: 'dir', message: 'Required' }] };
    const f = fakeIpcRenderer(() => ({ ok: false, error: { code: 'CONFLICT', message: 'changed on disk', details } }));
    const api = createElectronBridge(f.ipcRenderer);
    const error = await api.call('project.open', { dir: '/p' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'changed on disk', details });
  });

  it('turns FORBIDDEN and unknown codes into ApiErrors too', async () => {
    const replies: unknown[] = [
      { ok: false, error: { code: 'FORBIDDEN', message: 'no' } },
      { ok: false, error: { code: 'NOT_A_CODE', message: 'x' } },
      'garbage',
      undefined,
    ];
    const f = fakeIpcRenderer(() => replies.shift());
    const api = createElectronBridge(f.ipcRenderer);
    await expect(api.call('app.info', {})).rejects.toMatchObject({ name: 'ApiError', code: 'FORBIDDEN' });
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'malformed reply from host' });
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('turns a transport failure into an INTERNAL ApiError', async () => {
    const f = fakeIpcRenderer(() => {
      throw new Error("No handler registered for 'parley:call'");
    });
    const api = createElectronBridge(f.ipcRenderer);
    const error = await api.call('app.info', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('No handler') });
  });

  it('exposes only call and on', () => {
    const api = createElectronBridge(fakeIpcRenderer().ipcRenderer);
    expect(Object.keys(api).sort()).toEqual(['call', 'on']);
    expect(Object.keys(forContextBridge(api)).sort()).toEqual(['call', 'on']);
  });
});

describe('createElectronBridge: on', () => {
  const changed = { file: 'flows/a.yaml', revision: '0123456789abcdef', problems: [] };

  it('delivers events of the subscribed name only, until unsubscribed', () => {
    const f = fakeIpcRenderer();
    const api = createElectronBridge(f.ipcRenderer);
    const onChanged = vi.fn();
    const onToken = vi.fn();
    const offChanged = api.on('project.fileChanged', onChanged);
    api.on('simulator.token', onToken);

    f.push('parley:event', 'project.fileChanged', changed);
    f.push('parley:event', 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'hi' });
    expect(onChanged.mock.calls).toEqual([[changed]]);
    expect(onToken.mock.calls).toEqual([[{ sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'hi' }]]);

    offChanged();
    offChanged();
    f.push('parley:event', 'project.fileChanged', changed);
    f.push('parley:event', 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'again' });
    expect(onChanged).toHaveBeenCalledTimes(1);
    expect(onToken).toHaveBeenCalledTimes(2);
  });

  it('listens on the parley:event channel only, once, and stops listening when nobody subscribes', () => {
    const f = fakeIpcRenderer();
    const api = createElectronBridge(f.ipcRenderer);
    const off1 = api.on('project.fileChanged', () => undefined);
    const off2 = api.on('simulator.token', () => undefined);
    const off3 = api.on('project.fileChanged', () => undefined);
    expect(f.ipc.on).toHaveBeenCalledTimes(1);
    expect(new Set(f.ipc.on.mock.calls.map((c) => c[0]))).toEqual(new Set(['parley:event']));
    expect(f.listenerCount('parley:event')).toBe(1);
    off1();
    off2();
    expect(f.ipc.removeListener).not.toHaveBeenCalled();
    off3();
    expect(f.ipc.removeListener).toHaveBeenCalledWith('parley:event', expect.any(Function));
    expect(f.listenerCount('parley:event')).toBe(0);
    api.on('simulator.token', () => undefined);
    expect(f.listenerCount('parley:event')).toBe(1);
    expect([...f.listeners.keys()]).toEqual(['parley:event']);
  });

  it('keeps two subscriptions of the same function independent', () => {
    const f = fakeIpcRenderer();
    const api = createElectronBridge(f.ipcRenderer);
    const listener = vi.fn();
    const offA = api.on('simulator.token', listener);
    api.on('simulator.token', listener);
    offA();
    f.push('parley:event', 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'x' });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('ignores unknown event names and a throwing listener does not stop the others', () => {
    const f = fakeIpcRenderer();
    const api = createElectronBridge(f.ipcRenderer);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = vi.fn();
    api.on('simulator.token', () => {
      throw new Error('listener bug');
    });
    api.on('simulator.token', good);
    f.push('parley:event', 'fs.secrets', { a: 1 });
    f.push('parley:event', '__proto__', {});
    f.push('parley:event');
    f.push('parley:event', 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'x' });
    expect(good).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });

  it('refuses unknown event names and non-function listeners', () => {
    const f = fakeIpcRenderer();
    const api = createElectronBridge(f.ipcRenderer);
    expect(() => api.on('nope' as EventName, () => undefined)).toThrow(ApiError);
    expect(() => api.on('simulator.token', 'x' as never)).toThrow(/listener/);
    expect(f.ipc.on).not.toHaveBeenCalled();
  });
});

describe('across the context bridge', () => {
  /** The context bridge copies a rejected Error as a bare Error(message); a plain object is cloned. */
  const crossBridge = (value: unknown) => (value instanceof Error ? new Error(value.message) : structuredClone(value));

  it('a failed call rejects with a plain object that survives the bridge with its code', async () => {
    const f = fakeIpcRenderer(() => ({ ok: false, error: { code: 'CONFLICT', message: 'changed', details: { file: 'a' } } }));
    const exposed = forContextBridge(createElectronBridge(f.ipcRenderer));
    const rejected = await exposed.call('app.info', {}).catch((e: unknown) => e);
    expect(rejected).not.toBeInstanceOf(Error);
    expect(crossBridge(rejected)).toEqual({ name: 'ApiError', code: 'CONFLICT', message: 'changed', details: { file: 'a' } });
  });

  it('withApiErrors turns it back into an ApiError on the page side', async () => {
    const f = fakeIpcRenderer(() => ({ ok: false, error: { code: 'CONFLICT', message: 'changed' } }));
    const exposed = forContextBridge(createElectronBridge(f.ipcRenderer));
    const pageSide: ParleyApi = {
      call: (m, i) => exposed.call(m, i).catch((e: unknown) => Promise.reject(crossBridge(e))),
      on: (e, l) => exposed.on(e, l),
    };
    const error = await withApiErrors(pageSide)
      .call('app.info', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'changed' });
  });

  it('successful calls and events pass through both wrappers', async () => {
    const f = fakeIpcRenderer(() => ({ ok: true, value: appInfo }));
    const api = withApiErrors(forContextBridge(createElectronBridge(f.ipcRenderer)));
    await expect(api.call('app.info', {})).resolves.toEqual(appInfo);
    const listener = vi.fn();
    const off = api.on('simulator.token', listener);
    f.push('parley:event', 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'x' });
    off();
    f.push('parley:event', 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'y' });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('toWireError / toApiError round-trip and degrade safely', () => {
    expect(toWireError(new ApiError('NOT_FOUND', 'gone'))).toEqual({ name: 'ApiError', code: 'NOT_FOUND', message: 'gone' });
    expect(toWireError(new TypeError('bad'))).toEqual({ name: 'ApiError', code: 'INTERNAL', message: 'bad' });
    expect(toWireError('weird')).toMatchObject({ code: 'INTERNAL' });
    const original = new ApiError('CONFLICT', 'c');
    expect(toApiError(original)).toBe(original);
    expect(toApiError({ code: 'TOO_LARGE', message: 'big' })).toMatchObject({ code: 'TOO_LARGE', message: 'big' });
    expect(toApiError(new Error('plain'))).toMatchObject({ code: 'INTERNAL', message: 'plain' });
    expect(toApiError(null)).toMatchObject({ code: 'INTERNAL' });
  });
});

describe('exposeParleyApi (what the preload entry runs)', () => {
  it('exposes window.parley with call and on, and nothing else', async () => {
    const f = fakeIpcRenderer(() => ({ ok: true, value: appInfo }));
    const exposeInMainWorld = vi.fn();
    exposeParleyApi({ contextBridge: { exposeInMainWorld }, ipcRenderer: f.ipcRenderer });
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = exposeInMainWorld.mock.calls[0] as [string, ParleyApi];
    expect(key).toBe('parley');
    expect(Object.keys(api).sort()).toEqual(['call', 'on']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.values(api)).not.toContain(f.ipcRenderer);
    await expect(api.call('app.info', {})).resolves.toEqual(appInfo);
    expect(f.ipc.invoke).toHaveBeenCalledWith('parley:call', 'app.info', {});
    expect(f.ipc.on).not.toHaveBeenCalled();
  });
});
