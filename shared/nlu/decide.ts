// What a listen node does with the NLU: the ranking it gets from an intent model (out of scope first when the
// model rejects the text) and the accept / clarify / no-match rule. No entity extraction here, so the studio's
// renderer can use it (bands.ts) without the date and phone parsers.

import type { IntentScore } from '../engine/ports';
import type { IntentModel } from './classifier';

/**
 * The intent the engine reads as "out of scope": a ranking whose best entry is this one is a no-match (as a
 * listen node's rule in the engine, and decideIntent here, treat it).
 */
export const OUT_OF_SCOPE = 'oos';

/**
 * The ranking a listen node gets. In scope: the intents with their probabilities given that the text is in scope
 * (divided by 1 − P(out-of-scope class)), so the background class rejects but does not thin out the confidences
 * the accept and clarify thresholds read. Out of scope: OUT_OF_SCOPE first with the out-of-scope class's
 * probability, at least 0.5, and the intents share the rest in proportion (best first, summing to 1, and the
 * trace still shows what the text was closest to).
 */
export function rankingOf(model: IntentModel, text: string): IntentScore[] {
  const c = model.classify(text);
  if (!c.outOfScope) {
    const inScope = 1 - c.oosProbability;
    return inScope > 0 && inScope < 1 ? c.ranking.map((r) => ({ intent: r.intent, confidence: r.confidence / inScope })) : c.ranking;
  }
  const q = Math.max(0.5, c.oosProbability);
  let mass = 0;
  for (const r of c.ranking) mass += r.confidence;
  const scale = mass > 0 ? (1 - q) / mass : 0;
  return [{ intent: OUT_OF_SCOPE, confidence: q }, ...c.ranking.map((r) => ({ intent: r.intent, confidence: r.confidence * scale }))];
}

export type IntentDecision =
  { kind: 'accept'; intent: string; confidence: number } | { kind: 'clarify'; top: [IntentScore, IntentScore] } | { kind: 'no_match' };

export const DEFAULT_ACCEPT = 0.7;
export const DEFAULT_CLARIFY = 0.4;

/**
 * What a `listen` node does with a ranking (best first): no match when it is empty or OUT_OF_SCOPE comes first;
 * accept the top intent when its confidence is at least `accept` (default 0.7); ask which of the top two was
 * meant when it is at least `clarify` (default 0.4) and there is a second intent; otherwise no match.
 */
export function decideIntent(ranking: readonly IntentScore[], thresholds: { accept?: number; clarify?: number } = {}): IntentDecision {
  const accept = thresholds.accept ?? DEFAULT_ACCEPT;
  const clarify = thresholds.clarify ?? DEFAULT_CLARIFY;
  const [top, second] = ranking;
  if (!top || top.intent === OUT_OF_SCOPE) return { kind: 'no_match' };
  if (top.confidence >= accept) return { kind: 'accept', intent: top.intent, confidence: top.confidence };
  if (top.confidence >= clarify && second) return { kind: 'clarify', top: [top, second] };
  return { kind: 'no_match' };
}
