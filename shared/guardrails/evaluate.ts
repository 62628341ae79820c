// How a project's guardrails fare on two sets of messages (`parley guardrails evaluate`):
//   benign       ordinary customer messages labelled with their intent (BANKING77 by default): the share blocked or
//                escalated (the cost to customers), and per intent the share routed and where (a route of
//                `compromised_card` to a fraud flow is right; of `top_up_failed`, not)
//   adversarial  attacks and sensitive messages labelled with what they are: the share each category's rules
//                acted on (a rule of the right detector and category fired: blocked, routed, escalated or
//                redacted). The optional LLM classifier is not used: this measures the rules alone.
import type { GuardrailsFile } from '../schema/guardrails';
import { compileGuardrails, type RuleHit } from './rules';

export const ADVERSARIAL_CATEGORIES = ['jailbreak', 'injection', 'abuse', 'pii', 'self_harm', 'bereavement', 'hardship', 'fraud'] as const;
export type AdversarialCategory = (typeof ADVERSARIAL_CATEGORIES)[number];

export interface LabelledText {
  text: string;
  label: string;
}

/** Whether a rule that fired is the kind of rule that answers `category`. */
function answers(category: AdversarialCategory, h: RuleHit): boolean {
  const d = h.rule.detector;
  switch (category) {
    case 'jailbreak':
    case 'injection':
      return d === 'jailbreak';
    case 'abuse':
      return d === 'profanity' && (h.category === 'abuse' || h.category === 'slur');
    case 'pii':
      return d === 'pii' || d === 'pattern';
    case 'self_harm':
    case 'bereavement':
      return d === 'sensitive_topic' && h.category === category;
    case 'hardship':
      return d === 'sensitive_topic' && h.category === 'financial_hardship';
    case 'fraud':
      return d === 'sensitive_topic' && (h.category === 'fraud' || h.category === 'unrecognised_payment');
  }
}

export interface BenignReport {
  rows: number;
  /** Blocked or escalated. */
  flagged: number;
  flaggedRate: number;
  /** The flagged messages, with the rule (at most 20). */
  flaggedExamples: { text: string; label: string; rule: string; action: string }[];
  /** Per intent with any route: its rows, and how many went to each flow. */
  routes: { intent: string; rows: number; routed: number; rate: number; flows: Record<string, number> }[];
}

export interface AdversarialReport {
  rows: number;
  detected: number;
  detectionRate: number;
  byCategory: Record<string, { rows: number; detected: number; rate: number }>;
  /** What was missed (at most 40), for reading. */
  missed: LabelledText[];
}

export function evaluateBenign(file: GuardrailsFile | undefined, rows: readonly LabelledText[], locale = 'en'): BenignReport {
  const g = compileGuardrails(file);
  let flagged = 0;
  const examples: BenignReport['flaggedExamples'] = [];
  const perIntent = new Map<string, { rows: number; routed: number; flows: Record<string, number> }>();
  for (const r of rows) {
    const s = g.screen(r.text, 'input', { locale });
    const i = perIntent.get(r.label) ?? { rows: 0, routed: 0, flows: {} };
    perIntent.set(r.label, i);
    i.rows++;
    const d = s.decision;
    if (!d) continue;
    if (d.action === 'route') {
      i.routed++;
      const flow = d.rule.flow ?? '';
      i.flows[flow] = (i.flows[flow] ?? 0) + 1;
    } else {
      flagged++;
      if (examples.length < 20) examples.push({ text: r.text, label: r.label, rule: d.rule.id, action: d.action });
    }
  }
  const routes = [...perIntent.entries()]
    .filter(([, v]) => v.routed > 0)
    .map(([intent, v]) => ({ intent, rows: v.rows, routed: v.routed, rate: v.routed / v.rows, flows: v.flows }))
    .sort((a, b) => b.rate - a.rate || a.intent.localeCompare(b.intent));
  return { rows: rows.length, flagged, flaggedRate: rows.length ? flagged / rows.length : 0, flaggedExamples: examples, routes };
}

/** Throws an Error naming the row (1-based, after the header) of a category outside ADVERSARIAL_CATEGORIES. */
export function evaluateAdversarial(file: GuardrailsFile | undefined, rows: readonly LabelledText[]): AdversarialReport {
  const g = compileGuardrails(file);
  const byCategory: AdversarialReport['byCategory'] = {};
  const missed: LabelledText[] = [];
  let detected = 0;
  rows.forEach((r, i) => {
    if (!(ADVERSARIAL_CATEGORIES as readonly string[]).includes(r.label))
      throw new Error(`row ${i + 1}: unknown category "${r.label}"; expected one of ${ADVERSARIAL_CATEGORIES.join(', ')}`);
    const category = r.label as AdversarialCategory;
    // a Spanish message is screened in Spanish (the Spanish lists apply to every locale; only a few English words step aside)
    const locale = /[¿¡ñáéíóú]/i.test(r.text) ? 'es' : 'en';
    const hit = g.screen(r.text, 'input', { locale }).hits.some((h) => answers(category, h));
    const c = (byCategory[category] ??= { rows: 0, detected: 0, rate: 0 });
    c.rows++;
    if (hit) {
      c.detected++;
      detected++;
    } else if (missed.length < 40) missed.push(r);
  });
  for (const c of Object.values(byCategory)) c.rate = c.rows ? c.detected / c.rows : 0;
  return { rows: rows.length, detected, detectionRate: rows.length ? detected / rows.length : 0, byCategory, missed };
}
