// Story reports: concise text for people, JUnit XML for CI systems, JSON for tools.
import { formatProblem } from '../../shared/project/problems';
import type { Failure } from '../../shared/stories/run';
import type { StoryRun, TestReport } from './runner';

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'undefined'));
const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : 'n/a');

export function describeFailure(f: Failure): string {
  return `${f.check}: expected ${show(f.expected)}, got ${show(f.actual)}${f.node ? `; at node ${f.node}` : ''}`;
}

/** One line per failing story: the story, the turn (and its line), what diverged and where. */
export function failureLine(r: StoryRun): string {
  const res = r.result;
  if (res.error) return `${r.file}: ${r.name}: error: ${res.error}`;
  const f = res.firstFailure;
  const rate = r.runs > 1 ? ` (passed ${r.passes}/${r.runs}, needs ${Math.round(r.required * 100)}%)` : '';
  if (!f) return `${r.file}: ${r.name}${rate}`;
  const turn = res.turns.find((t) => t.index === f.turn);
  const said = turn?.input.type === 'text' ? ` "${turn.input.text}"` : turn?.input.type === 'button' ? ` [${turn.input.payload}]` : '';
  return `${r.file}${f.line ? `:${f.line}` : ''}: ${r.name}${rate}: turn ${f.turn}${said}: ${describeFailure(f.failure)}`;
}

export function textReport(report: TestReport): string {
  const lines: string[] = [];
  for (const p of report.problems) lines.push(formatProblem(p));
  for (const r of report.stories) {
    const rate = r.runs > 1 ? ` ${r.passes}/${r.runs}` : '';
    lines.push(`${r.passed ? '✓' : '✗'} ${r.name}${rate} (${r.file}, ${r.result.ms} ms)`);
  }
  const failed = report.stories.filter((r) => !r.passed);
  if (failed.length) {
    lines.push('', 'Failures:');
    for (const r of failed) lines.push(`  ${failureLine(r)}`);
  }
  if (report.perturbations.length) {
    lines.push('', 'Robustness (stories passing with perturbed user turns):');
    for (const p of report.perturbations)
      lines.push(
        `  ${p.kind.padEnd(6)} ${p.passed}/${p.total} (${pct(p.passed, p.total)})${p.failed.length ? `; failing: ${p.failed.slice(0, 5).join(', ')}${p.failed.length > 5 ? ', …' : ''}` : ''}`,
      );
  }
  const c = report.coverage;
  lines.push(
    '',
    `Coverage: nodes ${c.visitedNodes}/${c.nodes} (${pct(c.visitedNodes, c.nodes)}), exits ${c.coveredExits}/${c.exits} (${pct(c.coveredExits, c.exits)})`,
  );
  for (const f of c.flows)
    lines.push(
      `  ${f.flow.padEnd(16)} nodes ${pct(f.visitedNodes, f.nodes).padStart(4)}  exits ${pct(f.coveredExits, f.exits).padStart(4)}${f.unvisited.length ? `  not visited: ${f.unvisited.join(', ')}` : ''}`,
    );
  const passed = report.stories.filter((r) => r.passed).length;
  const invalid = report.problems.filter((p) => p.severity === 'error').length;
  lines.push(
    '',
    `${passed} passed, ${report.stories.length - passed} failed${invalid ? `, ${invalid} problem${invalid === 1 ? '' : 's'} in story files` : ''} (${report.stories.length} stories, ${report.ms} ms)${report.recorded ? `; recorded ${report.recorded} model replies` : ''}`,
  );
  return lines.join('\n');
}

/** Characters XML 1.0 does not allow (control characters other than tab, newline and carriage return). */
const allowed = (c: string) => c.charCodeAt(0) >= 0x20 || c === '\t' || c === '\n' || c === '\r';
const xml = (s: string) =>
  [...s]
    .filter(allowed)
    .join('')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

export function junitReport(report: TestReport): string {
  // one testcase per story, and one per invalid story file (with all its problems), so that `tests` counts the
  // testcase elements as CI systems expect
  const invalid = new Map<string, string[]>();
  for (const p of report.problems.filter((x) => x.severity === 'error')) invalid.set(p.file, [...(invalid.get(p.file) ?? []), formatProblem(p)]);
  const tests = report.stories.length + invalid.size;
  const failures = report.stories.filter((r) => !r.passed && !r.result.error).length;
  const errors = report.stories.filter((r) => r.result.error).length + invalid.size;
  const time = (report.ms / 1000).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="parley stories" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">`);
  out.push(`  <testsuite name="stories" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">`);
  for (const r of report.stories) {
    out.push(`    <testcase classname="${xml(r.file)}" name="${xml(r.name)}" time="${(r.result.ms / 1000).toFixed(3)}">`);
    if (r.result.error) out.push(`      <error message="${xml(r.result.error)}"/>`);
    else if (!r.passed) {
      const body = r.result.turns
        .map(
          (t) =>
            `turn ${t.index}: ${t.input.type === 'text' ? `user: ${t.input.text}` : JSON.stringify(t.input)}\n  bot: ${t.says.join(' | ')}\n  path: ${t.path.join(' > ')}${t.failures.map((f) => `\n  FAIL ${describeFailure(f)}`).join('')}`,
        )
        .join('\n');
      out.push(`      <failure message="${xml(failureLine(r))}">${xml(body)}</failure>`);
    }
    out.push('    </testcase>');
  }
  for (const [file, problems] of invalid) {
    out.push(
      `    <testcase classname="${xml(file)}" name="${xml(`invalid story file ${file}`)}" time="0.000"><error message="${xml(problems[0] as string)}">${xml(problems.join('\n'))}</error></testcase>`,
    );
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}

/** What every report says of a story: its outcome, the first failure or error, and its time. */
export function storySummary(r: StoryRun) {
  return {
    file: r.file,
    name: r.name,
    tags: r.tags,
    passed: r.passed,
    runs: r.runs,
    passes: r.passes,
    ...(r.result.error ? { error: r.result.error } : {}),
    ...(r.result.firstFailure ? { firstFailure: r.result.firstFailure } : {}),
    ms: r.result.ms,
  };
}

export function jsonReport(report: TestReport): string {
  return JSON.stringify(
    {
      ok: report.ok,
      passed: report.stories.filter((r) => r.passed).length,
      failed: report.stories.filter((r) => !r.passed).length,
      problems: report.problems,
      stories: report.stories.map((r) => ({ ...storySummary(r), passRate: r.passRate, required: r.required })),
      perturbations: report.perturbations,
      coverage: report.coverage,
      ms: report.ms,
    },
    null,
    2,
  );
}
