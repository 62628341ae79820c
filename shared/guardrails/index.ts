// Guardrails: detectors (profanity, personal data, prompt injection and jailbreaks, sensitive topics), the
// project's rules (guardrails.yaml, shared/schema/guardrails.ts) and the copy lint's profanity check. The turn
// runner (shared/runtime/turnRunner.ts) applies them to every message in and out.
export { findBankIds, ibanValid } from './bankIds';
export { classifierRequest, classifyWithLlm, CLASSIFIER_AT } from './classifier';
export { detectJailbreak, SIGNALS, type JailbreakResult } from './jailbreak';
export { copyLintProfanity, DEFAULT_ALLOW, findProfanity, type ProfanityCategory, type ProfanityFinding } from './profanity';
export { compileGuardrails, DEFAULT_GUARDRAILS, ruleMessage, type Direction, type Guardrails, type RuleHit, type Screened } from './rules';
export { findTopics, TOPIC_IDS, type TopicId } from './topics';
