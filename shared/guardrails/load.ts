// guardrails.yaml as the project loader reads it (shared/project/load.ts, bundles in shared/bundle/load.ts):
// the schema's problems, each naming the file, the field and its line, and the checks a schema cannot make
// (a route to a flow the project does not have). A file with errors is left out of the project, which runs with
// the default rules (shared/guardrails/rules.ts) until it is fixed: a bank is better off with the defaults than
// with no screening; the problems say which field to fix.
import type { ParsedYaml } from '../project/parse';
import { checkSchema } from '../project/parse';
import { fieldPath, type Problem } from '../project/problems';
import { GUARDRAILS_FILE, GuardrailsFile } from '../schema/guardrails';

export interface GuardrailsCheck {
  file?: GuardrailsFile;
  problems: Problem[];
}

/** Checks guardrails.yaml's value against the schema and the project's flows. */
export function checkGuardrails(
  parsed: Pick<ParsedYaml, 'file' | 'lineOf'>,
  value: unknown,
  flowIds: ReadonlySet<string>,
  brokenFlows = false,
): GuardrailsCheck {
  const res = checkSchema(parsed, value ?? {}, GuardrailsFile);
  if (!res.ok) return { problems: res.problems };
  const problems: Problem[] = [];
  res.data.rules.forEach((r, i) => {
    if (r.flow !== undefined && !flowIds.has(r.flow) && !brokenFlows)
      problems.push({
        severity: 'error',
        file: GUARDRAILS_FILE,
        line: parsed.lineOf(['rules', i, 'flow']),
        field: fieldPath(['rules', i, 'flow']),
        message: `rule "${r.id}" routes to flow "${r.flow}", which the project does not have (flows: ${[...flowIds].sort().join(', ') || 'none'})`,
      });
  });
  const seen = new Map<string, number>();
  res.data.rules.forEach((r, i) => {
    if (seen.has(r.id))
      problems.push({
        severity: 'error',
        file: GUARDRAILS_FILE,
        line: parsed.lineOf(['rules', i, 'id']),
        field: fieldPath(['rules', i, 'id']),
        message: `duplicate rule id "${r.id}"`,
      });
    seen.set(r.id, i);
  });
  return { file: res.data, problems };
}
