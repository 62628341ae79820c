import type { Problem } from '../../../shared/project/problems';
import { monaco } from './monaco';

/** Our own problems (YAML syntax, schema, cross-references) as Monaco markers, each over its whole line. */
export function showProblemMarkers(model: monaco.editor.ITextModel, problems: readonly Problem[]): void {
  const lineCount = model.getLineCount();
  monaco.editor.setModelMarkers(
    model,
    'parley',
    problems.map((p) => {
      const line = Math.min(Math.max(p.line ?? 1, 1), lineCount);
      const first = model.getLineFirstNonWhitespaceColumn(line);
      return {
        severity: p.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        message: `${p.field ? p.field + ': ' : ''}${p.message}`,
        source: 'parley',
        startLineNumber: line,
        endLineNumber: line,
        startColumn: first || 1,
        endColumn: model.getLineMaxColumn(line),
      };
    }),
  );
}

/** The problems list under the editor; a click puts the cursor on the problem's line. */
export function ProblemList({ problems, onReveal }: { problems: readonly Problem[]; onReveal?: (line: number) => void }) {
  if (problems.length === 0) return null;
  return (
    <ul className="source-problems">
      {problems.map((p, i) => (
        <li key={i} className={p.severity}>
          {onReveal && p.line !== undefined ? (
            <button type="button" className="problem-link" onClick={() => onReveal(p.line as number)}>
              line {p.line}
            </button>
          ) : (
            <>line {p.line ?? '?'}</>
          )}
          : {p.field ? `${p.field}: ` : ''}
          {p.message}
        </li>
      ))}
    </ul>
  );
}
