// What the engine itself says when the flow does not (built-in clarification, re-prompts, errors), per locale.
// Designers override each of these by wiring the corresponding exit to their own node.

export interface BuiltinCopy {
  clarify: (a: string, b: string) => string;
  noneOfThese: string;
  didNotUnderstand: string;
  chooseOption: string;
  somethingWrong: string;
  loop: string;
  escalating: string;
  noAgents: string;
  back: string;
  /** A form: asks before abandoning it, or before leaving it for what an intent starts. */
  formAbandon: (form: string) => string;
  formSwitch: (form: string, to: string) => string;
  formContinue: string;
  /** A form: the customer corrected an earlier answer. */
  changed: string;
  yes: string;
  no: string;
}

const COPY: Record<'en' | 'es', BuiltinCopy> = {
  en: {
    clarify: (a: string, b: string) => `Sorry, did you mean "${a}" or "${b}"?`,
    noneOfThese: 'Neither',
    didNotUnderstand: "Sorry, I didn't understand that. Could you put it another way?",
    chooseOption: 'Please choose one of the options.',
    somethingWrong: "Sorry, something went wrong on my side. Let's carry on.",
    loop: "Sorry, I got stuck. Let's try that again.",
    escalating: "I'm having trouble understanding, so I'm bringing in a member of our team.",
    noAgents: 'No one from our team is available right now. Please try again later.',
    back: 'Now, back to where we were.',
    formAbandon: (form: string) => `Do you want to stop ${form}?`,
    formSwitch: (form: string, to: string) => `Do you want to stop ${form} and go to "${to}" instead?`,
    formContinue: "Okay, let's carry on.",
    changed: "Okay, I've changed that.",
    yes: 'Yes',
    no: 'No',
  },
  es: {
    clarify: (a: string, b: string) => `Perdona, ¿te refieres a "${a}" o a "${b}"?`,
    noneOfThese: 'Ninguna',
    didNotUnderstand: 'Perdona, no te he entendido. ¿Puedes decirlo de otra forma?',
    chooseOption: 'Por favor, elige una de las opciones.',
    somethingWrong: 'Perdona, algo ha fallado por mi parte. Sigamos.',
    loop: 'Perdona, me he atascado. Intentémoslo de nuevo.',
    escalating: 'Me está costando entenderte, así que te paso con una persona de nuestro equipo.',
    noAgents: 'Ahora mismo no hay nadie disponible de nuestro equipo. Inténtalo más tarde.',
    back: 'Volvamos a lo que estábamos haciendo.',
    formAbandon: (form: string) => `¿Quieres dejar ${form}?`,
    formSwitch: (form: string, to: string) => `¿Quieres dejar ${form} e ir a "${to}"?`,
    formContinue: 'Muy bien, sigamos.',
    changed: 'De acuerdo, lo he cambiado.',
    yes: 'Sí',
    no: 'No',
  },
};

export function builtinCopy(locale: string): BuiltinCopy {
  const lang = locale.split('-')[0] as keyof typeof COPY;
  return (COPY as Record<string, BuiltinCopy | undefined>)[lang] ?? COPY.en;
}

/** `card_lost` → `Card lost`: a readable name for an intent that has no description. */
export const humanize = (id: string): string => {
  const s = id.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};
