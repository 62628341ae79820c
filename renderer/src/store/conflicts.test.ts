import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, demoSnapshot, FakeApi, loadedStudio, move, PROJECT_DIR, rev, settle, startOnly } from './studioFakes';
import { memoryStorage } from './storage';

const draftKey = `parley.draft:${PROJECT_DIR}:main`;

/** The version another program wrote to flows/main.yaml. */
const diskFlow = startOnly('Main', 'edited in another editor');
const diskChange = { file: 'flows/main.yaml', revision: rev(0x50), flowId: 'main', flow: diskFlow, problems: [] };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a flow changed on disk', () => {
  it('with unsaved edits here: shows a conflict, keeps the edit in memory, and holds back the autosave', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    const edited = studio.store.getState().flows.main?.flow;
    api.emit('project.fileChanged', diskChange);

    const doc = studio.store.getState().flows.main;
    expect(doc?.flow).toBe(edited);
    expect(doc).toMatchObject({ save: 'dirty', revision: rev(1), conflict: { diskRevision: rev(0x50), diskFlow } });
    await advance(5000);
    expect(api.inputsOf('flow.save')).toEqual([]);
    expect(studio.store.getState().flows.main?.flow).toBe(edited);
  });

  it('without unsaved edits: takes the new version from the event, saved, and forgets the undo history', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    await advance(400);
    expect(studio.store.getState().flows.main?.save).toBe('saved');
    expect(studio.canUndo('main')).toBe(true);

    api.emit('project.fileChanged', diskChange);
    expect(studio.store.getState().flows.main).toEqual({ flow: diskFlow, revision: rev(0x50), save: 'saved' });
    expect(studio.canUndo('main')).toBe(false);
    expect(api.inputsOf('project.reload')).toEqual([]);
  });

  it('ignores the echo of its own save', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    await advance(400);
    const before = studio.store.getState();
    const doc = before.flows.main;
    api.emit('project.fileChanged', { file: 'flows/main.yaml', revision: doc?.revision ?? null, flowId: 'main', flow: diskFlow, problems: [] });
    expect(studio.store.getState()).toBe(before);
  });

  it('that no longer loads (no flow in the event): reloads the whole project, keeping unsaved edits', async () => {
    const reloaded = demoSnapshot({ other: { flow: startOnly('Other', 'new'), revision: rev(0x60) } });
    const api = new FakeApi(demoSnapshot(), { 'project.reload': async () => reloaded });
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    const edited = studio.store.getState().flows.main;

    api.emit('project.fileChanged', { file: 'flows/other.yaml', revision: rev(0x60), flowId: 'other', problems: [] });
    await settle();
    expect(api.inputsOf('project.reload')).toHaveLength(1);
    expect(studio.store.getState().flows.other).toEqual({ flow: reloaded.flows.other?.flow, revision: rev(0x60), save: 'saved' });
    expect(studio.store.getState().flows.main).toBe(edited);
  });
});

describe('resolving a conflict', () => {
  async function inConflict() {
    const storage = memoryStorage();
    const disk = demoSnapshot({ main: { flow: diskFlow, revision: rev(0x50) } });
    const api = new FakeApi(demoSnapshot(), { 'project.reload': async () => disk });
    const studio = await loadedStudio(api, storage);
    studio.editFlow('main', move(10));
    api.emit('project.fileChanged', diskChange);
    return { api, studio, storage };
  }

  it('by taking the disk version drops the local edit, its draft and its history', async () => {
    const { api, studio, storage } = await inConflict();
    expect(storage.getItem(draftKey)).not.toBeNull();
    await studio.takeDiskVersion('main');
    expect(studio.store.getState().flows.main).toEqual({ flow: diskFlow, revision: rev(0x50), save: 'saved' });
    expect(storage.getItem(draftKey)).toBeNull();
    expect(studio.canUndo('main')).toBe(false);
    expect(api.inputsOf('project.reload')).toHaveLength(1);
  });

  it('by taking the disk version writes nothing, even with a save or a retry still pending', async () => {
    const { api, studio } = await inConflict(); // the edit's autosave is still pending
    await studio.takeDiskVersion('main');
    await advance(5000);
    expect(api.inputsOf('flow.save')).toEqual([]);
  });

  it('by keeping this version writes it over the disk revision', async () => {
    const { api, studio } = await inConflict();
    const edited = studio.store.getState().flows.main?.flow;
    await studio.saveFlow('main', true);
    expect(api.inputsOf('flow.save')).toEqual([{ project: PROJECT_DIR, flowId: 'main', flow: edited, baseRevision: rev(0x50) }]);
    const doc = studio.store.getState().flows.main;
    expect(doc?.save).toBe('saved');
    expect(doc?.conflict).toBeUndefined();
  });
});
