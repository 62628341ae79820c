// The engine's own lines (shared/schema/builtinCopy.ts) as it says them when the project does not word them:
// templates per language, whose placeholders (`{{first}}`) are filled when the line is said. Designers replace
// them in parley.yaml (`builtinCopy`) or on a node, or take the exit that avoids them (a listen node's
// `lowConfidence` and `noMatch`, a question's `reprompt`).
import type { BuiltinKey } from '../schema/builtinCopy';
import type { LocalizedText } from '../schema/common';

const DEFAULTS: Record<'en' | 'es', Record<BuiltinKey, string>> = {
  en: {
    clarify: 'Sorry, did you mean "{{first}}" or "{{second}}"?',
    noneOfThese: 'Neither',
    didNotUnderstand: "Sorry, I didn't understand that. Could you put it another way?",
    chooseOption: 'Please choose one of the options.',
    somethingWrong: "Sorry, something went wrong on my side. Let's carry on.",
    loop: "Sorry, I got stuck. Let's try that again.",
    escalating: "I'm having trouble understanding, so I'm bringing in a member of our team.",
    noAgents: 'No one from our team is available right now. Please try again later.',
    back: 'Now, back to where we were.',
    formAbandon: 'Do you want to stop {{form}}?',
    formSwitch: 'Do you want to stop {{form}} and go to "{{to}}" instead?',
    formContinue: "Okay, let's carry on.",
    changed: "Okay, I've changed that.",
    yes: 'Yes',
    no: 'No',
    closed: 'Our team is closed right now.',
    closedUntil: 'Our team is closed right now. We open again {{opensAt}}.',
    recorded: "I've passed your request on, so the team can pick it up when they're back.",
    notRecorded: "I couldn't pass your request on just now, so please get in touch again when we're open.",
  },
  es: {
    clarify: 'Perdona, ¿te refieres a "{{first}}" o a "{{second}}"?',
    noneOfThese: 'Ninguna',
    didNotUnderstand: 'Perdona, no te he entendido. ¿Puedes decirlo de otra forma?',
    chooseOption: 'Por favor, elige una de las opciones.',
    somethingWrong: 'Perdona, algo ha fallado por mi parte. Sigamos.',
    loop: 'Perdona, me he atascado. Intentémoslo de nuevo.',
    escalating: 'Me está costando entenderte, así que te paso con una persona de nuestro equipo.',
    noAgents: 'Ahora mismo no hay nadie disponible de nuestro equipo. Inténtalo más tarde.',
    back: 'Volvamos a lo que estábamos haciendo.',
    formAbandon: '¿Quieres dejar {{form}}?',
    formSwitch: '¿Quieres dejar {{form}} e ir a "{{to}}"?',
    formContinue: 'Muy bien, sigamos.',
    changed: 'De acuerdo, lo he cambiado.',
    yes: 'Sí',
    no: 'No',
    closed: 'Nuestro equipo no está disponible ahora.',
    closedUntil: 'Nuestro equipo no está disponible ahora. Volvemos a abrir el {{opensAt}}.',
    recorded: 'He pasado tu solicitud al equipo para que la retome cuando vuelva.',
    notRecorded: 'No he podido pasar tu solicitud ahora mismo; por favor, vuelve a contactarnos cuando estemos abiertos.',
  },
};

/** The engine's wording of a line in a locale (its language's, else English). */
export function defaultLine(key: BuiltinKey, locale: string): string {
  const lang = locale.split('-')[0] as keyof typeof DEFAULTS;
  return ((DEFAULTS as Record<string, Record<BuiltinKey, string> | undefined>)[lang] ?? DEFAULTS.en)[key];
}

/** Whether the engine has its own wording in the locale's language. */
export const hasDefaultLines = (locale: string): boolean => Object.hasOwn(DEFAULTS, locale.split('-')[0] ?? '');

/** Every line in the engine's wording, in the languages it has: what `parley init` writes into parley.yaml. */
export function defaultBuiltinCopy(locales: readonly string[]): Record<BuiltinKey, LocalizedText> {
  const out = {} as Record<BuiltinKey, LocalizedText>;
  for (const key of Object.keys(DEFAULTS.en) as BuiltinKey[]) out[key] = Object.fromEntries(locales.map((l) => [l, defaultLine(key, l)]));
  return out;
}

/** `card_lost` → `Card lost`: a readable name for an intent that has no description. */
export const humanize = (id: string): string => {
  const s = id.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};
