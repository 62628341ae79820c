// The docker-compose topology of a bundle, run directly (these machines have no Docker engine): three
// `node server.mjs` sharing one redis-server, behind Debian's haproxy with the bundle's own haproxy.cfg (only
// the addresses changed from the compose service names to loopback ports). One conversation's turns go round
// robin over the replicas and stay one conversation; a replica that stops is taken out by the health check on
// /ready and the conversation goes on.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportProject, HAPROXY, runServer, startHaproxy, type Exported, type RunningProxy, type RunningServer } from '../support/bundleRuntime';
import { startRedis } from '../support/redis';

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const TOKEN = 'topology-token-0123456789';

let bundle: Exported;
let redis: Awaited<ReturnType<typeof startRedis>>;
let replicas: RunningServer[] = [];
let haproxy: RunningProxy | undefined;
let front = '';

beforeAll(async () => {
  [bundle, redis] = await Promise.all([exportProject(SAMPLE), startRedis()]);
  replicas = await Promise.all([0, 1, 2].map(() => runServer(bundle.dir, [], { PARLEY_RUNTIME_TOKEN: TOKEN, REDIS_URL: redis.url })));
  haproxy = await startHaproxy(bundle.dir, replicas);
  front = haproxy.url;
}, 120_000);
afterAll(async () => {
  haproxy?.stop();
  await Promise.allSettled(replicas.map((r) => r.stop()));
  await redis?.stop();
});

const post = (p: string, body: unknown) =>
  fetch(`${front}${p}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Which replicas logged a turn of this conversation. */
const servedBy = (id: string) => replicas.map((r, i) => (r.output().includes(`"conversation":"${id}"`) ? i : -1)).filter((i) => i >= 0);

describe("a bundle's compose topology: three replicas, Redis, haproxy", { timeout: 90_000 }, () => {
  it('ships a haproxy.cfg that haproxy accepts', async () => {
    const r = await promisify(execFile)(HAPROXY, ['-c', '-f', path.join(bundle.dir, 'haproxy.cfg')]).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(r).toBe(0);
  });

  it('serves one conversation from every replica, turn after turn', async () => {
    const start = await post('/v1/conversations', {});
    expect(start.status).toBe(201);
    const { id } = (await start.json()) as { id: string };
    const turns: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await post(`/v1/conversations/${id}/messages`, { text: 'what can I ask you' });
      expect(r.status).toBe(200);
      turns.push(((await r.json()) as { turn: number }).turn);
    }
    expect(turns).toEqual([1, 2, 3, 4, 5]);
    expect(servedBy(id)).toEqual([0, 1, 2]);
  });

  it('goes on when a replica stops: the health check takes it out', async () => {
    const { id } = (await (await post('/v1/conversations', {})).json()) as { id: string };
    expect(await replicas[1]!.stop('SIGTERM')).toBe(0);
    // haproxy checks /ready every 2 s and takes a replica out after 2 failures: until then a request sent to it
    // fails; wait (on reads) until six in a row get through, then the turns must all be served
    let ok = 0;
    for (let i = 0; i < 300 && ok < 6; i++) {
      const r = await fetch(`${front}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      ok = r.status === 200 ? ok + 1 : 0;
      if (r.status !== 200) await new Promise((res) => setTimeout(res, 100));
    }
    expect(ok).toBe(6);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(`/v1/conversations/${id}/messages`, { text: 'what can I ask you' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });
});
