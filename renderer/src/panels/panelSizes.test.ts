import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'localStorage');
  vi.resetModules();
});

function storage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    value: { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) },
  });
  return m;
}

describe('panel sizes', () => {
  it('lay out the grid, clamp widths, and are remembered for the next window', async () => {
    const m = storage();
    const p = await import('./panelSizes');
    expect(p.gridColumns(p.usePanels.getState(), false)).toBe('260px minmax(0, 1fr) 320px');
    p.setWidth('sidebar', 5000);
    p.setWidth('side', 300);
    p.toggleCollapsed('inspector');
    expect(p.gridColumns(p.usePanels.getState(), true)).toBe(`480px minmax(0, 1fr) ${p.RAIL}px 300px`);
    expect(JSON.parse(m.get('parley.panels')!)).toEqual({
      widths: { sidebar: 480, inspector: 320, side: 300 },
      collapsed: { sidebar: false, inspector: true },
    });
    vi.resetModules();
    const again = await import('./panelSizes');
    expect(again.usePanels.getState().collapsed.inspector).toBe(true);
    expect(again.usePanels.getState().widths.sidebar).toBe(480);
  });

  it('ignore what local storage holds when it is not theirs', async () => {
    storage({ 'parley.panels': '{"widths":{"sidebar":"wide","inspector":99999},"collapsed":{"sidebar":"yes"}}' });
    const p = await import('./panelSizes');
    expect(p.usePanels.getState()).toEqual({ widths: { sidebar: 260, inspector: 640, side: 380 }, collapsed: { sidebar: false, inspector: false } });
    storage({ 'parley.panels': '{not json' });
    vi.resetModules();
    expect((await import('./panelSizes')).usePanels.getState().widths.sidebar).toBe(260);
  });
});
