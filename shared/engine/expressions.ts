// Parley's expression language: Jexl (https://github.com/TomFrost/Jexl), a side-effect-free language: no eval,
// no access to globals, and function calls only to what is registered here. Conditions, `set` values,
// validations and the `{{ }}` placeholders of templates all use it. Expressions come from project files, so
// every member access (`a.b`, `a["b"]`, `a[k]`, `.b` in a filter) is rewritten at compile time to go through
// `ownValue`: own data properties of plain objects and arrays, and a string's length and characters, never a
// prototype, `constructor` or an inherited method (plain Jexl reads `s["constructor"]["constructor"]`).
//
//   account.balance < 100 && slots.card_type in ["debit", "credit"]
//   customer.tier == "premium" ? "priority" : "general"
//   {{ slots.amount | currency }}   (a transform: the value goes through `currency`)
import jexl from 'jexl';
import { compilePattern, checkPattern } from '../util/regex';
import { canEvaluate, evaluateTree, type JexlGrammar } from './expressionEval';
import './jexlSplitCache';

type Jexl = InstanceType<typeof jexl.Jexl>;

/** Locale, currency and time zone the formatting transforms use. */
export interface FormatContext {
  locale: string;
  currency: string;
  timeZone: string;
}

/**
 * The scope key that carries the formatting of one evaluation (a turn's locale): the language is shared by every
 * turn, so it holds no format of its own beyond its defaults. Its '#' keeps it out of reach of expressions.
 */
export const FORMAT_KEY = '#format';

/** `scope` with the formatting its transforms use; fields not given are the language's defaults. */
export const withFormat = (scope: Record<string, unknown>, fmt: Partial<FormatContext>): Record<string, unknown> => ({ ...scope, [FORMAT_KEY]: fmt });

/** The transforms that format for a locale: rewritten to read the evaluation's format (see `harden`). */
const LOCALE_TRANSFORMS = new Set(['currency', 'number', 'date']);

/** Names a user may not reach into: prototype internals of the plain data the expressions read. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

// Names of the rewritten AST's helpers and of a filter's element. They contain '#', which Jexl's lexer never
// accepts in an identifier, so an expression cannot name them.
const GET = '#get';
const INDEX = '#index';
const OWN = '#own';
const ELEMENTS = '#elements';
const UNWRAP = '#unwrap';
const ELEMENT = '#element';

const isPlainData = (v: unknown): v is object => {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** `obj[key]` limited to data: an own, non-function data property of a plain object or array, or a string's length or character. */
export function ownValue(obj: unknown, key: unknown): unknown {
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  const k = String(key);
  if (FORBIDDEN.has(k)) return undefined;
  if (typeof obj === 'string') return k === 'length' ? obj.length : /^(0|[1-9]\d*)$/.test(k) ? obj[Number(k)] : undefined;
  if (!isPlainData(obj)) return undefined;
  const d = Object.getOwnPropertyDescriptor(obj, k);
  return d && 'value' in d && typeof d.value !== 'function' ? d.value : undefined;
}

/** Jexl's `a.b`: nothing from nothing (`ownValue` reads nothing of null or undefined), and a path through a list reads its first element. */
const dotGet = (obj: unknown, key: unknown): unknown => ownValue(Array.isArray(obj) ? obj[0] : obj, key);

/** Jexl's `a[x]`: a boolean keeps or drops the subject, anything else is a key. */
function indexGet(obj: unknown, key: unknown): unknown {
  if (typeof key === 'boolean') return key ? obj : undefined;
  if (obj === undefined || obj === null) throw new Error(`cannot read [${JSON.stringify(key) ?? String(key)}] of ${String(obj)}`);
  return ownValue(obj, key);
}

/** The scope Jexl reads root variables from: the caller's plain object, or a copy of its own properties. */
const safeScope = (scope: Record<string, unknown>): Record<string, unknown> =>
  isPlainData(scope) && !Array.isArray(scope) ? scope : Object.assign(Object.create(null) as Record<string, unknown>, scope);

/** A filter's subject as a list of `{ #element: item }`, so `.name` in the filter reads through `ownValue` too. */
const toElements = (subject: unknown): Record<string, unknown>[] =>
  (Array.isArray(subject) ? subject : subject === undefined ? [] : [subject]).map((e: unknown) => ({ [ELEMENT]: e }));
const fromElements = (kept: unknown): unknown[] => (Array.isArray(kept) ? kept.map((w) => (w as Record<string, unknown>)[ELEMENT]) : []);

const toNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'string') {
    // '' is no date either: an invalid Date, as any text that is not one
    const d = new Date(DATE_ONLY.test(v) ? `${v}T00:00:00Z` : v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

function createLanguage(defaults: Readonly<FormatContext>): Jexl {
  const lang = new jexl.Jexl();
  // Intl formats are costly to build; a format for a given key is always the same, so sharing them is safe
  const numberFormats = new Map<string, Intl.NumberFormat>();
  const nf = (key: string, make: () => Intl.NumberFormat) => {
    let f = numberFormats.get(key);
    if (!f) numberFormats.set(key, (f = make()));
    return f;
  };
  // the format an evaluation's scope carries under FORMAT_KEY, field by field over the defaults
  const formatOf = (given: unknown): Readonly<FormatContext> => {
    if (given === null || typeof given !== 'object') return defaults;
    const g = given as Partial<Record<keyof FormatContext, unknown>>;
    const pick = (k: keyof FormatContext) => (typeof g[k] === 'string' ? (g[k] as string) : defaults[k]);
    return { locale: pick('locale'), currency: pick('currency'), timeZone: pick('timeZone') };
  };
  lang.addFunctions({
    '#currency': (given: unknown, v: unknown, code?: unknown) => {
      const n = toNumber(v);
      if (Number.isNaN(n)) return v;
      const fmt = formatOf(given);
      const cur = typeof code === 'string' && code ? code : fmt.currency;
      return nf(`c:${fmt.locale}:${cur}`, () => new Intl.NumberFormat(fmt.locale, { style: 'currency', currency: cur })).format(n);
    },
    '#number': (given: unknown, v: unknown, digits?: unknown) => {
      const n = toNumber(v);
      if (Number.isNaN(n)) return v;
      const fmt = formatOf(given);
      const d = typeof digits === 'number' ? digits : undefined;
      // undefined digits are Intl's defaults
      return nf(`n:${fmt.locale}:${d}`, () => new Intl.NumberFormat(fmt.locale, { minimumFractionDigits: d, maximumFractionDigits: d })).format(n);
    },
    '#date': (given: unknown, v: unknown, style?: unknown) => {
      const d = asDate(v);
      if (!d) return v;
      const fmt = formatOf(given);
      const dateStyle = style === 'short' || style === 'medium' || style === 'full' ? style : 'long';
      // a date without a time (a due date, `2024-03-05`) is that day in every time zone: shown as read, in UTC
      const timeZone = typeof v === 'string' && DATE_ONLY.test(v) ? 'UTC' : fmt.timeZone;
      return new Intl.DateTimeFormat(fmt.locale, { dateStyle, timeZone }).format(d);
    },
  });
  lang.addTransforms({
    json: (v: unknown) => JSON.stringify(v ?? null),
    upper: (v: unknown) => String(v ?? '').toUpperCase(),
    lower: (v: unknown) => String(v ?? '').toLowerCase(),
    capitalize: (v: unknown) => {
      const s = String(v ?? '');
      return s.charAt(0).toUpperCase() + s.slice(1);
    },
    trim: (v: unknown) => String(v ?? '').trim(),
    round: (v: unknown, digits?: unknown) => {
      const n = toNumber(v);
      const p = 10 ** (typeof digits === 'number' ? digits : 0);
      return Number.isNaN(n) ? v : Math.round(n * p) / p;
    },
    default: (v: unknown, fallback: unknown) => (v === undefined || v === null || v === '' ? fallback : v),
    length: (v: unknown) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
    join: (v: unknown, sep?: unknown) => (Array.isArray(v) ? v.join(typeof sep === 'string' ? sep : ', ') : v),
    first: (v: unknown) => (Array.isArray(v) ? v[0] : v),
    last: (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v),
    number_or_zero: (v: unknown) => {
      const n = toNumber(v);
      return Number.isNaN(n) ? 0 : n;
    },
  });
  lang.addFunction('contains', (hay: unknown, needle: unknown) =>
    typeof hay === 'string' && typeof needle === 'string' ? hay.toLowerCase().includes(needle.toLowerCase()) : Array.isArray(hay) && hay.includes(needle),
  );
  lang.addFunction('empty', (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0));
  lang.addFunction('min', (...xs: unknown[]) => Math.min(...xs.map(toNumber)));
  lang.addFunction('max', (...xs: unknown[]) => Math.max(...xs.map(toNumber)));
  lang.addFunction('abs', (x: unknown) => Math.abs(toNumber(x)));
  lang.addFunction('matches', matches);
  lang.addTransform('matches', matches);
  lang.addFunctions({ [GET]: dotGet, [INDEX]: indexGet, [OWN]: ownValue, [ELEMENTS]: toElements, [UNWRAP]: fromElements });
  return lang;
}

/** `matches(text, pattern)`: an RE2 regular expression (linear time), unanchored; `(?i)` for any case. */
function matches(text: unknown, pattern: unknown): boolean {
  if (typeof pattern !== 'string') throw new Error('matches(): the pattern must be a string');
  const t = typeof text === 'string' ? text : Number.isFinite(text) ? String(text) : undefined;
  if (t === undefined) return false;
  try {
    return compilePattern(pattern).test(t);
  } catch (e) {
    throw new Error(`matches(): ${(e as Error).message}`, { cause: e });
  }
}

/** The transforms and functions a user can call, for completion and the docs. */
export const TRANSFORMS = [
  'currency',
  'number',
  'date',
  'json',
  'upper',
  'lower',
  'capitalize',
  'trim',
  'round',
  'default',
  'length',
  'join',
  'first',
  'last',
  'number_or_zero',
  'matches',
] as const;
export const FUNCTIONS = ['contains', 'empty', 'min', 'max', 'abs', 'matches'] as const;

export interface CompiledExpression {
  readonly source: string;
  /** Variable paths the expression reads, e.g. `account.balance` (roots only when the path is computed). */
  readonly refs: readonly string[];
  /** Evaluates against a scope of plain data. Throws `ExpressionError` on a runtime error. */
  evaluate(scope: Record<string, unknown>): unknown;
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

interface AstNode {
  type: string;
  value?: unknown;
  from?: AstNode;
  relative?: boolean;
  name?: string;
  pool?: string;
  args?: AstNode[];
  left?: AstNode;
  right?: AstNode;
  test?: AstNode;
  consequent?: AstNode;
  alternate?: AstNode;
  subject?: AstNode;
  expr?: AstNode;
}

/** Walks a Jexl AST: collects variable paths and checks names, without evaluating anything. */
function inspect(ast: AstNode, refs: Set<string>, lang: { transforms: Set<string>; functions: Set<string> }): void {
  const pathOf = (n: AstNode): string | undefined => {
    if (n.type !== 'Identifier' || n.relative) return undefined;
    if (!n.from) return String(n.value);
    const base = pathOf(n.from);
    return base === undefined ? undefined : `${base}.${String(n.value)}`;
  };
  const visit = (n: AstNode | undefined): void => {
    if (!n) return;
    switch (n.type) {
      case 'Identifier': {
        // a root variable is read by Jexl from the scope object: no name it could inherit from Object.prototype
        if (FORBIDDEN.has(String(n.value)) || (!n.from && !n.relative && String(n.value) in Object.prototype)) {
          throw new Error(`"${String(n.value)}" cannot be used in an expression`);
        }
        const p = pathOf(n);
        if (p !== undefined) refs.add(p);
        else visit(n.from);
        return;
      }
      case 'FunctionCall': {
        const known = n.pool === 'transforms' ? lang.transforms : lang.functions;
        if (!known.has(String(n.name))) {
          const what = n.pool === 'transforms' ? 'filter' : 'function';
          throw new Error(`unknown ${what} "${String(n.name)}" (known: ${[...known].join(', ')})`);
        }
        // a literal pattern is checked now, so `parley validate` reports it at its line
        const pattern = n.name === 'matches' ? n.args?.[1] : undefined;
        if (pattern?.type === 'Literal' && typeof pattern.value === 'string') {
          const c = checkPattern(pattern.value);
          if (!c.ok) throw new Error(`matches(): ${c.message}`);
        }
        n.args?.forEach(visit);
        return;
      }
      case 'ArrayLiteral':
        (n.value as AstNode[]).forEach(visit);
        return;
      case 'ObjectLiteral':
        Object.values(n.value as Record<string, AstNode>).forEach(visit);
        return;
      case 'FilterExpression':
        // a filter's condition reads root variables too (`people[.age > min_age]`); its `.age` adds no path
        visit(n.subject);
        visit(n.expr);
        return;
      default:
        visit(n.left);
        visit(n.right);
        visit(n.test);
        visit(n.consequent);
        visit(n.alternate);
    }
  };
  visit(ast);
}

const call = (name: string, ...args: AstNode[]): AstNode => ({ type: 'FunctionCall', pool: 'functions', name, args });
const literal = (value: unknown): AstNode => ({ type: 'Literal', value });

/**
 * Rewrites every member access of a checked AST into calls of the helpers above, so that Jexl's evaluator never
 * indexes a value itself: `a.b` → #get(a, "b"), `a[x]` → #index(a, x), and a filter `a[.b > 1]` →
 * #unwrap(#elements(a)[#own(.#element, "b") > 1]). Root variables stay Jexl's own lookup in the scope.
 */
function harden(n: AstNode): AstNode {
  const h = (x: AstNode | undefined) => (x ? harden(x) : undefined);
  switch (n.type) {
    case 'Literal':
      return n;
    case 'Identifier':
      if (n.from) return call(GET, harden(n.from), literal(n.value));
      // a root variable is read by Jexl itself from the scope: `checkRootName` keeps it to own properties
      if (!n.relative) return n;
      return call(OWN, { type: 'Identifier', value: ELEMENT, relative: true }, literal(n.value));
    case 'FilterExpression':
      if (n.relative) return call(UNWRAP, { type: 'FilterExpression', relative: true, subject: call(ELEMENTS, harden(n.subject!)), expr: harden(n.expr!) });
      return call(INDEX, harden(n.subject!), harden(n.expr!));
    case 'FunctionCall': {
      const args = (n.args ?? []).map(harden);
      // `v | currency(c)` → #currency(#format, v, c): the format comes with the evaluation, never from shared state
      if (n.pool === 'transforms' && LOCALE_TRANSFORMS.has(String(n.name)))
        return call(`#${String(n.name)}`, { type: 'Identifier', value: FORMAT_KEY }, ...args);
      return { ...n, args };
    }
    case 'ArrayLiteral':
      return { ...n, value: (n.value as AstNode[]).map(harden) };
    case 'ObjectLiteral':
      return { ...n, value: Object.fromEntries(Object.entries(n.value as Record<string, AstNode>).map(([k, v]) => [k, harden(v)])) };
    case 'BinaryExpression':
    case 'ConditionalExpression':
    case 'UnaryExpression': {
      const out: AstNode = { ...n };
      for (const k of ['left', 'right', 'test', 'consequent', 'alternate'] as const) if (n[k]) out[k] = h(n[k]);
      return out;
    }
    default:
      // a node type this code does not know could index values unchecked: refuse the expression
      throw new Error(`unsupported expression (${n.type})`);
  }
}

/** Strips the parser's "in expression: <source>" suffix; callers say where the expression lives. */
const cleanMessage = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e))
    .replace(/ in expression: [\s\S]*$/, '')
    .replace(/^Token (.+?)\s*\(\w+\) unexpected$/, 'unexpected "$1"')
    .replace(/^Unexpected end of expression.*$/i, 'the expression ends too early');

/**
 * One expression language instance: compiles and caches expressions. It holds no per-turn state: formatting
 * (locale, currency, time zone) comes with each evaluation's scope (`withFormat`), over the defaults given here.
 * Evaluation is synchronous.
 */
export class ExpressionLanguage {
  private readonly fmt: Readonly<FormatContext>;
  private readonly lang: Jexl;
  private readonly cache = new Map<string, CompiledExpression | ExpressionError>();
  private readonly names: { transforms: Set<string>; functions: Set<string> };

  /**
   * `evaluator`: `jexl` evaluates with Jexl's own `evalSync` (the reference the tree walk is tested and measured
   * against); default `tree`, the walk of expressionEval.ts.
   */
  constructor(
    fmt: Partial<FormatContext> = {},
    private readonly options: { evaluator?: 'tree' | 'jexl' } = {},
  ) {
    this.fmt = Object.freeze({ locale: 'en', currency: 'USD', timeZone: 'UTC', ...fmt });
    this.lang = createLanguage(this.fmt);
    this.names = { transforms: new Set(TRANSFORMS), functions: new Set(FUNCTIONS) };
  }

  /** Compiles (once per source text) or returns the error that explains why it cannot be. */
  compile(source: string): CompiledExpression | ExpressionError {
    const hit = this.cache.get(source);
    if (hit) return hit;
    let out: CompiledExpression | ExpressionError;
    try {
      // Jexl's parser has no tree for nothing, and its error then says "Cannot read properties of null"
      if (source.trim() === '') throw new Error('the expression is empty');
      const expr = this.lang.compile(source);
      const refs = new Set<string>();
      const ast = expr._getAst() as unknown as AstNode;
      inspect(ast, refs, this.names);
      // the expression keeps its AST object; swap its contents for the hardened tree
      const hardened = harden(ast);
      if (hardened !== ast) {
        for (const k of Object.keys(ast)) delete (ast as unknown as Record<string, unknown>)[k];
        Object.assign(ast, hardened);
      }
      // evaluated by walking the tree (expressionEval.ts), Jexl's own evaluator only for a tree that walk does not know
      const grammar = (this.lang as unknown as { _grammar?: JexlGrammar })._grammar;
      const direct = this.options.evaluator !== 'jexl' && grammar && canEvaluate(ast, grammar) ? grammar : undefined;
      out = {
        source,
        refs: [...refs],
        evaluate: (scope) => {
          try {
            return direct ? evaluateTree(direct, ast, safeScope(scope)) : expr.evalSync(safeScope(scope));
          } catch (e) {
            throw new ExpressionError(cleanMessage(e), source);
          }
        },
      };
    } catch (e) {
      out = new ExpressionError(cleanMessage(e), source);
    }
    this.cache.set(source, out);
    return out;
  }

  /** Compiles and evaluates; throws ExpressionError for a syntax or runtime error. */
  evaluate(source: string, scope: Record<string, unknown>): unknown {
    const c = this.compile(source);
    if (c instanceof ExpressionError) throw c;
    return c.evaluate(scope);
  }
}
