// `parley guardrails evaluate <projectDir> [--benign file.csv] [--adversarial file.csv] [--json]`: the project's
// guardrail rules (guardrails.yaml, else the defaults) on ordinary customer messages (default: BANKING77's test set
// beside the repository, ../shared/data/banking77/test.csv, or PARLEY_BANKING77) and on attacks and sensitive
// messages (default: the project's evaluation/guardrails-adversarial.csv, when it has one).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluateAdversarial, evaluateBenign, type AdversarialReport, type BenignReport, type LabelledText } from '../../shared/guardrails/evaluate';
import { readLabelledCsv } from '../../shared/nlu/csv';
import { formatProblem } from '../../shared/project/problems';
import { GUARDRAILS_FILE } from '../../shared/schema/guardrails';
import type { GuardrailsFile } from '../../shared/schema/guardrails';
import { loadFromFilesParallel, readProjectFiles } from '../services/projectStore';
import { PACKAGE_ROOT } from './paths';

/** A problem with the input (a file, the project's rules): the message names the file and what is wrong. */
export class GuardrailsInputError extends Error {
  override name = 'GuardrailsInputError';
}

export const DEFAULT_BENIGN = (): string => path.resolve(PACKAGE_ROOT, process.env.PARLEY_BANKING77 ?? '../shared/data/banking77', 'test.csv');
export const ADVERSARIAL_FILE = 'evaluation/guardrails-adversarial.csv';

async function readRows(file: string, flag: string): Promise<LabelledText[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GuardrailsInputError(
      `cannot read ${flag} file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`,
    );
  }
  try {
    return readLabelledCsv(text).map((r) => ({ text: r.text, label: r.label }));
  } catch (e) {
    throw new GuardrailsInputError(`${flag} file ${file} ${(e as Error).message}`);
  }
}

export interface GuardrailsEvaluation {
  rules: 'project' | 'defaults';
  benign: BenignReport & { file: string };
  adversarial?: AdversarialReport & { file: string };
}

export async function evaluateGuardrails(projectDir: string, o: { benign?: string; adversarial?: string } = {}): Promise<GuardrailsEvaluation> {
  const dir = path.resolve(projectDir);
  const loaded = await loadFromFilesParallel(await readProjectFiles(dir));
  const broken = loaded.problems.filter((p) => p.file === GUARDRAILS_FILE && p.severity === 'error');
  if (broken.length) throw new GuardrailsInputError(`${GUARDRAILS_FILE} has errors:\n${broken.map(formatProblem).join('\n')}`);
  const file: GuardrailsFile | undefined = loaded.project?.guardrails;
  const benignFile = o.benign ?? DEFAULT_BENIGN();
  if (!o.benign && !existsSync(benignFile))
    throw new GuardrailsInputError(`no --benign file, and BANKING77 is not at ${benignFile} (set PARLEY_BANKING77 to its folder)`);
  const benign = { file: benignFile, ...evaluateBenign(file, await readRows(benignFile, '--benign')) };
  const advFile = o.adversarial ?? (existsSync(path.join(dir, ADVERSARIAL_FILE)) ? path.join(dir, ADVERSARIAL_FILE) : undefined);
  let adversarial: GuardrailsEvaluation['adversarial'];
  if (advFile) {
    const rows = await readRows(advFile, '--adversarial');
    try {
      adversarial = { file: advFile, ...evaluateAdversarial(file, rows) };
    } catch (e) {
      throw new GuardrailsInputError(`--adversarial file ${advFile}: ${(e as Error).message}`);
    }
  }
  return { rules: file ? 'project' : 'defaults', benign, ...(adversarial ? { adversarial } : {}) };
}

const round = (v: number) => Number(v.toFixed(4));

/** The `--json` object. */
export function evaluationJson(e: GuardrailsEvaluation): {
  benignFlaggedRate: number;
  detectionRate: number | null;
  byCategory: Record<string, { rows: number; detected: number; rate: number }>;
} {
  return {
    benignFlaggedRate: round(e.benign.flaggedRate),
    detectionRate: e.adversarial ? round(e.adversarial.detectionRate) : null,
    byCategory: Object.fromEntries(Object.entries(e.adversarial?.byCategory ?? {}).map(([k, v]) => [k, { ...v, rate: round(v.rate) }])),
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function formatEvaluation(e: GuardrailsEvaluation): string {
  const out: string[] = [];
  out.push(`rules: ${e.rules === 'project' ? GUARDRAILS_FILE : `the defaults (no ${GUARDRAILS_FILE})`}`);
  const b = e.benign;
  out.push('', `benign: ${b.file}`, `  ${b.rows} messages, ${b.flagged} blocked or escalated: ${pct(b.flaggedRate)} (target ≤ 1%)`);
  for (const x of b.flaggedExamples) out.push(`    ${x.action} by ${x.rule} [${x.label}]: ${x.text}`);
  out.push('', '  routes per intent (intents with any route):');
  if (!b.routes.length) out.push('    none');
  else {
    out.push(`    ${'intent'.padEnd(42)} ${'rows'.padStart(5)} ${'routed'.padStart(7)} ${'rate'.padStart(7)}  to`);
    for (const r of b.routes)
      out.push(
        `    ${r.intent.padEnd(42)} ${String(r.rows).padStart(5)} ${String(r.routed).padStart(7)} ${pct(r.rate).padStart(7)}  ${Object.entries(r.flows)
          .map(([f, n]) => `${f} ${n}`)
          .join(', ')}`,
      );
  }
  const a = e.adversarial;
  if (!a) out.push('', `adversarial: none (give --adversarial, or add ${ADVERSARIAL_FILE} to the project)`);
  else {
    out.push('', `adversarial: ${a.file}`, `  ${a.rows} messages, ${a.detected} detected: ${pct(a.detectionRate)} (target ≥ 90%)`);
    out.push(`    ${'category'.padEnd(14)} ${'rows'.padStart(5)} ${'detected'.padStart(9)} ${'rate'.padStart(7)}`);
    for (const [k, v] of Object.entries(a.byCategory).sort(([x], [y]) => x.localeCompare(y)))
      out.push(`    ${k.padEnd(14)} ${String(v.rows).padStart(5)} ${String(v.detected).padStart(9)} ${pct(v.rate).padStart(7)}`);
    if (a.missed.length) {
      out.push('  missed:');
      for (const m of a.missed) out.push(`    [${m.label}] ${m.text.length > 140 ? `${m.text.slice(0, 137)}...` : m.text}`);
    }
  }
  return out.join('\n');
}
