// An api node with a URL per environment (`urls`) in the bundle runtime: `--environment` picks the URL the node
// calls, as it picks the hosts the outbound policy lets it reach; without the flag the bundle's default
// environment applies.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyProject } from '../fixtures/tinyProject';
import { exportProject, runServer, type RunningServer } from '../support/bundleRuntime';

const TOKEN = 'environments-runtime-token-42';

/** A bank API on loopback that answers with its own name. */
async function startBank(name: string): Promise<{ server: Server; port: number; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ served_by: name }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, calls };
}

const project = (staging: number, production: number) =>
  makeTinyProject({
    'parley.yaml': `schema: 2
name: Two Banks
defaultLocale: en
locales: [en]
startFlow: main
environment: staging
environments:
  staging:
    hosts: ["127.0.0.1:${staging}"]
  production:
    hosts: ["127.0.0.1:${production}"]
`,
    'nlu.yaml': `intents:
  - id: balance
    examples:
      en: [what is my balance, show my balance, how much money do I have, balance please, check my balance]
  - id: greet
    examples:
      en: [hello, hi there, good morning, hey]
`,
    'flows/main.yaml': `name: Main
nodes:
  - id: start
    kind: start
    next: menu
  - id: menu
    kind: listen
    routes:
      - intent: balance
        next: lookup
      - intent: greet
        next: menu
  - id: lookup
    kind: api
    operation: get_balance
    url: "http://127.0.0.1:${staging}/default"
    urls:
      staging: "http://127.0.0.1:${staging}/balance"
      production: "http://127.0.0.1:${production}/balance"
    assign:
      - { var: who, path: served_by }
    next: said
    error: failed
  - id: said
    kind: message
    say: { en: "Answered by {{who}}." }
    next: menu
  - id: failed
    kind: message
    say: { en: "No answer." }
    next: menu
`,
  });

let staging: Awaited<ReturnType<typeof startBank>>;
let production: Awaited<ReturnType<typeof startBank>>;
const servers: RunningServer[] = [];

async function askBalance(s: RunningServer): Promise<string> {
  const post = (p: string, body: unknown) =>
    fetch(`${s.url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const { id } = (await (await post('/v1/conversations', {})).json()) as { id: string };
  const r = await post(`/v1/conversations/${id}/messages`, { text: 'what is my balance' });
  expect(r.status).toBe(200);
  return ((await r.json()) as { messages: { text: string }[] }).messages.map((m) => m.text).join(' ');
}

beforeAll(async () => {
  [staging, production] = await Promise.all([startBank('staging'), startBank('production')]);
  const bundle = await exportProject(project(staging.port, production.port));
  servers.push(
    ...(await Promise.all([
      runServer(bundle.dir, [], { PARLEY_RUNTIME_TOKEN: TOKEN }),
      runServer(bundle.dir, ['--environment', 'production'], { PARLEY_RUNTIME_TOKEN: TOKEN }),
    ])),
  );
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(servers.map((s) => s.stop()));
  staging?.server.close();
  production?.server.close();
});

describe('api URLs per environment in the bundle runtime', { timeout: 60_000 }, () => {
  it("calls the default environment's URL without --environment", async () => {
    expect(await askBalance(servers[0]!)).toBe('Answered by staging.');
    expect(staging.calls).toContain('/balance');
  });

  it("calls the chosen environment's URL with --environment production, and only its host", async () => {
    const before = staging.calls.length;
    expect(await askBalance(servers[1]!)).toBe('Answered by production.');
    expect(production.calls).toEqual(['/balance']);
    expect(staging.calls.length).toBe(before);
  });
});
