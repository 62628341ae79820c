// The copy deck of a bundle: every line the bot can say in one locale, keyed by the copy id engine outputs
// carry (`flow/node`, `flow/node@<variant>`, `flow/node.reprompt`, `flow/node.validation.message`,
// `flow/node.buttons.<id>.label`, `globals/<id>`), plus the engine's own lines under `builtin/<name>`. A line missing in the locale is the one
// the engine would say instead (the default locale's, else the first).
import { defaultLine, hasDefaultLines } from '../engine/copy';
import { BUILTIN_KEYS } from '../schema/builtinCopy';
import { copyIdOf, forEachCopy } from '../project/copy';
import type { ProjectModel } from '../project/validate';
import type { LocalizedText } from '../schema/common';

export type CopyDeck = Record<string, string | string[]>;

export function copyDeck(model: ProjectModel, locale: string): CopyDeck {
  const deck: CopyDeck = {};
  const pick = (text: LocalizedText): string | string[] => {
    const v = text[locale] ?? text[model.manifest.defaultLocale] ?? Object.values(text)[0] ?? '';
    return typeof v === 'string' ? v : [...v];
  };
  for (const g of model.manifest.globals ?? []) if (g.say) deck[`globals/${g.id}`] = pick(g.say);
  for (const [flowId, flow] of Object.entries(model.flows)) {
    for (const node of flow.nodes) forEachCopy(node, (path, text) => (deck[copyIdOf(flowId, node, path)] = pick(text)));
  }
  // the engine's own lines, as the project words them, else as the engine does (placeholders left as {{name}})
  for (const key of BUILTIN_KEYS) {
    const own = model.manifest.builtinCopy?.[key];
    deck[`builtin/${key}`] = own && (own[locale] !== undefined || !hasDefaultLines(locale)) ? pick(own) : defaultLine(key, locale);
  }
  return deck;
}
