// Secrets of `api` nodes on the pure side: declared in parley.yaml by name and hosts, named only as
// `{{ secrets.NAME }}` in a header value, and never seen by the engine (traces and requests hold a marker).
import { describe, expect, it } from 'vitest';
import { flow, keywordNlu, makeModel, simpleSlots } from '../../test/fixtures/engineProject';
import { loadProject } from '../project/load';
import { validateProject } from '../project/validate';
import type { FlowNode } from '../schema/nodes';
import type { ProjectManifest } from '../schema/project';
import { createEngine, initialState, runTurn } from './engine';
import type { HttpRequest, HttpResult } from './ports';
import { secretEnvVar, secretRefOf } from './secrets';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const SECRETS: ProjectManifest['secrets'] = { bank_token: { hosts: ['bank.test'] } };
const ENVS: ProjectManifest['environments'] = { test: { hosts: ['bank.test'] } };

/** Problems of a one-flow project, unreachable nodes left out, as `severity field: message`. */
function problems(nodes: Record<string, unknown>[], manifest: Partial<ProjectManifest> = {}) {
  const model = makeModel(
    { main: flow('M', [n({ id: 'start', kind: 'start', next: nodes[0]?.id }), ...nodes.map(n)]) },
    { environments: ENVS, secrets: SECRETS, ...manifest },
  );
  return validateProject(model)
    .filter((p) => !p.message.startsWith('unreachable'))
    .map((p) => `${p.severity} ${p.file} ${p.field}: ${p.message}`);
}

const api = (x: Record<string, unknown>) => ({ id: 'call', kind: 'api', operation: 'op', url: 'https://bank.test/v1/x', ...x });

describe('secrets in the validator', () => {
  it('accepts a declared secret alone in its placeholder in a header value', () => {
    expect(problems([api({ headers: { Authorization: 'Bearer {{ secrets.bank_token }}', 'X-Both': '{{secrets.bank_token}}:{{customer.name}}' } })])).toEqual(
      [],
    );
  });

  it('refuses an undeclared secret, naming it and where to declare it', () => {
    expect(problems([api({ headers: { Authorization: 'Bearer {{ secrets.other }}' } })])).toEqual([
      'error flows/main.yaml nodes[1].headers.Authorization: placeholder {{secrets.other}}: no secret "other" is declared; add it under secrets in parley.yaml with the hosts it may be sent to',
    ]);
  });

  it('refuses a secret with a filter or inside an expression, even in a header', () => {
    const found = problems([api({ headers: { A: '{{ secrets.bank_token | upper }}', B: "{{ secrets['bank_token'] }}", C: '{{ secrets.bank_token + "" }}' } })]);
    expect(found).toHaveLength(3);
    for (const p of found) expect(p).toMatch(/^error .*headers\.[ABC]: .*alone in its placeholder/);
  });

  it('refuses a secret anywhere else: url, body, copy, prompts, queries, expressions', () => {
    const found = problems([
      api({ url: 'https://bank.test/{{secrets.bank_token}}', body: { t: '{{secrets.bank_token}}' }, next: 'say' }),
      { id: 'say', kind: 'message', say: { en: 'Token {{secrets.bank_token}}' }, next: 'ask' },
      { id: 'ask', kind: 'llm', prompt: 'Say {{secrets.bank_token}}', system: '{{ secrets }}', next: 'set' },
      { id: 'set', kind: 'set', assign: [{ var: 'copy', value: 'secrets.bank_token' }], next: 'cond' },
      { id: 'cond', kind: 'condition', branches: [{ id: 'b', when: 'secrets.bank_token == "x"', next: 'kb' }] },
      { id: 'kb', kind: 'knowledge', query: '{{secrets.bank_token}}' },
    ]);
    const fields = found.filter((p) => /secrets can only be sent in an api node's header values/.test(p)).map((p) => p.split(' ')[2]);
    expect(fields).toEqual([
      'nodes[1].url:',
      'nodes[1].body.t:',
      'nodes[2].say.en:',
      'nodes[3].system:',
      'nodes[3].prompt:',
      'nodes[4].assign[0].value:',
      'nodes[5].branches[0].when:',
      'nodes[6].query:',
    ]);
    expect(found.every((p) => p.startsWith('error'))).toBe(true);
  });

  it('refuses a secret in a header a redirect to another host would keep', () => {
    expect(problems([api({ headers: { 'Content-Type': 'x/{{ secrets.bank_token }}' } })])).toEqual([
      expect.stringMatching(/^error flows\/main\.yaml nodes\[1\]\.headers\.Content-Type: .*not in Accept, Content-Type or another header a redirect keeps/),
    ]);
  });

  it('refuses a variable named secrets, in a node or in parley.yaml', () => {
    const found = problems([{ id: 'set', kind: 'set', assign: [{ var: 'secrets.bank_token', value: '"x"' }] }], {
      variables: { secrets: { bank_token: 'x' } },
    });
    expect(found).toEqual([
      expect.stringMatching(/^error parley\.yaml variables\.secrets: "secrets" is reserved/),
      expect.stringMatching(/^error flows\/main\.yaml nodes\[1\]\.assign\[0\]\.var: "secrets" is reserved/),
    ]);
  });

  it("warns when a secret's host is in no environment (it could never be sent there)", () => {
    expect(problems([], { secrets: { bank_token: { hosts: ['bank.test', 'other.test'] } } })).toEqual([
      'warning parley.yaml secrets.bank_token.hosts[1]: other.test is not in the hosts of any environment, so secret bank_token can never be sent there; add it to environments.<id>.hosts',
    ]);
  });
});

describe('secrets in parley.yaml (schema)', () => {
  const load = (secrets: string) =>
    loadProject({
      manifest: { file: 'parley.yaml', text: `schema: 2\nname: T\ndefaultLocale: en\nlocales: [en]\nstartFlow: main\n${secrets}` },
      flows: [{ file: 'flows/main.yaml', text: 'name: M\nnodes:\n  - { id: start, kind: start }\n' }],
    }).problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`);

  it('refuses a value written in the project, naming file, line and field', () => {
    expect(load('secrets:\n  bank_token:\n    hosts: [bank.test]\n    value: s3cr3t-value\n')).toEqual([
      expect.stringMatching(/^parley\.yaml:9 secrets\.bank_token\.value: a secret's value does not belong in project files/),
    ]);
  });

  it('refuses a secret without hosts, a bad host or a bad name', () => {
    const found = load('secrets:\n  bank_token: { hosts: [] }\n  Other: { hosts: [x.test] }\n  third: { hosts: ["https://x.test/"] }\n');
    expect(found.some((p) => /secrets\.bank_token\.hosts: needs at least one host/.test(p))).toBe(true);
    expect(found.some((p) => /secrets\.Other: .*lower_snake_case/.test(p))).toBe(true);
    expect(found.some((p) => /secrets\.third\.hosts\[0\]: must be a host name/.test(p))).toBe(true);
  });
});

describe('the engine never sees a secret', () => {
  it('sends the header as parts and shows a marker in the request and the trace', async () => {
    const model = makeModel(
      {
        main: flow('M', [
          n({ id: 'start', kind: 'start', next: 'call' }),
          n(
            api({
              headers: {
                Authorization: 'Bearer {{ secrets.bank_token }}',
                'X-Customer': '{{customer.name}}',
                'X-Pair': '{{customer.name}}-{{secrets.bank_token}}',
              },
              next: 'ok',
            }),
          ),
          n({ id: 'ok', kind: 'message', say: { en: 'Done.' } }),
        ]),
      },
      { environments: ENVS, secrets: SECRETS },
    );
    const e = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
    const requests: HttpRequest[] = [];
    const r = await runTurn(
      e,
      initialState(e),
      { type: 'start' },
      { http: { request: (q): HttpResult => (requests.push(q), { ok: true, status: 200, body: {}, ms: 1 }) } },
    );
    expect(requests).toHaveLength(1);
    const req = requests[0]!;
    expect(req.headers).toEqual({ Authorization: 'Bearer [secret bank_token]', 'X-Customer': 'Alex', 'X-Pair': 'Alex-[secret bank_token]' });
    expect(req.secretHeaders).toEqual({ Authorization: ['Bearer ', { secret: 'bank_token' }], 'X-Pair': ['Alex-', { secret: 'bank_token' }] });
    expect(r.trace).toContainEqual(expect.objectContaining({ kind: 'api', outcome: 'success', url: 'https://bank.test/v1/x' }));
  });

  it('a request without secrets has no secret parts', async () => {
    const model = makeModel(
      { main: flow('M', [n({ id: 'start', kind: 'start', next: 'call' }), n(api({ headers: { Accept: 'application/json' } }))]) },
      { environments: ENVS },
    );
    const e = createEngine(model, { nlu: keywordNlu, extractSlot: simpleSlots });
    const requests: HttpRequest[] = [];
    await runTurn(
      e,
      initialState(e),
      { type: 'start' },
      { http: { request: (q): HttpResult => (requests.push(q), { ok: true, status: 200, body: {}, ms: 1 }) } },
    );
    expect(requests[0]).not.toHaveProperty('secretHeaders');
  });
});

describe('names', () => {
  it('a reference is exactly secrets.NAME; the variable has the fixed prefix', () => {
    expect(secretRefOf(' secrets.bank_token ')).toBe('bank_token');
    expect(secretRefOf('secrets.bank_token | upper')).toBeUndefined();
    expect(secretRefOf('secrets.HOME')).toBeUndefined();
    expect(secretEnvVar('bank_token')).toBe('PARLEY_SECRET_BANK_TOKEN');
  });
});
