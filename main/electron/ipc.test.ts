import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { CallResult, Handlers } from '../../shared/api/contract';
import { createDispatcher } from '../../shared/api/dispatch';
import { ApiError } from '../../shared/api/errors';
import { createEventBus } from '../services/events';
import { BRIDGE_KEY, CALL_CHANNEL, EVENT_CHANNEL } from '../../shared/api/channels';
import { createEventForwarder, createTrustedSenderCheck, registerIpc, type Dispatch } from './ipc';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike, WebFrameLike } from './types';

const APP_URL = 'file:///opt/parley/out/renderer/index.html';
const OUR_ID = 7;

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = {
    handle: vi.fn((channel, listener) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    }),
    removeHandler: vi.fn((channel) => void handlers.delete(channel)),
  };
  /** What Electron does on `ipcRenderer.invoke(channel, ...args)`. */
  const invoke = async (event: IpcMainInvokeEventLike, channel: string, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return (await handler(event, ...args)) as CallResult;
  };
  return { ipcMain, handlers, invoke };
}

const sender = (id: number, url: string | null, parent: WebFrameLike | null = null): IpcMainInvokeEventLike => ({
  sender: { id },
  senderFrame: url === null ? null : { url, parent },
});

const appInfo = { mode: 'electron' as const, version: '1.2.3', hasApiKey: false };

function setup() {
  const fakeHandlers = {
    'app.info': vi.fn(async () => appInfo),
    'project.open': vi.fn(async ({ dir }: { dir: string }) => ({ opened: dir })),
  };
  const realDispatch = createDispatcher(fakeHandlers as unknown as Handlers);
  const dispatch = vi.fn<Dispatch>((method, input) => realDispatch(method, input));
  const { ipcMain, handlers, invoke } = fakeIpcMain();
  const isTrustedSender = createTrustedSenderCheck({
    appUrl: APP_URL,
    isOurWebContents: (id) => id === OUR_ID,
    caseInsensitivePaths: false,
  });
  const onForbidden = vi.fn();
  const dispose = registerIpc({ ipcMain, dispatch, isTrustedSender, onForbidden });
  const call = (event: IpcMainInvokeEventLike, ...args: unknown[]) => invoke(event, CALL_CHANNEL, ...args);
  return { fakeHandlers, dispatch, ipcMain, handlers, call, dispose, onForbidden };
}

const ours = () => sender(OUR_ID, APP_URL);

describe('registerIpc', () => {
  it('uses the channel names declared once in shared/api/channels.ts, as the preload does', () => {
    const preload = readFileSync(new URL('../../preload/electron.ts', import.meta.url), 'utf8');
    expect(preload).toMatch(/import \{ BRIDGE_KEY, CALL_CHANNEL, EVENT_CHANNEL \} from '\.\.\/shared\/api\/channels';/);
    expect(preload).not.toMatch(/'parley:(call|event)'/);
    expect([CALL_CHANNEL, EVENT_CHANNEL, BRIDGE_KEY]).toEqual(['parley:call', 'parley:event', 'parley']);
  });

  it('registers exactly one channel, parley:call', () => {
    const { ipcMain, handlers } = setup();
    expect(ipcMain.handle).toHaveBeenCalledTimes(1);
    expect([...handlers.keys()]).toEqual(['parley:call']);
  });

  it("returns the dispatcher's value for a valid call from our window", async () => {
    const { call, fakeHandlers } = setup();
    await expect(call(ours(), 'app.info', {})).resolves.toEqual({ ok: true, value: appInfo });
    await expect(call(ours(), 'project.open', { dir: '/tmp/p' })).resolves.toEqual({ ok: true, value: { opened: '/tmp/p' } });
    expect(fakeHandlers['project.open']).toHaveBeenCalledWith({ dir: '/tmp/p' });
  });

  it('accepts our document with a hash route or a query', async () => {
    const { call } = setup();
    await expect(call(sender(OUR_ID, `${APP_URL}#/flows/card`), 'app.info', {})).resolves.toMatchObject({ ok: true });
    await expect(call(sender(OUR_ID, `${APP_URL}?x=1`), 'app.info', {})).resolves.toMatchObject({ ok: true });
  });

  it('returns BAD_REQUEST for invalid input without calling the handler', async () => {
    const { call, fakeHandlers } = setup();
    const wrongType = await call(ours(), 'project.open', { dir: 42 });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const extraKey = await call(ours(), 'project.open', { dir: '/tmp/p', evil: true });
    expect(extraKey).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const missing = await call(ours(), 'project.open');
    expect(missing).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(fakeHandlers['project.open']).not.toHaveBeenCalled();
  });

  it('returns UNKNOWN_METHOD for a method outside the contract', async () => {
    const { call } = setup();
    for (const method of ['fs.readFile', '__proto__', 'constructor', 42, undefined]) {
      expect(await call(ours(), method, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('maps a handler failure to INTERNAL and an ApiError to its own code', async () => {
    const { call, fakeHandlers } = setup();
    fakeHandlers['project.open'].mockRejectedValueOnce(new Error('EACCES /secret/path'));
    const internal = await call(ours(), 'project.open', { dir: '/x' });
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('/secret/path');
    fakeHandlers['project.open'].mockRejectedValueOnce(new ApiError('NOT_FOUND', 'no such project'));
    expect(await call(ours(), 'project.open', { dir: '/x' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no such project' } });
  });

  describe('foreign senders get FORBIDDEN and reach nothing', () => {
    const foreign: Array<[string, IpcMainInvokeEventLike]> = [
      ['a web page', sender(OUR_ID, 'https://evil.example/index.html')],
      ['another local file next to ours', sender(OUR_ID, 'file:///opt/parley/out/renderer/other.html')],
      ['a file with the same name elsewhere', sender(OUR_ID, 'file:///tmp/out/renderer/index.html')],
      ['a file URL on another host', sender(OUR_ID, 'file://evil-host/opt/parley/out/renderer/index.html')],
      ['about:blank', sender(OUR_ID, 'about:blank')],
      ['a data: URL', sender(OUR_ID, 'data:text/html,<script>1</script>')],
      ['an empty URL', sender(OUR_ID, '')],
      ['a frame that is gone', sender(OUR_ID, null)],
      ['a subframe of our document', sender(OUR_ID, APP_URL, { url: APP_URL, parent: null })],
      ['another webContents showing our document', sender(99, APP_URL)],
      ['a malformed event', { sender: undefined, senderFrame: undefined } as unknown as IpcMainInvokeEventLike],
    ];
    for (const [name, event] of foreign) {
      it(name, async () => {
        const { call, dispatch, fakeHandlers, onForbidden } = setup();
        const result = await call(event, 'project.open', { dir: '/etc' });
        expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
        expect(dispatch).not.toHaveBeenCalled();
        expect(fakeHandlers['project.open']).not.toHaveBeenCalled();
        expect(onForbidden).toHaveBeenCalledTimes(1);
      });
    }
  });

  it('never throws: a failing trust check or dispatcher becomes a CallResult', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const onForbidden = vi.fn(() => {
      throw new Error('logger broke');
    });
    registerIpc({
      ipcMain,
      dispatch: async () => {
        throw new Error('boom');
      },
      isTrustedSender: (event) => {
        if (event.sender.id === 1) throw new Error('check broke');
        return true;
      },
      onForbidden,
    });
    await expect(invoke(sender(1, APP_URL), CALL_CHANNEL, 'app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await expect(invoke(sender(2, APP_URL), CALL_CHANNEL, 'app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('only a literal true from the trust check counts', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const dispatch = vi.fn<Dispatch>(async () => ({ ok: true, value: 1 }));
    registerIpc({ ipcMain, dispatch, isTrustedSender: (() => 'yes') as unknown as () => boolean });
    await expect(invoke(ours(), CALL_CHANNEL, 'app.info', {})).resolves.toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('dispose removes the handler (once)', async () => {
    const { dispose, ipcMain, handlers, call } = setup();
    dispose();
    dispose();
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(1);
    expect(ipcMain.removeHandler).toHaveBeenCalledWith('parley:call');
    expect(handlers.size).toBe(0);
    await expect(call(ours(), 'app.info', {})).rejects.toThrow(/No handler/);
  });
});

describe('createEventForwarder', () => {
  function fakeContents(id: number) {
    const sent: unknown[][] = [];
    let destroyed = false;
    const contents = {
      id,
      send: vi.fn((...args: unknown[]) => void sent.push(args)),
      isDestroyed: () => destroyed,
      destroy: () => void (destroyed = true),
    };
    return { contents: contents as unknown as WebContentsLike & { destroy(): void }, sent, send: contents.send };
  }

  const payload = { file: 'flows/a.yaml', revision: '0123456789abcdef', problems: [] };

  it('sends each bus event to every trusted window on parley:event as (eventName, payload)', () => {
    const bus = createEventBus();
    const a = fakeContents(1);
    const b = fakeContents(2);
    createEventForwarder(bus, () => [a.contents, b.contents]);
    bus.emit('project.fileChanged', payload);
    bus.emit('simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'hi' });
    for (const w of [a, b]) {
      expect(w.sent).toEqual([
        [EVENT_CHANNEL, 'project.fileChanged', payload],
        [EVENT_CHANNEL, 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: 'hi' }],
      ]);
    }
  });

  it('asks for the trusted windows at each event, skips destroyed ones and survives a failing send', () => {
    const bus = createEventBus();
    const a = fakeContents(1);
    const b = fakeContents(2);
    const c = fakeContents(3);
    let current = [a.contents];
    createEventForwarder(bus, () => current);
    bus.emit('simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: '1' });
    current = [a.contents, b.contents, c.contents];
    a.contents.destroy();
    b.send.mockImplementation(() => {
      throw new Error('Object has been destroyed');
    });
    bus.emit('simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: '2' });
    expect(a.sent).toHaveLength(1);
    expect(c.sent).toEqual([[EVENT_CHANNEL, 'simulator.token', { sessionId: 's', turn: 0, flow: 'f', node: 'n', delta: '2' }]]);
  });

  it('dispose stops forwarding', () => {
    const bus = createEventBus();
    const a = fakeContents(1);
    const dispose = createEventForwarder(bus, () => [a.contents]);
    dispose();
    dispose();
    bus.emit('project.fileChanged', payload);
    expect(a.sent).toEqual([]);
  });
});
