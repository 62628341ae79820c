// Multi-turn coherence, judged by the LLM port with a rubric (Insights, metrics): does the bot use what the customer
// said several turns earlier where it matters (it does not ask again for what it was told, it does not contradict
// it, it carries it into later answers)? One request per conversation; the verdict is JSON the reply must hold.
// The rate over a sample comes with a Wilson interval, and the judge is checked against the reviewers' ratings
// (insights/ratings.yaml) with Cohen's kappa: a judge that agrees with people no better than chance is not one to
// trust with the rate.
import type { LlmPort, LlmRequest } from '../engine/ports';
import { wilsonInterval, type Interval } from './abtest';

export interface JudgedTurn {
  input: { type: string; text?: string };
  says: readonly { text: string }[];
}

export const COHERENCE_RUBRIC = `You judge a customer-service conversation between a customer and a bank's virtual assistant.
Question: is the assistant coherent across turns? It is coherent when it uses what the customer said earlier where
that matters: it does not ask again for something the customer already gave, does not contradict or forget it, and
carries it into later answers. A conversation with nothing earlier worth using is coherent.
Answer with JSON only, on one line: {"coherent": true or false, "reason": "<at most 25 words>"}`;

/** The transcript as the judge reads it. */
export function transcriptText(turns: readonly JudgedTurn[]): string {
  const lines: string[] = [];
  for (const t of turns) {
    if (t.input.type === 'text' && t.input.text) lines.push(`Customer: ${t.input.text}`);
    else if (t.input.type === 'button' && t.input.text) lines.push(`Customer (button): ${t.input.text}`);
    for (const s of t.says) lines.push(`Assistant: ${s.text}`);
  }
  return lines.join('\n');
}

export function coherenceRequest(turns: readonly JudgedTurn[]): LlmRequest {
  return {
    flow: 'insights',
    node: 'coherence_judge',
    system: COHERENCE_RUBRIC,
    messages: [{ role: 'user', content: `<conversation>\n${transcriptText(turns)}\n</conversation>` }],
    temperature: 0,
    maxTokens: 200,
  };
}

/** The judge's verdict from its reply (the first JSON object in it), or undefined when it gave none. */
export function parseVerdict(reply: string): { coherent: boolean; reason: string } | undefined {
  const m = /\{[\s\S]*?\}/.exec(reply);
  if (!m) return undefined;
  try {
    const v = JSON.parse(m[0]) as { coherent?: unknown; reason?: unknown };
    if (typeof v.coherent !== 'boolean') return undefined;
    return { coherent: v.coherent, reason: typeof v.reason === 'string' ? v.reason.slice(0, 300) : '' };
  } catch {
    return undefined;
  }
}

/**
 * Cohen's kappa of two raters' yes/no labels on the same items: (observed agreement − chance agreement) over
 * (1 − chance agreement). Null with no items, or when chance agreement is 1 (both always said the same thing).
 */
export function cohenKappa(pairs: readonly (readonly [boolean, boolean])[]): number | null {
  const n = pairs.length;
  if (!n) return null;
  let agree = 0;
  let aYes = 0;
  let bYes = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree++;
    if (a) aYes++;
    if (b) bYes++;
  }
  const po = agree / n;
  const pe = (aYes / n) * (bYes / n) + (1 - aYes / n) * (1 - bYes / n);
  return pe === 1 ? null : (po - pe) / (1 - pe);
}

export interface CoherenceItem {
  conversation: string;
  turns: readonly JudgedTurn[];
  /** A reviewer's rating of it, when there is one (good counts as coherent). */
  human?: 'good' | 'bad';
}

export interface CoherenceResult {
  judged: number;
  coherent: number;
  rate: number | null;
  interval: Interval;
  /** Conversations the judge gave no verdict on (an error or a reply without one). */
  failed: number;
  /** Agreement with the reviewers' ratings, on the conversations both rated. */
  agreement: { rated: number; kappa: number | null; observed: number | null };
  verdicts: { conversation: string; coherent: boolean; reason: string; human?: 'good' | 'bad' }[];
  /** The first error the judge gave, when it failed on some. */
  error?: string;
}

/** Judges each conversation (`concurrency` at a time) and sums up. */
export async function judgeCoherence(items: readonly CoherenceItem[], llm: LlmPort, concurrency = 4): Promise<CoherenceResult> {
  const verdicts: CoherenceResult['verdicts'] = [];
  let failed = 0;
  let error: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        const r = await llm.complete(coherenceRequest(item.turns));
        const v = parseVerdict(r.text);
        if (v) verdicts.push({ conversation: item.conversation, ...v, ...(item.human ? { human: item.human } : {}) });
        else {
          failed++;
          error ??= `the judge gave no verdict: ${r.text.slice(0, 120)}`;
        }
      } catch (e) {
        failed++;
        error ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  verdicts.sort((a, b) => a.conversation.localeCompare(b.conversation));
  const coherent = verdicts.filter((v) => v.coherent).length;
  const both = verdicts.filter((v) => v.human).map((v) => [v.coherent, v.human === 'good'] as const);
  return {
    judged: verdicts.length,
    coherent,
    rate: verdicts.length ? coherent / verdicts.length : null,
    interval: wilsonInterval(coherent, verdicts.length),
    failed,
    agreement: { rated: both.length, kappa: cohenKappa(both), observed: both.length ? both.filter(([a, b]) => a === b).length / both.length : null },
    verdicts,
    ...(error ? { error } : {}),
  };
}
