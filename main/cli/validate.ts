import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { formatProblem, type Problem } from '../../shared/project/problems';
import { loadFromFiles, readProjectFiles } from '../services/projectStore';

export interface ValidateReport {
  dir: string;
  ok: boolean;
  problems: Problem[];
  flows: number;
  nodes: number;
}

/** Loads a project folder and reports every problem, as `parley validate` prints it. */
export async function validateDir(dir: string): Promise<ValidateReport> {
  const abs = path.resolve(dir);
  try {
    const files = await readProjectFiles(abs);
    const result = loadFromFiles(files);
    const flows = Object.values(result.project?.flows ?? {});
    return {
      dir: abs,
      ok: !result.problems.some((p) => p.severity === 'error'),
      problems: result.problems,
      flows: flows.length,
      nodes: flows.reduce((n, f) => n + f.nodes.length, 0),
    };
  } catch (e) {
    const message = e instanceof ApiError ? e.message : `cannot read ${abs}: ${(e as Error).message}`;
    return { dir: abs, ok: false, problems: [{ severity: 'error', file: 'parley.yaml', field: '', message }], flows: 0, nodes: 0 };
  }
}

export function formatReport(r: ValidateReport): string {
  const lines = r.problems.map((p) => `${formatProblem(p)}${p.severity === 'warning' ? ' (warning)' : ''}`);
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  const warnings = r.problems.length - errors;
  lines.push(
    r.ok
      ? `ok: ${r.flows} flows, ${r.nodes} nodes${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
      : `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} in ${r.dir}`,
  );
  return lines.join('\n');
}
