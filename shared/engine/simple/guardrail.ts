// The rule guardrail behind the `guardrail` node's port: the detectors of the runtime's guardrail stage
// (shared/guardrails/), so a node and guardrails.yaml judge a message alike. Each finding names its category,
// never the matched text. A node's checks and topic ids come from the project; unknown ones find nothing.
//   profanity        abuse aimed at someone, slurs and sexual language (swearing about a situation, and mild
//                    words such as "useless" or "stupid", pass: a frustrated customer is not an abusive one)
//   pii              personal data and secrets (shared/runtime/pii.ts: card, iban, uk_bank_account, uk_nino,
//                    email, phone, secret)
//   jailbreak        prompt injection and jailbreak heuristics (injection, jailbreak)
//   sensitive_topic  the node's topics (all when it names none); `abuse` is the old name of `domestic_abuse`
import { detectJailbreak } from '../../guardrails/jailbreak';
import { findProfanity } from '../../guardrails/profanity';
import { findTopics, TOPIC_IDS } from '../../guardrails/topics';
import { findPii } from '../../runtime/pii';
import type { GuardrailFinding, GuardrailPort } from '../ports';

const ALIASES: Readonly<Record<string, string>> = { abuse: 'domestic_abuse' };

export function checkText(text: string, checks: string[], topics: string[]): GuardrailFinding[] {
  const out: GuardrailFinding[] = [];
  for (const check of checks) {
    switch (check) {
      case 'profanity': {
        const cats = new Set(findProfanity(text).map((f) => f.category));
        cats.delete('swearing');
        for (const c of cats) out.push({ check, detail: c });
        break;
      }
      case 'pii':
        for (const kind of new Set(findPii(text).map((s) => s.kind))) out.push({ check, detail: kind });
        break;
      case 'jailbreak': {
        const j = detectJailbreak(text);
        if (j.flagged) out.push({ check, detail: j.kind ?? 'jailbreak' });
        break;
      }
      case 'sensitive_topic': {
        // topic ids come from the project: only the known ones count (not `constructor` and the like)
        const wanted = topics.length ? topics.map((t) => (Object.hasOwn(ALIASES, t) ? (ALIASES[t] as string) : t)) : [...TOPIC_IDS];
        for (const t of findTopics(text, wanted)) out.push({ check, detail: t });
        break;
      }
    }
  }
  return out;
}

export const ruleGuardrail: GuardrailPort = { check: checkText };
