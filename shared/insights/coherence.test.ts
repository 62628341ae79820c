import { describe, expect, it } from 'vitest';
import type { LlmPort, LlmRequest } from '../engine/ports';
import { cohenKappa, judgeCoherence, parseVerdict, transcriptText } from './coherence';

const turns = (customer: string[], bot: string[]) => customer.map((text, i) => ({ input: { type: 'text', text }, says: [{ text: bot[i] ?? '' }] }));

/** A judge that calls a conversation incoherent when the bot asks for the card type after being told it. */
const judge: LlmPort = {
  async complete(req: LlmRequest) {
    const text = req.messages[0]!.content;
    const incoherent = /Customer: [^\n]*debit[\s\S]*Assistant: Which card is it/.test(text);
    return {
      text: `Verdict: {"coherent": ${!incoherent}, "reason": "${incoherent ? 'asked again' : 'fine'}"}`,
      model: 'judge',
      stopReason: 'end_turn',
      usage: { inputTokens: 1, outputTokens: 1 },
      ttftMs: 1,
      totalMs: 1,
    };
  },
};

describe('multi-turn coherence', () => {
  it("computes Cohen's kappa as in the textbook example", () => {
    // Cohen (1960)-style 2x2: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: po = 0.7, pe = 0.5, kappa = 0.4
    const pairs = [
      ...Array.from({ length: 20 }, () => [true, true] as const),
      ...Array.from({ length: 5 }, () => [true, false] as const),
      ...Array.from({ length: 10 }, () => [false, true] as const),
      ...Array.from({ length: 15 }, () => [false, false] as const),
    ];
    expect(cohenKappa(pairs)).toBeCloseTo(0.4, 10);
    expect(cohenKappa([])).toBeNull();
    expect(cohenKappa([[true, true]])).toBeNull();
    expect(
      cohenKappa([
        [true, false],
        [false, true],
      ]),
    ).toBeCloseTo(-1, 10);
  });

  it('reads the verdict from the first JSON object of the reply', () => {
    expect(parseVerdict('{"coherent": false, "reason": "asked twice"}')).toEqual({ coherent: false, reason: 'asked twice' });
    expect(parseVerdict('Sure! {"coherent": true} done')).toEqual({ coherent: true, reason: '' });
    expect(parseVerdict('I think it is fine')).toBeUndefined();
    expect(parseVerdict('{"coherent": "yes"}')).toBeUndefined();
  });

  it('judges a sample, with an interval, and measures agreement with the reviewers', async () => {
    const good = turns(['I lost my card', 'debit'], ['Which card is it, debit or credit?', 'Blocked your debit card.']);
    const bad = turns(['My debit card is gone', '1234'], ['Sorry. What are the last 4 digits?', 'Which card is it, debit or credit?']);
    expect(transcriptText(good)).toBe(
      'Customer: I lost my card\nAssistant: Which card is it, debit or credit?\nCustomer: debit\nAssistant: Blocked your debit card.',
    );
    const items = [
      { conversation: 'a', turns: good, human: 'good' as const },
      { conversation: 'b', turns: bad, human: 'bad' as const },
      { conversation: 'c', turns: good, human: 'bad' as const },
      { conversation: 'd', turns: bad },
    ];
    const r = await judgeCoherence(items, judge, 2);
    expect(r).toMatchObject({ judged: 4, coherent: 2, rate: 0.5, failed: 0 });
    expect(r.interval.low).toBeGreaterThan(0.1);
    expect(r.interval.high).toBeLessThan(0.9);
    expect(r.verdicts.map((v) => [v.conversation, v.coherent])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
      ['d', false],
    ]);
    // agreement on a, b (and not c): po = 2/3; the judge said yes to 2 of 3, the reviewers 1 of 3: pe = 4/9
    expect(r.agreement.rated).toBe(3);
    expect(r.agreement.observed).toBeCloseTo(2 / 3, 10);
    expect(r.agreement.kappa).toBeCloseTo((2 / 3 - 4 / 9) / (1 - 4 / 9), 10);
  });

  it('counts a judge that fails or gives no verdict, and says why', async () => {
    const broken: LlmPort = { complete: () => Promise.reject(new Error('the model was not called: the project is not trusted')) };
    const r = await judgeCoherence([{ conversation: 'a', turns: [] }], broken);
    expect(r).toMatchObject({ judged: 0, failed: 1, rate: null, error: 'the model was not called: the project is not trusted' });
  });
});
