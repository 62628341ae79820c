// Parity: the sample's stories played against its exported bundle (`node server.mjs --fixtures`) over HTTP get
// the same verdicts, story by story, as `parley test` in the studio's process; a bundle with an edited copy fails
// the same stories with the same messages both ways. Replies of normal conversations carry no test view, and a
// runtime without --fixtures skips the stories, saying why.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRemoteTests, type RemoteTestReport } from '../../main/stories/remote';
import { remoteJunitReport, remoteTextReport } from '../../main/stories/remoteReport';
import { describeFailure, failureLine } from '../../main/stories/report';
import { runTests, type TestReport } from '../../main/stories/runner';
import { copySample } from '../fixtures/tinyProject';
import { exportProject, runServer, type Exported, type RunningServer } from '../support/bundleRuntime';
import { freePort } from '../support/redis';

const root = path.resolve(import.meta.dirname, '../..');
const SAMPLE = path.join(root, 'examples/acme-bank');
const TOKEN = 'parity-token-0123456789';

/** Each story's verdict and what the report says of it (its first failure or error). */
const verdicts = (r: TestReport) =>
  Object.fromEntries(r.stories.map((s) => [s.file, { passed: s.passed, failure: s.passed ? undefined : failureLine(s).replace(/\(\d+ ms\)/, '') }]));

const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, 'bin/parley.mjs'), 'test', ...args], {
    cwd: root,
    env: { ...process.env, PARLEY_RUNTIME_TOKEN: TOKEN },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let bundle: Exported;
let server: RunningServer;
let local: TestReport;
/** The sample's stories, one per file. */
const STORIES = readdirSync(path.join(SAMPLE, 'stories')).filter((f) => f.endsWith('.yaml')).length;
const servers: RunningServer[] = [];

beforeAll(async () => {
  // the studio's verdicts are worked out while the bundle is exported and its runtime starts
  [local] = await Promise.all([
    runTests({ projectDir: SAMPLE }),
    (async () => {
      bundle = await exportProject(SAMPLE);
      server = await runServer(bundle.dir, ['--fixtures'], { PARLEY_RUNTIME_TOKEN: TOKEN });
      servers.push(server);
    })(),
  ]);
}, 180_000);
afterAll(() => Promise.all(servers.map((s) => s.stop())));

describe('parley test --target', { timeout: 180_000 }, () => {
  it("gives every story of the sample the studio's verdict", async () => {
    expect(local.stories.length).toBe(STORIES);
    expect(local.ok).toBe(true);
    const remote = await runRemoteTests({ projectDir: SAMPLE, target: server.url, token: TOKEN });
    expect(remote.skipped).toEqual([]);
    expect(verdicts(remote)).toEqual(verdicts(local));
    // the turns went the same way: the same nodes and exits covered
    expect(remote.coverage).toEqual(local.coverage);
    expect(remote.ok).toBe(true);
    expect(remote.target).toEqual({ url: server.url, bundle: { name: 'Acme Bank Support', version: '1.0.0' }, fixtures: true, variants: true });
    const text = remoteTextReport(remote);
    expect(text.split('\n')[0]).toBe(`Stories against ${server.url}: bundle Acme Bank Support 1.0.0 (fixtures mode)`);
    expect(text).toMatch(new RegExp(`\\n${STORIES} passed, 0 failed \\(${STORIES} stories, \\d+ ms\\)$`));
  });

  it('fails the same stories, with the same messages, when the bundle says something else', async () => {
    const broken = copySample();
    const f = path.join(broken, 'flows/card_lost.yaml');
    const before = readFileSync(f, 'utf8');
    writeFileSync(f, before.replace('line on 1-800-555-0123 so we can block', 'line on 1-800-555-0000 so we can block'));
    expect(readFileSync(f, 'utf8')).not.toBe(before);
    const brokenLocal = await runTests({ projectDir: broken });
    const failed = brokenLocal.stories.filter((s) => !s.passed).map((s) => s.file);
    expect(failed).toEqual(['stories/lost_card_no_agents.yaml']);
    const exported = await exportProject(broken);
    const other = await runServer(exported.dir, ['--fixtures'], { PARLEY_RUNTIME_TOKEN: TOKEN });
    servers.push(other);
    const remote = await runRemoteTests({ projectDir: broken, target: other.url, token: TOKEN });
    expect(verdicts(remote)).toEqual(verdicts(brokenLocal));
    const first = remote.stories.find((s) => !s.passed)!.result.firstFailure!;
    expect(describeFailure(first.failure)).toMatch(/^says\[1\]\.contains: expected "1-800-555-0123", got \[.*1-800-555-0000/);
    expect(remote.ok).toBe(false);
    // the CLI: the same report, exit 1
    const r = await cli(broken, '--target', other.url, '--no-cache');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(`Stories against ${other.url}: bundle Acme Bank Support 1.0.0 (fixtures mode)`);
    expect(r.stdout).toContain(failureLine(brokenLocal.stories.find((s) => !s.passed)!));
    expect(r.stdout).toContain(`${STORIES - 1} passed, 1 failed (${STORIES} stories`);
  });

  it('skips every story, with the reason, on a runtime without --fixtures (JUnit says skipped)', async () => {
    const plain = await runServer(bundle.dir, [], { PARLEY_RUNTIME_TOKEN: TOKEN });
    servers.push(plain);
    const remote: RemoteTestReport = await runRemoteTests({ projectDir: SAMPLE, target: plain.url, token: TOKEN });
    expect(remote.target.fixtures).toBe(false);
    expect(remote.stories).toEqual([]);
    expect(remote.skipped.length).toBe(STORIES);
    const balance = remote.skipped.find((s) => s.file === 'stories/balance_happy.yaml')!;
    expect(balance.reason).toBe(`needs its fixtures (fixtures.api), and the runtime at ${plain.url} was not started with --fixtures`);
    const menu = remote.skipped.find((s) => s.file === 'stories/menu_buttons.yaml')!;
    expect(menu.reason).toMatch(/was not started with --fixtures: only conversations started with fixtures return what stories check/);
    const junit = remoteJunitReport(remote);
    expect(junit).toContain(`<testsuites name="parley stories" tests="${STORIES}" skipped="${STORIES}" failures="0" errors="0"`);
    expect(junit.match(/<skipped message="/g)?.length).toBe(STORIES);
    const text = remoteTextReport(remote);
    expect(text).toContain('Skipped (not run against the target):');
    expect(text).toContain(`0 passed, 0 failed, ${STORIES} skipped`);
  });

  it('skips what a runtime cannot do (no greeting first; model replies only a cassette has), and errs where the studio errs', async () => {
    const dir = copySample();
    const hours = (name: string) => `name: ${name}\nturns:\n  - user: are you open on Saturday\n    expect:\n      intent: opening_hours\n`;
    writeFileSync(path.join(dir, 'stories/zz_no_greeting.yaml'), 'name: No greeting\nsetup: { greet: false }\nturns:\n  - user: what is my balance\n');
    writeFileSync(path.join(dir, 'stories/zz_recorded.yaml'), hours('Recorded model reply'));
    writeFileSync(path.join(dir, 'stories/zz_unrecorded.yaml'), hours('No model reply anywhere'));
    mkdirSync(path.join(dir, 'stories/cassettes'));
    writeFileSync(
      path.join(dir, 'stories/cassettes/zz_recorded.json'),
      JSON.stringify({ k: { request: {}, response: { text: 'x', model: 'm', stopReason: 'end_turn' } } }),
    );
    const files = ['stories/zz_no_greeting.yaml', 'stories/zz_recorded.yaml', 'stories/zz_unrecorded.yaml'];
    const remote = await runRemoteTests({ projectDir: dir, files, target: server.url, token: TOKEN });
    expect(remote.skipped.map((s) => [s.file, s.reason])).toEqual([
      ['stories/zz_no_greeting.yaml', "setup.greet: false: a runtime always plays the bot's opening when a conversation starts"],
      [
        'stories/zz_recorded.yaml',
        "needs model replies no fixture gives (recorded in stories/cassettes/zz_recorded.json); a runtime answers model requests from the story's fixtures only",
      ],
    ]);
    // no fixture and no recording: an error of the story, here as in the studio
    const studio = await runTests({ projectDir: dir, files });
    const unrecorded = (r: TestReport) => r.stories.find((s) => s.file === 'stories/zz_unrecorded.yaml')!;
    expect(unrecorded(studio).result.error).toMatch(/^turn 1: no recording of this request to hours\/answer_hours/);
    expect(unrecorded(remote).passed).toBe(false);
    expect(unrecorded(remote).result.error).toMatch(/^turn 1: no LLM fixture or recording answers hours\/answer_hours/);
    expect(remote.stories.length).toBe(1);
  });

  it('runs perturbations and repeats on the target as in the studio', async () => {
    const o = { projectDir: SAMPLE, grep: 'balance|lost_card', perturb: ['typos' as const, 'case' as const], repeat: 2 };
    const [studio, remote] = [await runTests(o), await runRemoteTests({ ...o, target: server.url, token: TOKEN })];
    expect(remote.stories.map((s) => [s.file, s.runs, s.passes])).toEqual(studio.stories.map((s) => [s.file, s.runs, s.passes]));
    expect(remote.perturbations).toEqual(studio.perturbations);
    expect(studio.perturbations[0]!.total).toBeGreaterThan(10);
  });

  it('returns the test view only to conversations started with fixtures on a --fixtures runtime, when asked', async () => {
    // every request asks for the test view (Parley-Test-View: 1), as parley test --target does
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'parley-test-view': '1' };
    const start = (url: string, body: unknown, h: Record<string, string> = headers) =>
      fetch(`${url}/v1/conversations`, { method: 'POST', headers: h, body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const send = (url: string, id: string, body: unknown, h: Record<string, string> = headers) =>
      fetch(`${url}/v1/conversations/${id}/messages`, { method: 'POST', headers: h, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      );
    const normal = await start(server.url, {});
    expect(Object.keys(normal).sort()).toEqual(['conversationId', 'id', 'messages', 'quickReplies', 'turn']);
    expect(Object.keys(await send(server.url, normal.id as string, { text: 'what are your opening hours' }))).not.toContain('test');
    const plain = servers[servers.length - 1]!;
    const other = await start(plain.url, {});
    expect(Object.keys(await send(plain.url, other.id as string, { text: 'hello' }))).not.toContain('test');

    const withFixtures = await start(server.url, { fixtures: {} });
    const test = withFixtures.test as { path: { flow: string; node: string }[]; state: { wait: { flow: string; node: string } } };
    expect(test.path[0]).toEqual({ flow: 'main', node: 'start' });
    expect(test.state.wait).toMatchObject({ flow: 'main', node: 'listen_intent' });
    // a blank message is an input, as in the studio's stories
    const blank = await send(server.url, withFixtures.id as string, { text: '' });
    expect(blank.test).toBeDefined();
    // a client that does not ask gets the reply alone: what it costs in production, fixtures or not
    const { 'parley-test-view': _, ...asked } = headers;
    const quiet = await start(server.url, { fixtures: {} }, asked);
    expect(quiet.test).toBeUndefined();
    const quietTurn = await send(server.url, quiet.id as string, { text: 'what are your opening hours' }, asked);
    expect(Object.keys(quietTurn)).not.toContain('test');
    expect((await send(server.url, quiet.id as string, { text: 'thanks' })).test).toBeDefined();
  });

  it('refuses a non-http target and one that does not answer (exit 2)', async () => {
    const ftp = await cli(SAMPLE, '--target', 'ftp://127.0.0.1/x');
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('--target must be an http or https URL (not ftp:)');
    // a port nothing listens on (as a runtime that has stopped leaves it)
    const closed = { url: `http://127.0.0.1:${await freePort()}` };
    const away = await cli(SAMPLE, '--target', closed.url);
    expect(away.code).toBe(2);
    expect(away.stderr).toContain(`the runtime at ${closed.url} does not answer (GET /health: ECONNREFUSED)`);
    const live = await cli(SAMPLE, '--target', server.url, '--llm', 'live');
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(/--llm live, --llm mock and --record do not apply/);
  });
});
