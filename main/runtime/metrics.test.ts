import { describe, expect, it } from 'vitest';
import type { SessionState, TurnResult } from '../../shared/engine/types';
import { createRuntimeMetrics } from './metrics';

const state = (wait: SessionState['wait']): SessionState => ({
  v: 1,
  locale: 'en',
  turn: 1,
  vars: {},
  wait,
  stack: [],
  quickReplies: [],
  fallbacks: 0,
  last: { input: '', entities: {} },
  transcript: [],
});

const turn = (flow: string, node: string, extra: Partial<TurnResult> = {}): TurnResult => ({
  state: state({ kind: 'listen', flow, node }),
  outputs: [{ type: 'text', text: 'hi', flow, node, copyId: `${flow}/${node}.say` }],
  trace: [],
  path: [{ flow, node }],
  ...extra,
});

/** A metric's value for exactly these labels, from the text exposition. */
async function value(m: ReturnType<typeof createRuntimeMetrics>, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await m.registry.metrics();
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (match[2]!.split(',').sort().join(',') === want) return Number(match[3]);
  }
  return undefined;
}

describe('runtime metrics', () => {
  it('count turns and latency by flow, model time and tokens by the calling flow', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    m.turn(turn('main', 'menu'), 0.02);
    m.turn(
      turn('faq', 'answer', {
        trace: [
          {
            kind: 'llm',
            flow: 'faq',
            node: 'answer',
            request: { flow: 'faq', node: 'answer', messages: [] },
            usage: { inputTokens: 120, outputTokens: 30 },
            totalMs: 800,
          },
        ],
      }),
      0.9,
    );
    expect(await value(m, 'parley_turns_total', { flow: 'main' })).toBe(1);
    expect(await value(m, 'parley_turns_total', { flow: 'faq' })).toBe(1);
    expect(await value(m, 'parley_turn_duration_seconds_count', { flow: 'faq' })).toBe(1);
    expect(await value(m, 'parley_turn_duration_seconds_bucket', { flow: 'faq', le: '1' })).toBe(1);
    expect(await value(m, 'parley_turn_duration_seconds_bucket', { flow: 'faq', le: '0.5' })).toBe(0);
    expect(await value(m, 'parley_llm_tokens_total', { flow: 'faq', direction: 'input' })).toBe(120);
    expect(await value(m, 'parley_llm_tokens_total', { flow: 'faq', direction: 'output' })).toBe(30);
    expect(await value(m, 'parley_llm_duration_seconds_sum', { flow: 'faq' })).toBeCloseTo(0.8);
  });

  it('count outcomes per node, and ends per flow only', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    m.turn(turn('cards', 'which', { trace: [{ kind: 'fallback', count: 1, limit: 3, escalated: false }] }), 0.01);
    m.turn(turn('cards', 'bye', { outputs: [{ type: 'end', outcome: 'resolved', flow: 'cards', node: 'bye' }] }), 0.01);
    expect(await value(m, 'parley_outcomes_total', { flow: 'cards', node: 'which', outcome: 'fallback' })).toBe(1);
    expect(await value(m, 'parley_outcomes_total', { flow: 'cards', node: '', outcome: 'end' })).toBe(1);
  });

  it('keep the series count bounded on a bot of 10,000 nodes', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    for (let i = 0; i < 10_000; i++) m.turn(turn(`flow${i % 50}`, `node${i}`), 0.01);
    const series = (await m.registry.metrics()).split('\n').filter((l) => l.includes('flow='));
    // per flow: one turns counter, and the latency histogram's 12 buckets, +Inf, sum and count
    expect(series.length).toBe(50 * (1 + 15));
  });

  it('count A/B assignments once per conversation and node, not every visit', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    const visit = (assigned: boolean) => turn('hours', 'answer', { trace: [{ kind: 'variant', flow: 'hours', node: 'answer', variant: 'short', assigned }] });
    m.turn(visit(true), 0.01);
    m.turn(visit(false), 0.01);
    expect(await value(m, 'parley_variant_assignments_total', { flow: 'hours', node: 'answer', variant: 'short' })).toBe(1);
  });

  it('count refusals and feedback', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    m.refused('busy');
    m.refused('busy');
    m.refused('unavailable');
    m.feedback(4);
    m.conversationStarted();
    expect(await value(m, 'parley_turns_refused_total', { reason: 'busy' })).toBe(2);
    expect(await value(m, 'parley_feedback_score_bucket', { le: '4' })).toBe(1);
    expect((await m.registry.metrics()).includes('parley_conversations_started_total 1')).toBe(true);
  });
});
