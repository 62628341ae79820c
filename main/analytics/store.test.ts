import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyticsStore } from './store';
import { BUNDLE, turnLine } from '../../test/fixtures/turnEvents';

const NOW = new Date('2026-12-07T12:00:00Z');
const bundle = BUNDLE;
const turn = (conversation: string, n: number, at: string, extra: object = {}) =>
  turnLine(conversation, n, at, {
    says: [{ text: 'Hello', copyId: 'main/greet' }],
    path: n === 0 ? ['main/start', 'main/greet'] : ['main/listen', 'balance/show'],
    ms: 12,
    ...extra,
  });

function transcripts(lines: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-transcripts-'));
  writeFileSync(path.join(dir, 'transcripts-2026-12-06.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

let store: AnalyticsStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

describe('the analytics store', () => {
  it('imports a folder of transcripts, counting malformed lines with their line numbers, and never twice', async () => {
    const dir = transcripts([
      turn('c1', 0, '2026-12-06T10:00:00Z'),
      turn('c1', 1, '2026-12-06T10:00:05Z', { intent: 'check_balance', confidence: 0.91, outcomes: ['end'], ended: 'resolved' }),
      '{"v":1,"type":"turn", broken',
      turn('c2', 0, '2026-12-06T11:00:00Z'),
      JSON.stringify({ v: 1, type: 'turn', conversation: 'c3', bundle, at: '2026-12-06T11:00:00Z', turn: -1 }),
      JSON.stringify({ v: 2, type: 'turn', conversation: 'c4' }),
      '',
      JSON.stringify({ v: 1, type: 'abandoned', conversation: 'c2', bundle, at: '2026-12-06T11:30:00Z', lastTurn: 0, waitingAt: 'main/listen' }),
      JSON.stringify({ v: 1, type: 'feedback', conversation: 'c1', bundle, at: '2026-12-06T10:01:00Z', score: 5 }),
    ]);
    store = await AnalyticsStore.open(':memory:');
    const report = await store.import([dir], NOW);
    expect(report).toMatchObject({ files: 1, events: 5, added: { turns: 3, abandoned: 1, feedback: 1 } });
    expect(report.malformed.count).toBe(3);
    expect(report.malformed.first.map((m) => [path.basename(m.file), m.line])).toEqual([
      ['transcripts-2026-12-06.jsonl', 3],
      ['transcripts-2026-12-06.jsonl', 5],
      ['transcripts-2026-12-06.jsonl', 6],
    ]);
    expect(report.malformed.first[0]!.reason).toMatch(/^not JSON/);
    expect(report.malformed.first[1]!.reason).toMatch(/^turn: /);
    expect(report.malformed.first[2]!.reason).toMatch(/^format version 2 /);
    expect(await store.counts()).toEqual({ conversations: 2, turns: 3, abandoned: 1, feedback: 1 });
    // the same files again: nothing new
    expect((await store.import([dir], NOW)).added).toEqual({ turns: 0, abandoned: 0, feedback: 0 });
    expect(await store.counts()).toEqual({ conversations: 2, turns: 3, abandoned: 1, feedback: 1 });
  });

  it('erases conversations for good: an import of the same files does not bring them back', async () => {
    const dir = transcripts([turn('c1', 0, '2026-12-06T10:00:00Z'), turn('c2', 0, '2026-12-06T10:00:00Z'), turn('c2', 1, '2026-12-06T10:00:09Z')]);
    store = await AnalyticsStore.open(':memory:');
    await store.import([dir], NOW);
    expect(await store.erase(['c2', 'nope'], NOW)).toBe(1);
    expect(await store.counts()).toMatchObject({ conversations: 1, turns: 1 });
    await store.import([dir], NOW);
    expect(await store.counts()).toMatchObject({ conversations: 1, turns: 1 });
  });

  it('keeps transcripts only as long as the retention says, at import too', async () => {
    const dir = transcripts([turn('old', 0, '2026-10-01T10:00:00Z'), turn('new', 0, '2026-12-01T10:00:00Z')]);
    store = await AnalyticsStore.open(':memory:');
    await store.import([dir], NOW);
    expect(await store.counts()).toMatchObject({ conversations: 2 });
    expect(await store.setRetention(30, NOW)).toBe(1);
    expect(await store.retentionDays()).toBe(30);
    expect(await store.counts()).toMatchObject({ conversations: 1, turns: 1 });
    expect((await store.import([dir], NOW)).added.turns).toBe(0);
    await expect(store.setRetention(0, NOW)).rejects.toThrow(/1 to 36500/);
  });

  it('keeps the database in its file between openings', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-analytics-')), 'a.duckdb');
    const dir = transcripts([turn('c1', 0, '2026-12-06T10:00:00Z')]);
    store = await AnalyticsStore.open(file);
    await store.import([dir], NOW);
    store.close();
    store = await AnalyticsStore.open(file);
    expect(await store.counts()).toMatchObject({ conversations: 1, turns: 1 });
  });
});
