import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlowChange } from '../../../shared/project/changes';
import { createNode } from '../../../shared/project/factory';
import { advance, FakeApi, loadedStudio, move } from './studioFakes';

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
