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

const display = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/**
 * Renders a template. A placeholder that fails or has no value is kept as written (`{{slots.amount}}`) so the
 * gap is visible, and reported in `problems`.
 */
export function renderTemplate(t: CompiledTemplate, scope: Record<string, unknown>): RenderResult {
  if (t.parts.length === 1 && typeof t.parts[0] === 'string') return { text: t.parts[0], problems: [] };
  let text = '';
  const problems: TemplateProblem[] = [];
  for (const p of t.parts) {
    if (typeof p === 'string') {
      text += p;
      continue;
    }
    if (p.expr instanceof ExpressionError) {
      problems.push({ placeholder: p.source, message: p.expr.message });
      text += `{{${p.source}}}`;
      continue;
    }
    try {
      const v = p.expr.evaluate(scope);
      if (v === undefined || v === null) {
        const missing = p.expr.refs.join(', ') || p.source;
        problems.push({ placeholder: p.source, message: `no value for ${missing}` });
        text += `{{${p.source}}}`;
      } else text += display(v);
    } catch (e) {
      problems.push({ placeholder: p.source, message: e instanceof Error ? e.message : String(e) });
      text += `{{${p.source}}}`;
    }
  }
  return { text, problems };
}
