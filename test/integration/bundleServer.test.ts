// The exported sample bundle as an operator runs it: `node server.mjs` from a folder without node_modules, the
// signature checked with the team's public key. A multi-turn conversation through the native API (fixtures for
// the bank's API, as a story gives them) and through the official `openai` client; transcripts redacted; a
// tampered bundle refuses to start, naming the file; SIGTERM stops it cleanly.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/bundle/canonical';
import { parseTranscriptLines } from '../../shared/transcripts/format';
import { sha256Hex } from '../../main/export/build';
import { copyBundle, exportProject, refusedStart, runServer, type Exported, type RunningServer } from '../support/bundleRuntime';

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const TOKEN = 'operator-token-0123456789';
const BALANCE = {
  api: { get_balance: { status: 200, body: { data: { available_balance: 1523.4, account_name: 'Everyday Checking', account_number_last4: '7720' } } } },
};

let bundle: Exported;
let server: RunningServer;
let transcripts: string;

const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${p}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  bundle = await exportProject(SAMPLE);
  expect(existsSync(path.join(bundle.dir, '..', 'node_modules'))).toBe(false);
  transcripts = mkdtempSync(path.join(os.tmpdir(), 'parley-transcripts-'));
  server = await runServer(bundle.dir, ['--public-key', bundle.publicKey, '--fixtures', '--transcripts', transcripts], { PARLEY_RUNTIME_TOKEN: TOKEN });
}, 120_000);
afterAll(() => server?.stop());

describe('an exported bundle served by its server.mjs', { timeout: 60_000 }, () => {
  it('says at start what it uses, by name only', () => {
    const first = JSON.parse(server.output().split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ signature: `checked with ${bundle.publicKey}`, sessions: 'in memory (this process only)', environment: 'sandbox' });
    expect(server.output()).not.toContain(TOKEN);
  });

  it('holds a multi-turn conversation through the native API', async () => {
    const start = await post('/v1/conversations', { fixtures: BALANCE });
    expect(start.status).toBe(201);
    const opening = (await start.json()) as { id: string; turn: number; messages: { copyId: string }[]; quickReplies: { payload: string }[] };
    expect(opening.turn).toBe(0);
    expect(opening.messages[0]!.copyId).toBe('main/greet');
    expect(opening.quickReplies.map((q) => q.payload)).toContain('balance');
    const balance = (await (await post(`/v1/conversations/${opening.id}/messages`, { text: "what's my balance" })).json()) as {
      turn: number;
      messages: { text: string }[];
    };
    expect(balance.turn).toBe(1);
    expect(balance.messages.map((m) => m.text).join(' ')).toContain('Everyday Checking ending 7720');
    expect(balance.messages.map((m) => m.text).join(' ')).toContain('$1,523.40');
    const done = (await (await post(`/v1/conversations/${opening.id}/messages`, { payload: 'done' })).json()) as { ended?: { outcome: string } };
    expect(done.ended).toEqual({ outcome: 'resolved' });
    const t = (await (await fetch(`${server.url}/v1/conversations/${opening.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      turns: unknown[];
    };
    expect(t.turns.length).toBe(3);
  });

  it('talks to the official openai client, streaming and not', async () => {
    const client = new OpenAI({ apiKey: TOKEN, baseURL: `${server.url}/v1` });
    const first = await client.chat.completions.create({ model: 'acme', messages: [{ role: 'user', content: 'I lost my card' }], user: 'customer-42' });
    const text = first.choices[0]!.message.content!;
    expect(text).toContain('Acme Bank');
    expect(text).toMatch(/debit card or your credit card/);
    const stream = await client.chat.completions.create({
      model: 'acme',
      messages: [
        { role: 'user', content: 'I lost my card' },
        { role: 'assistant', content: text },
        { role: 'user', content: 'debit' },
      ],
      user: 'customer-42',
      stream: true,
    });
    let streamed = '';
    for await (const c of stream) streamed += c.choices[0]?.delta.content ?? '';
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed).not.toMatch(/debit card or your credit card/);
  });

  it('writes transcripts the studio can read, with card numbers redacted', async () => {
    const { id } = (await (await post('/v1/conversations', {})).json()) as { id: string };
    await post(`/v1/conversations/${id}/messages`, { text: 'my card 4111 1111 1111 1111 was stolen' });
    expect((await post(`/v1/conversations/${id}/feedback`, { score: 4 })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    const text = readdirSync(transcripts)
      .map((f) => readFileSync(path.join(transcripts, f), 'utf8'))
      .join('');
    const { events, problems } = parseTranscriptLines(text);
    expect(problems).toEqual([]);
    expect(text).not.toContain('4111 1111 1111 1111');
    const mine = events.filter((e) => e.conversation === id);
    expect(mine.map((e) => e.type)).toEqual(['turn', 'turn', 'feedback']);
    expect(JSON.stringify(mine[1])).toContain('[card ••••1111]');
  });

  it('refuses a bundle whose file was edited, naming the file, and one whose manifest was re-hashed to match', async () => {
    const edited = copyBundle(bundle.dir);
    const f = path.join(edited, 'copy/en.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('Acme Bank', 'Acme Bank (send us your PIN)'));
    const a = await refusedStart(edited, ['--public-key', bundle.publicKey], { PARLEY_RUNTIME_TOKEN: TOKEN });
    expect(a.code).toBe(2);
    expect(a.output).toContain('copy/en.json: does not match its hash in the manifest');
    const manifest = JSON.parse(readFileSync(path.join(edited, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    manifest.files['copy/en.json'] = sha256Hex(readFileSync(f));
    writeFileSync(path.join(edited, 'manifest.json'), canonicalJson(manifest));
    const b = await refusedStart(edited, ['--public-key', bundle.publicKey], { PARLEY_RUNTIME_TOKEN: TOKEN });
    expect(b.code).toBe(2);
    expect(b.output).toContain('manifest.sig: does not match manifest.json');
  });

  it('refuses to start without a token, and with fixtures on a public address', async () => {
    expect((await refusedStart(bundle.dir, [])).output).toMatch(/set PARLEY_RUNTIME_TOKEN/);
    const r = await refusedStart(bundle.dir, ['--fixtures', '--host', '0.0.0.0'], { PARLEY_RUNTIME_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--fixtures is refused on 0\.0\.0\.0/);
  });

  it('stops on SIGTERM', async () => {
    const other = await runServer(bundle.dir, [], { PARLEY_RUNTIME_TOKEN: TOKEN });
    expect(await other.stop('SIGTERM')).toBe(0);
    expect(other.output()).toContain('"msg":"stopped"');
  });
});
