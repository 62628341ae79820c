// Regular expressions that come from a project, a story or a script (nlu.yaml regex entities, story `matches`
// and LLM fixture prompts, the `matches()` expression function, mock-LLM scripts). They run on re2js, a pure
// JavaScript RE2: matching takes time linear in the text whatever the pattern, so a crafted pattern such as
// `^(a+)+$` cannot freeze the process. The price is RE2's dialect: no lookaround, no backreferences (see
// docs/FORMAT.md, "Regular expressions"). `checkPattern` names the construct and how to do without it.
// Patterns written by Parley itself (built-in entities, the guardrail's rules) may stay JavaScript RegExps.
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { LRUCache } from 'lru-cache';

export interface PatternOptions {
  /** Case-insensitive (Unicode case folding: `É` matches `é`). */
  ignoreCase?: boolean;
}

/** One match: the matched text, its UTF-16 offsets in the input (like RegExp's `index`) and its groups. */
export interface PatternMatch {
  text: string;
  index: number;
  end: number;
  /** Capture groups 1..n; undefined when a group took no part in the match. */
  groups: (string | undefined)[];
}

export interface Pattern {
  readonly source: string;
  /** Matches anywhere in the text (unanchored, like RegExp#test). */
  test(text: string): boolean;
  /** The first match, or null. */
  exec(text: string): PatternMatch | null;
  /** Every non-overlapping match from left to right (like String#matchAll with the `g` flag). */
  matchAll(text: string): PatternMatch[];
}

export type PatternCheck = { ok: true } | { ok: false; /** e.g. "lookbehind `(?<=`"; absent for a plain syntax error */ construct?: string; message: string };

export class PatternError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly construct?: string,
  ) {
    super(message);
    this.name = 'PatternError';
  }
}

const WHY = 'Parley runs regular expressions on RE2, in linear time, without backtracking';

interface Unsupported {
  construct: string;
  hint: string;
}

/** Scans a pattern that RE2 refused for the construct a JavaScript or PCRE writer most likely used. */
function findUnsupported(source: string): Unsupported | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const next = source[i + 1] ?? '';
    if (ch === '\\') {
      if (!inClass && /[1-9]/.test(next)) {
        return {
          construct: `backreference \`\\${next}\``,
          hint: 'spell the repeated part out (e.g. `(?:aa|bb)`), or compare the parts in a validation expression',
        };
      }
      if (!inClass && next === 'k' && source[i + 2] === '<') {
        return { construct: 'named backreference `\\k<…>`', hint: 'spell the repeated part out, or compare the parts in a validation expression' };
      }
      if (next === 'u') return { construct: 'the escape `\\u`', hint: 'write a code point as `\\x{00E9}` instead of `\\u00E9`' };
      if (next === 'Z') return { construct: '`\\Z`', hint: 'use `$` or `\\z` (end of text)' };
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++; // a leading ] is a literal
      continue;
    }
    if (ch === '(' && next === '?') {
      const rest = source.slice(i + 2, i + 4);
      if (rest.startsWith('='))
        return { construct: 'lookahead `(?=`', hint: 'match the wider text and check the rest in a validation expression, or split the pattern' };
      if (rest.startsWith('!'))
        return { construct: 'negative lookahead `(?!`', hint: 'match the wider text and rule the rest out in a validation expression, or split the pattern' };
      if (rest === '<=')
        return {
          construct: 'lookbehind `(?<=`',
          hint: 'include the text before in the match (e.g. in a non-capturing group `(?:…)`), or use `\\b` for a word boundary',
        };
      if (rest === '<!')
        return { construct: 'negative lookbehind `(?<!`', hint: 'use `\\b` for a word boundary, or rule the text before out in a validation expression' };
      if (rest.startsWith('>'))
        return { construct: 'atomic group `(?>`', hint: 'use a non-capturing group `(?:…)`: RE2 never backtracks, so it behaves the same' };
      if (rest.startsWith('#')) return { construct: 'comment group `(?#`', hint: 'remove the comment' };
      if (rest.startsWith('|')) return { construct: 'branch reset group `(?|`', hint: 'use a non-capturing group `(?:…)` and number the groups as written' };
      continue;
    }
    if ((ch === '*' || ch === '+' || ch === '?' || ch === '}') && next === '+') {
      return { construct: `possessive quantifier \`${ch}+\``, hint: 'drop the second `+`: RE2 never backtracks, so the plain quantifier behaves the same' };
    }
  }
  return undefined;
}

/** Explains why RE2 refused a pattern: the unsupported construct and a way around it, or RE2's own message. */
function explain(source: string, e: unknown): { construct?: string; message: string } {
  const u = findUnsupported(source);
  if (u) return { construct: u.construct, message: `${u.construct} is not supported (${WHY}); ${u.hint}` };
  if (e instanceof RE2JSSyntaxException) {
    const what = e.getDescription();
    const at = e.getPattern();
    if (what === 'invalid repeat count') {
      return {
        message: `repeat count ${at ? `\`${at}\` ` : ''}is too large (at most 1000, nested repeats multiply); use \`+\` or \`*\` and check the length in a validation expression`,
      };
    }
    return { message: at ? `${what}: \`${at}\`` : what };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

function wrap(source: string, re: RE2JS): Pattern {
  const toMatch = (m: RegExpMatchArray | (unknown[] & { index?: number })): PatternMatch => {
    const text = String(m[0] ?? '');
    const index = m.index ?? 0;
    return { text, index, end: index + text.length, groups: Array.prototype.slice.call(m, 1) as (string | undefined)[] };
  };
  return {
    source,
    test: (text) => re.test(text),
    exec: (text) => {
      const m = re.exec(text);
      return m ? toMatch(m as unknown as RegExpMatchArray) : null;
    },
    // re2js's test runs without capture groups, about 5x faster than its matchAll: most texts have no match
    // (an utterance and a project's ticket-number pattern), and a text with none gives [] either way
    matchAll: (text) => (re.test(text) ? Array.from(re.matchAll(text), toMatch) : []),
  };
}

// Compiled patterns by options and source. Bounded: stories and validation rules may hold many patterns, and
// an editor recompiles on each keystroke; the least recently used entry goes first.
const CACHE_LIMIT = 500;
const cache = new LRUCache<string, Pattern | PatternError>({ max: CACHE_LIMIT });

/** Compiles a project pattern, or returns the error that explains (construct, hint) why it cannot be. */
export function tryCompilePattern(source: string, options: PatternOptions = {}): Pattern | PatternError {
  const key = `${options.ignoreCase ? 'i' : '-'}:${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let out: Pattern | PatternError;
  try {
    out = wrap(source, RE2JS.compile(source, options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0));
  } catch (e) {
    const why = explain(source, e);
    out = new PatternError(why.message, source, why.construct);
  }
  cache.set(key, out);
  return out;
}

/** Compiles a project pattern; throws PatternError with a readable reason when RE2 cannot. */
export function compilePattern(source: string, options: PatternOptions = {}): Pattern {
  const p = tryCompilePattern(source, options);
  if (p instanceof PatternError) throw p;
  return p;
}

/** Whether a project pattern compiles; if not, which construct is unsupported and how to do without it. */
export function checkPattern(source: string): PatternCheck {
  const p = tryCompilePattern(source);
  return p instanceof PatternError ? { ok: false, ...(p.construct ? { construct: p.construct } : {}), message: p.message } : { ok: true };
}
