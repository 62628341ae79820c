// `parley test --target` and A/B variants, against a small fake runtime (the runtime core behind node:http, as a
// bundle started with --fixtures serves it): every story starts with its variants forced (its pins, and the
// others as `runStory` assigns them from the story's seed), so remote verdicts are the local ones; a target that
// does not take forced variants skips the stories that pin some, saying why.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnginePorts } from '../../shared/engine/engine';
import type { SessionState, UserInput } from '../../shared/engine/types';
import { assignVariant } from '../../shared/engine/variants';
import { fixturePorts, type Fixtures } from '../../shared/runtime/fixtures';
import { createTurnRunner } from '../../shared/runtime/turnRunner';
import { storySeed } from '../../shared/stories/pins';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { variantsFlow } from '../../test/fixtures/variantsProject';
import { createProjectEngine } from '../services/projectEngine';
import { runRemoteTests } from './remote';
import { loadTestProject, runTests } from './runner';

const FLOW = variantsFlow(`      - { id: plain, say: { en: "Hello, plain." } }
      - { id: warm, say: { en: "Hi there, lovely to see you!" } }
`);
const HI = [{ id: 'plain' }, { id: 'warm' }];
const seeded = (file: string) => assignVariant(storySeed(file), 'main/hi', HI)!.id;
const other = (v: string) => (v === 'warm' ? 'plain' : 'warm');
const story = (copy: string, pin?: string) =>
  `name: ${pin ? 'pinned' : 'seeded'}\n${pin ? `setup:\n  variants:\n    main/hi: ${pin}\n` : ''}turns:\n  - user: hello\n    expect:\n      says:\n        - copy: ${copy}\n`;

/** The project: one story pinned to the variant its seed would not give, one checking the seed's pick. */
function project() {
  const pin = other(seeded('stories/pinned.yaml'));
  return makeTinyProject({
    'flows/main.yaml': FLOW,
    'stories/pinned.yaml': story(`main/hi@${pin}`, pin),
    'stories/seeded.yaml': story(`main/hi@${seeded('stories/seeded.yaml')}`),
  });
}

type Mode = 'forces' | 'refuses' | 'ignores';
const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r)))));

const json = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  let s = '';
  for await (const chunk of req) s += String(chunk);
  return s ? (JSON.parse(s) as Record<string, unknown>) : {};
};

/**
 * A runtime started with --fixtures, faked over the runtime core: a conversation's id seeds its variants, and
 * `variants` in the start body forces some (`forces`), is refused as an unknown field (`refuses`, an older
 * runtime) or is accepted and ignored (`ignores`: what a story must catch).
 */
async function fakeRuntime(dir: string, mode: Mode, seedOf: (id: string) => string = (id) => id) {
  const engine = createProjectEngine(await loadTestProject(dir));
  const runner = createTurnRunner({ engine });
  const conversations = new Map<string, { state: SessionState; ports: EnginePorts }>();
  const starts: Record<string, unknown>[] = [];
  const play = async (id: string, input: UserInput) => {
    const c = conversations.get(id)!;
    const r = await runner.run(c.state, input, c.ports);
    c.state = r.state;
    return { id, conversationId: id, test: { path: r.path, outputs: r.outputs, trace: r.trace, state: r.state } };
  };
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    void (async () => {
      if (req.method === 'GET' && req.url === '/health') return send(200, { ok: true, bundle: { name: 'Tiny Bank', version: '1.0.0' } });
      const body = await json(req);
      if (req.method === 'POST' && req.url === '/v1/conversations') {
        starts.push(body);
        if ('variants' in body && mode === 'refuses') return send(400, { error: { code: 'bad_request', message: 'body: Unrecognized key: "variants"' } });
        const id = randomUUID();
        const forced = mode === 'forces' ? (body.variants as Record<string, string> | undefined) : undefined;
        conversations.set(id, {
          state: runner.initial({ seed: seedOf(id), ...(forced ? { variants: forced } : {}) }),
          ports: fixturePorts(body.fixtures as Fixtures),
        });
        return send(201, await play(id, { type: 'start' }));
      }
      const m = /^\/v1\/conversations\/([\w-]+)\/messages$/.exec(req.url ?? '');
      if (req.method === 'POST' && m && conversations.has(m[1]!)) return send(200, await play(m[1]!, { type: 'text', text: String(body.text) }));
      send(404, { error: { code: 'not_found', message: 'no such route' } });
    })();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, starts };
}

const verdicts = (r: { stories: { file: string; passed: boolean }[] }) => Object.fromEntries(r.stories.map((x) => [x.file, x.passed]));

describe('parley test --target and A/B variants', () => {
  it('starts every story with its variants forced (pinned, else the seed’s), and gets the local verdicts', async () => {
    const dir = project();
    const local = await runTests({ projectDir: dir });
    expect(verdicts(local)).toEqual({ 'stories/pinned.yaml': true, 'stories/seeded.yaml': true });
    const target = await fakeRuntime(dir, 'forces');
    const remote = await runRemoteTests({ projectDir: dir, target: target.url, concurrency: 1 });
    expect(remote.target).toMatchObject({ fixtures: true, variants: true });
    expect(remote.skipped).toEqual([]);
    expect(verdicts(remote)).toEqual(verdicts(local));
    // the probes, then each story's start with its picks
    const stories = target.starts.filter((b) => b.variants && Object.keys(b.variants).length);
    expect(stories.map((b) => b.variants)).toEqual([{ 'main/hi': other(seeded('stories/pinned.yaml')) }, { 'main/hi': seeded('stories/seeded.yaml') }]);
  });

  it('fails a pinned story on a target that ignores the pin', async () => {
    const dir = project();
    // its conversations seeded so that they get the variant the story does not pin
    const target = await fakeRuntime(dir, 'ignores', () => storySeed('stories/pinned.yaml'));
    const remote = await runRemoteTests({ projectDir: dir, target: target.url, files: ['stories/pinned.yaml'] });
    const pin = other(seeded('stories/pinned.yaml'));
    expect(target.starts.at(-1)?.variants).toEqual({ 'main/hi': pin });
    expect(remote.stories[0]?.passed).toBe(false);
    expect(remote.stories[0]?.result.firstFailure?.failure).toMatchObject({
      check: 'says[0].copy',
      expected: `main/hi@${pin}`,
      actual: [`main/hi@${other(pin)}`],
    });
  });

  it('skips the stories that pin variants on a target that does not take them, and runs the others', async () => {
    const dir = project();
    const target = await fakeRuntime(dir, 'refuses');
    const remote = await runRemoteTests({ projectDir: dir, target: target.url });
    expect(remote.target).toMatchObject({ fixtures: true, variants: false });
    expect(remote.skipped).toEqual([
      {
        file: 'stories/pinned.yaml',
        name: 'pinned',
        tags: [],
        reason: `pins A/B variants (setup.variants), and the runtime at ${target.url} does not take forced variants: export the bundle again with this version of Parley`,
      },
    ]);
    expect(remote.stories.map((s) => s.file)).toEqual(['stories/seeded.yaml']);
    // no story start carried variants (the target refuses them)
    expect(target.starts.filter((b) => 'variants' in b)).toHaveLength(1);
  });
});
