// The coherence judge through the real Anthropic SDK against the local mock of the Messages API: a sample of the
// range's multi-turn conversations is judged with the rubric, the reviewers' rated conversations come first, and
// the judge's agreement with them is measured.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COHERENCE_RUBRIC } from '../../shared/insights/coherence';
import { createAnthropicLlm } from '../llm/anthropicLlm';
import { startMockLlm, type MockLlm } from '../llm/mockServer';
import { SAMPLE_JOURNEYS } from '../../test/fixtures/sampleTraffic';
import { transcriptFolderHandlers } from '../../test/fixtures/insightsHandlers';
import { writeSynthetic } from './synthetic';

const KEY = 'sk-ant-test-0123456789abcdef';
let mock: MockLlm | undefined;
const open: { dispose(): void }[] = [];
afterEach(async () => {
  open.splice(0).forEach((h) => h.dispose());
  await mock?.close();
});

describe('the coherence judge', () => {
  it('judges a sample with the rubric through the SDK, and agrees with the reviewers as measured', async () => {
    // the judge: a crypto question answered by the fallback is incoherent, anything else coherent
    mock = await startMockLlm({
      apiKey: KEY,
      script: [
        { match: { lastUser: 'bitcoin|crypto|ethereum' }, reply: '{"coherent": false, "reason": "ignored the question"}' },
        { match: {}, reply: 'Here you go: {"coherent": true, "reason": "uses what was said"}' },
      ],
    });
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'parley-coherence-'));
    await writeSynthetic(path.join(tmp, 't.jsonl'), { journeys: SAMPLE_JOURNEYS, conversations: 400, start: '2026-11-30T00:00:00Z', days: 7, seed: 5 });
    const llm = createAnthropicLlm({ baseUrl: mock.url, apiKey: () => ({ key: KEY, source: 'env', location: 'ANTHROPIC_API_KEY' }), model: 'judge-model' });
    const h = transcriptFolderHandlers(tmp, { judge: llm, reviewer: 'Reviewer' });
    open.push(h);
    await h['insights.import']({ project: tmp, paths: [tmp] });
    const range = { from: '2026-11-30', to: '2026-12-06' };
    // two reviewers' ratings: a crypto conversation bad, a balance one good
    const sample = await h['insights.sample']({ range, size: 200 });
    const withTopic = async (re: RegExp) => {
      for (const c of sample.conversations) {
        const conv = await h['insights.conversation']({ id: c.conversation });
        if (conv && conv.turns.filter((t) => t.input.type === 'text').length >= 2 && conv.turns.some((t) => re.test(t.input.text ?? ''))) return c.conversation;
      }
      throw new Error(`no conversation about ${re}`);
    };
    const crypto = await withTopic(/bitcoin|crypto|ethereum/);
    const balance = await withTopic(/balance/);
    await h['insights.rate']({ project: tmp, conversation: crypto, rating: 'bad' });
    await h['insights.rate']({ project: tmp, conversation: balance, rating: 'good' });

    const r = await h['insights.coherence']({ project: tmp, range, size: 12, seed: 3 });
    expect(r).toMatchObject({ judged: 12, failed: 0 });
    expect(mock.requests).toHaveLength(12);
    expect(mock.requests.every((q) => JSON.stringify(q.system).includes('coherent across turns'))).toBe(true);
    expect(COHERENCE_RUBRIC).toMatch(/coherent across turns/);
    // the rated conversations are in the sample, and the judge agrees with both reviewers
    expect(r.verdicts.filter((v) => v.human).map((v) => [v.conversation, v.human, v.coherent])).toEqual(
      [
        [crypto, 'bad', false],
        [balance, 'good', true],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(r.agreement).toMatchObject({ rated: 2, kappa: 1, observed: 1 });
    expect(r.coherent).toBe(r.verdicts.filter((v) => v.coherent).length);
    expect(r.rate).toBe(r.coherent / 12);
  });
});
