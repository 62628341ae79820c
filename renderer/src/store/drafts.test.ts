import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Flow } from '../../../shared/schema/project';
import { createDrafts, type Draft } from './drafts';
import { globalTimers, memoryStorage, type KeyValueStorage } from './storage';
import { advance, demoSnapshot, FakeApi, loadedStudio, move, PROJECT_DIR, rev, settle, startOnly } from './studioFakes';

const draftKey = (flowId: string) => `parley.draft:${PROJECT_DIR}:${flowId}`;
const draftIn = (storage: KeyValueStorage, flowId = 'main') => JSON.parse(storage.getItem(draftKey(flowId)) ?? 'null') as Draft | null;

/** A window that edits a flow and goes away (its drafts written on page hide) before the edit is saved; returns the edited flow. */
async function editAndClose(storage: KeyValueStorage, flowId = 'main'): Promise<Flow | undefined> {
  const first = await loadedStudio(new FakeApi(), storage);
  first.editFlow(flowId, move(10));
  first.flushDrafts();
  vi.clearAllTimers(); // the window is gone: its autosave never runs
  return first.store.getState().flows[flowId]?.flow;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('drafts of unsaved edits', () => {
  it('are not written during an edit (a drag end), nor at all when the save lands within the second', async () => {
    const storage = memoryStorage();
    const studio = await loadedStudio(new FakeApi(), storage);
    studio.editFlow('main', move(10));
    expect(draftIn(storage)).toBeNull();
    await advance(400);
    expect(studio.store.getState().flows.main?.save).toBe('saved');
    await advance(5000);
    expect(draftIn(storage)).toBeNull();
  });

  it('are written a second after the edit when the save has not landed, with the revision the edit is based on, and removed once saved', async () => {
    const storage = memoryStorage();
    let answer: (() => void) | undefined;
    const api = new FakeApi(demoSnapshot(), {
      'flow.save': () => new Promise((resolve) => (answer = () => resolve({ revision: rev(0x20), problems: [] }))),
    });
    const studio = await loadedStudio(api, storage);
    studio.editFlow('main', move(10));
    await advance(999);
    expect(api.inputsOf('flow.save')).toHaveLength(1); // sent at 400 ms, not answered yet
    expect(draftIn(storage)).toBeNull();
    await advance(1);
    expect(draftIn(storage)).toMatchObject({ flowId: 'main', baseRevision: rev(1), flow: studio.store.getState().flows.main?.flow });
    answer?.();
    await advance(0);
    expect(studio.store.getState().flows.main?.save).toBe('saved');
    expect(draftIn(storage)).toBeNull();
  });

  it('are written at once when the save fails', async () => {
    const storage = memoryStorage();
    const api = new FakeApi(demoSnapshot(), { 'flow.save': () => Promise.reject(new Error('host unreachable')) });
    const studio = await loadedStudio(api, storage);
    studio.editFlow('main', move(10));
    await advance(400);
    expect(studio.store.getState().flows.main?.save).toBe('error');
    expect(draftIn(storage)).toMatchObject({ flowId: 'main', baseRevision: rev(1), flow: studio.store.getState().flows.main?.flow });
  });

  it('of edits made while a save was in flight stand on the revision that save wrote: a crash before the next save recovers them, not a conflict', async () => {
    const storage = memoryStorage();
    let answer: (() => void) | undefined;
    const api = new FakeApi(demoSnapshot(), {
      'flow.save': () => new Promise((resolve) => (answer = () => resolve({ revision: rev(0x20), problems: [] }))),
    });
    const first = await loadedStudio(api, storage);
    first.editFlow('main', move(10));
    await advance(400); // the save of x = 10 is sent
    first.editFlow('main', move(20));
    await advance(1000); // not answered: the draft (x = 20, on revision 1) is written
    expect(draftIn(storage)?.baseRevision).toBe(rev(1));
    answer?.();
    await settle();
    expect(first.store.getState().flows.main).toMatchObject({ revision: rev(0x20), save: 'dirty' });
    vi.clearAllTimers(); // the window crashes before saving x = 20
    const edited = first.store.getState().flows.main?.flow;

    const disk = demoSnapshot({
      main: { flow: { ...startOnly('Main'), nodes: [{ id: 'start', kind: 'start', position: { x: 10, y: 0 } }] }, revision: rev(0x20) },
    });
    const studio = await loadedStudio(new FakeApi(disk), storage);
    expect(studio.store.getState().flows.main).toEqual({ flow: edited, revision: rev(0x20), save: 'dirty' });
    expect(studio.store.getState().notice).toBe('Recovered unsaved edits to Main.');
  });

  it('of a flow deleted on disk come back as a conflict with the deletion, and are removed when the deletion is taken', async () => {
    const storage = memoryStorage();
    const edited = await editAndClose(storage, 'other');
    const { other: _gone, ...flows } = demoSnapshot().flows;
    const withoutOther = { ...demoSnapshot(), flows };
    const api = new FakeApi(withoutOther);
    const studio = await loadedStudio(api, storage);
    expect(studio.store.getState().flows.other).toEqual({ flow: edited, revision: null, save: 'dirty', conflict: { diskRevision: null } });
    expect(studio.store.getState().notice).toBe('Recovered unsaved edits to Other.');
    await advance(5000);
    expect(api.inputsOf('flow.save')).toEqual([]);

    await studio.takeDiskVersion('other');
    expect(studio.store.getState().flows.other).toBeUndefined();
    expect(draftIn(storage, 'other')).toBeNull();
  });

  it('of a flow deleted on disk are written again when this version is kept', async () => {
    const storage = memoryStorage();
    const edited = await editAndClose(storage, 'other');
    const { other: _gone, ...flows } = demoSnapshot().flows;
    const api = new FakeApi({ ...demoSnapshot(), flows });
    const studio = await loadedStudio(api, storage);
    await studio.saveFlow('other', true);
    expect(api.inputsOf('flow.save')).toEqual([{ project: PROJECT_DIR, flowId: 'other', flow: edited, baseRevision: null }]);
    expect(studio.store.getState().flows.other?.save).toBe('saved');
    expect(draftIn(storage, 'other')).toBeNull();
  });

  it('come back on the next load as unsaved edits when the file is unchanged, and are then saved', async () => {
    const storage = memoryStorage();
    const edited = await editAndClose(storage);
    const api = new FakeApi();
    const studio = await loadedStudio(api, storage);

    expect(studio.store.getState().flows.main).toEqual({ flow: edited, revision: rev(1), save: 'dirty' });
    expect(studio.store.getState().notice).toBe('Recovered unsaved edits to Main.');
    await advance(400);
    expect(api.inputsOf('flow.save')).toEqual([{ project: PROJECT_DIR, flowId: 'main', flow: edited, baseRevision: rev(1) }]);
    expect(draftIn(storage)).toBeNull();
  });

  it('come back as a conflict when the file changed meanwhile, and are not saved over it', async () => {
    const storage = memoryStorage();
    const edited = await editAndClose(storage);
    const disk = startOnly('Main', 'changed meanwhile');
    const api = new FakeApi(demoSnapshot({ main: { flow: disk, revision: rev(0x70) } }));
    const studio = await loadedStudio(api, storage);

    expect(studio.store.getState().flows.main).toEqual({
      flow: edited,
      revision: rev(0x70),
      save: 'dirty',
      conflict: { diskRevision: rev(0x70), diskFlow: disk },
    });
    await advance(5000);
    expect(api.inputsOf('flow.save')).toEqual([]);
    expect(draftIn(storage)).not.toBeNull();
  });

  it('are dropped when the file already holds them, or when they are not a valid flow', async () => {
    const storage = memoryStorage();
    const same: Draft = { flowId: 'main', baseRevision: rev(1), flow: startOnly('Main'), at: 0 };
    const broken: Draft = { flowId: 'other', baseRevision: rev(2), flow: { name: '' }, at: 0 };
    storage.setItem(draftKey('main'), JSON.stringify(same));
    storage.setItem(draftKey('other'), JSON.stringify(broken));
    const studio = await loadedStudio(new FakeApi(), storage);

    expect(Object.values(studio.store.getState().flows).map((d) => d.save)).toEqual(['saved', 'saved']);
    expect(studio.store.getState().notice).toBeUndefined();
    expect(storage.length).toBe(0);
  });

  it('of another project are left alone', async () => {
    const storage = memoryStorage();
    const elsewhere: Draft = { flowId: 'main', baseRevision: rev(1), flow: startOnly('Elsewhere'), at: 0 };
    storage.setItem('parley.draft:/projects/other:main', JSON.stringify(elsewhere));
    const studio = await loadedStudio(new FakeApi(), storage);
    expect(studio.store.getState().flows.main?.save).toBe('saved');
    expect(storage.getItem('parley.draft:/projects/other:main')).not.toBeNull();
  });
});

describe('createDrafts', () => {
  it('writes at most once a second per flow, a second after the first edit not written yet, never during an edit', () => {
    const storage = memoryStorage();
    const drafts = createDrafts(storage, globalTimers);
    const flow = (x: number): Flow => ({ name: 'Main', nodes: [{ id: 'start', kind: 'start', position: { x, y: 0 } }] });
    const written = () => draftIn(storage)?.flow;

    drafts.scheduleDraft(PROJECT_DIR, 'main', rev(1), flow(1));
    expect(written()).toBeUndefined();
    vi.advanceTimersByTime(300);
    drafts.scheduleDraft(PROJECT_DIR, 'main', rev(1), flow(2));
    drafts.scheduleDraft(PROJECT_DIR, 'main', rev(1), flow(3));
    vi.advanceTimersByTime(699);
    expect(written()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(written()).toEqual(flow(3));
    drafts.scheduleDraft(PROJECT_DIR, 'main', rev(1), flow(4));
    vi.advanceTimersByTime(999);
    expect(written()).toEqual(flow(3));
    vi.advanceTimersByTime(1);
    expect(written()).toEqual(flow(4));
  });

  it('flushDrafts writes a pending draft now, and clearDraft drops a pending one', () => {
    const storage = memoryStorage();
    const drafts = createDrafts(storage, globalTimers);
    const flow = (name: string): Flow => startOnly(name);

    drafts.scheduleDraft(PROJECT_DIR, 'main', rev(1), flow('A'));
    drafts.scheduleDraft(PROJECT_DIR, 'main', rev(1), flow('B'));
    drafts.flushDrafts();
    expect(draftIn(storage)?.flow).toEqual(flow('B'));

    vi.advanceTimersByTime(2000);
    drafts.scheduleDraft(PROJECT_DIR, 'other', rev(2), flow('C'));
    drafts.scheduleDraft(PROJECT_DIR, 'other', rev(2), flow('D'));
    drafts.clearDraft(PROJECT_DIR, 'other');
    vi.advanceTimersByTime(2000);
    expect(draftIn(storage, 'other')).toBeNull();
    expect(drafts.readDrafts(PROJECT_DIR).map((d) => d.flowId)).toEqual(['main']);
  });
});
