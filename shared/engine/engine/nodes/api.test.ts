// The api node against a scripted HTTP port: retries (idempotent methods by default, opt in and out, each attempt
// in the trace, the wait handed to the port), Retry-After within the cap, a URL per environment, and responses
// that cannot be mapped (an HTML page with a 200) taking the error exit.
import { describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel } from '../../../../test/fixtures/engineProject';
import { loadProject } from '../../../project/load';
import { validateProject } from '../../../project/validate';
import type { FlowNode } from '../../../schema/nodes';
import type { ProjectManifest } from '../../../schema/project';
import { createEngine, initialState, runTurnSync } from '../../engine';
import type { HttpRequest, HttpResult } from '../../ports';
import type { TraceEntry } from '../../types';

const say = (en: string) => ({ en });
const n = (node: Record<string, unknown>) => node as unknown as FlowNode;

function project(api: Record<string, unknown>, manifest: Partial<ProjectManifest> = {}) {
  return makeModel(
    {
      main: flow('Main', [
        n({ id: 'start', kind: 'start', next: 'call' }),
        n({
          id: 'call',
          kind: 'api',
          operation: 'get_balance',
          url: 'https://bank.test/balance',
          assign: [{ var: 'account.balance', path: 'data.balance' }],
          next: 'ok',
          error: 'failed',
          timeout: 'slow',
          ...api,
        }),
        n({ id: 'ok', kind: 'message', say: say('Balance {{account.balance}}.'), next: 'menu' }),
        n({ id: 'failed', kind: 'message', say: say('Failed.'), next: 'menu' }),
        n({ id: 'slow', kind: 'message', say: say('Slow.'), next: 'menu' }),
        n({ id: 'menu', kind: 'listen', routes: [], noMatch: 'menu' }),
      ]),
    },
    manifest,
  );
}

/** Plays the start turn with an HTTP port answering `answers` in order (the last repeats); returns what it saw. */
function play(answers: HttpResult[], api: Record<string, unknown> = {}, o: { manifest?: Partial<ProjectManifest>; random?: number[] } = {}) {
  const engine = createEngine(project(api, o.manifest), { nlu: keywordNlu });
  const requests: HttpRequest[] = [];
  const randoms = [...(o.random ?? [])];
  const r = runTurnSync(
    engine,
    initialState(engine),
    { type: 'start' },
    {
      http: {
        request(req) {
          requests.push(req);
          return answers[Math.min(requests.length - 1, answers.length - 1)] as HttpResult;
        },
      },
      ...(o.random ? { random: { next: () => randoms.shift() ?? 0 } } : {}),
    },
  );
  const said = r.outputs.flatMap((x) => (x.type === 'text' ? [x.text] : []));
  const api_ = r.trace.filter((e): e is Extract<TraceEntry, { kind: 'api' }> => e.kind === 'api');
  return { said, requests, api: api_, vars: r.state.vars };
}

const ok = (body: unknown, status = 200, retryAfterMs?: number): HttpResult => ({
  ok: true,
  status,
  body,
  ms: 3,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});
const timeout: HttpResult = { ok: false, reason: 'timeout', message: 'no response within 5000 ms', ms: 5000 };
const BALANCE = { data: { balance: 42 } };

describe('api node retries', () => {
  it('a GET is tried again after a 5xx, with a jittered backoff the port waits; each attempt is in the trace', () => {
    const r = play([ok({ error: 'down' }, 503), ok(BALANCE)], {}, { random: [0.5] });
    expect(r.said).toEqual(['Balance 42.']);
    expect(r.requests.map((q) => q.delayMs)).toEqual([undefined, 188]); // 250 ms, jittered in its upper half: 125 + 0.5 × 125
    expect(r.api).toMatchObject([
      { status: 503, outcome: 'error', message: 'attempt 1 of 2: HTTP 503; retrying in 188 ms', response: { error: 'down' } },
      { status: 200, outcome: 'success', url: 'https://bank.test/balance' },
    ]);
  });

  it('gives up after the attempts and takes the exit of the last failure (timeout, then error)', () => {
    const slow = play([timeout]);
    expect(slow.said).toEqual(['Slow.']);
    expect(slow.requests).toHaveLength(2);
    expect(slow.api.map((e) => [e.outcome, e.failure, e.message])).toEqual([
      ['timeout', 'timeout', expect.stringMatching(/^attempt 1 of 2: no response within 5000 ms; retrying in \d+ ms$/)],
      ['timeout', 'timeout', 'attempt 2 of 2: no response within 5000 ms'],
    ]);
    const down = play([ok({}, 500)], { retry: { attempts: 3, backoffMs: 100 } }, { random: [0, 0.999] });
    expect(down.said).toEqual(['Failed.']);
    expect(down.requests.map((q) => q.delayMs)).toEqual([undefined, 50, 200]); // 100 then 200, jittered at the bottom and the top
    expect(down.api.at(-1)).toMatchObject({ status: 500, outcome: 'error', message: 'attempt 3 of 3' });
  });

  it('does not retry a POST unless the node opts in, nor a node with retry: false, nor a 4xx or a blocked call', () => {
    expect(play([ok({}, 503), ok(BALANCE)], { method: 'POST' }).requests).toHaveLength(1);
    expect(play([ok({}, 503), ok(BALANCE)], { method: 'POST', retry: { attempts: 2 } }).said).toEqual(['Balance 42.']);
    expect(play([ok({}, 503), ok(BALANCE)], { method: 'POST', retry: true }).said).toEqual(['Balance 42.']);
    expect(play([timeout, ok(BALANCE)], { retry: false }).said).toEqual(['Slow.']);
    expect(play([ok({}, 404), ok(BALANCE)]).requests).toHaveLength(1);
    expect(play([{ ok: false, reason: 'blocked', message: 'not allowed', ms: 0 }, ok(BALANCE)]).requests).toHaveLength(1);
    expect(play([{ ok: false, reason: 'network', message: 'ECONNRESET', ms: 1 }, ok(BALANCE)]).said).toEqual(['Balance 42.']);
  });

  it('honours a Retry-After within the cap, and does not wait for one beyond it', () => {
    const soon = play([ok({}, 429, 1500), ok(BALANCE)], {}, { random: [0] });
    expect(soon.requests[1]?.delayMs).toBe(1500);
    expect(soon.said).toEqual(['Balance 42.']);
    const late = play([ok({}, 503, 60_000), ok(BALANCE)]);
    expect(late.requests).toHaveLength(1);
    expect(late.said).toEqual(['Failed.']);
    expect(late.api[0]?.message).toBe("the server asked to wait 60000 ms (Retry-After), longer than the node's cap of 2000 ms (retry.maxDelayMs); not retried");
  });

  it('without a random port the jitter still differs per conversation (its seed), and is repeatable', () => {
    const delays = (seed: string) => {
      const engine = createEngine(project({}), { nlu: keywordNlu });
      const seen: (number | undefined)[] = [];
      let i = 0;
      runTurnSync(
        engine,
        initialState(engine, { seed }),
        { type: 'start' },
        { http: { request: (q) => (seen.push(q.delayMs), i++ ? ok(BALANCE) : ok({}, 502)) } },
      );
      return seen[1];
    };
    expect(delays('a')).toBe(delays('a'));
    expect(new Set(['a', 'b', 'c', 'd', 'e'].map(delays)).size).toBeGreaterThan(1);
  });
});

describe('api node responses and URLs', () => {
  it('an HTML page (or text) with a 200 takes the error exit when the node assigns from the response', () => {
    const r = play([ok('<!DOCTYPE html><html><body>Maintenance</body></html>')]);
    expect(r.said).toEqual(['Failed.']);
    expect(r.requests).toHaveLength(1);
    expect(r.api[0]).toMatchObject({
      status: 200,
      outcome: 'error',
      message: expect.stringMatching(/^the response is an HTML page \(it starts "<!DOCTYPE html>/),
    });
    expect(play([ok('OK')]).api[0]?.message).toMatch(/the response is not JSON \(it starts "OK"\)/);
    expect(play([ok(null)]).said).toEqual(['Failed.']);
    // a node that assigns nothing does not read the response
    expect(play([ok('<html></html>')], { assign: [] }).said).toEqual(['Balance 250.']);
  });

  it('maps the response with JSONPath as with dot paths, and a script segment never runs', () => {
    const body = {
      data: {
        accounts: [
          { id: 'a1', balance: 12.5 },
          { id: 'a2', balance: 40 },
        ],
      },
    };
    const r = play([ok(body)], {
      assign: [
        { var: 'account.balance', path: '$.data.accounts[1].balance' },
        { var: 'account.ids', path: '$.data.accounts[*].id' },
        { var: 'account.evil', path: '$.data.accounts[?(@.balance > 0 || (globalThis.pwnedByPath = true))].id' },
      ],
    });
    expect(r.said).toEqual(['Balance 40.']);
    expect(r.vars.account).toMatchObject({ balance: 40, ids: ['a1', 'a2'] });
    expect((r.vars.account as Record<string, unknown>).evil).toBeUndefined();
    expect((globalThis as { pwnedByPath?: boolean }).pwnedByPath).toBeUndefined();
  });

  it('traces the request as sent, a secret as its marker, and the response', () => {
    const r = play(
      [ok(BALANCE)],
      { method: 'POST', headers: { Authorization: 'Bearer {{ secrets.bank_token }}' }, body: { who: '{{customer.name}}' } },
      {
        manifest: { secrets: { bank_token: { hosts: ['bank.test'] } } },
      },
    );
    expect(r.api[0]).toMatchObject({
      request: { headers: { Authorization: 'Bearer [secret bank_token]', 'Content-Type': 'application/json' }, body: '{"who":"Alex"}' },
      response: BALANCE,
    });
    expect(r.requests[0]?.secretHeaders).toEqual({ Authorization: ['Bearer ', { secret: 'bank_token' }] });
  });

  it('keeps a long text response short in the trace', () => {
    const r = play([ok('x'.repeat(10_000), 500)], { retry: false });
    expect(r.api[0]?.response).toBe(`${'x'.repeat(4000)}… (10000 characters in all)`);
  });

  it("calls the URL of parley.yaml's environment when the node has one for it, else url", () => {
    const urls = { urls: { production: 'https://api.bank.example/balance', staging: 'https://staging.bank.example/balance' } };
    const envs = { staging: { hosts: ['staging.bank.example'] }, production: { hosts: ['api.bank.example'] }, dev: { hosts: ['bank.test'] } };
    expect(play([ok(BALANCE)], urls, { manifest: { environments: envs } }).requests[0]?.url).toBe('https://staging.bank.example/balance');
    expect(play([ok(BALANCE)], urls, { manifest: { environments: envs, environment: 'production' } }).requests[0]?.url).toBe(
      'https://api.bank.example/balance',
    );
    expect(play([ok(BALANCE)], urls, { manifest: { environments: envs, environment: 'dev' } }).requests[0]?.url).toBe('https://bank.test/balance');
    expect(play([ok(BALANCE)], urls).requests[0]?.url).toBe('https://bank.test/balance');
  });
});

describe('api node fields in the validator', () => {
  const problems = (api: Record<string, unknown>) =>
    validateProject(project(api, { environments: { production: { hosts: ['bank.test'] } }, secrets: { bank_token: { hosts: ['bank.test'] } } }))
      .filter((p) => !p.message.startsWith('unreachable'))
      .map((p) => `${p.severity} ${p.file} ${p.field}: ${p.message}`);

  it('checks the URLs per environment like url: placeholders, and never a secret', () => {
    expect(problems({ urls: { production: 'https://bank.test/{{customer.name}}' }, retry: { attempts: 3, backoffMs: 100, maxDelayMs: 1000 } })).toEqual([]);
    expect(problems({ urls: { production: 'https://bank.test/{{secrets.bank_token}}' } })).toEqual([
      expect.stringMatching(/^error flows\/main\.yaml nodes\[1\]\.urls\.production: .*secrets can only be sent in an api node's header values/),
    ]);
  });

  it('names the file, line and field of a bad retry, URL map or mock', () => {
    const load = (node: string, manifest = '') =>
      loadProject({
        manifest: { file: 'parley.yaml', text: `schema: 2\nname: T\ndefaultLocale: en\nlocales: [en]\nstartFlow: main\n${manifest}` },
        flows: [
          {
            file: 'flows/main.yaml',
            text: `name: M\nnodes:\n  - { id: start, kind: start, next: call }\n  - { id: call, kind: api, operation: op, url: "https://bank.test/", ${node} }\n`,
          },
        ],
      }).problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`);
    expect(load('retry: { attempts: 9 }')).toEqual([expect.stringMatching(/^flows\/main\.yaml:4 nodes\[1\]\.retry\.attempts: /)]);
    expect(load('retry: { tries: 2 }')).toEqual([expect.stringMatching(/^flows\/main\.yaml:4 nodes\[1\]\.retry(\.tries)?: /)]);
    expect(load('urls: { Production: "https://bank.test/" }')).toEqual([expect.stringMatching(/^flows\/main\.yaml:4 nodes\[1\]\.urls/)]);
    expect(load('retry: false', 'mocks:\n  op:\n    ok:\n      status: 2000\n')).toEqual([expect.stringMatching(/^parley\.yaml:9 mocks\.op\.ok\.status: /)]);
    expect(load('retry: false', 'mocks:\n  op:\n    ok: { fail: hang }\n')).toEqual([expect.stringMatching(/^parley\.yaml:8 mocks\.op\.ok\.fail: /)]);
  });
});
