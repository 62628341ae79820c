// `parley traffic` on the sample: its stories played through its runtime (exported, served here with fixtures), some
// perturbed, some left half-way, some opened with a question the bot was never taught; what the runtime wrote
// imports into the analytics store as the real thing would.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../analytics/store';
import { copySample } from '../../test/fixtures/tinyProject';
import { runTraffic } from './traffic';

describe('parley traffic', () => {
  it("plays the project's stories through its runtime, and the runtime's transcripts import", { timeout: 120_000 }, async () => {
    const dir = copySample();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'parley-traffic-'));
    const novel = path.join(tmp, 'novel.txt');
    writeFileSync(novel, 'can I buy bitcoin with my account\nhow do I buy ethereum in the app\n');
    const out = path.join(tmp, 'transcripts');
    const r = await runTraffic({
      source: dir,
      out,
      conversations: 30,
      abandonShare: 0.3,
      novel,
      novelShare: 0.2,
      perturbShare: 0.5,
      seed: 4,
      concurrency: 4,
      userDataDir: tmp,
    });
    expect(r.failed).toEqual([]);
    expect(r.conversations).toBe(30);
    expect(r.novel).toBeGreaterThan(2);
    expect(r.abandoned).toBeGreaterThan(2);
    expect(r.perturbed).toBeGreaterThan(5);
    expect(r.files.length).toBeGreaterThan(0);

    const store = await AnalyticsStore.open(':memory:');
    try {
      const report = await store.import([out]);
      expect(report.malformed.count).toBe(0);
      const counts = await store.counts();
      expect(counts.conversations).toBe(30);
      expect(counts.turns).toBe(r.turns);
      // the conversations left open were written as abandoned when their session expired
      expect(counts.abandoned).toBeGreaterThanOrEqual(r.abandoned + r.novel - 2);
      const today = new Date().toISOString().slice(0, 10);
      const said = await store.unmatched({ from: today, to: today }, 0.5);
      expect(said.map((u) => u.text)).toEqual(expect.arrayContaining(['can I buy bitcoin with my account']));
    } finally {
      store.close();
    }
  });
});
