import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStudioStore } from './createStudioStore';
import { memoryStorage } from './storage';
import { FakeApi, demoSnapshot, loadedStudio, settle } from './studioFakes';

afterEach(() => {
  vi.useRealTimers();
});

describe('the app store module', () => {
  it('loads outside a browser without touching local storage', async () => {
    let touched = false;
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        touched = true;
        throw new Error('no local storage here');
      },
    });
    try {
      vi.resetModules();
      const { useStudio } = await import('./studioStore');
      expect(useStudio.getState()).toMatchObject({ status: 'loading', theme: 'light', snapToGrid: true });
      expect(touched).toBe(false);
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });
});

describe('preferences', () => {
  it('are kept in the storage given and read back by the next store', () => {
    const storage = memoryStorage();
    const first = createStudioStore({ storage });
    expect(first.store.getState()).toMatchObject({ theme: 'light', presentation: false, snapToGrid: true });
    first.toggleTheme();
    first.toggleSnap();
    expect(JSON.parse(storage.getItem('parley.prefs') ?? '{}')).toEqual({ theme: 'dark', presentation: false, snapToGrid: false });

    const next = createStudioStore({ storage });
    expect(next.store.getState()).toMatchObject({ theme: 'dark', presentation: false, snapToGrid: false });
  });

  it('fall back to the defaults when unreadable', () => {
    const storage = memoryStorage();
    storage.setItem('parley.prefs', '{not json');
    expect(createStudioStore({ storage }).store.getState()).toMatchObject({ theme: 'light', presentation: false, snapToGrid: true });
  });
});

describe('two stores', () => {
  it('share nothing: clipboard, histories and pending saves are per store', async () => {
    vi.useFakeTimers();
    const apiA = new FakeApi();
    const apiB = new FakeApi();
    const a = await loadedStudio(apiA);
    const b = await loadedStudio(apiB);

    a.selectNode('start');
    expect(a.copySelection()).toBe(1);
    const before = b.store.getState().flows.main;
    b.paste();
    expect(b.store.getState().flows.main).toBe(before);

    a.editFlow('main', [{ type: 'flow.rename', name: 'Renamed' }]);
    expect(a.canUndo('main')).toBe(true);
    expect(b.canUndo('main')).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(apiA.inputsOf('flow.save')).toHaveLength(1);
    expect(apiB.inputsOf('flow.save')).toHaveLength(0);
  });
});

describe('opening', () => {
  it('loads the project once when main announces it while the first load is still under way', async () => {
    // Web mode opens the project after the page can connect: `project.opened` arrives while `project.current` waits.
    let answer!: () => void;
    const gate = new Promise<void>((r) => (answer = r));
    const snapshot = demoSnapshot();
    const api = new FakeApi(snapshot, {
      'project.current': async () => {
        await gate;
        return snapshot;
      },
    });
    const studio = createStudioStore({ api, storage: memoryStorage() });
    const opening = studio.initStudio();
    await settle();
    api.emit('project.opened', { dir: snapshot.dir });
    answer();
    await opening;
    await settle();
    const flow = studio.store.getState().flows.main?.flow;
    expect(flow).toBeDefined();
    await settle();
    // one load: the flows the first answer gave are still the ones shown, and main was asked once
    expect(studio.store.getState().flows.main?.flow).toBe(flow);
    expect(api.inputsOf('project.current')).toHaveLength(1);
  });

  it('still follows another project opened elsewhere once the first load is done', async () => {
    const other = { ...demoSnapshot(), dir: '/elsewhere' };
    const api = new FakeApi(demoSnapshot(), {});
    const studio = await loadedStudio(api);
    api.handlers['project.current'] = async () => other;
    api.emit('project.opened', { dir: '/elsewhere' });
    await settle();
    expect(studio.store.getState().project?.dir).toBe('/elsewhere');
  });
});

describe('review mode', () => {
  it('is read-only: no edit, undo, paste, copy edit or new flow changes anything until it is left', async () => {
    vi.useFakeTimers();
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    studio.editFlow('main', [{ type: 'flow.rename', name: 'Before review' }]);
    const before = studio.store.getState().flows.main!.flow;
    studio.toggleReviewMode();
    expect(studio.store.getState()).toMatchObject({ reviewMode: true, view: 'canvas' });
    studio.editFlow('main', [{ type: 'flow.rename', name: 'During review' }]);
    studio.undo('main');
    studio.selectNode('start');
    expect(studio.copySelection()).toBe(1);
    studio.paste();
    expect(await studio.createFlow('Another')).toBeUndefined();
    await expect(studio.applyCopyEdits([{ id: 'x', locale: 'en', before: undefined, after: 'y' }], 'x')).rejects.toThrow('review mode is read-only');
    expect(studio.store.getState().flows.main!.flow).toBe(before);
    studio.toggleReviewMode();
    studio.undo('main');
    expect(studio.store.getState().flows.main!.flow.name).not.toBe('Before review');
  });
});
