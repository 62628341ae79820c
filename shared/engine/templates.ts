// Copy templates: text with `{{ expression }}` placeholders, e.g. `Your balance is {{account.balance | currency}}`.
// A placeholder whose value is missing is a problem to report, never a silent empty string.
import { ExpressionError, type CompiledExpression, type ExpressionLanguage } from './expressions';

export type TemplatePart = string | { source: string; expr: CompiledExpression | ExpressionError };

export interface CompiledTemplate {
  readonly parts: readonly TemplatePart[];
  /** Variable paths the placeholders read. */
  readonly refs: readonly string[];
  /** Syntax errors of the placeholders. */
  readonly errors: readonly ExpressionError[];
}

export interface TemplateProblem {
  /** The placeholder as written, e.g. `account.balance | currency`. */
  placeholder: string;
  message: string;
}

export interface RenderResult {
  text: string;
  problems: TemplateProblem[];
}

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;

export function compileTemplate(lang: ExpressionLanguage, text: string): CompiledTemplate {
  const parts: TemplatePart[] = [];
  const refs = new Set<string>();
  const errors: ExpressionError[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const source = (m[1] ?? '').trim();
    const expr = source === '' ? new ExpressionError('empty placeholder {{ }}', source) : lang.compile(source);
    if (expr instanceof ExpressionError) errors.push(expr);
    else expr.refs.forEach((r) => refs.add(r));
    parts.push({ source, expr });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return { parts, refs: [...refs], errors };
}

/** How a value reads in text: strings as they are, other values as JSON. */
export const display = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

export type PlaceholderPart = Exclude<TemplatePart, string>;

/** A placeholder's value, or the problem that stands for it (a syntax error, an error, no value). */
export function evaluatePart(p: PlaceholderPart, scope: Record<string, unknown>): { ok: true; value: unknown } | { ok: false; problem: TemplateProblem } {
  if (p.expr instanceof ExpressionError) return { ok: false, problem: { placeholder: p.source, message: p.expr.message } };
  try {
    const value = p.expr.evaluate(scope);
    if (value === undefined || value === null)
      return { ok: false, problem: { placeholder: p.source, message: `no value for ${p.expr.refs.join(', ') || p.source}` } };
    return { ok: true, value };
  } catch (e) {
    return { ok: false, problem: { placeholder: p.source, message: e instanceof Error ? e.message : String(e) } };
  }
}

/**
 * Renders a template. A placeholder that fails or has no value is kept as written (`{{slots.amount}}`) so the
 * gap is visible, and reported in `problems`. `format` turns a value into text in the template's context
 * (`display` for copy; percent-encoding in a URL); if it throws, the placeholder is kept and reported.
 */
export function renderTemplate(
  t: CompiledTemplate,
  scope: Record<string, unknown>,
  format: (value: unknown, part: PlaceholderPart) => string = display,
): RenderResult {
  if (t.parts.length === 1 && typeof t.parts[0] === 'string') return { text: t.parts[0], problems: [] };
  let text = '';
  const problems: TemplateProblem[] = [];
  for (const p of t.parts) {
    if (typeof p === 'string') {
      text += p;
      continue;
    }
    const r = evaluatePart(p, scope);
    let piece: string | undefined;
    if (r.ok) {
      try {
        piece = format(r.value, p);
      } catch (e) {
        problems.push({ placeholder: p.source, message: e instanceof Error ? e.message : String(e) });
      }
    } else problems.push(r.problem);
    text += piece ?? `{{${p.source}}}`;
  }
  return { text, problems };
}

// ---- API requests: values are data, never request text ---------------------------------------------------

/** A placeholder value in a URL: one percent-encoded path segment or query value (`/`, `?`, `#`, `&` encoded). */
export const urlComponent = (v: unknown): string => encodeURIComponent(display(v));

/** A path segment a URL parser would resolve (`.`, `..`, also percent-encoded): a value must not form one. */
export function hasDotSegment(url: string): boolean {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] ?? '';
  return path.split('/').some((seg) => /^(\.|%2e){1,2}$/i.test(seg));
}

/** A JSON body as YAML/JSON data whose string leaves are templates (`{ amount: '{{slots.amount}}' }`). */
export type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };

export interface BodyProblem extends TemplateProblem {
  /** Where in the body, e.g. `body.items[0]`. */
  field: string;
}

type Compile = (text: string) => CompiledTemplate;

const loneValue = (t: CompiledTemplate): PlaceholderPart | undefined => (t.parts.length === 1 && typeof t.parts[0] !== 'string' ? t.parts[0] : undefined);

/**
 * Renders a structured body: a string leaf that is exactly one placeholder takes the value itself (a number
 * stays a number, an object an object); a leaf with text around placeholders becomes a string. Keys are
 * literal. The caller serialises the result with JSON.stringify, so no value can add a field.
 */
export function renderJsonTemplate(
  body: JsonTemplate,
  compile: Compile,
  scope: Record<string, unknown>,
  field = 'body',
): { value: unknown; problems: BodyProblem[] } {
  const problems: BodyProblem[] = [];
  const walk = (v: JsonTemplate, at: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    // fromEntries: a key such as `__proto__` stays a plain field
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${at}.${k}`)]));
    if (typeof v !== 'string' || !v.includes('{{')) return v;
    const t = compile(v);
    const lone = loneValue(t);
    if (lone) {
      const r = evaluatePart(lone, scope);
      if (r.ok) return r.value;
      problems.push({ ...r.problem, field: at });
      return v;
    }
    const r = renderTemplate(t, scope);
    problems.push(...r.problems.map((p) => ({ ...p, field: at })));
    return r.text;
  };
  return { value: walk(body, field), problems };
}

// Private-use characters mark where placeholders were while a string body is parsed as JSON.
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARK = /\uE000(\d+)\uE001/g;

/**
 * The old form of a JSON body, a string with placeholders, made safe: each placeholder is replaced by a
 * marker (a quoted one where it stands for a whole value, a bare one inside a string literal) and the text is
 * parsed as JSON; then each marker takes its value as data: a whole-value placeholder its JSON value (`| json`
 * at its end is dropped: the value is serialised anyway), one inside a string literal its text. No value is
 * ever spliced into the JSON text. `undefined` when the text is not JSON even with the markers.
 */
export function renderJsonText(t: CompiledTemplate, compile: Compile, scope: Record<string, unknown>): { value: unknown; problems: BodyProblem[] } | undefined {
  let text = '';
  let inString = false;
  const placeholders: { part: PlaceholderPart; whole: boolean }[] = [];
  for (const p of t.parts) {
    if (typeof p === 'string') {
      if (p.includes(MARK_OPEN) || p.includes(MARK_CLOSE)) return undefined;
      for (let i = 0; i < p.length; i++) {
        if (p[i] === '\\' && inString) i++;
        else if (p[i] === '"') inString = !inString;
      }
      text += p;
    } else {
      const marker = `${MARK_OPEN}${placeholders.length}${MARK_CLOSE}`;
      placeholders.push({ part: p, whole: !inString });
      text += inString ? marker : `"${marker}"`;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const problems: BodyProblem[] = [];
  // Each marker occurs once in the parsed value (JSON.parse keeps one of duplicate keys), so once per placeholder.
  const valueOf = (i: number, field: string) => {
    const { part, whole } = placeholders[i]!;
    const json = whole ? /^([\s\S]*?)\|\s*json\s*$/.exec(part.source) : null;
    const e = json ? evaluatePart(loneValue(compile(`{{${json[1]}}}`)) ?? part, scope) : evaluatePart(part, scope);
    if (!e.ok) problems.push({ ...e.problem, field });
    return e;
  };
  const str = (s: string, field: string): unknown => {
    const whole = /^\uE000(\d+)\uE001$/.exec(s);
    if (whole && placeholders[Number(whole[1])]?.whole) {
      const r = valueOf(Number(whole[1]), field);
      return r.ok ? r.value : `{{${placeholders[Number(whole[1])]!.part.source}}}`;
    }
    return s.replace(MARK, (_, n: string) => {
      const r = valueOf(Number(n), field);
      return r.ok ? display(r.value) : `{{${placeholders[Number(n)]!.part.source}}}`;
    });
  };
  const walk = (v: unknown, at: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => {
          const key = String(str(k, at));
          return [key, walk(x, `${at}.${key}`)];
        }),
      );
    return typeof v === 'string' ? str(v, at) : v;
  };
  return { value: walk(parsed, 'body'), problems };
}
