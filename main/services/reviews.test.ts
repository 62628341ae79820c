import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS } from '../../shared/project/files';
import { reviewDigest } from '../../shared/project/reviewDigest';
import type { Flow } from '../../shared/schema/project';
import { copySample } from '../../test/fixtures/tinyProject';
import { readProjectFiles, loadFromFiles } from './projectStore';
import { createReviews } from './reviews';

async function setup() {
  const dir = copySample();
  const flows = loadFromFiles(await readProjectFiles(dir)).project!.flows;
  let clock = Date.parse('2026-12-07T10:00:00Z');
  const reviews = createReviews({
    dir: () => dir,
    sameProject: (p) => {
      if (p !== dir) throw new Error('another project');
    },
    limits: DEFAULT_FILE_LIMITS,
    savedFlow: (id) => flows[id],
    identity: async () => ({ name: 'Ana Writer', email: 'ana@example.com' }),
    savedModel: () => undefined,
    now: () => new Date((clock += 60_000)),
  });
  return { dir, flows, reviews, h: reviews.handlers };
}

describe('review files', () => {
  it('adds threads on a node and on a line of copy, replies with mentions, resolves and reopens, all stamped', async () => {
    const { dir, h, flows } = await setup();
    const copyId = flows.main!.nodes.find((n) => n.id === 'greet')!.copyIds!.say!;
    let file = await h['reviews.comment']({ project: dir, flowId: 'main', anchor: { node: 'greet' }, text: 'Should we greet by name?' });
    expect(file.threads).toHaveLength(1);
    file = await h['reviews.comment']({ project: dir, flowId: 'main', anchor: { copy: copyId }, text: 'Too long for voice' });
    const [first, second] = file.threads!;
    expect(first).toMatchObject({
      anchor: { node: 'greet' },
      comments: [{ by: { name: 'Ana Writer', email: 'ana@example.com' }, at: '2026-12-07T10:01:00.000Z', text: 'Should we greet by name?' }],
    });
    expect(second!.anchor).toEqual({ copy: copyId });
    file = await h['reviews.comment']({ project: dir, flowId: 'main', threadId: first!.id, text: '@Bo yes, and @carla.m agrees.' });
    expect(file.threads![0]!.comments[1]).toMatchObject({ text: '@Bo yes, and @carla.m agrees.', mentions: ['Bo', 'carla.m'] });
    file = await h['reviews.resolve']({ project: dir, flowId: 'main', threadId: first!.id, resolved: true });
    expect(file.threads![0]!.resolved).toEqual({ by: { name: 'Ana Writer', email: 'ana@example.com' }, at: '2026-12-07T10:04:00.000Z' });
    file = await h['reviews.resolve']({ project: dir, flowId: 'main', threadId: first!.id, resolved: false });
    expect(file.threads![0]!.resolved).toBeUndefined();
    // on disk, read back by the list
    expect(parse(readFileSync(path.join(dir, 'reviews/main.yaml'), 'utf8')).threads).toHaveLength(2);
    const list = await h['reviews.list']({});
    expect(list).toMatchObject({ files: { main: { threads: [{ id: first!.id }, { id: second!.id }] } }, problems: [], me: { name: 'Ana Writer' } });
    await expect(h['reviews.comment']({ project: dir, flowId: 'main', threadId: 't_nosuchthread', text: 'x' })).rejects.toThrow('no thread t_nosuchthread');
  });

  it('approves the flow as saved; moving a card keeps the approval, any other change clears it', async () => {
    const { dir, h, flows, reviews } = await setup();
    const file = await h['reviews.approve']({ project: dir, flowId: 'main', approve: true, note: 'Copy agreed in the Tuesday review' });
    expect(file.approval).toMatchObject({ by: { name: 'Ana Writer' }, note: 'Copy agreed in the Tuesday review', digest: reviewDigest(flows.main!) });
    const moved: Flow = { ...flows.main!, nodes: flows.main!.nodes.map((n, i) => (i === 0 ? { ...n, position: { x: 999, y: 999 } } : n)) };
    await reviews.clearOutdated('main', moved);
    expect((await h['reviews.list']({})).files.main!.approval).toBeDefined();
    const reworded: Flow = {
      ...flows.main!,
      nodes: flows.main!.nodes.map((n) => (n.id === 'greet' && n.kind === 'message' ? { ...n, say: { ...n.say, en: 'Hello.' } } : n)),
    };
    await reviews.clearOutdated('main', reworded);
    expect((await h['reviews.list']({})).files.main!.approval).toBeUndefined();
    await h['reviews.approve']({ project: dir, flowId: 'main', approve: true });
    expect((await h['reviews.approve']({ project: dir, flowId: 'main', approve: false })).approval).toBeUndefined();
  });

  it('lists a review file that does not load as a problem and never writes over it', async () => {
    const { dir, h } = await setup();
    mkdirSync(path.join(dir, 'reviews'), { recursive: true });
    const broken = 'threads:\n  - id: t_abcdef\n    anchor: { node: greet }\n    comments: []\n';
    writeFileSync(path.join(dir, 'reviews/main.yaml'), broken);
    const list = await h['reviews.list']({});
    expect(list.files).toEqual({});
    expect(list.problems).toEqual([
      { severity: 'error', file: 'reviews/main.yaml', field: 'threads.0.comments', message: expect.stringMatching(/>=1|at least 1/) },
    ]);
    await expect(h['reviews.comment']({ project: dir, flowId: 'main', anchor: { node: 'greet' }, text: 'hi' })).rejects.toThrow(
      /reviews\/main\.yaml does not load/,
    );
    expect(readFileSync(path.join(dir, 'reviews/main.yaml'), 'utf8')).toBe(broken);
    await expect(h['reviews.comment']({ project: '/elsewhere', flowId: 'main', anchor: { node: 'greet' }, text: 'hi' })).rejects.toThrow('another project');
  });
});

describe('a renamed node', () => {
  it('keeps its comment threads (anchors follow the new id; threads on its lines keep their stable copy id)', async () => {
    const { dir, h, flows } = await setup();
    const copyId = flows.main!.nodes.find((n) => n.id === 'greet')!.copyIds!.say!;
    await h['reviews.comment']({ project: dir, flowId: 'main', anchor: { node: 'greet' }, text: 'On the node' });
    await h['reviews.comment']({ project: dir, flowId: 'main', anchor: { copy: copyId }, text: 'On its line' });
    await h['reviews.comment']({ project: dir, flowId: 'main', anchor: { node: 'listen_intent' }, text: 'Elsewhere' });
    expect(await h['reviews.renameNode']({ project: dir, flowId: 'main', from: 'greet', to: 'welcome' })).toEqual({ threads: 1 });
    const threads = (await h['reviews.list']({})).files.main!.threads!;
    expect(threads.map((t) => t.anchor)).toEqual([{ node: 'welcome' }, { copy: copyId }, { node: 'listen_intent' }]);
    expect(await h['reviews.renameNode']({ project: dir, flowId: 'balance', from: 'greet', to: 'x' })).toEqual({ threads: 0 });
  });
});
