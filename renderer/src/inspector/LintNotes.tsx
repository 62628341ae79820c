// Under a line of copy in one locale: what the copy lint finds in it (shared/copy/lint.ts), as the writer types,
// each finding with its rule and a suggested fix.
import { useMemo } from 'react';
import { useLintModel, useLintModule } from '../copyDeck/useLint';

export function LintNotes({ texts, locale, label }: { texts: readonly string[]; locale: string; label: string }) {
  const lint = useLintModule();
  const model = useLintModel();
  const findings = useMemo(
    () =>
      lint && model
        ? lint.lintLine(
            texts.filter((t) => t.trim() !== ''),
            locale,
            model,
          )
        : [],
    [lint, model, texts, locale],
  );
  if (findings.length === 0) return null;
  return (
    <ul className="insp-lint" aria-label={`Copy lint findings, ${label}, ${locale}`}>
      {findings.map((f, i) => (
        <li key={i} className={`insp-lint-${f.severity}`}>
          <strong title={lint!.ruleDescription(f.rule)}>{lint!.ruleTitle(f.rule)}</strong>
          {texts.length > 1 ? ` (variant ${f.variant + 1})` : ''}: {f.message}
          {f.suggestion && <span className="insp-lint-fix">. {f.suggestion}</span>}
        </li>
      ))}
    </ul>
  );
}
