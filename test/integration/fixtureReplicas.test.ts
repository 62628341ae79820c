// A bundle's stories against its compose topology: three `node server.mjs --fixtures` on one redis-server behind
// haproxy. A conversation started with a story's fixtures keeps them with its session (the record's `test` part:
// fixtures, clock, how far each list of API responses got), so whichever replica serves a turn goes on as one
// process would, and `parley test --target <haproxy>` gives the studio's verdicts. A fourth replica on the same
// Redis without --fixtures refuses those conversations' turns and refuses fixtures and forced variants. Every
// replica sweeps the shared expiry index: a conversation that expires unfinished is written as `abandoned` once,
// by one of them; an ended one never.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRemoteTests } from '../../main/stories/remote';
import { failureLine } from '../../main/stories/report';
import { runTests, type TestReport } from '../../main/stories/runner';
import { exportProject, runServer, startHaproxy, type RunningProxy, type RunningServer } from '../support/bundleRuntime';
import { startRedis } from '../support/redis';

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const TOKEN = 'replicas-token-0123456789';

let redis: Awaited<ReturnType<typeof startRedis>>;
let replicas: RunningServer[] = [];
/** On the same Redis, not behind the proxy, without --fixtures. */
let plain: RunningServer;
let proxy: RunningProxy | undefined;
const transcriptDirs: string[] = [];
let local: TestReport;

beforeAll(async () => {
  const [bundle, server] = await Promise.all([exportProject(SAMPLE), startRedis()]);
  redis = server;
  const start = (args: string[]) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-transcripts-'));
    transcriptDirs.push(dir);
    return runServer(bundle.dir, [...args, '--session-ttl', '10', '--transcripts', dir], { PARLEY_RUNTIME_TOKEN: TOKEN, REDIS_URL: redis.url });
  };
  // the studio's verdicts are worked out while the replicas and the proxy start
  [local] = await Promise.all([
    runTests({ projectDir: SAMPLE }),
    (async () => {
      [replicas, plain] = await Promise.all([Promise.all([0, 1, 2].map(() => start(['--fixtures']))), start([])]);
      proxy = await startHaproxy(bundle.dir, replicas);
    })(),
  ]);
}, 180_000);
afterAll(async () => {
  proxy?.stop();
  await Promise.allSettled([...replicas, plain].map((r) => r?.stop()));
  await redis?.stop();
});

/** A request as `parley test --target` makes them: asking for the test view (`Parley-Test-View: 1`) unless `view` is false. */
const call = async (base: string, p: string, body?: unknown, view = true): Promise<{ status: number; json: Record<string, unknown> }> => {
  const r = await fetch(`${base}${p}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(view ? { 'parley-test-view': '1' } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
};
const front = () => proxy!.url;
/** Which of the three replicas logged a turn of this conversation. */
const servedBy = (id: string) => replicas.map((r, i) => (r.output().includes(`"conversation":"${id}"`) ? i : -1)).filter((i) => i >= 0);
const says = (r: { json: Record<string, unknown> }) => (r.json.messages as { text: string }[]).map((m) => m.text).join(' ');
const errorOf = (r: { json: Record<string, unknown> }) => (r.json.error as { message: string }).message;

interface TestView {
  path: { flow: string; node: string }[];
  trace: { kind: string; variant?: string; flow?: string; node?: string }[];
}

const verdicts = (r: TestReport) =>
  Object.fromEntries(r.stories.map((s) => [s.file, { passed: s.passed, failure: s.passed ? undefined : failureLine(s).replace(/\(\d+ ms\)/, '') }]));

describe('stories on three --fixtures replicas behind haproxy, one Redis', { timeout: 180_000 }, () => {
  it('goes on through a story’s list of API responses while its turns land on different replicas', async () => {
    // stories/balance_timeout_retry.yaml: the balance API times out (twice: the GET's retry), then answers
    const fixtures = {
      api: {
        get_balance: [
          { fail: 'timeout' },
          { fail: 'timeout' },
          { body: { data: { available_balance: 880, account_name: 'Everyday Checking', account_number_last4: '7720' } } },
        ],
      },
    };
    const started = await call(front(), '/v1/conversations', { fixtures });
    expect(started.status).toBe(201);
    const id = started.json.id as string;
    const first = await call(front(), `/v1/conversations/${id}/messages`, { text: "what's my available balance" });
    const firstPath = (first.json.test as TestView).path.map((a) => `${a.flow}/${a.node}`);
    expect(firstPath).toContain('balance/balance_timeout');
    expect(firstPath).not.toContain('balance/show_balance');
    const retry = (first.json.quickReplies as { id: string; payload: string }[]).find((q) => q.id === 'retry')!;
    const second = await call(front(), `/v1/conversations/${id}/messages`, { payload: retry.payload });
    expect(second.status).toBe(200);
    expect(says(second)).toContain('$880.00');
    expect((second.json.test as TestView).path.map((a) => `${a.flow}/${a.node}`)).toContain('balance/show_balance');
    // haproxy sent the three requests round robin: each turn on another replica (its log line may reach the pipe
    // a moment after the reply)
    await expect.poll(() => servedBy(id), { timeout: 5000 }).toEqual([0, 1, 2]);
    // a client that does not ask for the test view gets the reply alone, as in production
    const plainTurn = await call(front(), `/v1/conversations/${id}/messages`, { text: 'what can I ask you' }, false);
    expect(plainTurn.status).toBe(200);
    expect(plainTurn.json.test).toBeUndefined();
    expect(says(plainTurn)).not.toBe('');
  });

  it("gives every story of the sample the studio's verdict through the proxy", async () => {
    expect(local.ok).toBe(true);
    const remote = await runRemoteTests({ projectDir: SAMPLE, target: front(), token: TOKEN });
    expect(remote.skipped).toEqual([]);
    expect(remote.stories.length).toBe(local.stories.length);
    expect(verdicts(remote)).toEqual(verdicts(local));
    expect(remote.coverage).toEqual(local.coverage);
    expect(remote.ok).toBe(true);
  });

  it('refuses a test conversation’s turn on a replica without --fixtures, which also refuses fixtures and variants', async () => {
    const id = (await call(front(), '/v1/conversations', { fixtures: { agents: false } })).json.id as string;
    const refused = await call(plain.url, `/v1/conversations/${id}/messages`, { text: 'hello' });
    expect(refused.status).toBe(400);
    expect(errorOf(refused)).toBe(`conversation ${id} was started with a story's fixtures: only a runtime started with --fixtures serves its turns`);
    // nothing applied: the conversation holds its opening only, and goes on through the proxy
    expect(((await call(plain.url, `/v1/conversations/${id}`)).json.turns as unknown[]).length).toBe(1);
    expect((await call(front(), `/v1/conversations/${id}/messages`, { text: 'hello' })).status).toBe(200);
    for (const body of [{ fixtures: {} }, { variants: { 'hours/answer_hours': 'control' } }]) {
      const r = await call(plain.url, '/v1/conversations', body);
      expect(r.status).toBe(400);
      expect(errorOf(r)).toContain(Object.keys(body)[0]);
    }
    // a conversation started there has no test view
    const normal = await call(plain.url, '/v1/conversations', {});
    expect(normal.status).toBe(201);
    expect(normal.json.test).toBeUndefined();
  });
});

describe('forced A/B variants at the start (--fixtures only)', { timeout: 60_000 }, () => {
  const hours = { llm: [{ node: 'hours/answer_hours', reply: 'Most branches open 9 am to 1 pm on Saturday.' }] };

  it('plays the variant the start forced, on every replica', async () => {
    for (const variant of ['control', 'one_sentence', 'control', 'one_sentence']) {
      const started = await call(front(), '/v1/conversations', { fixtures: hours, variants: { 'hours/answer_hours': variant } });
      expect(started.status).toBe(201);
      const r = await call(front(), `/v1/conversations/${started.json.id as string}/messages`, { text: 'are you open on Saturday' });
      expect(r.status).toBe(200);
      const picks = (r.json.test as TestView).trace.filter((e) => e.kind === 'variant');
      expect(picks).toEqual([expect.objectContaining({ flow: 'hours', node: 'answer_hours', variant })]);
    }
  });

  it('refuses variants the bundle does not have, naming the node and the variant', async () => {
    const refused = async (variants: unknown) => {
      const r = await call(front(), '/v1/conversations', { fixtures: {}, variants });
      expect(r.status).toBe(400);
      return errorOf(r);
    };
    expect(await refused({ 'hours/answer_hours': 'loud' })).toBe(
      'body.variants.hours/answer_hours: "hours/answer_hours" has no variant "loud" (it has control, one_sentence)',
    );
    expect(await refused({ 'main/greet': 'x' })).toBe('body.variants.main/greet: the message node "main/greet" has no variants');
    expect(await refused({ 'hours/nowhere': 'x' })).toBe('body.variants.hours/nowhere: no node "hours/nowhere" (expected flow/node)');
    expect(await refused({ 'hours/answer_hours': 3 })).toMatch(/^body\.variants\.hours\/answer_hours: .*expected string/);
    expect(await refused(['control'])).toMatch(/^body\.variants: .*expected record/);
    // an empty set of picks is a start like any other
    expect((await call(front(), '/v1/conversations', { fixtures: {}, variants: {} })).status).toBe(201);
  });
});

describe('abandonment with Redis sessions', { timeout: 120_000 }, () => {
  /** Every `abandoned` event written by any of the four replicas, by conversation. */
  const abandoned = () => {
    const out = new Map<string, Record<string, unknown>[]>();
    for (const dir of transcriptDirs)
      for (const f of readdirSync(dir))
        for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean)) {
          const e = JSON.parse(line) as Record<string, unknown>;
          if (e.type === 'abandoned') out.set(e.conversation as string, [...(out.get(e.conversation as string) ?? []), e]);
        }
    return out;
  };

  it('writes each conversation that expired unfinished once across the replicas, and never an ended one', async () => {
    const open: string[] = [];
    const ended: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = (await call(i % 2 ? front() : plain.url, '/v1/conversations', {})).json.id as string;
      expect((await call(front(), `/v1/conversations/${id}/messages`, { text: 'what can I ask you' })).status).toBe(200);
      if (i % 4 === 3) {
        const bye = await call(front(), `/v1/conversations/${id}/messages`, { text: 'goodbye' });
        expect(bye.json.ended).toEqual({ outcome: 'resolved' });
        ended.push(id);
      } else open.push(id);
    }
    // the session TTL is 10 s; every replica sweeps every 5 s
    for (const t0 = Date.now(); !open.every((id) => abandoned().has(id)); await new Promise((r) => setTimeout(r, 250)))
      if (Date.now() - t0 > 90_000) throw new Error('still waiting for the abandoned events');
    // another round of sweeps on every replica: nothing more comes
    await new Promise((r) => setTimeout(r, 6_000));
    const events = abandoned();
    for (const id of open) {
      expect(events.get(id)).toHaveLength(1);
      expect(events.get(id)![0]).toMatchObject({ v: 1, bundle: { name: 'Acme Bank Support', version: '1.0.0' }, lastTurn: 1, waitingAt: 'main/listen_intent' });
    }
    for (const id of ended) expect(events.has(id)).toBe(false);
  });
});
