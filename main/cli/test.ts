// `parley test`: runs a project's stories and reports; exit 0 when all pass, 1 when any fails, 2 on invalid input.
import { writeFile } from 'node:fs/promises';
import { isPerturbation, PERTURBATIONS, type Perturbation } from '../../shared/stories/perturb';
import { runRemoteTests } from '../stories/remote';
import { remoteJsonReport, remoteJunitReport, remoteTextReport } from '../stories/remoteReport';
import { jsonReport, junitReport, textReport } from '../stories/report';
import { runTests, TestInputError, type LlmMode, type TestOptions } from '../stories/runner';
import { userParseCache } from '../services/parseCache';
import { defaultUserDataDir } from '../services/userData';
import { loadUserSettings } from '../services/userSettings';

export interface TestCliOptions {
  grep?: string;
  tag?: string[];
  junit?: string;
  json?: boolean;
  llm?: string;
  record?: boolean;
  repeat?: number;
  perturb?: string;
  concurrency?: number;
  /** Trust the project for this run (CI); otherwise the user's trust record from the studio decides. */
  trust?: boolean;
  /** Where the trust record lives (default: the studio's user data folder). */
  userDataDir?: string;
  /** false (`--no-cache`): read every file, without the cache of files read before. */
  cache?: boolean;
  /** `--target <url>`: play the stories against a running bundle (its token: PARLEY_RUNTIME_TOKEN). */
  target?: string;
}

export async function runTestCli(
  projectDir: string,
  o: TestCliOptions,
  out: { write(s: string): void; err: { write(s: string): void }; tty: boolean },
): Promise<number> {
  const llm = (o.llm ?? 'replay') as LlmMode;
  if (!['replay', 'live', 'mock'].includes(llm)) throw new TestInputError(`--llm must be replay, live or mock (not "${o.llm}")`);
  const perturb: Perturbation[] = [];
  for (const p of (o.perturb ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!isPerturbation(p)) throw new TestInputError(`--perturb: unknown perturbation "${p}" (known: ${PERTURBATIONS.join(', ')})`);
    perturb.push(p);
  }
  if (o.grep) {
    try {
      new RegExp(o.grep);
    } catch {
      throw new TestInputError(`--grep: not a valid regular expression: ${o.grep}`);
    }
  }
  const userDataDir = o.userDataDir ?? defaultUserDataDir();
  const { settings } = await loadUserSettings(userDataDir);
  const options: TestOptions = {
    projectDir,
    llm,
    limits: settings.limits,
    userDataDir,
    ...(o.cache === false ? {} : { parseCache: userParseCache(userDataDir) }),
    ...(o.trust ? { trust: true } : {}),
    ...(o.grep ? { grep: o.grep } : {}),
    ...(o.tag?.length ? { tags: o.tag } : {}),
    ...(o.record ? { record: true } : {}),
    ...(o.repeat ? { repeat: o.repeat } : {}),
    ...(perturb.length ? { perturb } : {}),
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    onResult: (r, done, total) => {
      if (!o.json && out.tty) out.err.write(`\r\x1b[K${done}/${total} ${r.passed ? '✓' : '✗'} ${r.name}`);
    },
  };
  if (o.target !== undefined) {
    if (llm !== 'replay' || o.record)
      throw new TestInputError(
        "--target runs the stories on the runtime, which answers model requests from the stories' fixtures only: --llm live, --llm mock and --record do not apply",
      );
    const { llm: _llm, userDataDir: _u, trust: _t, record: _r, ...common } = options;
    const report = await runRemoteTests({ ...common, target: o.target, env: process.env });
    if (!o.json && out.tty) out.err.write('\r\x1b[K');
    if (o.junit) await writeFile(o.junit, remoteJunitReport(report));
    out.write((o.json ? remoteJsonReport(report) : remoteTextReport(report)) + '\n');
    if (report.problems.some((p) => p.severity === 'error')) return 2;
    return report.ok ? 0 : 1;
  }
  const report = await runTests(options);
  if (!o.json && out.tty) out.err.write('\r\x1b[K');
  if (o.junit) await writeFile(o.junit, junitReport(report));
  out.write((o.json ? jsonReport(report) : textReport(report)) + '\n');
  if (report.problems.some((p) => p.severity === 'error')) return 2;
  return report.ok ? 0 : 1;
}
