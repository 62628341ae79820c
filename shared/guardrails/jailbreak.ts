// Prompt injection and jailbreak heuristics, English and Spanish: several signals, each with a weight, and a
// message is flagged when their sum reaches 1. A strong signal (an order to ignore the instructions, a named
// jailbreak persona, a request for the system prompt, a forged role or delimiter) is enough alone; weaker ones
// (role play, "no restrictions", an authority claim, "hypothetically", an encoded payload) need company, so a
// customer who asks the bank to "act as guarantor" or says "pretend I'm a new customer" is left alone.
//
// `injection` signals try to take over the instructions (override, exfiltration, forged delimiters);
// `jailbreak` signals try to change what the bot is (personas, role play, bypassing its rules).
// Parley's own constants, so JavaScript RegExps, run on the folded text (lower case, no accents).
import { fold } from './profanity';

export type JailbreakKind = 'injection' | 'jailbreak';

export interface JailbreakSignal {
  id: string;
  kind: JailbreakKind;
  weight: number;
  re: RegExp;
}

export interface JailbreakResult {
  /** Sum of the weights of the signals that fired. */
  score: number;
  flagged: boolean;
  /** The kind with the most weight (ties: injection). */
  kind?: JailbreakKind;
  /** The signals that fired, by id. */
  signals: string[];
}

const INSTRUCTIONS = String.raw`(?:instructions?|rules|guidelines|directives|prompts?|programming|constraints|guardrails|restrictions|system message)`;
const INSTRUCCIONES = String.raw`(?:instrucciones|reglas|normas|directrices|indicaciones|ordenes|prompt|programacion|restricciones|politicas|mensaje del sistema)`;

export const SIGNALS: readonly JailbreakSignal[] = [
  // ---- injection: take over the instructions
  {
    id: 'override',
    kind: 'injection',
    weight: 1,
    re: new RegExp(
      String.raw`\b(?:ignore|disregard|forget|override|bypass|set aside|stop following)\b[^.!?\n]{0,40}\b(?:previous|prior|above|earlier|preceding|initial|original|all|any|your|the|these|those|system|old)\b[^.!?\n]{0,25}\b${INSTRUCTIONS}`,
    ),
  },
  {
    id: 'override_es',
    kind: 'injection',
    weight: 1,
    re: new RegExp(
      String.raw`\b(?:ignora|ignore|ignorad|olvida|olvide|olvidad|descarta|omite|anula|deja de seguir|no sigas|no hagas caso (?:a|de))\b[^.!?\n]{0,40}${INSTRUCCIONES}`,
    ),
  },
  {
    id: 'new_instructions',
    kind: 'injection',
    weight: 1,
    re: /\b(?:your|the)\s+new\s+(?:instructions|rules|task|role|objective|purpose)\s+(?:is|are)\b|\bnew\s+(?:system\s+)?instructions\s*:|\b(?:tus|las)\s+nuevas\s+(?:instrucciones|reglas|ordenes)\s+son\b|\bnuevas\s+instrucciones\s*:/,
  },
  {
    id: 'exfiltrate',
    kind: 'injection',
    weight: 1,
    re: /\b(?:reveal|show|print|repeat|display|output|tell|give|share|leak|dump|recite|write out|what (?:is|are|was|were))\b[^.!?\n]{0,30}\b(?:system prompt|initial prompt|hidden prompt|original prompt|your prompt|the prompt|your instructions|your (?:hidden|secret|internal|original) (?:rules|guidelines|configuration|instructions)|instructions (?:you were|above|before)|everything above|the text above|words above|hidden text|secret text|internal (?:rules|instructions)|guidelines in full|text that (?:configures|controls|defines) you|(?:your )?configuration)\b/,
  },
  {
    id: 'exfiltrate_es',
    kind: 'injection',
    weight: 1,
    re: /\b(?:revela|revelame|muestra|muestrame|ensename|dime|repite|imprime|escribe|copia|cuales son|cual es)\b[^.!?\n]{0,30}(?:prompt del sistema|prompt de sistema|mensaje del sistema|prompt inicial|instrucciones (?:del sistema|iniciales|ocultas|originales|internas)|tus instrucciones|tus reglas|tu configuracion|tu prompt)|\b(?:olvidate|olvida|olvidad|ignora)\s+(?:de\s+)?(?:tu|su|vuestra)\s+(?:configuracion|programacion)\b/,
  },
  {
    id: 'forged_role',
    kind: 'injection',
    weight: 1,
    re: /(?:^|\n)\s*(?:system|assistant|developer|sistema)\s*:|<\|?(?:im_start|im_end|system|endoftext)\|?>|\[\/?(?:inst|system|sys)\]|<<\/?sys>>|<\/?(?:system|instructions?|conversation_data)>|#{2,}\s*(?:system|instruction|new instructions)|\bend\s+of\s+(?:the\s+)?(?:customer|user)\s+(?:message|input)\b|\b(?:bank\s+)?staff\s+note\s*:|\bnote\s+to\s+(?:the\s+)?(?:assistant|ai|model|bot)\s*:|\bmessage\s+from\s+(?:the\s+)?(?:\w+\s+)?(?:it|dev|developer|security|admin)\s+team\b|\bend of (?:system )?(?:prompt|instructions)\b|```\s*system/,
  },
  {
    id: 'rule_change',
    kind: 'injection',
    weight: 1,
    re: /\b(?:your|the)\s+(?:instructions|rules|settings|configuration|guidelines)\s+(?:are|is|have\s+been)\s+(?:outdated|obsolete|cancelled|canceled|void|superseded|revoked|no\s+longer\s+valid)\b|\byou\s+(?:now\s+)?work\s+for\s+me\b|\bnew\s+(?:rules?|instructions?|policy)\s+(?:for|in)\s+this\s+(?:chat|conversation|session)\b|\boverrid(?:e|ing)\s+your\s+(?:settings|instructions|rules|configuration|programming|guidelines)\b|\bnuevas?\s+(?:reglas?|instrucciones)\s+para\s+(?:este|esta)\s+(?:chat|conversacion)\b/,
  },
  {
    id: 'priority_claim',
    kind: 'injection',
    weight: 0.5,
    re: /\b(?:this (?:instruction|message) (?:overrides|supersedes|takes priority)|highest priority|priority override|admin override|override code|maintenance mode|debug mode|god mode|sudo)\b|\b(?:modo (?:depuracion|mantenimiento|administrador|dios)|maxima prioridad)\b/,
  },
  {
    id: 'authority',
    kind: 'injection',
    weight: 0.5,
    re: /\bi(?:'m| am)\s+(?:your|the|an?)\s+(?:developer|creator|admin|administrator|programmer|engineer who built you|owner|system administrator)\b|\bas\s+(?:your|the|an?)\s+(?:developer|creator|admin|administrator|system administrator)\b|\b(?:openai|anthropic)\s+(?:here|staff|employee|team)\b|\bsoy (?:tu|el|un|una) (?:desarrollador|desarrolladora|creador|creadora|administrador|administradora|programador|programadora)\b/,
  },
  {
    id: 'encoded',
    kind: 'injection',
    weight: 0.5,
    re: /\b(?:decode|base64|rot13|hex[- ]encoded|in reverse|backwards)\b[^\n]{0,40}|\b(?:decodifica|descodifica|base64|al reves)\b|[A-Za-z0-9+/]{40,}={0,2}/,
  },
  // ---- jailbreak: change what the bot is
  {
    id: 'persona',
    kind: 'jailbreak',
    weight: 1,
    re: /\b(?:dan|stan|mongo tom|evil ?bot|betterdan|anti-?gpt|devmode|jailbroken)\b(?=[^\n]{0,80}\b(?:mode|prompt|stands for|do anything|character|persona|restrictions|jailbr\w*|no rules|unrestricted|ai|model|chatgpt)\b)|\b(?:you are|you're|act as|become|now)\s+(?:dan|stan|betterdan)\b|\b(?:as|like)\s+(?:dan|stan|dude)\s+would\b|\bdo anything now\b|\bjailbreak\b|\b(?:modo dan|haz cualquier cosa ahora)\b/,
  },
  {
    id: 'developer_mode',
    kind: 'jailbreak',
    weight: 1,
    re: /\b(?:developer|dev|unrestricted|unfiltered|uncensored|opposite|evil|unlocked|god)\s+mode\b|\bmodo (?:desarrollador|sin (?:restricciones|filtros|censura)|sin limites|malvado|libre)\b/,
  },
  {
    id: 'you_are_now',
    kind: 'jailbreak',
    weight: 1,
    re: /\b(?:you are|you're|youre)\s+(?:now|no longer|from now on|henceforth)\s+(?:a|an|the|my|called|named|free|in|going to be|unrestricted|bound|limited|restricted|chatgpt|claude|gpt|dan|[a-z]+gpt)\b|\bfrom (?:now|this message|this point|here) on,?\s+(?:you|your)\s+(?:will|are|must|shall|act|respond|answer|reply|speak|only|name|role|work)\b|\b(?:a partir de ahora|desde ahora)(?:,)?\s+(?:eres|seras|vas a ser|actuaras|responderas|te llamas|tu nombre es)|\bya no eres\b/,
  },
  {
    id: 'no_limits',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:no|without|free of|free from|zero)\s+(?:restrictions|limits|limitations|filters|filtering|censorship|rules|guidelines|ethics|morals|boundaries|safeguards|content polic(?:y|ies))\b|\b(?:unrestricted|unfiltered|uncensored|amoral|unethical)\b|\bnot bound by\b|\bbroken free\b|\b(?:sin (?:restricciones|limites|limitaciones|filtros|censura|reglas|normas|etica|moral)|sin ningun (?:tipo de )?(?:limite|filtro|restriccion))\b/,
  },
  {
    id: 'role_play',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:pretend|imagine)\s+(?:that\s+)?(?:you(?:'re| are)?|to be|you were)\b|\b(?:act|behave|respond|answer|talk|speak)\s+(?:as|like)\s+(?:if\s+you|an?\s+(?:ai|assistant|chatbot|bot|character|evil|rogue|hacker|unrestricted|different)|my\s+(?:grandma|grandmother|deceased)|dan)\b|\brole-?play\b|\bplay the role\b|\bsimulate\s+(?:an?|being)\b|\b(?:finge|fingir|imagina|haz como si|actua como|comportate como|responde como|interpreta el papel|juego de rol|actues como|actuar como|quiero que actues)\b/,
  },
  {
    id: 'persona_definition',
    kind: 'jailbreak',
    weight: 1,
    re: /\b(?:you are|you're|youre)\s+(?:now\s+)?[a-z][\w-]{1,30},\s+(?:an?|the)\s+(?:\w+\s+){0,2}(?:ai|assistant|chatbot|bot|model|language model)\b|\bpretend\s+(?:that\s+)?you(?:'re| are)\s+my\s+(?:late|dead|deceased)\s+\w+|\bfinge que eres mi (?:difunt[oa]|abuel[oa] muert[oa])/,
  },
  {
    id: 'identity_change',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:you are|you're|youre)\s+no\s+longer\s+(?!\w+ing\b)\w+|\b(?:let'?s|we(?:'re| are) going to)\s+play\s+a\s+game\b|\bthis\s+is\s+(?:just\s+)?a\s+game\b|\bplay\s+(?:a|the)\s+character\b|\b(?:vamos|juguemos)\s+a\s+jugar\b|\beres\s+un\s+(?:asistente|bot|banco)\s+(?:malvado|sin\s+\w+|libre)\b|\b(?:juguemos a un juego|vamos a jugar a un juego)\b/,
  },
  {
    id: 'stay_in_character',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:stay|remain|keep)\s+in\s+(?:character|role)\b|\bbreak(?:ing)?\s+character\b|\b(?:no salgas del personaje|sigue en tu papel|mantente en el personaje)\b/,
  },
  {
    id: 'rules_disowned',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:doesn'?t|does not|don'?t|do not|wouldn'?t|won'?t)\s+(?:care\s+about|follow|have|need|obey)\s+(?:any\s+)?(?:the\s+)?(?:bank\s+)?(?:rules|policy|policies|restrictions|guidelines|limits|ethics)\b|\bwith\s+no\s+(?:rules|restrictions|limits|filters|checks)\b|\bno\s+consequences\b|\bnothing\s+is\s+off[- ]limits\b|\bsin\s+consecuencias\b|\bsin\s+(?:tener\s+)?(?:ningun|ninguna)\s+(?:restriccion|limite|filtro|regla|norma)\b|\bno\s+tuvieras\s+(?:ningun|ninguna|reglas|normas|restricciones|limites)\b/,
  },
  {
    id: 'story_frame',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:write|tell|give)\s+(?:me\s+)?a\s+(?:story|scene|script|poem|dialogue)\s+(?:where|in\s+which|about\s+(?:a|an)\s+(?:ai|bot|chatbot|assistant))\b|\b(?:escribe|cuentame)\s+una\s+(?:historia|escena)\s+(?:donde|en\s+la\s+que)\b/,
  },
  {
    id: 'hypothetical',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:hypothetically|in a hypothetical|purely fictional|for a (?:story|novel|movie|game)|for educational purposes|for research purposes|in a fictional world|just a thought experiment)\b|\b(?:hipoteticamente|en un mundo ficticio|con fines educativos|para una novela|para una historia)\b/,
  },
  {
    id: 'two_answers',
    kind: 'jailbreak',
    weight: 1,
    re: /\b(?:two|2|both|dual)\s+(?:responses|answers|replies|ways)\b[^\n]{0,60}\b(?:normal|classic|filtered|unfiltered|jailbroken|dan|developer)\b|\[(?:classic|jailbreak|lockclassic|🔒classic|🔓jailbreak)\]/,
  },
  {
    id: 'policy_bypass',
    kind: 'jailbreak',
    weight: 0.5,
    re: /\b(?:bypass|disable|turn off|switch off|deactivate|get around|circumvent|break)\s+(?:your|the|all|any)?\s*(?:safety|security|filters?|guardrails?|restrictions|content polic(?:y|ies)|moderation|safeguards)\b|\b(?:you (?:must|have to|will) (?:always )?(?:answer|comply|obey)|never refuse|you can(?:no|')t refuse|cannot refuse|without refusing)\b|\b(?:desactiva|salta(?:te)?|evita|elude)\s+(?:tus|los|las)?\s*(?:filtros|restricciones|normas de seguridad|medidas de seguridad)|\b(?:no puedes negarte|debes obedecer|obedece(?:me)?|nunca te niegues)\b/,
  },
];

/** The signals in `text` and whether their weights reach `threshold` (default 1). */
export function detectJailbreak(text: string, threshold = 1): JailbreakResult {
  const folded = fold(text);
  const fired = SIGNALS.filter((s) => s.re.test(folded));
  const score = fired.reduce((n, s) => n + s.weight, 0);
  const by = (k: JailbreakKind) => fired.filter((s) => s.kind === k).reduce((n, s) => n + s.weight, 0);
  const flagged = score >= threshold;
  return {
    score,
    flagged,
    ...(fired.length ? { kind: by('jailbreak') > by('injection') ? 'jailbreak' : 'injection' } : {}),
    signals: fired.map((s) => s.id),
  };
}
