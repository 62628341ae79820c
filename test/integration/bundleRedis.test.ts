// Two runtime processes of one bundle sharing one real Redis, as replicas behind a load balancer: a conversation
// started on one continues on the other; two turns of one conversation sent to both at once give one applied
// turn (one call to the bank's API) and one 409; Redis going away gives 503 and the runtime recovers with it.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportProject, runServer, type RunningServer } from '../support/bundleRuntime';
import { startRedis } from '../support/redis';
import { blockCardProject, listenOnLoopback, poster } from './blockCardBank';

const TOKEN = 'replica-token-0123456789';

/** The bank's API: counts the card blocks it was asked for, and answers slowly enough for two turns to meet. */
let blocks = 0;
let bank: Server;
async function startBank(): Promise<number> {
  bank = createServer((req, res) => {
    if (req.url === '/cards/block') blocks++;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, reference: `B-${blocks}` }));
    }, 400);
  });
  return listenOnLoopback(bank);
}

const project = (bankPort: number) =>
  blockCardProject(bankPort, {
    name: 'Replica Bank',
    afterRoutes: `    noMatch: sorry
  - id: sorry
    kind: message
    say: { en: "Sorry, I did not get that." }
    next: menu
`,
  });

let redis: Awaited<ReturnType<typeof startRedis>>;
let a: RunningServer;
let b: RunningServer;

const post = poster(TOKEN);

beforeAll(async () => {
  const bankPort = await startBank();
  const bundle = await exportProject(project(bankPort));
  redis = await startRedis({ persistence: true });
  const env = { PARLEY_RUNTIME_TOKEN: TOKEN, REDIS_URL: redis.url };
  [a, b] = await Promise.all([runServer(bundle.dir, [], env), runServer(bundle.dir, [], env)]);
}, 120_000);
afterAll(async () => {
  await Promise.allSettled([a?.stop(), b?.stop()]);
  await redis?.stop();
  bank?.close();
});

describe('two runtime processes sharing one Redis', { timeout: 60_000 }, () => {
  it('continue a conversation started on the other', async () => {
    const start = (await (await post(a, '/v1/conversations', {})).json()) as { id: string; messages: { text: string }[] };
    expect(start.messages[0]!.text).toBe('Hi! I can block a card.');
    const r = await post(b, `/v1/conversations/${start.id}/messages`, { text: 'hello' });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { turn: number }).turn).toBe(1);
    const t = (await (await fetch(`${a.url}/v1/conversations/${start.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { turns: unknown[] };
    expect(t.turns).toHaveLength(2);
  });

  it('apply one of two concurrent turns of a conversation: one API call, one 409', async () => {
    const { id } = (await (await post(a, '/v1/conversations', {})).json()) as { id: string };
    const before = blocks;
    const [ra, rb] = await Promise.all([
      post(a, `/v1/conversations/${id}/messages`, { text: 'block my card' }),
      post(b, `/v1/conversations/${id}/messages`, { text: 'block my card' }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(((await loser.json()) as { error: { code: string } }).error.code).toBe('conflict');
    const winner = (await (ra.status === 200 ? ra : rb).json()) as { messages: { text: string }[] };
    expect(winner.messages[0]!.text).toMatch(/^Your card is blocked \(reference B-\d+\)\.$/);
    expect(blocks - before).toBe(1);
    // the conversation holds exactly one applied turn
    const t = (await (await fetch(`${b.url}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { turns: unknown[] };
    expect(t.turns).toHaveLength(2);
  });

  it('answer 503 while Redis is away and recover when it returns', async () => {
    const { id } = (await (await post(a, '/v1/conversations', {})).json()) as { id: string };
    await redis.stop({ keepData: true });
    const down = await post(b, `/v1/conversations/${id}/messages`, { text: 'hello' });
    expect(down.status).toBe(503);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect((await fetch(`${a.url}/ready`)).status).toBe(503);
    expect((await fetch(`${a.url}/health`)).status).toBe(200);
    await redis.restart();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await post(b, `/v1/conversations/${id}/messages`, { text: 'hello' })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});
