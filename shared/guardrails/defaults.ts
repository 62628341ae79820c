// The guardrail rules a project without guardrails.yaml gets (rules.ts applies them). Data only, in a module of
// its own: the studio's guardrails panel shows them at open without loading the detectors.
import type { LocalizedText } from '../schema/common';
import type { GuardrailsFile } from '../schema/guardrails';

const msg = (en: string, es: string): LocalizedText => ({ en, es });

/** What a project without guardrails.yaml gets: what any bank would want, and nothing that needs its flows. */
export const DEFAULT_GUARDRAILS: GuardrailsFile = {
  rules: [
    {
      id: 'jailbreak',
      description: 'Attempts to change how the assistant works or to read its instructions are refused; the flow never sees them.',
      detector: 'jailbreak',
      action: 'block',
      message: msg(
        "I can't change how I work or share how I'm set up. I'm happy to help with your accounts, cards and payments.",
        'No puedo cambiar mi forma de trabajar ni compartir cómo estoy configurado. Con gusto te ayudo con tus cuentas, tarjetas y pagos.',
      ),
    },
    {
      id: 'abuse',
      description: 'Abuse aimed at the assistant or staff, threats and slurs. Frustration and mild words ("useless", "stupid") pass.',
      detector: 'profanity',
      categories: ['abuse', 'slur'],
      action: 'block',
      message: msg(
        "I'm here to help, but I can't continue with messages like that. Please tell me what you need help with.",
        'Estoy aquí para ayudarte, pero no puedo seguir con mensajes así. Por favor, dime en qué puedo ayudarte.',
      ),
    },
    {
      id: 'secrets',
      description: 'A PIN or password typed in the chat is never used or kept.',
      detector: 'pii',
      categories: ['secret'],
      action: 'block',
      message: msg(
        "For your security, please never share your PIN or password, not even with me. I haven't kept it. If you think someone else knows it, change it in the app.",
        'Por tu seguridad, no compartas nunca tu PIN ni tu contraseña, tampoco conmigo. No lo he guardado. Si crees que alguien más lo conoce, cámbialo en la app.',
      ),
    },
    {
      id: 'personal_data',
      description:
        'Card numbers, IBANs, UK account numbers, National Insurance numbers, emails and phone numbers are replaced by markers in what is stored and what the model reads.',
      detector: 'pii',
      categories: ['card', 'iban', 'uk_bank_account', 'uk_nino', 'email', 'phone'],
      direction: 'both',
      action: 'redact',
    },
    {
      id: 'self_harm',
      description: 'A customer at risk is put through to a person at once.',
      detector: 'sensitive_topic',
      categories: ['self_harm'],
      action: 'escalate',
      interrupts: true,
      message: msg(
        "I'm really sorry you're feeling this way. You don't have to deal with this alone. I'm bringing in a person from our team now. If you're in immediate danger, please call your local emergency number.",
        'Siento mucho que te sientas así. No tienes que pasar por esto solo. Te pongo ahora en contacto con una persona de nuestro equipo. Si estás en peligro inmediato, llama al número de emergencias de tu país.',
      ),
    },
    {
      id: 'bot_language',
      description: 'Nothing the bot says (a model reply included) carries profanity.',
      detector: 'profanity',
      direction: 'output',
      action: 'block',
      message: msg(
        'Sorry, I can’t help with that. Is there anything else I can do for you?',
        'Lo siento, no puedo ayudarte con eso. ¿Puedo ayudarte con algo más?',
      ),
    },
  ],
};
