import { describe, expect, it, vi } from 'vitest';
import { createWebBridge } from './web';

/** A WebSocket stand-in: the test pushes messages the host would send. */
class FakeSocket {
  static last: FakeSocket | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((msg: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.last = this;
  }
  push(event: string, payload: unknown) {
    this.onmessage?.({ data: JSON.stringify({ event, payload }) });
  }
  close() {}
}

function bridge() {
  const warn = vi.fn();
  const api = createWebBridge({ baseUrl: 'http://127.0.0.1:7468', token: 't0k3n', WebSocket: FakeSocket as unknown as typeof WebSocket, fetch: vi.fn(), warn });
  return { api, socket: FakeSocket.last!, warn };
}

describe('createWebBridge events', () => {
  it('hands a payload that keeps the contract to the listeners', () => {
    const { api, socket, warn } = bridge();
    const listener = vi.fn();
    api.on('simulator.token', listener);
    const payload = { sessionId: 's', turn: 1, flow: 'f', node: 'n', delta: 'Hi' };
    socket.push('simulator.token', payload);
    expect(listener).toHaveBeenCalledWith(payload);
    expect(warn).not.toHaveBeenCalled();
    api.close();
  });

  it('drops and logs a payload that breaks the contract, naming the field', () => {
    const { api, socket, warn } = bridge();
    const tokens = vi.fn();
    const opened = vi.fn();
    api.on('simulator.token', tokens);
    api.on('project.opened', opened);
    socket.push('simulator.token', { sessionId: 's', turn: 'one', flow: 'f', node: 'n', delta: 'Hi' });
    socket.push('project.opened', { dir: { toString: 'x' } });
    socket.push('project.opened', null);
    expect(tokens).not.toHaveBeenCalled();
    expect(opened).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[0]![0]).toMatch(/dropped a simulator\.token event .* at turn:/);
    expect(warn.mock.calls[1]![0]).toMatch(/project\.opened .* at dir:/);
    api.close();
  });

  it('ignores unknown event names', () => {
    const { api, socket, warn } = bridge();
    const listener = vi.fn();
    api.on('project.opened', listener);
    socket.push('project.hacked', { dir: '/' });
    expect(listener).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    api.close();
  });
});

describe('createWebBridge prefetchProject', () => {
  /** A host answering each call with the method and a count: which fetch answered which call. */
  function counting() {
    let n = 0;
    const fetch = vi.fn(async (_url: string, init: { body: string }) => {
      const { method } = JSON.parse(init.body) as { method: string };
      return new Response(JSON.stringify({ ok: true, value: { method, n: ++n } }), { headers: { 'Content-Type': 'application/json' } });
    });
    return fetch;
  }
  const make = (fetch: ReturnType<typeof counting>, prefetchTtlMs?: number) =>
    createWebBridge({
      baseUrl: 'http://127.0.0.1:7468',
      token: 't0k3n',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      fetch: fetch as unknown as typeof globalThis.fetch,
      prefetchProject: true,
      ...(prefetchTtlMs === undefined ? {} : { prefetchTtlMs }),
    });

  it('asks for the project at once and answers the first project.current with it, the next ones afresh', async () => {
    const fetch = counting();
    const api = make(fetch);
    expect(fetch).toHaveBeenCalledTimes(1); // before any call of the page
    expect(await api.call('project.current', {})).toEqual({ method: 'project.current', n: 1 });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await api.call('project.current', {})).toEqual({ method: 'project.current', n: 2 });
    api.close();
  });

  it('drops the early answer when another project is announced, or once it is old', async () => {
    const fetch = counting();
    const api = make(fetch);
    FakeSocket.last!.push('project.opened', { dir: '/elsewhere' });
    expect(await api.call('project.current', {})).toEqual({ method: 'project.current', n: 2 });
    api.close();

    vi.useFakeTimers();
    try {
      const late = make(counting(), 1000);
      vi.advanceTimersByTime(1001);
      expect(await late.call('project.current', {})).toEqual({ method: 'project.current', n: 2 });
      late.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives the early call's failure to the page's call, not to the console", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('connection refused');
    });
    const api = make(fetch as unknown as ReturnType<typeof counting>);
    await expect(api.call('project.current', {})).rejects.toThrow(/not reachable/);
    api.close();
  });
});
