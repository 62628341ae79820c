// A secret of an `api` node through the real runtime: the bundle declares `bank_token` for the bank's host, the
// operator sets PARLEY_SECRET_BANK_TOKEN, and `node server.mjs` sends it in the Authorization header to the mock
// bank on loopback; the value appears in no reply, transcript or log line (the bank even echoes it back). Without
// the variable the call takes the node's error exit and the process goes on serving.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportProject, runServer, type RunningServer } from '../support/bundleRuntime';
import { blockCardProject, listenOnLoopback, poster } from './blockCardBank';

const TOKEN = 'secrets-runtime-token-0123';
const SECRET = 'bank-api-token-7c1e9d42aa';

/** The bank's API: records the Authorization header of each call and echoes it back as the reference. */
const auths: (string | undefined)[] = [];
let bank: Server;
async function startBank(): Promise<number> {
  bank = createServer((req, res) => {
    auths.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ reference: req.headers.authorization ?? 'none' }));
  });
  return listenOnLoopback(bank);
}

const project = (bankPort: number) =>
  blockCardProject(bankPort, {
    name: 'Secret Bank',
    manifest: `secrets:
  bank_token:
    description: The bank API's bearer token.
    hosts: ["127.0.0.1:${bankPort}"]
`,
    apiFields: `    headers:
      Authorization: "Bearer {{ secrets.bank_token }}"
`,
  });

let withSecret: RunningServer;
let without: RunningServer;
let transcripts: string;

const post = poster(TOKEN);

async function blockCard(s: RunningServer): Promise<{ id: string; text: string }> {
  const { id } = (await (await post(s, '/v1/conversations', {})).json()) as { id: string };
  const r = await post(s, `/v1/conversations/${id}/messages`, { text: 'block my card' });
  expect(r.status).toBe(200);
  const reply = (await r.json()) as { messages: { text: string }[] };
  return { id, text: reply.messages.map((m) => m.text).join(' ') };
}

beforeAll(async () => {
  const bankPort = await startBank();
  const bundle = await exportProject(project(bankPort));
  transcripts = mkdtempSync(path.join(os.tmpdir(), 'parley-secret-transcripts-'));
  [withSecret, without] = await Promise.all([
    runServer(bundle.dir, ['--transcripts', transcripts, '--log-level', 'debug'], { PARLEY_RUNTIME_TOKEN: TOKEN, PARLEY_SECRET_BANK_TOKEN: SECRET }),
    // the value under a variable the bundle does not read
    runServer(bundle.dir, [], { PARLEY_RUNTIME_TOKEN: TOKEN, BANK_TOKEN: SECRET }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.allSettled([withSecret?.stop(), without?.stop()]);
  bank?.close();
});

describe("an api node's secret in the bundle runtime", { timeout: 60_000 }, () => {
  it('says at start which variable and hosts it uses, not the value', () => {
    const first = JSON.parse(withSecret.output().split('\n')[0]!) as { secrets: string[] };
    expect(first.secrets).toEqual([expect.stringMatching(/^bank_token from PARLEY_SECRET_BANK_TOKEN \(set\), sent only to 127\.0\.0\.1:\d+$/)]);
    const other = JSON.parse(without.output().split('\n')[0]!) as { secrets: string[] };
    expect(other.secrets).toEqual([expect.stringMatching(/^bank_token from PARLEY_SECRET_BANK_TOKEN \(NOT SET: its api calls fail\)/)]);
  });

  it('sends the value from PARLEY_SECRET_BANK_TOKEN to the bank, and shows only the marker', async () => {
    const before = auths.length;
    const { id, text } = await blockCard(withSecret);
    expect(auths.slice(before)).toEqual([`Bearer ${SECRET}`]);
    // the bank echoed the header: the reply carries the marker
    expect(text).toBe('Your card is blocked (reference Bearer [secret bank_token]).');
    const t = await (await fetch(`${withSecret.url}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(t).toContain('[secret bank_token]');
    expect(t).not.toContain(SECRET);
  });

  it('without the variable the call takes the error exit, nothing is sent, and the runtime goes on', async () => {
    const before = auths.length;
    expect((await blockCard(without)).text).toBe('I could not block it.');
    expect(auths.length).toBe(before);
    expect((await fetch(`${without.url}/health`)).status).toBe(200);
  });

  it('the value is in no log line and no transcript', async () => {
    await withSecret.stop();
    await without.stop();
    expect(withSecret.output()).not.toContain(SECRET);
    expect(without.output()).not.toContain(SECRET);
    const files = readdirSync(transcripts);
    expect(files.length).toBeGreaterThan(0);
    const all = files.map((f) => readFileSync(path.join(transcripts, f), 'utf8')).join('\n');
    expect(all).toContain('block');
    expect(all).not.toContain(SECRET);
  });
});
