// The NLU of a bundle: the intent models trained at export (nlu/models.json) behind the same NluPort the studio
// builds with buildProjectNlu, so the runtime ranks intents exactly as the studio did and never trains.
import type { NluResult } from '../engine/ports';
import { extractEntities } from '../nlu/entities';
import type { ProjectNlu } from '../nlu/project';
import type { IntentModel } from '../nlu/classifier';
import type { NluFile } from '../schema/project';

/**
 * An NluPort over trained models, in training order. Like buildProjectNlu: a locale without a model falls back to
 * its language (`en-GB` → `en`), then to the first model; entities are extracted with the project's entities.
 */
export function nluFromModels(models: readonly { locale: string; model: IntentModel }[], nlu: NluFile): ProjectNlu {
  const byLocale = new Map(models.map((m) => [m.locale, m.model]));
  const locales = models.map((m) => m.locale);
  const fallback = locales[0];
  const entities = nlu.entities ?? [];
  const modelFor = (locale: string): IntentModel | undefined =>
    byLocale.get(locale) ?? byLocale.get(locale.split('-')[0]!) ?? (fallback !== undefined ? byLocale.get(fallback) : undefined);
  return {
    locales,
    modelFor,
    parse(text: string, locale: string, turn?: { now?: number }): NluResult {
      const model = modelFor(locale);
      const ranking = model && text.trim() ? model.rank(text) : [];
      return { ranking, entities: extractEntities(text, { entities, now: turn?.now ?? Date.now(), locale }) };
    },
  };
}
