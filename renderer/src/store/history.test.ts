import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlowChange } from '../../../shared/project/changes';
import { createNode } from '../../../shared/project/factory';
import { advance, demoSnapshot, FakeApi, loadedStudio, move, rev, settle, startOnly } from './studioFakes';

const addEnd = (id: string): FlowChange[] => [{ type: 'node.add', node: createNode('end', id, { x: 0, y: 100 }, 'en') }];

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('undo and redo', () => {
  it('undo restores the previous flow, step by step, and redo re-applies', async () => {
    const studio = await loadedStudio(new FakeApi());
    const flow = () => studio.store.getState().flows.main?.flow;
    const v0 = flow();
    studio.editFlow('main', move(10));
    const v1 = flow();
    studio.editFlow('main', move(20));
    const v2 = flow();
    expect(studio.canRedo('main')).toBe(false);

    studio.undo('main');
    expect(flow()).toEqual(v1);
    studio.undo('main');
    expect(flow()).toEqual(v0);
    expect(studio.canUndo('main')).toBe(false);
    studio.undo('main'); // nothing left: no change
    expect(flow()).toEqual(v0);

    studio.redo('main');
    expect(flow()).toEqual(v1);
    studio.redo('main');
    expect(flow()).toEqual(v2);
    expect(studio.canRedo('main')).toBe(false);
  });

  it('an undo is an edit like any other: dirty, autosaved, and it bumps historyTick', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    const v0 = studio.store.getState().flows.main?.flow;
    studio.editFlow('main', move(10));
    await advance(400);
    const tick = studio.store.getState().historyTick;
    studio.undo('main');
    expect(studio.store.getState().flows.main?.save).toBe('dirty');
    expect(studio.store.getState().historyTick).toBe(tick + 1);
    await advance(400);
    expect(api.inputsOf('flow.save').map((s) => s.flow)).toEqual([expect.anything(), v0]);
  });

  it('keeps one history per flow; with no flow named, undo and redo act on the current flow', async () => {
    const studio = await loadedStudio(new FakeApi());
    const flowOf = (id: string) => studio.store.getState().flows[id]?.flow;
    const main0 = flowOf('main');
    const other0 = flowOf('other');
    studio.editFlow('main', move(10));
    const main1 = flowOf('main');
    studio.editFlow('other', move(20));

    studio.undo('other');
    expect(flowOf('other')).toEqual(other0);
    expect(flowOf('main')).toBe(main1);
    expect(studio.canUndo('main')).toBe(true);
    expect(studio.canUndo('other')).toBe(false);

    expect(studio.store.getState().flowId).toBe('main');
    studio.undo();
    expect(flowOf('main')).toEqual(main0);
    studio.redo();
    expect(flowOf('main')).toEqual(main1);
    expect(studio.canRedo('other')).toBe(true);
  });

  it('a new edit after an undo drops the redo steps', async () => {
    const studio = await loadedStudio(new FakeApi());
    studio.editFlow('main', move(10));
    studio.undo('main');
    expect(studio.canRedo('main')).toBe(true);
    studio.editFlow('main', move(30));
    expect(studio.canRedo('main')).toBe(false);
  });

  it('edits with the same coalesce key are one step, until the history is sealed', async () => {
    const studio = await loadedStudio(new FakeApi());
    const flow = () => studio.store.getState().flows.main?.flow;
    const v0 = flow();
    studio.editFlow('main', move(1), { coalesce: 'drag' });
    studio.editFlow('main', move(2), { coalesce: 'drag' });
    const v2 = flow();
    studio.sealHistory('main');
    studio.editFlow('main', move(3), { coalesce: 'drag' });

    studio.undo('main');
    expect(flow()).toEqual(v2);
    studio.undo('main');
    expect(flow()).toEqual(v0);
    expect(studio.canUndo('main')).toBe(false);
  });

  it('undoing an added node takes it out of the selection', async () => {
    const studio = await loadedStudio(new FakeApi());
    studio.editFlow('main', addEnd('bye'));
    studio.setSelection(['start', 'bye']);
    expect(studio.store.getState().selectedNodeId).toBe('bye');
    studio.undo('main');
    expect(studio.store.getState().selectedNodeIds).toEqual(['start']);
    expect(studio.store.getState().selectedNodeId).toBe('start');
  });
});

describe('undo across a reload of the whole project', () => {
  // A project file changed (parley.yaml saved in the source view, or by another program): the user's unsaved
  // edits stay, and so does undo in the flows they see unchanged; only a flow that changed on disk starts afresh.
  const reloadedWith = (other: ReturnType<typeof startOnly>) => demoSnapshot({ other: { flow: other, revision: rev(0x60) } });

  it('after parley.yaml changed elsewhere, keeps the unsaved edits and undo of a flow, and forgets undo of a flow changed on disk', async () => {
    const reloaded = reloadedWith(startOnly('Other', 'changed on disk'));
    const api = new FakeApi(demoSnapshot(), { 'project.reload': async () => reloaded });
    const studio = await loadedStudio(api);
    const v0 = studio.store.getState().flows.main?.flow;
    studio.editFlow('main', move(10));
    studio.editFlow('other', move(30));
    await advance(400);
    studio.editFlow('main', move(20)); // unsaved when the reload comes
    const unsaved = studio.store.getState().flows.main;

    api.emit('project.fileChanged', { file: 'parley.yaml', revision: rev(0xb), problems: [] });
    await settle();
    expect(api.inputsOf('project.reload')).toHaveLength(1);
    expect(studio.store.getState().flows.main).toBe(unsaved);
    expect(studio.store.getState().flows.other).toEqual({ flow: reloaded.flows.other?.flow, revision: rev(0x60), save: 'saved' });
    expect(studio.canUndo('other')).toBe(false);
    studio.undo('main');
    studio.undo('main');
    expect(studio.store.getState().flows.main?.flow).toEqual(v0);
  });

  it('after the source view wrote a project file (reloadProject), keeps the unsaved edits and undo instead of dropping them', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    const v0 = studio.store.getState().flows.main?.flow;
    studio.editFlow('main', move(10));
    const edited = studio.store.getState().flows.main?.flow;
    await studio.reloadProject();
    expect(studio.store.getState().flows.main).toMatchObject({ flow: edited, save: 'dirty' });
    await advance(400);
    expect(api.inputsOf('flow.save').map((s) => s.flow)).toEqual([edited]);
    studio.undo('main');
    expect(studio.store.getState().flows.main?.flow).toEqual(v0);
  });
});
