// Where a project's own examples would land among a listen node's bands (accept, clarify, no match), each one
// judged by a model trained without it: k-fold cross-validation over the examples of each locale, the same
// training as buildProjectNlu (background class included) and the same ranking and rule as a listen node.

import type { NluFile } from '../schema/project';
import { trainIntentModel, type TrainIntentOptions } from './classifier';
import { backgroundFor } from './data/background';
import { decideIntent, rankingOf } from './decide';
import { seededRandom, shuffleInPlace } from '../util/random';

export interface IntentBands {
  intent: string;
  /** Examples judged (over every locale); an intent's examples in a locale where it has fewer than 2 are not. */
  examples: number;
  /** Accepted as this intent, accepted as another one, sent to the clarify question, no match. */
  accept: number;
  wrong: number;
  clarify: number;
  noMatch: number;
}

export interface ExampleBandsOptions {
  accept?: number;
  clarify?: number;
  /** Folds of the cross-validation (default 5). */
  folds?: number;
  seed?: number;
  train?: TrainIntentOptions;
}

/** For each intent with examples (nlu.yaml order), how its examples fare when left out of training. */
export function exampleBands(nlu: NluFile, options: ExampleBandsOptions = {}): IntentBands[] {
  const k = Math.max(2, options.folds ?? 5);
  const seed = options.seed ?? 1;
  const out = new Map<string, IntentBands>();
  for (const intent of nlu.intents) out.set(intent.id, { intent: intent.id, examples: 0, accept: 0, wrong: 0, clarify: 0, noMatch: 0 });
  const locales = [...new Set(nlu.intents.flatMap((i) => Object.keys(i.examples)))];
  for (const locale of locales) {
    const rows: { text: string; intent: string; fold: number }[] = [];
    const rand = seededRandom(seed);
    for (const intent of nlu.intents) {
      const texts = (intent.examples[locale] ?? []).filter((t) => t.trim());
      const order = shuffleInPlace(
        texts.map((_, i) => i),
        rand,
      );
      // an intent with one example cannot be left out of its own training: it is trained on, not judged
      order.forEach((i, r) => rows.push({ text: texts[i]!, intent: intent.id, fold: texts.length < 2 ? -1 : r % k }));
    }
    if (new Set(rows.map((r) => r.intent)).size < 2) continue;
    for (let f = 0; f < k; f++) {
      const held = rows.filter((r) => r.fold === f);
      if (held.length === 0) continue;
      const model = trainIntentModel(
        rows.filter((r) => r.fold !== f),
        { background: backgroundFor(locale), seed, ...options.train },
      );
      for (const r of held) {
        const d = decideIntent(rankingOf(model, r.text), options);
        const b = out.get(r.intent)!;
        b.examples++;
        if (d.kind === 'accept') {
          if (d.intent === r.intent) b.accept++;
          else b.wrong++;
        } else if (d.kind === 'clarify') b.clarify++;
        else b.noMatch++;
      }
    }
  }
  return [...out.values()].filter((b) => b.examples > 0);
}
