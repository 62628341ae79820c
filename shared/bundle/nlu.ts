// The NLU of a bundle: the intent models trained at export (nlu/models.json) behind the same NluPort the studio
// builds with buildProjectNlu (nluOverModels), so the runtime ranks intents exactly as the studio did and never trains.
import type { IntentModel } from '../nlu/classifier';
import { nluOverModels, type ProjectNlu } from '../nlu/project';
import type { NluFile } from '../schema/project';

/** An NluPort over trained models, in training order (the fallbacks of buildProjectNlu: language, then the first). */
export function nluFromModels(models: readonly { locale: string; model: IntentModel }[], nlu: NluFile): ProjectNlu {
  return nluOverModels(new Map(models.map((m) => [m.locale, m.model])), nlu);
}
