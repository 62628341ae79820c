// The simulator's API options through the handler table: "answer APIs from mocks" (parley.yaml `mocks`, no backend
// and no trust needed) takes the sample's balance path to success where the real call cannot be made, and the
// chosen environment decides an api node's URL (`urls`) and the hosts it may reach.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TurnView } from '../../shared/api/contract';
import { copySample } from '../../test/fixtures/tinyProject';
import { createMainServices, type MainServices } from './mainServices';

let services: MainServices | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await services?.dispose();
  services = undefined;
  for (const c of cleanups.splice(0)) await c();
});

/** The sample without a model; `edit` changes its files first. */
async function setup(edit: (dir: string) => void = () => undefined) {
  const dir = copySample();
  const manifest = path.join(dir, 'parley.yaml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^llm:\n( {2}.*\n)+/m, ''));
  edit(dir);
  services = await createMainServices({
    mode: 'web',
    projectDir: dir,
    userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-simmock-ud-')),
    watch: false,
    env: {},
    credentialsFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'parley-simmock-cfg-')), 'credentials.json'),
  });
  return { dir, h: services.handlers };
}

const texts = (t: TurnView) => t.outputs.flatMap((o) => (o.type === 'text' ? [o.text] : []));
const apiEntries = (t: TurnView) => t.trace.filter((e) => e.kind === 'api');

describe('simulator: API mocks and environments', () => {
  it('with mocks on, the balance path succeeds from the mock; with them off, the untrusted call is not made', async () => {
    const { dir, h } = await setup();
    const on = await h['simulator.start']({ project: dir, mocks: true });
    const balance = await h['simulator.send']({ sessionId: on.sessionId, input: { type: 'text', text: "what's my balance" } });
    expect(balance.path.map((a) => `${a.flow}/${a.node}`)).toEqual(expect.arrayContaining(['balance/fetch_balance', 'balance/show_balance']));
    expect(texts(balance).join(' ')).toContain('$1,523.40');
    expect(apiEntries(balance)).toEqual([
      expect.objectContaining({
        operation: 'get_balance',
        url: 'https://api.acme-bank.example/v1/accounts/chk_demo_0001/balance',
        status: 200,
        outcome: 'success',
      }),
    ]);

    const off = await h['simulator.start']({ project: dir });
    const failed = await h['simulator.send']({ sessionId: off.sessionId, input: { type: 'text', text: "what's my balance" } });
    expect(failed.path.map((a) => `${a.flow}/${a.node}`)).toContain('balance/balance_error');
    expect(apiEntries(failed)[0]).toMatchObject({
      outcome: 'error',
      failure: 'blocked',
      message: expect.stringMatching(/^not called: this project is not trusted/),
    });
    // the trace says how to get past it without a backend
    expect(apiEntries(failed)[0]?.message).toMatch(/\. parley\.yaml has mocks for get_balance: tick Mocks to answer from them \(nothing is sent\)$/);
  });

  it('an operation without mocks fails with where to add one', async () => {
    const { dir, h } = await setup((d) => {
      const f = path.join(d, 'parley.yaml');
      writeFileSync(f, readFileSync(f, 'utf8').replace(/^ {2}get_balance:\n( {4}.*\n)+/m, ''));
    });
    const { sessionId } = await h['simulator.start']({ project: dir, mocks: true });
    const t = await h['simulator.send']({ sessionId, input: { type: 'text', text: "what's my balance" } });
    expect(apiEntries(t)[0]).toMatchObject({ failure: 'network', message: expect.stringContaining('add one under mocks.get_balance in parley.yaml') });
    // with mocks off, a failed call of that operation does not point at mocks it does not have
    const off = await h['simulator.start']({ project: dir });
    const failed = await h['simulator.send']({ sessionId: off.sessionId, input: { type: 'text', text: "what's my balance" } });
    expect(apiEntries(failed)[0]).toMatchObject({ failure: 'blocked', message: expect.not.stringContaining('Mocks') });
  });

  it("calls the chosen environment's URL within its hosts, and refuses an environment parley.yaml does not have", async () => {
    const seen: string[] = [];
    const srv = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"available_balance":64,"account_name":"Local","account_number_last4":"0001"}}');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => srv.close(() => r())));
    const local = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const { dir, h } = await setup((d) => {
      const m = path.join(d, 'parley.yaml');
      // after sandbox, so that it is not the default
      writeFileSync(m, readFileSync(m, 'utf8').replace(/^secrets:\n/m, `  local:\n    hosts:\n      - "${local}"\nsecrets:\n`));
      const f = path.join(d, 'flows/balance.yaml');
      const flow = readFileSync(f, 'utf8')
        .replace(/ {6}Authorization: .*\n/, '')
        .replace(/( {4}url: .*\n)/, `$1    urls:\n      local: "http://${local}/local/{{account.id}}"\n`);
      writeFileSync(f, flow);
    });
    const trust = await h['trust.status']({});
    await h['trust.grant']({ project: dir, digest: trust!.digest, envVars: [] });

    const { sessionId } = await h['simulator.start']({ project: dir, environment: 'local' });
    const t = await h['simulator.send']({ sessionId, input: { type: 'text', text: "what's my balance" } });
    expect(apiEntries(t)).toEqual([expect.objectContaining({ url: `http://${local}/local/chk_demo_0001`, status: 200, outcome: 'success' })]);
    expect(texts(t).join(' ')).toContain('$64.00');
    expect(seen).toEqual(['/local/chk_demo_0001']);

    await expect(h['simulator.start']({ project: dir, environment: 'staging' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('parley.yaml has no environment "staging" (it has sandbox, local)'),
    });
  });
});
