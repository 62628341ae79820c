// A rule-based guardrail for the `guardrail` node: word lists and patterns, no network. It is deliberately
// simple and explainable (each finding names its category, never the matched secret); a later service can
// put a classifier behind the same port. The patterns are Parley's own constants, not project text (a project
// names checks and topic ids only), so they stay JavaScript RegExps; project patterns go through util/regex.ts.
import type { GuardrailFinding, GuardrailPort } from '../ports';

const PROFANITY =
  /\b(fuck\w*|shit\w*|bitch\w*|bastard\w*|asshole\w*|dickhead\w*|cunt\w*|crap|damn|idiot\w*|stupid|useless|moron\w*|mierda|joder|cabr[oó]n|gilipollas|idiota)\b/i;

const PII: [string, RegExp][] = [
  ['card_number', /\b(?:\d[ -]?){13,19}\b/],
  ['us_ssn', /\b\d{3}-\d{2}-\d{4}\b/],
  ['pin', /\bpin\b[^\d]{0,12}\d{4,6}\b/i],
  ['password', /\b(password|passcode|contraseña)\b\s*(is|:|=|es)\s*\S+/i],
];

const JAILBREAK =
  /\b(ignore (all |any |the )?(previous|prior|above) (instructions|rules)|disregard (your|the) (instructions|rules)|system prompt|developer mode|you are now (dan|an? unrestricted)|jailbreak|pretend (you are|to be) (not )?an? ai|act as (my )?(grandma|an? unfiltered))/i;

export const TOPICS: Record<string, RegExp> = {
  self_harm: /\b(kill myself|suicid\w*|end my life|self[- ]harm|hurt myself|don'?t want to (live|be alive)|no reason to live)\b/i,
  bereavement: /\b(passed away|died|death of|funeral|bereave\w*|deceased|lost my (wife|husband|mother|father|mom|dad|son|daughter|partner))\b/i,
  financial_hardship:
    /\b(can'?t afford|cannot afford|can'?t pay|cannot pay|lost my job|unemployed|behind on (my )?(payments|bills|rent|mortgage)|struggling (to pay|financially)|bankrupt\w*|debt collectors?|evict\w*)\b/i,
  abuse: /\b(domestic (abuse|violence)|abusive (partner|husband|wife)|controls? my money|financial abuse)\b/i,
  gambling: /\b(gambling|betting|casino) (problem|addiction|debts?)\b/i,
};

export function checkText(text: string, checks: string[], topics: string[]): GuardrailFinding[] {
  const out: GuardrailFinding[] = [];
  for (const check of checks) {
    switch (check) {
      case 'profanity':
        if (PROFANITY.test(text)) out.push({ check, detail: 'abusive language' });
        break;
      case 'pii':
        for (const [kind, re] of PII) if (re.test(text)) out.push({ check, detail: kind });
        break;
      case 'jailbreak':
        if (JAILBREAK.test(text)) out.push({ check, detail: 'instruction override attempt' });
        break;
      case 'sensitive_topic':
        // topic ids come from the project: look up own entries only (not `constructor` and the like)
        for (const t of topics.length ? topics : Object.keys(TOPICS)) if (Object.hasOwn(TOPICS, t) && TOPICS[t]?.test(text)) out.push({ check, detail: t });
        break;
    }
  }
  return out;
}

export const ruleGuardrail: GuardrailPort = { check: checkText };
