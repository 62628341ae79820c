import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { AnalyticsStore } from './store';
import { BUNDLE, turnLine } from '../../test/fixtures/turnEvents';

const bundle = BUNDLE;
const START = ['main/start', 'main/greet', 'main/listen'];
const turn = (conversation: string, n: number, at: string, p: string[], outcomes: string[] = [], extra: object = {}) =>
  turnLine(conversation, n, at, { path: p, outcomes, ...extra });

/** Four conversations: three this week (resolved, fallback then handoff, fallback then abandoned), one the week before. */
function sample(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-queries-'));
  const lines = [
    turn('c0', 0, '2026-11-28T10:00:00Z', START),
    turn('c0', 1, '2026-11-28T10:00:10Z', ['main/listen', 'main/go_balance', 'balance/show'], ['end'], { ended: 'resolved' }),
    turn('c1', 0, '2026-12-06T10:00:00Z', START),
    turn('c1', 1, '2026-12-06T10:00:10Z', ['main/listen', 'main/go_balance', 'balance/show'], ['end'], { ended: 'resolved' }),
    turn('c2', 0, '2026-12-06T11:00:00Z', START),
    turn('c2', 1, '2026-12-06T11:00:10Z', ['main/listen', 'main/fallback'], ['fallback']),
    turn('c2', 2, '2026-12-06T11:00:20Z', ['main/listen', 'human/handoff'], ['handoff'], { ended: 'escalated' }),
    turn('c3', 0, '2026-12-06T12:00:00Z', START),
    turn('c3', 1, '2026-12-06T12:00:10Z', ['main/listen', 'main/fallback'], ['fallback']),
    JSON.stringify({ v: 1, type: 'abandoned', conversation: 'c3', bundle, at: '2026-12-06T12:15:10Z', lastTurn: 1, waitingAt: 'main/listen' }),
  ];
  writeFileSync(path.join(dir, 'transcripts.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

const WEEK = { from: '2026-12-01', to: '2026-12-07' };
let store: AnalyticsStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

describe('the insights queries', () => {
  it('count visits, outcomes, drop-off and edge traffic per node in a date range', async () => {
    store = await AnalyticsStore.open(':memory:');
    await store.import([sample()]);
    const o = await store.overlay(WEEK);
    expect(o).toMatchObject({ turns: 7, conversations: 3 });
    const node = (id: string) => o.nodes.find((n) => n.node === id);
    expect(node('main/listen')).toEqual({ node: 'main/listen', visits: 7, failing: 3, fallback: 2, notSure: 0, handoff: 1, guardrail: 0, abandoned: 1 });
    expect(node('main/fallback')).toMatchObject({ visits: 2, fallback: 2 });
    expect(node('balance/show')).toMatchObject({ visits: 1, fallback: 0 });
    expect(o.edges.find((e) => e.from === 'main/listen' && e.to === 'main/fallback')).toMatchObject({ turns: 2, failing: 2 });
    expect(o.edges.find((e) => e.from === 'main/listen' && e.to === 'main/go_balance')).toMatchObject({ turns: 1, failing: 0 });
    expect(o.edges.find((e) => e.from === 'main/greet' && e.to === 'main/listen')?.turns).toBe(3);
    // the week before holds c0 only
    const before = await store.overlay({ from: '2026-11-24', to: '2026-11-30' });
    expect(before).toMatchObject({ turns: 2, conversations: 1 });
    expect(before.nodes.find((n) => n.node === 'main/fallback')).toBeUndefined();
  });

  it('ranks failure paths with rates, intervals and the change against the period before', async () => {
    store = await AnalyticsStore.open(':memory:');
    await store.import([sample()]);
    const paths = await store.failurePaths(WEEK);
    expect(paths.map((p) => [p.path.join(' > '), p.ending, p.count, p.base])).toEqual([
      ['main/listen > main/fallback', 'fallback', 2, 4],
      ['main/listen > main/fallback', 'abandoned', 1, 4],
      ['main/listen > human/handoff', 'handoff', 1, 4],
    ]);
    const top = paths[0]!;
    expect(top.rate).toBe(0.5);
    expect(top.interval.low).toBeGreaterThan(0.1);
    expect(top.interval.high).toBeLessThan(0.91);
    // the week before, one turn started at main/listen and none failed: new this week
    expect(top.previous).toEqual({ count: 0, base: 1, rate: 0 });
    expect(top.change).toBe(0.5);
    expect(await store.pathConversations(WEEK, top.path, 'fallback')).toEqual(['c2', 'c3']);
    expect(await store.pathConversations(WEEK, top.path, 'abandoned')).toEqual(['c3']);
  });

  it('keep the daily roll-ups right when conversations are erased, expire or come twice', async () => {
    store = await AnalyticsStore.open(':memory:');
    const dir = sample();
    await store.import([dir]);
    await store.import([dir]); // nothing new: the same figures
    expect((await store.overlay(WEEK)).nodes.find((n) => n.node === 'main/listen')).toMatchObject({ visits: 7, fallback: 2 });
    await store.erase(['c2']);
    const o = await store.overlay(WEEK);
    expect(o).toMatchObject({ turns: 4, conversations: 2 });
    expect(o.nodes.find((n) => n.node === 'main/listen')).toMatchObject({ visits: 4, fallback: 1, handoff: 0 });
    expect(o.nodes.find((n) => n.node === 'human/handoff')).toBeUndefined();
    expect((await store.failurePaths(WEEK)).map((p) => [p.ending, p.count, p.base])).toEqual([
      ['abandoned', 1, 2],
      ['fallback', 1, 2],
    ]);
    // a retention of 5 days on 8 December keeps 3 December on: c0 (28 November) goes, and with it the week before
    await store.setRetention(5, new Date('2026-12-08T00:00:00Z'));
    expect(await store.overlay({ from: '2026-11-24', to: '2026-11-30' })).toMatchObject({ turns: 0, nodes: [], edges: [] });
    expect((await store.failurePaths(WEEK))[0]?.previous).toBeNull();
  });

  it('rebuilds roll-ups an older studio left in another shape', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-rollups-')), 'a.duckdb');
    store = await AnalyticsStore.open(file);
    await store.import([sample()]);
    store.close();
    const db = await (await DuckDBInstance.create(file)).connect();
    await db.run(`DROP TABLE node_day; CREATE TABLE node_day (day DATE, node VARCHAR, visits BIGINT); UPDATE settings SET value = '1' WHERE key = 'rollups'`);
    db.closeSync();
    store = await AnalyticsStore.open(file);
    expect((await store.overlay(WEEK)).nodes.find((n) => n.node === 'main/listen')).toMatchObject({ visits: 7, failing: 3 });
  });
});
