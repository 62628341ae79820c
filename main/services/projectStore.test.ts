import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { makeTinyProject, TINY_FLOW, TINY_FLOW_SAVED } from '../../test/fixtures/tinyProject';
import { createEventBus } from './events';
import { createProjectStore, type ProjectStore } from './projectStore';

const stores: ProjectStore[] = [];
function openStore(watch = false) {
  const bus = createEventBus();
  const events: { event: EventName; payload: unknown }[] = [];
  bus.subscribe((event, payload) => events.push({ event, payload }));
  const store = createProjectStore({ bus, watch });
  stores.push(store);
  return { store, events };
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof ApiError ? e.code : String(e);
  }
};

describe('project store', () => {
  it('saves a flow atomically and canonically, and reports its new revision', async () => {
    const dir = makeTinyProject();
    const { store, events } = openStore();
    const snap = await store.open(dir);
    const flow = { ...snap.flows.main!.flow, name: 'Main menu' };
    const res = await store.saveFlow('main', flow, snap.flows.main!.revision);
    expect(readFileSync(path.join(dir, 'flows/main.yaml'), 'utf8')).toBe(TINY_FLOW_SAVED.replace('name: Main\n', 'name: Main menu\n'));
    expect(res.revision).not.toBe(snap.flows.main!.revision);
    expect(events).toEqual([{ event: 'project.fileChanged', payload: expect.objectContaining({ file: 'flows/main.yaml', revision: res.revision }) }]);
    // no temp files left behind
    expect(readdirSync(path.join(dir, 'flows'))).toEqual(['main.yaml']);
  });

  it('never overwrites a file that failed to load', async () => {
    const broken = 'name: Other\nnodes:\n  - id: a\n    kind: [oops\n';
    const dir = makeTinyProject({ 'flows/other.yaml': broken });
    const { store } = openStore();
    const snap = await store.open(dir);
    expect(snap.broken.map((b) => b.file)).toEqual(['flows/other.yaml']);
    expect(snap.problems.find((p) => p.file === 'flows/other.yaml')?.line).toBeGreaterThanOrEqual(4);
    const attempt = store.saveFlow('other', { name: 'Other', nodes: [{ id: 'start', kind: 'start' }] }, null);
    expect(await codeOf(attempt)).toBe('INVALID_PROJECT');
    // the source view cannot write an invalid version either
    expect(await codeOf(store.writeFile('flows/other.yaml', 'name: Other\nnodes: 5\n', snap.broken[0]!.revision))).toBe('INVALID_PROJECT');
    expect(readFileSync(path.join(dir, 'flows/other.yaml'), 'utf8')).toBe(broken);
    // a valid fix through the source view is written, and the flow loads
    const fixed = 'name: Other\nnodes:\n  - id: start\n    kind: start\n';
    await store.writeFile('flows/other.yaml', fixed, snap.broken[0]!.revision);
    expect(readFileSync(path.join(dir, 'flows/other.yaml'), 'utf8')).toBe(fixed);
    expect(store.snapshot().flows.other?.flow.nodes).toHaveLength(1);
    expect(store.snapshot().broken).toEqual([]);
  });

  it('refuses a save based on an old revision: the later save sees the conflict', async () => {
    const dir = makeTinyProject();
    const a = openStore().store;
    const b = openStore().store;
    const snapA = await a.open(dir);
    const snapB = await b.open(dir);
    await a.saveFlow('main', { ...snapA.flows.main!.flow, name: 'From window A' }, snapA.flows.main!.revision);
    const later = b.saveFlow('main', { ...snapB.flows.main!.flow, name: 'From window B' }, snapB.flows.main!.revision);
    expect(await codeOf(later)).toBe('CONFLICT');
    expect(readFileSync(path.join(dir, 'flows/main.yaml'), 'utf8')).toContain('name: From window A');
  });

  it('picks up a change made on disk by another program and tells the windows', async () => {
    const dir = makeTinyProject();
    const { store, events } = openStore(true);
    await store.open(dir);
    await store.ready();
    writeFileSync(path.join(dir, 'flows/main.yaml'), TINY_FLOW.replace('Hi! How can I help?', 'Edited in vim'));
    await expect.poll(() => events.length, { timeout: 5000 }).toBeGreaterThan(0);
    const ev = events[0]!.payload as { file: string; flow: { nodes: { say?: { en: string } }[] } };
    expect(ev.file).toBe('flows/main.yaml');
    expect(ev.flow.nodes[1]?.say?.en).toBe('Edited in vim');
    expect(store.snapshot().flows.main?.flow.nodes[1]).toMatchObject({ say: { en: 'Edited in vim' } });
  });

  it('does not echo its own writes as external changes', async () => {
    const dir = makeTinyProject();
    const { store, events } = openStore(true);
    const snap = await store.open(dir);
    await store.ready();
    await store.saveFlow('main', { ...snap.flows.main!.flow, name: 'Saved here' }, snap.flows.main!.revision);
    await new Promise((r) => setTimeout(r, 400));
    expect(events.map((e) => (e.payload as { file: string }).file)).toEqual(['flows/main.yaml']); // the save's own event only
  });

  it('keeps the previous file intact when the process is killed between write and rename', async () => {
    const dir = makeTinyProject();
    const before = readFileSync(path.join(dir, 'flows/main.yaml'), 'utf8');
    // One process (node with tsx's loader), so the SIGKILL hits the process that is saving.
    const child = promisify(execFile)(process.execPath, ['--import', 'tsx/esm', path.resolve('test/fixtures/crashingSave.ts'), dir]);
    const err = await child.then(
      () => undefined,
      (e: { signal?: string; stdout?: string }) => e,
    );
    expect(err?.signal).toBe('SIGKILL');
    expect(err?.stdout ?? '').not.toContain('the save returned');
    expect(readFileSync(path.join(dir, 'flows/main.yaml'), 'utf8')).toBe(before);
    // the crash really came after the write: the new content sits in the orphaned temp file
    const tmp = readdirSync(path.join(dir, 'flows')).filter((f) => f.endsWith('.tmp'));
    expect(tmp).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'flows', tmp[0]!), 'utf8')).toContain('name: Renamed just before the crash');
    // and the project still opens cleanly
    const { store } = openStore();
    expect((await store.open(dir)).flows.main?.flow.name).toBe('Main');
  });

  it('upgrades a v1 project on disk at the first save, and it then opens without migration', async () => {
    const v1Flow =
      'name: Other\nnodes:\n  - id: start\n    type: start\n    next: when\n  - id: when\n    type: ask\n    slotType: date\n    slot: day\n    question: Which day?\n';
    const dir = makeTinyProject({ 'parley.yaml': 'schema: 1\nname: Old\ndefaultLocale: en\nstartFlow: main\n', 'flows/other.yaml': v1Flow });
    const { store } = openStore();
    const snap = await store.open(dir);
    expect(snap.migratedFrom).toBe(1);
    expect(readFileSync(path.join(dir, 'flows/other.yaml'), 'utf8')).toBe(v1Flow); // opening never rewrites
    await store.saveFlow('main', { ...snap.flows.main!.flow, name: 'Main v2' }, snap.flows.main!.revision);
    expect(readFileSync(path.join(dir, 'parley.yaml'), 'utf8')).toMatch(/^schema: 2\n/);
    expect(readFileSync(path.join(dir, 'flows/other.yaml'), 'utf8')).toContain('    kind: ask\n    slot: day\n    type: date\n');
    const again = await openStore().store.open(dir);
    expect(again.migratedFrom).toBeUndefined();
    expect(again.problems).toEqual([]);
    expect(again.flows.other?.flow.nodes[1]).toMatchObject({ kind: 'ask', type: 'date' });
    expect(again.flows.main?.flow.name).toBe('Main v2');
  });

  it('confines file access to the project', async () => {
    const dir = makeTinyProject();
    const { store } = openStore();
    await store.open(dir);
    expect(await codeOf(store.readFile('../outside.txt'))).toBe('PATH_OUTSIDE_PROJECT');
    expect(await codeOf(store.writeFile('/tmp/x.txt', 'x', null))).toBe('PATH_OUTSIDE_PROJECT');
  });

  it('creates a new project that opens and validates', async () => {
    const dir = path.join(makeTinyProject(), 'new-bot');
    const { store } = openStore();
    const snap = await store.create(dir, 'New bot');
    expect(snap.manifest.name).toBe('New bot');
    expect(snap.problems).toEqual([]);
    expect(Object.keys(snap.flows)).toEqual(['main']);
    expect(await codeOf(store.create(dir, 'Again'))).toBe('CONFLICT');
  });
});

describe("a save's problems", () => {
  it('are what validating the whole project finds, save after save, across flows', async () => {
    const { cpSync, mkdtempSync } = await import('node:fs');
    const os = await import('node:os');
    const { validateProject } = await import('../../shared/project/validate');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-save-problems-'));
    cpSync(path.resolve(import.meta.dirname, '../../examples/acme-bank'), dir, { recursive: true });
    const { store } = openStore();
    const snap = await store.open(dir);
    const revisions = Object.fromEntries(Object.entries(snap.flows).map(([id, e]) => [id, e.revision]));
    const flows = Object.fromEntries(Object.entries(snap.flows).map(([id, e]) => [id, e.flow]));
    const save = async (id: string, edit: (f: (typeof flows)[string]) => (typeof flows)[string]) => {
      flows[id] = edit(flows[id]!);
      revisions[id] = (await store.saveFlow(id, flows[id]!, revisions[id]!)).revision;
      const now = store.snapshot();
      const fresh = validateProject(structuredClone({ manifest: now.manifest, nlu: now.nlu, flows }), { broken: [] });
      expect(now.problems).toEqual(fresh);
      return now.problems;
    };
    // a node other flows call into goes: their calls break
    const target = flows.main!.nodes.find((n) => n.id === 'listen_intent')!;
    expect((await save('main', (f) => ({ ...f, nodes: f.nodes.filter((n) => n !== target) }))).length).toBeGreaterThan(0);
    // an unknown variable in another flow's copy
    await save('help', (f) => ({ ...f, nodes: f.nodes.map((n) => (n.kind === 'message' ? { ...n, say: { en: '{{ no_such_thing }}' } } : n)) }));
    // and the node comes back: the other flows' calls are whole again
    const back = await save('main', (f) => ({ ...f, nodes: [...f.nodes, target] }));
    expect(back.some((p) => p.message.includes('no_such_thing'))).toBe(true);
  });
});
