// Secrets in the studio, end to end through main's handlers (as the renderer calls them): the value goes one way,
// from `secrets.set` into main's store (never the project), and out only to the bank on loopback once the project
// is trusted; the simulator's turn and every status show the marker or "set", never the value.
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { createMainServices, type MainServices } from './mainServices';

const VALUE = 'studio-bank-token-91f3e0';
const auths: (string | undefined)[] = [];
let bank: Server;
let services: MainServices;
let project: string;
let userData: string;

const flows = (port: number) => `name: Main
nodes:
  - id: start
    kind: start
    next: menu
  - id: menu
    kind: listen
    routes:
      - intent: block_card
        next: block
  - id: block
    kind: api
    operation: block_card
    method: POST
    url: "http://127.0.0.1:${port}/cards/block"
    headers:
      Authorization: "Bearer {{ secrets.bank_token }}"
    next: done
    error: failed
  - id: done
    kind: message
    say: { en: "Blocked." }
    next: menu
  - id: failed
    kind: message
    say: { en: "Could not block it." }
    next: menu
`;

beforeAll(async () => {
  bank = createServer((req, res) => {
    auths.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: req.headers.authorization }));
  });
  await new Promise<void>((r) => bank.listen(0, '127.0.0.1', r));
  const port = (bank.address() as AddressInfo).port;
  project = makeTinyProject({
    'parley.yaml': `schema: 2\nname: Bank\ndefaultLocale: en\nlocales: [en]\nstartFlow: main\nenvironments:\n  test:\n    hosts: ["127.0.0.1:${port}"]\nsecrets:\n  bank_token:\n    hosts: ["127.0.0.1:${port}"]\n`,
    'nlu.yaml':
      'intents:\n  - id: block_card\n    examples:\n      en: [block my card, freeze my card, my card was stolen, stop my card, I lost my card]\n  - id: greet\n    examples:\n      en: [hello, hi there, good morning, hey]\n',
    'flows/main.yaml': flows(port),
  });
  userData = mkdtempSync(path.join(os.tmpdir(), 'parley-ud-secrets-'));
  services = await createMainServices({ mode: 'web', userDataDir: userData, watch: false, env: {}, projectDir: project });
});
afterAll(async () => {
  await services?.dispose();
  bank?.close();
});

const turn = async () => {
  const h = services.handlers;
  const { sessionId } = await h['simulator.start']({ project });
  return JSON.stringify(await h['simulator.send']({ sessionId, input: { type: 'text', text: 'block my card' } }));
};

describe('secrets in the studio', { timeout: 30_000 }, () => {
  it('sends nothing while untrusted, even with a value set', async () => {
    const h = services.handlers;
    expect(await h['secrets.status']({})).toEqual([
      { name: 'bank_token', hosts: [expect.stringMatching(/^127\.0\.0\.1:\d+$/)], envVar: 'PARLEY_SECRET_BANK_TOKEN', set: false, source: null },
    ]);
    const after = await h['secrets.set']({ project, name: 'bank_token', value: VALUE });
    expect(after[0]).toMatchObject({ set: true, source: 'file' });
    expect(JSON.stringify(after)).not.toContain(VALUE);
    expect(await turn()).toContain('Could not block it.');
    expect(auths).toHaveLength(0);
  });

  it('once trusted, the bank gets the value; the turn shows the marker', async () => {
    const h = services.handlers;
    const st = (await h['trust.status']({}))!;
    expect(st.secrets).toEqual([expect.objectContaining({ name: 'bank_token', new: false })]);
    await h['trust.grant']({ project, digest: st.digest, envVars: [] });
    const view = await turn();
    expect(auths).toEqual([`Bearer ${VALUE}`]);
    expect(view).toContain('Blocked.');
    expect(view).toContain('Bearer [secret bank_token]');
    expect(view).not.toContain(VALUE);
  });

  it('keeps the value out of the project; refuses an undeclared name', async () => {
    const h = services.handlers;
    const texts = readdirSync(project, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));
    expect(texts.join('\n')).not.toContain(VALUE);
    expect(readFileSync(path.join(userData, 'secrets.json'), 'utf8')).toContain(VALUE);
    const err = await h['secrets.set']({ project, name: 'other', value: VALUE }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('parley.yaml declares no secret "other"');
    expect((await h['secrets.clear']({ project, name: 'bank_token' }))[0]).toMatchObject({ set: false });
  });
});
