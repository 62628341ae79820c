// Reports of `parley test --target`: the local run's reports (report.ts), headed by the target and its bundle,
// with the stories that were skipped and why.
import type { RemoteTestReport } from './remote';
import { jsonReport, junitReport, textReport } from './report';

export function targetHeader(r: RemoteTestReport): string {
  const t = r.target;
  return `Stories against ${t.url}: bundle ${t.bundle.name} ${t.bundle.version}${t.fixtures ? ' (fixtures mode)' : ' (no --fixtures: stories that need fixtures are skipped)'}`;
}

export function remoteTextReport(r: RemoteTestReport): string {
  const lines = textReport(r).split('\n');
  const summary = lines.pop() ?? '';
  const skipped = r.skipped.length ? ['Skipped (not run against the target):', ...r.skipped.map((s) => `  ${s.file}: ${s.name}: ${s.reason}`), ''] : [];
  const withSkips = r.skipped.length ? summary.replace(/^(\d+ passed, \d+ failed)/, `$1, ${r.skipped.length} skipped`) : summary;
  return [targetHeader(r), '', ...lines, ...skipped, withSkips].join('\n');
}

export function remoteJsonReport(r: RemoteTestReport): string {
  const local = JSON.parse(jsonReport(r)) as Record<string, unknown>;
  return JSON.stringify({ target: r.target, ...local, skipped: r.skipped }, null, 2);
}

const allowed = (c: string) => c.charCodeAt(0) >= 0x20 || c === '\t' || c === '\n' || c === '\r';
const xml = (s: string) =>
  [...s]
    .filter(allowed)
    .join('')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** JUnit with a `<skipped>` testcase per skipped story (the counts include them). */
export function remoteJunitReport(r: RemoteTestReport): string {
  const out = junitReport(r);
  if (!r.skipped.length) return out;
  const n = r.skipped.length;
  const cases = r.skipped.map(
    (s) => `    <testcase classname="${xml(s.file)}" name="${xml(s.name)}" time="0.000"><skipped message="${xml(s.reason)}"/></testcase>`,
  );
  return out
    .replace(
      /<(testsuites?) ([^>]*?)tests="(\d+)"/g,
      (_m, tag: string, before: string, tests: string) => `<${tag} ${before}tests="${Number(tests) + n}" skipped="${n}"`,
    )
    .replace('  </testsuite>', `${cases.join('\n')}\n  </testsuite>`);
}
