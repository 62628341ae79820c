// The copy lint: rules a writer can read, each finding naming its rule and suggesting a fix. The prose rules are
// the retext ecosystem's (English only: retext-passive, retext-simplify for jargon, retext-equality for inclusive
// language, retext-readability for the reading level) plus Parley's own list of defensive and blaming phrasing
// (a bank's bot must never blame the customer); length per channel, placeholders and profanity (the guardrails'
// own lists, so a line the lint passes is never blocked when sent) apply to every locale; the project's own
// phrase rules (RE2 patterns in parley.yaml) to the locales they name. Run as a writer types (inspector, copy
// deck) and by `parley validate`. Results are kept per text and settings, so a project's lines are linted once.
import { unified } from 'unified';
import retextEnglish from 'retext-english';
import retextEquality from 'retext-equality';
import retextPassive from 'retext-passive';
import retextReadability from 'retext-readability';
import retextSimplify from 'retext-simplify';
import { VFile } from 'vfile';
import { ExpressionError, ExpressionLanguage } from '../engine/expressions';
import { compileTemplate } from '../engine/templates';
import { copyLintProfanity } from '../guardrails/profanity';
import { type Channel, type CopyLintRuleId, type CopyLintSettings } from '../schema/copyLint';
import { tryCompilePattern, type Pattern } from '../util/regex';
import { matchesIn } from './replace';

export type CopyLintRule = CopyLintRuleId | `phrase:${string}`;

export interface CopyLintFinding {
  rule: CopyLintRule;
  severity: 'warning' | 'error';
  message: string;
  /** What to write instead, when the rule knows. */
  suggestion?: string;
  /** Where in the text (UTF-16 offsets). */
  start: number;
  end: number;
}

/** Each rule as a writer reads it: what it looks for, and which locales it covers. */
export const RULE_INFO: Record<CopyLintRuleId, { title: string; locales: 'all' | 'English'; description: string }> = {
  defensive: {
    title: 'Defensive or blaming',
    locales: 'English',
    description: 'Phrasing that blames the customer or sounds defensive (“you failed to”, “as we said”, “our policy”).',
  },
  jargon: { title: 'Jargon', locales: 'English', description: 'Complex words and phrases with a plainer alternative (retext-simplify).' },
  passive: { title: 'Passive voice', locales: 'English', description: 'Passive constructions that hide who does what (retext-passive).' },
  'reading-level': {
    title: 'Reading level',
    locales: 'English',
    description: 'Sentences harder than the project’s grade (retext-readability; `maxGrade`, default 8).',
  },
  length: { title: 'Length', locales: 'all', description: 'Lines longer than the shortest limit of the project’s channels (chat 640, SMS 160, voice 250).' },
  inclusive: { title: 'Inclusive language', locales: 'English', description: 'Possibly insensitive or exclusive words (retext-equality).' },
  profanity: { title: 'Profanity', locales: 'all', description: 'Words the output guardrail would block (the guardrails’ lists).' },
  placeholder: { title: 'Placeholders', locales: 'all', description: 'Placeholders that do not parse or read a variable the project never sets.' },
};

const DEFAULT_LEVEL: Record<CopyLintRuleId, 'off' | 'warning' | 'error'> = {
  defensive: 'warning',
  jargon: 'warning',
  passive: 'warning',
  'reading-level': 'warning',
  length: 'warning',
  inclusive: 'warning',
  profanity: 'error',
  placeholder: 'error',
};
export const DEFAULT_MAX_LENGTH: Record<Channel, number> = { chat: 640, sms: 160, voice: 250 };

/** Parley's defensive and blaming phrases (English), each with what to do instead. Whole words, any case. */
const DEFENSIVE: readonly (readonly [string, string])[] = [
  ['you failed to', 'Say what happens next instead of what the customer did wrong (“Let’s try that again”).'],
  ["you didn't", 'Describe the situation, not the customer’s mistake (“I still need …”).'],
  ['you did not', 'Describe the situation, not the customer’s mistake (“I still need …”).'],
  ['you should have', 'Say what to do now (“Next time, you can …” or just the next step).'],
  ['you must', 'Explain why, or offer the step (“To do that, I need …”).'],
  ['you need to understand', 'Drop it and explain plainly.'],
  ['your fault', 'Do not assign blame; say what you will do.'],
  ['your mistake', 'Do not assign blame; say what you will do.'],
  ['as i said', 'Repeat the information without pointing out that you already said it.'],
  ['as we said', 'Repeat the information without pointing out that you already said it.'],
  ['as mentioned', 'Repeat the information without pointing out that you already said it.'],
  ['as stated', 'Repeat the information without pointing out that you already said it.'],
  ['i already told you', 'Repeat the information kindly.'],
  ['obviously', 'Drop it: what is obvious to us may not be to the customer.'],
  ['clearly', 'Drop it: what is clear to us may not be to the customer.'],
  ['our policy', 'Explain the reason in the customer’s terms (“To keep your account safe, …”).'],
  ['not our fault', 'Acknowledge the problem and say what happens next.'],
  ['not our responsibility', 'Say who can help and how to reach them.'],
  ['we are not responsible', 'Say who can help and how to reach them.'],
  ['invalid input', 'Say what is needed (“Please enter the 4 last digits of your card”).'],
  ['you entered an invalid', 'Say what is needed (“That doesn’t look like a card number: it has 16 digits”).'],
  ['there is nothing we can do', 'Offer an alternative or a person who can help.'],
  ['nothing i can do', 'Offer an alternative or a person who can help.'],
];

export interface CopyLintOptions {
  settings?: CopyLintSettings | undefined;
  /** Whether a placeholder's variable is one the project knows (check.ts's `variableChecker`); unchecked without it. */
  isKnownVariable?: (ref: string, extra?: readonly string[]) => boolean;
  /** Names a line's placeholders may use besides variables (an engine line's `{{first}}`). */
  extraNames?: readonly string[];
}

const isEnglish = (locale: string) => locale === 'en' || locale.startsWith('en-');
const lang = new ExpressionLanguage();

/** The part of a unified processor the lint uses. */
interface Processor {
  parse(file: VFile): unknown;
  runSync(tree: unknown, file: VFile): void;
}

interface Prepared {
  level: (rule: CopyLintRuleId) => 'off' | 'warning' | 'error';
  processor: Processor;
  limit: { channel: Channel; max: number };
  allow: string[];
  phrases: { id: string; pattern: Pattern | string; message: string; suggest?: string; locales?: string[]; level: 'warning' | 'error' }[];
  cache: Map<string, CopyLintFinding[]>;
}

const prepared = new WeakMap<object, Prepared>();
const NO_SETTINGS = {};

function prepare(settings: CopyLintSettings | undefined): Prepared {
  const key = settings ?? NO_SETTINGS;
  const hit = prepared.get(key);
  if (hit) return hit;
  const level = (rule: CopyLintRuleId) => settings?.rules?.[rule] ?? DEFAULT_LEVEL[rule];
  const age = Math.round((settings?.maxGrade ?? 8) + 6);
  const retext = unified().use(retextEnglish);
  if (level('passive') !== 'off') retext.use(retextPassive);
  if (level('jargon') !== 'off') retext.use(retextSimplify, { ignore: [...PLAIN_IN_SERVICE_COPY, ...(settings?.allow ?? [])] });
  if (level('inclusive') !== 'off') retext.use(retextEquality, { ignore: settings?.allow ?? [] });
  // five of its seven formulas must agree (its default, four, flags short everyday sentences such as a greeting)
  if (level('reading-level') !== 'off') retext.use(retextReadability, { age, threshold: 5 / 7 });
  const processor: Processor = { parse: (f) => retext.parse(f), runSync: (t, f) => void retext.runSync(t as ReturnType<typeof retext.parse>, f) };
  const channels = settings?.channels ?? ['chat'];
  const limits = channels.map((channel) => ({ channel, max: settings?.maxLength?.[channel] ?? DEFAULT_MAX_LENGTH[channel] }));
  const limit = limits.reduce((a, b) => (b.max < a.max ? b : a), limits[0] ?? { channel: 'chat' as Channel, max: DEFAULT_MAX_LENGTH.chat });
  const phrases = (settings?.phrases ?? []).map((p) => {
    const compiled = tryCompilePattern(p.pattern, { ignoreCase: true });
    return {
      id: p.id,
      pattern: 'matchAll' in compiled ? compiled : compiled.message,
      message: p.message,
      ...(p.suggest ? { suggest: p.suggest } : {}),
      ...(p.locales ? { locales: p.locales } : {}),
      level: p.level ?? 'warning',
    };
  });
  const made: Prepared = { level, processor, limit, allow: (settings?.allow ?? []).map((a) => a.toLowerCase()), phrases, cache: new Map() };
  prepared.set(key, made);
  return made;
}

const SOURCE_RULE: Record<string, CopyLintRuleId> = {
  'retext-passive': 'passive',
  'retext-simplify': 'jargon',
  'retext-equality': 'inclusive',
  'retext-readability': 'reading-level',
};

/** A retext message in a writer's words, and what to do instead. */
function wordingOf(source: string, reason: string, expected: unknown, actual: unknown): { message: string; suggestion?: string } {
  const options = Array.isArray(expected) ? expected.filter((e): e is string => typeof e === 'string' && e !== '' && e !== 'remove') : [];
  const word = typeof actual === 'string' ? actual : '';
  switch (source) {
    case 'retext-passive':
      return {
        message: `“${word}”: passive voice hides who does it`,
        suggestion: 'Say who does it (“We blocked your card” rather than “Your card was blocked”).',
      };
    case 'retext-readability':
      return {
        message: `Hard to read: ${reason.replace(/^Unexpected hard to read sentence, according to /, '').replace(/ algorithms$/, ' readability formulas')} find it above the project’s grade`,
        suggestion: 'Split the sentence, and use shorter, everyday words.',
      };
    case 'retext-simplify':
      return options.length
        ? { message: `“${word}” has a plainer alternative`, suggestion: `Use ${options.map((o) => `“${o}”`).join(' or ')}.` }
        : { message: `“${word}” adds nothing`, suggestion: 'Leave it out.' };
    case 'retext-equality':
      return options.length
        ? { message: `“${word}” may be insensitive`, suggestion: `Consider ${options.map((o) => `“${o}”`).join(' or ')}.` }
        : { message: `“${word}” may be insensitive or condescending`, suggestion: 'Leave it out or reword it.' };
    default:
      return { message: reason };
  }
}

/**
 * Words retext-simplify flags that are the plain words of customer-service copy: a bot asks customers to type, to
 * make a request or a purchase, a minimum payment, an address. A project's `allow` adds to them.
 */
export const PLAIN_IN_SERVICE_COPY: readonly string[] = [
  'type',
  'request',
  'purchase',
  'minimum',
  'maximum',
  'address',
  'approximate',
  'approximately',
  'there are',
  'there is',
  'additional',
  'provide',
  'contact',
  'require',
  'required',
  'assistance',
  'submit',
  'receive',
  'however',
  'currently',
  'previous',
  'initial',
];

/** The prose rules' findings (English), from the retext plugins. */
function proseFindings(p: Prepared, text: string): CopyLintFinding[] {
  const file = new VFile(text);
  p.processor.runSync(p.processor.parse(file), file);
  const out: CopyLintFinding[] = [];
  for (const m of file.messages) {
    const rule = SOURCE_RULE[m.source ?? ''];
    if (!rule) continue;
    const level = p.level(rule);
    if (level === 'off') continue;
    const start = m.place && 'start' in m.place ? m.place.start.offset : undefined;
    const end = m.place && 'end' in m.place ? m.place.end.offset : undefined;
    const { message, suggestion } = wordingOf(m.source ?? '', m.reason, m.expected, m.actual);
    out.push({
      rule,
      severity: level,
      message,
      ...(suggestion ? { suggestion } : {}),
      start: start ?? 0,
      end: end ?? text.length,
    });
  }
  return out;
}

/** The findings of one text (one variant) in one locale; cached per settings object, locale and text. */
function lintText(p: Prepared, text: string, locale: string): CopyLintFinding[] {
  const key = `${locale}\u0000${text}`;
  const hit = p.cache.get(key);
  if (hit) return hit;
  const out: CopyLintFinding[] = [];
  // placeholders read as a neutral word, so the prose rules see a sentence
  const prose = text.replace(/\{\{[^}]*\}\}/g, (m) => 'X'.padEnd(m.length, ' '));
  if (isEnglish(locale)) {
    if (p.level('defensive') !== 'off')
      for (const [phrase, suggestion] of DEFENSIVE)
        for (const [start, end] of matchesIn(prose.replace(/’/g, "'"), { find: phrase, wholeWord: true }))
          out.push({
            rule: 'defensive',
            severity: p.level('defensive') as 'warning' | 'error',
            message: `“${text.slice(start, end)}” can sound defensive or blaming`,
            suggestion,
            start,
            end,
          });
    out.push(...proseFindings(p, prose));
  }
  if (p.level('length') !== 'off' && [...text].length > p.limit.max)
    out.push({
      rule: 'length',
      severity: p.level('length') as 'warning' | 'error',
      message: `${[...text].length} characters: longer than ${p.limit.max}, the limit for ${p.limit.channel === 'sms' ? 'SMS' : p.limit.channel}`,
      suggestion: 'Shorten it, or split it into two messages.',
      start: 0,
      end: text.length,
    });
  if (p.level('profanity') !== 'off')
    for (const f of copyLintProfanity(text, locale, p.allow))
      out.push({
        rule: 'profanity',
        severity: p.level('profanity') as 'warning' | 'error',
        message: `“${text.slice(f.start, f.end)}” would be blocked by the output guardrail (${f.category})`,
        suggestion: 'Reword it.',
        start: f.start,
        end: f.end,
      });
  for (const ph of p.phrases) {
    if (ph.locales && !ph.locales.includes(locale)) continue;
    if (typeof ph.pattern === 'string') continue; // reported by the project validator (validate.ts)
    for (const m of ph.pattern.matchAll(text))
      out.push({
        rule: `phrase:${ph.id}`,
        severity: ph.level,
        message: ph.message,
        ...(ph.suggest ? { suggestion: ph.suggest } : {}),
        start: m.index,
        end: m.end,
      });
  }
  out.sort((a, b) => a.start - b.start);
  if (p.cache.size > 20_000) p.cache.clear();
  p.cache.set(key, out);
  return out;
}

/** Placeholders that do not parse, or read a variable the project never sets (not cached: the project decides). */
function placeholderFindings(p: Prepared, text: string, o: CopyLintOptions): CopyLintFinding[] {
  if (p.level('placeholder') === 'off') return [];
  const severity = p.level('placeholder') as 'warning' | 'error';
  const out: CopyLintFinding[] = [];
  const compiled = compileTemplate(lang, text);
  for (const part of compiled.parts) {
    if (typeof part === 'string') continue;
    const at = text.indexOf(`{{${part.source}`);
    const span = { start: Math.max(0, at), end: at >= 0 ? at + part.source.length + 4 : text.length };
    if (part.expr instanceof ExpressionError)
      out.push({
        rule: 'placeholder',
        severity,
        message: `{{${part.source}}} does not parse: ${part.expr.message}`,
        suggestion: 'Fix the placeholder, e.g. {{slots.amount}}.',
        ...span,
      });
    else if (o.isKnownVariable)
      for (const ref of part.expr.refs)
        if (!o.isKnownVariable(ref, o.extraNames ?? []))
          out.push({
            rule: 'placeholder',
            severity,
            message: `{{${part.source}}} reads "${ref}", which no node sets and parley.yaml does not define`,
            suggestion: 'Check the spelling, or set the variable before this line.',
            ...span,
          });
  }
  return out;
}

/** Every finding of a line's text in a locale (each variant; a finding's offsets are in its variant). */
export function lintCopy(text: string | readonly string[], locale: string, o: CopyLintOptions = {}): (CopyLintFinding & { variant: number })[] {
  const p = prepare(o.settings);
  const variants = typeof text === 'string' ? [text] : text;
  return variants.flatMap((t, variant) => [...lintText(p, t, locale), ...placeholderFindings(p, t, o)].map((f) => ({ ...f, variant })));
}

/** What a rule checks and which locales it covers (the prose rules read English only), for a tooltip. */
export function ruleDescription(rule: CopyLintRule): string {
  if (rule.startsWith('phrase:')) return 'A phrase rule of the project (parley.yaml copyLint.phrases), in the locales it names or every locale.';
  const info = RULE_INFO[rule as CopyLintRuleId];
  return `${info.description} Checks ${info.locales === 'all' ? 'every locale' : 'English lines only'}.`;
}

export const ruleTitle = (rule: CopyLintRule): string =>
  rule.startsWith('phrase:') ? `Project rule “${rule.slice(7)}”` : RULE_INFO[rule as CopyLintRuleId].title;
