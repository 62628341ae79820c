// The project's guardrail rules (guardrails.yaml, or the defaults below when the file is absent), compiled once
// per file and applied to one message at a time: every detector a rule names runs, every finding is recorded,
// the first `block`, `route` or `escalate` rule that fires decides the turn, and every `redact` rule's spans are
// replaced by markers (pii.ts's, so the stored transcript and the model's context read the same).
import type { GuardrailFinding } from '../engine/ports';
import { findPii, piiMarker, type PiiKind } from '../runtime/pii';
import type { GuardrailAction, GuardrailRule, GuardrailsFile } from '../schema/guardrails';
import { FifoMap } from '../util/fifoMap';
import { compilePattern, type Pattern } from '../util/regex';
import { DEFAULT_GUARDRAILS } from './defaults';
import { detectJailbreak } from './jailbreak';
import { findProfanity } from './profanity';
import { findTopics } from './topics';

export { DEFAULT_GUARDRAILS };

export type Direction = 'input' | 'output';

/** A rule that fired on a message, and the category that made it fire. */
export interface RuleHit {
  rule: GuardrailRule;
  category: string;
}

export interface Screened {
  /** Everything any rule's detector found (detector as `check`, category as `detail`): the trace's record. */
  findings: GuardrailFinding[];
  /** The rules that fired, in file order. */
  hits: RuleHit[];
  /** The first block / route / escalate hit: what happens to the message. */
  decision?: RuleHit & { action: Exclude<GuardrailAction, 'redact'> };
  /** The message with the redact rules' spans replaced by markers (the text itself when none fired). */
  redacted: string;
  /** The kinds of data the redact rules replaced (`card`, `email`, a pattern rule's id). */
  redactedKinds: string[];
}

export interface ScreenOptions {
  locale?: string;
  /** Where national phone numbers are read when the locale names no region. */
  region?: string;
  /** The flow is waiting for the answer to a question (ask, buttons): only rules with `interrupts` route or escalate. */
  asking?: boolean;
}

interface CompiledRule {
  rule: GuardrailRule;
  directions: ReadonlySet<Direction>;
  pattern?: Pattern;
}

export interface Guardrails {
  readonly file: GuardrailsFile;
  readonly rules: readonly CompiledRule[];
  /** Screens one message of the customer (`input`) or of the bot (`output`). */
  screen(text: string, direction: Direction, o?: ScreenOptions): Screened;
  /** `text` with the spans of every redact rule (either direction) replaced by markers: what the model may read. */
  redact(text: string, o?: ScreenOptions): string;
  /** Whether the LLM classifier is on (guardrails.yaml `jailbreak.llmClassifier`). */
  readonly llmClassifier: boolean;
  /** The redact rules with a pattern (`detector: pattern`), compiled: what a saved story replaces with test values. */
  readonly redactPatterns: readonly { id: string; pattern: Pattern }[];
}

const compiled = new WeakMap<GuardrailsFile, Guardrails>();

/** The rules of `file` (the defaults when undefined), compiled once per file object. */
export function compileGuardrails(file: GuardrailsFile | undefined): Guardrails {
  const f = file ?? DEFAULT_GUARDRAILS;
  let g = compiled.get(f);
  if (!g) compiled.set(f, (g = build(f)));
  return g;
}

function build(file: GuardrailsFile): Guardrails {
  const rules: CompiledRule[] = file.rules
    .filter((r) => r.enabled !== false)
    .map((rule) => {
      const d = rule.direction ?? 'input';
      const directions = new Set<Direction>(d === 'both' ? ['input', 'output'] : [d]);
      // checked by the schema; a pattern that does not compile now is left out rather than crash a turn
      let pattern: Pattern | undefined;
      if (rule.pattern !== undefined) {
        try {
          pattern = compilePattern(rule.pattern, { ignoreCase: true });
        } catch {
          pattern = undefined;
        }
      }
      return { rule, directions, ...(pattern ? { pattern } : {}) };
    });
  // redact rules of either direction, as input rules: what `redact` applies
  const redacting: CompiledRule[] = rules.filter((r) => r.rule.action === 'redact').map((r) => ({ ...r, directions: new Set<Direction>(['input']) }));
  const allow = file.allow ?? [];
  const deny = file.deny ?? [];
  const memo = new FifoMap<string, Screened>(2000);
  return {
    file,
    rules,
    llmClassifier: file.jailbreak?.llmClassifier === true,
    redactPatterns: redacting.flatMap((r) => (r.rule.detector === 'pattern' && r.pattern ? [{ id: r.rule.id, pattern: r.pattern }] : [])),
    // the bot's copy and short answers ("yes", "1234") come back again and again: keep the latest results
    screen: (text, direction, o = {}) => {
      if (text.length > 2000) return screen(rules, text, direction, { allow, deny, ...o });
      const key = `${direction}|${o.locale ?? ''}|${o.region ?? ''}|${o.asking ? 1 : 0}|${text}`;
      let r = memo.get(key);
      if (!r) {
        r = screen(rules, text, direction, { allow, deny, ...o });
        memo.set(key, r);
      }
      return r;
    },
    redact: (text, o = {}) => (redacting.length ? screen(redacting, text, 'input', { allow, deny, ...o }).redacted : text),
  };
}

interface Span {
  kind: string;
  start: number;
  end: number;
}

/** What one detector found in a message: its categories, and where (for the detectors that can redact). */
interface Detected {
  categories: string[];
  spans: Span[];
}

function screen(
  rules: readonly CompiledRule[],
  text: string,
  direction: Direction,
  o: ScreenOptions & { allow: readonly string[]; deny: readonly string[] },
): Screened {
  const active = rules.filter((r) => r.directions.has(direction));
  const cache = new Map<string, Detected>();
  const detect = (r: CompiledRule): Detected => {
    const key = r.rule.detector === 'pattern' ? `pattern:${r.rule.id}` : r.rule.detector;
    let d = cache.get(key);
    if (!d) cache.set(key, (d = run(r, text, o)));
    return d;
  };
  const findings: GuardrailFinding[] = [];
  const hits: RuleHit[] = [];
  const redactSpans: Span[] = [];
  let decision: Screened['decision'];
  for (const r of active) {
    const d = detect(r);
    const wanted = r.rule.categories;
    const matching = wanted ? d.categories.filter((c) => wanted.includes(c)) : d.categories;
    for (const c of d.categories) {
      const check = r.rule.detector === 'pattern' ? 'pattern' : r.rule.detector;
      if (!findings.some((f) => f.check === check && f.detail === c)) findings.push({ check, detail: c });
    }
    if (!matching.length) continue;
    const category = matching[0] as string;
    hits.push({ rule: r.rule, category });
    if (r.rule.action === 'redact') redactSpans.push(...d.spans.filter((s) => matching.includes(s.kind)));
    else if (!(o.asking && (r.rule.action === 'route' || r.rule.action === 'escalate') && !r.rule.interrupts))
      decision ??= { rule: r.rule, category, action: r.rule.action };
  }
  const { text: redacted, kinds } = applyRedaction(text, redactSpans);
  return { findings, hits, ...(decision ? { decision } : {}), redacted, redactedKinds: kinds };
}

function run(r: CompiledRule, text: string, o: ScreenOptions & { allow: readonly string[]; deny: readonly string[] }): Detected {
  switch (r.rule.detector) {
    case 'profanity': {
      const found = findProfanity(text, { allow: o.allow, deny: o.deny, ...(o.locale ? { locale: o.locale } : {}) });
      return { categories: unique(found.map((f) => f.category)), spans: found.map((f) => ({ kind: f.category, start: f.start, end: f.end })) };
    }
    case 'pii': {
      const spans = findPii(text, { ...(o.locale ? { locale: o.locale } : {}), ...(o.region ? { region: o.region } : {}) });
      return { categories: unique(spans.map((s) => s.kind)), spans };
    }
    case 'jailbreak': {
      const j = detectJailbreak(text);
      return { categories: j.flagged && j.kind ? [j.kind] : [], spans: [] };
    }
    case 'sensitive_topic':
      return { categories: findTopics(text), spans: [] };
    case 'pattern': {
      const spans = r.pattern ? r.pattern.matchAll(text).map((m) => ({ kind: r.rule.id, start: m.index, end: m.end })) : [];
      return { categories: spans.length ? [r.rule.id] : [], spans };
    }
  }
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

const PII_KINDS = new Set<string>(['card', 'email', 'phone', 'iban', 'uk_bank_account', 'uk_nino', 'secret']);

/** The text with the spans (merged where they overlap) replaced by markers: pii.ts's for personal data, else `[redacted]`. */
function applyRedaction(text: string, spans: readonly Span[]): { text: string; kinds: string[] } {
  if (!spans.length) return { text, kinds: [] };
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  const kinds: string[] = [];
  for (const s of sorted) {
    if (s.start < at) continue;
    const found = text.slice(s.start, s.end);
    out += text.slice(at, s.start) + (PII_KINDS.has(s.kind) ? piiMarker(s.kind as PiiKind, found) : '[redacted]');
    at = s.end;
    if (!kinds.includes(s.kind)) kinds.push(s.kind);
  }
  return { text: out + text.slice(at), kinds };
}

/** A rule's message in `locale`: that locale, its language, the first given. The first variant of a list. */
export function ruleMessage(rule: GuardrailRule, locale: string): string | undefined {
  const m = rule.message;
  if (!m) return undefined;
  const v = m[locale] ?? m[locale.split('-')[0] as string] ?? Object.values(m)[0];
  return typeof v === 'string' ? v : v?.[0];
}
