// The copy lint over a whole project, as problems for `parley validate`: every line of the copy deck in each of
// its locales, placed at its file and field. The placeholder rule is left to the validator's own expression
// checks here (they report unknown variables already); the studio shows it as the writer types.
import { fieldPath, type Problem } from '../project/problems';
import type { ProjectModel } from '../project/validate';
import { GUARDRAILS_FILE, type GuardrailsFile } from '../schema/guardrails';
import { deckRows, type DeckRow } from './deck';
import { lintCopy, ruleTitle } from './lint';

/** Where a row's text is: its file and its path from the file's root. */
function placeOf(row: DeckRow, model: ProjectModel): { file: string; path: PropertyKey[] } | undefined {
  const src = row.source;
  switch (src.type) {
    case 'node': {
      const i = model.flows[src.flowId]?.nodes.findIndex((n) => n.id === src.nodeId) ?? -1;
      return i < 0 ? undefined : { file: `flows/${src.flowId}.yaml`, path: ['nodes', i, ...src.path] };
    }
    case 'builtin':
      return { file: 'parley.yaml', path: ['builtinCopy', src.key] };
    case 'global':
      return { file: 'parley.yaml', path: ['globals', src.index, 'say'] };
    case 'guardrail':
      return { file: GUARDRAILS_FILE, path: ['rules', src.index, 'message'] };
  }
}

export function copyLintProblems(model: ProjectModel & { guardrails?: GuardrailsFile | undefined }): Problem[] {
  const settings = model.manifest.copyLint;
  // (a phrase rule whose pattern does not compile is the project validator's to report: validate.ts)
  const out: Problem[] = [];
  const off = { ...settings, rules: { ...settings?.rules, placeholder: 'off' as const } };
  for (const row of deckRows(model)) {
    const place = placeOf(row, model);
    if (!place) continue;
    for (const [locale, text] of Object.entries(row.text)) {
      const variants = Array.isArray(text);
      for (const f of lintCopy(text, locale, { settings: off })) {
        out.push({
          severity: f.severity,
          file: place.file,
          field: fieldPath([...place.path, locale, ...(variants ? [f.variant] : [])]),
          message: `copy lint, ${ruleTitle(f.rule).toLowerCase()}: ${f.message}${f.suggestion ? `. ${f.suggestion}` : ''}`,
          ...(row.flowId ? { flowId: row.flowId } : {}),
          ...(row.nodeId ? { nodeId: row.nodeId } : {}),
        });
      }
    }
  }
  return out;
}
