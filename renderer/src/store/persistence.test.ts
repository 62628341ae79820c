import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodOutput } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { advance, demoSnapshot, FakeApi, loadedStudio, move, PROJECT_DIR, rev, settle } from './studioFakes';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('autosave', () => {
  it('marks an edited flow dirty, writes it once 400 ms after the edit, then shows it saved at the new revision', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    const doc = studio.store.getState().flows.main;
    expect(doc?.save).toBe('dirty');
    expect(doc?.flow.nodes[0]?.position).toEqual({ x: 10, y: 0 });

    await advance(399);
    expect(api.inputsOf('flow.save')).toEqual([]);
    const revision = api.peekRevision();
    await advance(1);
    expect(api.inputsOf('flow.save')).toEqual([{ project: PROJECT_DIR, flowId: 'main', flow: doc?.flow, baseRevision: rev(1) }]);
    expect(studio.store.getState().flows.main).toEqual({ flow: doc?.flow, revision, save: 'saved' });
    expect(revision).not.toBe(rev(1));
  });

  it('coalesces quick edits into one write of the last version', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    for (const x of [10, 20, 30, 40]) {
      studio.editFlow('main', move(x));
      await advance(300);
    }
    expect(api.inputsOf('flow.save')).toEqual([]);
    await advance(100);
    const saves = api.inputsOf('flow.save');
    expect(saves).toHaveLength(1);
    expect(saves[0]?.flow.nodes[0]?.position).toEqual({ x: 40, y: 0 });
    expect(saves[0]?.baseRevision).toBe(rev(1));
    await advance(5000);
    expect(api.inputsOf('flow.save')).toHaveLength(1);
  });

  it('saves each edited flow on its own, and Ctrl+S (flushSaves) writes pending edits at once', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    studio.editFlow('other', move(20));
    await studio.flushSaves();
    expect(api.inputsOf('flow.save').map((s) => s.flowId)).toEqual(['main', 'other']);
    expect(Object.values(studio.store.getState().flows).map((d) => d.save)).toEqual(['saved', 'saved']);
    await advance(1000);
    expect(api.inputsOf('flow.save')).toHaveLength(2); // the debounced saves were dropped
  });

  it('an edit made while a save is in flight stays dirty and is written next, based on the new revision', async () => {
    const answers: ((value: MethodOutput<'flow.save'>) => void)[] = [];
    const api = new FakeApi(demoSnapshot(), { 'flow.save': () => new Promise((resolve) => answers.push(resolve)) });
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    await advance(400);
    expect(studio.store.getState().flows.main?.save).toBe('saving');
    studio.editFlow('main', move(20));
    answers[0]?.({ revision: rev(0x30), problems: [] });
    await settle();
    expect(studio.store.getState().flows.main).toMatchObject({ revision: rev(0x30), save: 'dirty' });
    await advance(400);
    const saves = api.inputsOf('flow.save');
    expect(saves).toHaveLength(2);
    expect(saves[1]).toMatchObject({ baseRevision: rev(0x30), flow: { nodes: [{ position: { x: 20, y: 0 } }] } });
    answers[1]?.({ revision: rev(0x31), problems: [] });
    await settle();
    expect(studio.store.getState().flows.main).toMatchObject({ revision: rev(0x31), save: 'saved' });
  });

  it('one write at a time: an edit during a slow save waits for its answer, not sent over a stale revision', async () => {
    const answers: ((value: MethodOutput<'flow.save'>) => void)[] = [];
    const api = new FakeApi(demoSnapshot(), { 'flow.save': () => new Promise((resolve) => answers.push(resolve)) });
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    await advance(400);
    await advance(100);
    studio.editFlow('main', move(20));
    expect(studio.store.getState().flows.main?.save).toBe('dirty');
    await advance(2000); // the edit's autosave comes while the first write is still unanswered
    expect(api.inputsOf('flow.save')).toHaveLength(1);

    answers[0]?.({ revision: rev(0x30), problems: [] });
    await settle();
    await advance(400);
    const saves = api.inputsOf('flow.save');
    expect(saves).toHaveLength(2);
    expect(saves[1]).toMatchObject({ baseRevision: rev(0x30), flow: { nodes: [{ position: { x: 20, y: 0 } }] } });
  });

  it('never sends a flow that breaks the schema: it is marked invalid, with the field and why', async () => {
    const api = new FakeApi();
    const studio = await loadedStudio(api);
    studio.editFlow('main', [{ type: 'flow.rename', name: '' }]);
    await advance(400);
    expect(api.inputsOf('flow.save')).toEqual([]);
    expect(studio.store.getState().flows.main?.save).toBe('invalid');
    expect(studio.store.getState().flows.main?.error).toMatch(/^name: /);
  });
});

describe('a failed write', () => {
  it('shows the error and is retried every 3 s, staying in the error state while the host keeps failing', async () => {
    const api = new FakeApi(demoSnapshot(), {
      'flow.save': async () => {
        throw new ApiError('INTERNAL', 'host restarting');
      },
    });
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    await advance(400);
    expect(api.inputsOf('flow.save')).toHaveLength(1);
    expect(studio.store.getState().flows.main).toMatchObject({ save: 'error', error: 'host restarting', revision: rev(1) });

    await advance(2999);
    expect(api.inputsOf('flow.save')).toHaveLength(1);
    await advance(1);
    expect(api.inputsOf('flow.save')).toHaveLength(2);
    await advance(3000);
    expect(api.inputsOf('flow.save')).toHaveLength(3);
    expect(studio.store.getState().flows.main).toMatchObject({ save: 'error', error: 'host restarting' });
    expect(api.inputsOf('flow.save').every((s) => s.baseRevision === rev(1))).toBe(true);
  });

  it('is saved by a retry once the host answers again, and the error is gone', async () => {
    let failures = 1;
    const api = new FakeApi(demoSnapshot(), {
      'flow.save': async () => {
        if (failures-- > 0) throw new Error('socket closed');
        return { revision: rev(0x40), problems: [] };
      },
    });
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    await advance(400);
    expect(studio.store.getState().flows.main?.save).toBe('error');
    await advance(3000);
    const doc = studio.store.getState().flows.main;
    expect(doc).toMatchObject({ save: 'saved', revision: rev(0x40) });
    expect(doc?.error).toBeUndefined();
    await advance(10_000);
    expect(api.inputsOf('flow.save')).toHaveLength(2);
  });

  it('refused as a CONFLICT is not retried: the flow keeps its edit and shows the conflict', async () => {
    const api = new FakeApi(demoSnapshot(), {
      'flow.save': async () => {
        throw new ApiError('CONFLICT', 'flows/main.yaml changed on disk', { diskRevision: rev(7) });
      },
    });
    const studio = await loadedStudio(api);
    studio.editFlow('main', move(10));
    await advance(400);
    expect(studio.store.getState().flows.main).toMatchObject({ save: 'dirty', conflict: { diskRevision: rev(7) } });
    expect(studio.store.getState().flows.main?.flow.nodes[0]?.position).toEqual({ x: 10, y: 0 });
    await advance(10_000);
    expect(api.inputsOf('flow.save')).toHaveLength(1);
  });
});
