// The project's NLU: one intent model per locale trained from nlu.yaml's examples, plus entity extraction,
// behind the engine's NluPort; the routing decision a `listen` node makes from a ranking is decide.ts's, re-exported.

import type { NluPort, NluResult } from '../engine/ports';
import type { NluFile } from '../schema/project';
import { trainIntentModel, type IntentModel, type TrainIntentOptions } from './classifier';
import { backgroundFor } from './data/background';
import { rankingOf } from './decide';
import { extractEntities } from './entities';

export { decideIntent, OUT_OF_SCOPE } from './decide';

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
 * defines one) and generic sentences in the locale's language (data/background.ts: Spanish for `es*`, English
 * otherwise) teach the model what is out of scope. A locale without a model falls back to its language
 * (`en-GB` → `en`), then to the default locale.
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
  for (const [locale, rows] of byLocale) {
    if (rows.length) models.set(locale, trainIntentModel(rows, { background: backgroundFor(locale), ...options.train }));
  }
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
      const ranking = model && text.trim() ? rankingOf(model, text) : [];
      const ctx = { entities, now: turn?.now ?? clock.now(), locale, ...(options.timezone !== undefined ? { timezone: options.timezone } : {}) };
      return { ranking, entities: extractEntities(text, ctx) };
    },
  };
}
