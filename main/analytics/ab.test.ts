// A/B verdicts from transcripts (issue 16's must-show): generated traffic where one variant of the greeting is
// escalated half as often as the other gets that variant as the winner; traffic with no difference gets no winner.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transcriptFolderHandlers } from '../../test/fixtures/insightsHandlers';
import { writeSynthetic, type Journey } from './synthetic';

const START = { path: ['main/start', 'main/greet', 'main/listen_intent'] };
const resolved = {
  say: ['balance please'],
  path: ['main/listen_intent', 'balance/show', 'main/goodbye_end'],
  intent: 'check_balance',
  outcomes: ['end' as const],
  ended: 'resolved' as const,
};
const escalated = {
  say: ['agent'],
  path: ['main/listen_intent', 'human/connect_agent'],
  intent: 'agent',
  outcomes: ['handoff' as const],
  ended: 'escalated' as const,
};

/** The greeting's two variants, each escalated at its own rate. */
function journeys(control: number, short: number): Journey[] {
  const arm = (id: string, rate: number): Journey[] => [
    { name: `${id} resolved`, weight: 1 - rate, turns: [START, resolved], variants: { 'main/greet': [id] } },
    { name: `${id} escalated`, weight: rate, turns: [START, escalated], variants: { 'main/greet': [id] } },
  ];
  return [...arm('control', control), ...arm('short', short)];
}

const open: { dispose(): void }[] = [];
afterEach(() => open.splice(0).forEach((h) => h.dispose()));

async function experiment(control: number, short: number, seed: number) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'parley-ab-'));
  await writeSynthetic(path.join(tmp, 't.jsonl'), { journeys: journeys(control, short), conversations: 4000, start: '2026-11-01T00:00:00Z', days: 14, seed });
  const h = transcriptFolderHandlers(tmp);
  open.push(h);
  await h['insights.import']({ project: tmp, paths: [tmp] });
  const { experiments } = await h['insights.ab']({ range: { from: '2026-11-01', to: '2026-11-14' }, metric: 'escalation' });
  expect(experiments.map((e) => e.node)).toEqual(['main/greet']);
  return experiments[0]!;
}

describe('A/B results from transcripts', () => {
  it('names the variant escalated half as often the winner, with both arms counted', async () => {
    const e = await experiment(0.2, 0.1, 1);
    expect(e.control).toBe('control');
    const arm = (id: string) => e.variants.find((v) => v.id === id)!;
    expect(arm('control').conversations + arm('short').conversations).toBe(4000);
    expect(arm('control').escalation.rate).toBeCloseTo(0.2, 1);
    expect(arm('short').escalation.rate).toBeCloseTo(0.1, 1);
    expect(e.verdict).toMatchObject({ kind: 'winner', variant: 'short', over: ['control'] });
  });

  it('names no winner when the variants do equally well', async () => {
    for (const seed of [1, 2, 3]) {
      const e = await experiment(0.2, 0.2, seed);
      expect(e.verdict.kind).not.toBe('winner');
    }
  });
});
