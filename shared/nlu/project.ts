// The project's NLU: one intent model per locale trained from nlu.yaml's examples, plus entity extraction,
// behind the engine's NluPort. And the routing decision a `listen` node makes from a ranking.

import type { IntentScore, NluPort, NluResult } from '../engine/ports';
import type { NluFile } from '../schema/project';
import { trainIntentModel, type IntentModel, type TrainIntentOptions } from './classifier';
import { extractEntities } from './entities';

export interface ProjectNluOptions {
  /** Locale used when a text's locale has no model (default: the first locale with examples). */
  defaultLocale?: string;
  /** Reference time for relative dates when a parse is given none (the turn's clock); default Date.now. */
  clock?: { now(): number };
  /** Zone dates are read in (IANA name or offset in minutes; default the host's). */
  timezone?: string | number;
  /** Classifier options (features, SVM, calibration). */
  train?: TrainIntentOptions;
}

export interface ProjectNlu extends NluPort {
  /** Locales with a trained model. */
  readonly locales: readonly string[];
  /** The model used for a locale (after falling back), or undefined when the project has no examples. */
  modelFor(locale: string): IntentModel | undefined;
}

/**
 * Trains one intent model per locale from the intents' examples and returns an NluPort. An intent with no
 * examples in a locale is not recognised in that locale. Rows of an intent with id `oos` (if the project
 * defines one) teach the model what is out of scope: it is never ranked. A locale without a model falls back
 * to its language (`en-GB` → `en`), then to the default locale.
 */
export function buildProjectNlu(nlu: NluFile, options: ProjectNluOptions = {}): ProjectNlu {
  const byLocale = new Map<string, { text: string; intent: string }[]>();
  for (const intent of nlu.intents) {
    for (const [locale, examples] of Object.entries(intent.examples)) {
      let rows = byLocale.get(locale);
      if (!rows) byLocale.set(locale, (rows = []));
      for (const text of examples) if (text.trim()) rows.push({ text, intent: intent.id });
    }
  }
  const models = new Map<string, IntentModel>();
  for (const [locale, rows] of byLocale) if (rows.length) models.set(locale, trainIntentModel(rows, options.train));
  return nluOverModels(models, nlu, options);
}

/**
 * The NluPort over intent models already trained, by locale (in training order): what buildProjectNlu returns,
 * and what an exported bundle's runtime uses with the models trained at export, so both rank alike.
 */
export function nluOverModels(models: ReadonlyMap<string, IntentModel>, nlu: NluFile, options: Omit<ProjectNluOptions, 'train'> = {}): ProjectNlu {
  const locales = [...models.keys()];
  const fallback = options.defaultLocale && models.has(options.defaultLocale) ? options.defaultLocale : locales[0];
  const entities = nlu.entities ?? [];
  const clock = options.clock ?? { now: () => Date.now() };

  const modelFor = (locale: string): IntentModel | undefined =>
    models.get(locale) ?? models.get(locale.split('-')[0]!) ?? (fallback !== undefined ? models.get(fallback) : undefined);

  return {
    locales,
    modelFor,
    parse(text: string, locale: string, turn?: { now?: number }): NluResult {
      const model = modelFor(locale);
      const ranking = model && text.trim() ? model.rank(text) : [];
      const ctx = { entities, now: turn?.now ?? clock.now(), locale, ...(options.timezone !== undefined ? { timezone: options.timezone } : {}) };
      return { ranking, entities: extractEntities(text, ctx) };
    },
  };
}

export type IntentDecision =
  { kind: 'accept'; intent: string; confidence: number } | { kind: 'clarify'; top: [IntentScore, IntentScore] } | { kind: 'no_match' };

export const DEFAULT_ACCEPT = 0.7;
export const DEFAULT_CLARIFY = 0.4;

/**
 * What a `listen` node does with a ranking (best first): accept the top intent when its confidence is at least
 * `accept` (default 0.7); ask which of the top two was meant when it is at least `clarify` (default 0.4) and
 * there is a second intent; otherwise no match.
 */
export function decideIntent(ranking: readonly IntentScore[], thresholds: { accept?: number; clarify?: number } = {}): IntentDecision {
  const accept = thresholds.accept ?? DEFAULT_ACCEPT;
  const clarify = thresholds.clarify ?? DEFAULT_CLARIFY;
  const [top, second] = ranking;
  if (!top) return { kind: 'no_match' };
  if (top.confidence >= accept) return { kind: 'accept', intent: top.intent, confidence: top.confidence };
  if (top.confidence >= clarify && second) return { kind: 'clarify', top: [top, second] };
  return { kind: 'no_match' };
}
