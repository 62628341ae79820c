// The translation checks of a line of copy (issue: a writer must see what the bot cannot say in each language):
// a locale the project does not have, a locale of the project the line has no text in (a warning by default,
// `translations` in parley.yaml makes it an error or turns it off, per locale), and placeholders that differ from
// the default locale's (a translation that drops `{{customer.first_name}}` or reads a variable the original
// does not). The default locale's own text missing is the schema's and the inspector's business, not this.
import { ExpressionError, ExpressionLanguage } from '../engine/expressions';
import { compileTemplate } from '../engine/templates';
import type { FlowNode } from '../schema/nodes';
import type { ProjectManifest } from '../schema/project';
import { copyKeyOf, forEachCopy } from './copy';
import { localeName } from './localeName';

export type TranslationSeverity = 'off' | 'warning' | 'error';

export interface TranslationContext {
  defaultLocale: string;
  locales: ReadonlySet<string>;
  /** How a missing translation into `locale` is reported. */
  missing(locale: string): TranslationSeverity;
}

export interface TranslationCheck {
  severity: 'warning' | 'error';
  /** Under the line's path. */
  path: PropertyKey[];
  message: string;
}

export function translationContext(manifest: Pick<ProjectManifest, 'defaultLocale' | 'locales' | 'translations'>): TranslationContext {
  const t = manifest.translations;
  return {
    defaultLocale: manifest.defaultLocale,
    locales: new Set(manifest.locales),
    missing: (locale) => (t?.locales && Object.hasOwn(t.locales, locale) ? t.locales[locale]! : (t?.missing ?? 'warning')),
  };
}

// syntax only: which variables a placeholder reads does not depend on formatting
const lang = new ExpressionLanguage();

/** The variables the placeholders of a text read (its variants together). */
function readsOf(text: string | string[]): Set<string> {
  const out = new Set<string>();
  for (const t of Array.isArray(text) ? text : [text]) {
    const c = compileTemplate(lang, t);
    for (const p of c.parts) if (typeof p !== 'string' && !(p.expr instanceof ExpressionError)) p.expr.refs.forEach((r) => out.add(r));
  }
  return out;
}

const isEmpty = (text: string | string[] | undefined) => text === undefined || (Array.isArray(text) ? text.every((t) => t.trim() === '') : text.trim() === '');

/** The checks of every line of a node, with paths from the node; its stale translations too (staleTranslations.ts). */
export function nodeTranslationChecks(node: FlowNode, ctx: TranslationContext): TranslationCheck[] {
  const out: TranslationCheck[] = [];
  forEachCopy(node, (path, text) => {
    const id = node.copyIds?.[copyKeyOf(node, path)];
    const stale = id !== undefined ? node.staleTranslations?.[id] : undefined;
    for (const c of translationChecks(text, ctx, stale)) out.push({ ...c, path: [...path, ...c.path] });
  });
  return out;
}

/** At most `n` characters of a text, for a message. */
const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The checks of one line of copy (`text`, keyed by locale); `stale`: the default text each stale translation was
 * written for, by locale.
 */
export function translationChecks(
  text: Readonly<Record<string, string | string[]>>,
  ctx: TranslationContext,
  stale?: Readonly<Record<string, string>>,
): TranslationCheck[] {
  const out: TranslationCheck[] = [];
  for (const [loc, was] of Object.entries(stale ?? {}))
    if (!isEmpty(text[loc]))
      out.push({
        severity: 'warning',
        path: [loc],
        message: `the ${localeName(loc)} text was written for an earlier ${localeName(ctx.defaultLocale)} text ("${clip(was)}"): review it, then mark it reviewed`,
      });
  for (const loc of Object.keys(text))
    if (!ctx.locales.has(loc)) out.push({ severity: 'warning', path: [loc], message: `locale "${loc}" is not in the project's locales` });
  const source = text[ctx.defaultLocale];
  if (isEmpty(source)) return out;
  let sourceReads: Set<string> | undefined;
  for (const loc of ctx.locales) {
    if (loc === ctx.defaultLocale) continue;
    const translated = text[loc];
    if (isEmpty(translated)) {
      const severity = ctx.missing(loc);
      if (severity !== 'off')
        out.push({
          severity,
          path: [loc],
          message: `no ${localeName(loc)} text: customers in ${localeName(loc)} get the ${localeName(ctx.defaultLocale)} one`,
        });
      continue;
    }
    sourceReads ??= readsOf(source!);
    const reads = readsOf(translated!);
    const dropped = [...sourceReads].filter((r) => !reads.has(r));
    const added = [...reads].filter((r) => !sourceReads!.has(r));
    if (dropped.length || added.length)
      out.push({
        severity: 'warning',
        path: [loc],
        message: `the placeholders differ from the ${localeName(ctx.defaultLocale)} text: ${[
          dropped.length ? `no ${dropped.map((r) => `{{${r}}}`).join(', ')}` : '',
          added.length ? `${added.map((r) => `{{${r}}}`).join(', ')} not in the ${ctx.defaultLocale} text` : '',
        ]
          .filter(Boolean)
          .join('; ')}`,
      });
  }
  return out;
}
