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
