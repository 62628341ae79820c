// The copy deck: every line the bot can say across the project, one row each — the nodes' copy (messages,
// questions, re-asks, invalid-answer messages, quick-reply labels, A/B variants, a node's own wording of an engine
// line), the project's wording of the engine's own lines (parley.yaml `builtinCopy`, the engine's defaults where
// the project has none), the global handlers' replies (parley.yaml `globals[].say`) and the guardrails' messages
// (guardrails.yaml `rules[].message`). Pure: the studio's table, the CSV/XLSX files and `parley copy` read it.
import { defaultLine, hasDefaultLines } from '../engine/copy';
import { copyIdOf, copyKeyOf, forEachCopy } from '../project/copy';
import { BUILTIN_KEYS, type BuiltinKey } from '../schema/builtinCopy';
import type { CopyText } from '../schema/common';
import type { GuardrailsFile } from '../schema/guardrails';
import type { FlowNode } from '../schema/nodes';
import type { Flow, ProjectManifest } from '../schema/project';

/** Where a row's text is kept, so an edit can be written back. */
export type DeckSource =
  | { type: 'node'; flowId: string; nodeId: string; path: PropertyKey[] }
  | { type: 'builtin'; key: BuiltinKey }
  | { type: 'global'; index: number }
  | { type: 'guardrail'; index: number };

export interface DeckRow {
  /**
   * The line's id: its stable copy id (`c_…`) for a node's line; `builtin/<key>`, `global/<id>`,
   * `guardrail/<id>` for the project's lines.
   */
  id: string;
  /** The readable alias (`flow/node.field`), as engine outputs and transcripts name the line. */
  alias: string;
  flowId?: string;
  nodeId?: string;
  /** What the line is, in a writer's words: "Message", "Button “yes”", "Re-ask", "Bot's own: back". */
  field: string;
  /** The text by locale, as the project words it (variants as lists). */
  text: Readonly<Record<string, CopyText>>;
  /** The engine's own wording by locale, for a `builtin` row the project does not word in that locale. */
  engineText?: Readonly<Record<string, string>>;
  /** Translations written for an earlier default-locale text: that text, by locale. */
  stale: Readonly<Record<string, string>>;
  source: DeckSource;
}

export interface DeckModel {
  manifest: Pick<ProjectManifest, 'defaultLocale' | 'locales' | 'builtinCopy' | 'globals'>;
  flows: Readonly<Record<string, Flow>>;
  guardrails?: GuardrailsFile | undefined;
}

const FIELD_NAMES: Record<string, string> = {
  say: 'Message',
  prompt: 'Question',
  reprompt: 'Re-ask',
  outOfHoursSay: 'Out of hours',
  message: 'Invalid answer',
  label: 'Button',
};

/** A writer's name for a line from its copy key (`buttons.yes.label` → `Button “yes”`). */
export function fieldName(key: string): string {
  const parts = key.split('.');
  if (parts[0] === 'builtinCopy') return `Bot's own: ${parts[1] ?? ''}`;
  if (parts[0] === 'variants') return `Variant “${parts[1] ?? ''}”`;
  const last = parts[parts.length - 1] ?? key;
  const base = FIELD_NAMES[last] ?? last;
  const button = parts.indexOf('buttons');
  const field = parts[0] === 'fields' ? `Field “${parts[1] ?? ''}”: ` : '';
  if (button >= 0) return `${field}Button “${parts[button + 1] ?? ''}”`;
  return `${field}${base}`;
}

function nodeRows(flowId: string, node: FlowNode, out: DeckRow[]): void {
  forEachCopy(node, (path, text) => {
    const key = copyKeyOf(node, path);
    const alias = copyIdOf(flowId, node, path);
    const id = node.copyIds?.[key] ?? alias;
    out.push({
      id,
      alias,
      flowId,
      nodeId: node.id,
      field: fieldName(key),
      text,
      stale: node.staleTranslations?.[id] ?? {},
      source: { type: 'node', flowId, nodeId: node.id, path: [...path] },
    });
  });
}

/** Every line of the project, flows in id order, their nodes in file order, then the project's lines. */
export function deckRows(model: DeckModel): DeckRow[] {
  const out: DeckRow[] = [];
  for (const flowId of Object.keys(model.flows).sort()) for (const node of model.flows[flowId]!.nodes) nodeRows(flowId, node, out);
  const { manifest } = model;
  for (const key of BUILTIN_KEYS) {
    const engineText: Record<string, string> = {};
    for (const loc of manifest.locales) if (hasDefaultLines(loc)) engineText[loc] = defaultLine(key, loc);
    out.push({
      id: `builtin/${key}`,
      alias: `builtin/${key}`,
      field: `Bot's own: ${key}`,
      text: manifest.builtinCopy?.[key] ?? {},
      engineText,
      stale: {},
      source: { type: 'builtin', key },
    });
  }
  (manifest.globals ?? []).forEach((g, index) => {
    if (g.say)
      out.push({ id: `global/${g.id}`, alias: `global/${g.id}`, field: `Global reply “${g.id}”`, text: g.say, stale: {}, source: { type: 'global', index } });
  });
  (model.guardrails?.rules ?? []).forEach((r, index) => {
    if (r.message)
      out.push({
        id: `guardrail/${r.id}`,
        alias: `guardrail/${r.id}`,
        field: `Guardrail “${r.id}”`,
        text: r.message,
        stale: {},
        source: { type: 'guardrail', index },
      });
  });
  return out;
}

/** The variants of a text (one for a plain string; none when absent). */
export const variantsOf = (t: CopyText | undefined): readonly string[] => (t === undefined ? [] : Array.isArray(t) ? t : [t]);

/** Whether a row has words in `locale` (the project's, or for an engine line the engine's). */
export function hasTextIn(row: DeckRow, locale: string): boolean {
  if (variantsOf(row.text[locale]).some((v) => v.trim() !== '')) return true;
  return row.engineText?.[locale] !== undefined;
}

/** What the bot says for a row in `locale`: the project's text, else the engine's. */
export function shownText(row: DeckRow, locale: string): CopyText | undefined {
  return row.text[locale] ?? row.engineText?.[locale];
}

/** The length of the longest variant in a locale (what a channel's length limit is about). */
export function charCount(row: DeckRow, locale: string): number {
  return Math.max(0, ...variantsOf(shownText(row, locale)).map((v) => [...v].length));
}
