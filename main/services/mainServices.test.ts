import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { makeTinyProject } from '../../test/fixtures/tinyProject';
import { createMainServices, type MainServices } from './mainServices';
import { validateDir } from '../cli/validate';
import { formatProblem } from '../../shared/project/problems';

const open: MainServices[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
});
const start = async (projectDir?: string) => {
  const s = await createMainServices({
    mode: 'web',
    userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-ud-')),
    watch: false,
    env: {},
    ...(projectDir ? { projectDir } : {}),
  });
  open.push(s);
  return s;
};

describe('main services', () => {
  it('refuses a write meant for another project (a window left on the old one)', async () => {
    const a = makeTinyProject();
    const b = makeTinyProject();
    const s = await start(a);
    const snap = (await s.handlers['project.current']({}))!;
    await s.handlers['project.open']({ dir: b });
    const err = await s.handlers['flow.save']({ project: a, flowId: 'main', flow: snap.flows.main!.flow, baseRevision: snap.flows.main!.revision }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('CONFLICT');
    expect((err as ApiError).message).toMatch(/another project is open now/);
  });

  it('ends the simulator sessions of a project when another is opened: no turn, rewind or story against the new one', async () => {
    const a = makeTinyProject();
    const b = makeTinyProject();
    const s = await start(a);
    const { sessionId } = await s.handlers['simulator.start']({ project: a });
    await s.handlers['simulator.send']({ sessionId, input: { type: 'text', text: 'hello' } });
    await s.handlers['project.open']({ dir: b });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof ApiError ? e.code : String(e)),
      );
    expect(await code(s.handlers['simulator.send']({ sessionId, input: { type: 'text', text: 'hello' } }))).toBe('NOT_FOUND');
    expect(await code(s.handlers['simulator.rewind']({ sessionId, keep: 1 }))).toBe('NOT_FOUND');
    expect(await code(s.handlers['stories.saveConversation']({ project: b, sessionId, name: 'wrong project' }))).toBe('NOT_FOUND');
    expect(existsSync(path.join(b, 'stories'))).toBe(false);
    // a session of the project now open still works
    const fresh = await s.handlers['simulator.start']({ project: b });
    await s.handlers['project.open']({ dir: b });
    expect((await s.handlers['simulator.send']({ sessionId: fresh.sessionId, input: { type: 'text', text: 'hello' } })).index).toBe(1);
  });

  it('checks the story files against the project as saved, as parley validate does (what the studio shows before its own checks load)', async () => {
    const story = `name: Greets
turns:
  - user: hello
    expect:
      waits_at: main/menu_gone
`;
    const dir = makeTinyProject({ 'stories/greets.yaml': story, 'stories/broken.yaml': 'name: [unclosed\n' });
    const s = await start(dir);
    const { files, problems, checked } = await s.handlers['stories.files']({});
    expect(files.map((f) => f.file).sort()).toEqual(['stories/broken.yaml', 'stories/greets.yaml']);
    expect(problems).toEqual([]);
    const storyProblemsOfValidate = (await validateDir(dir, { userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-ud-')) })).problems.filter((p) =>
      p.file.startsWith('stories/'),
    );
    expect(checked.map(formatProblem).sort()).toEqual(storyProblemsOfValidate.map(formatProblem).sort());
    expect(checked.map(formatProblem)).toContain('stories/greets.yaml:5: turns[0].expect.waits_at: unknown node "main/menu_gone"');
    expect(checked.some((p) => p.file === 'stories/broken.yaml')).toBe(true);
  });

  it('remembers opened projects, most recent first, and tells windows about the switch', async () => {
    const a = makeTinyProject();
    const b = makeTinyProject();
    const s = await start();
    const seen: string[] = [];
    s.bus.subscribe((event, payload) => event === 'project.opened' && seen.push((payload as { dir: string }).dir));
    await s.handlers['project.open']({ dir: a });
    await s.handlers['project.open']({ dir: b });
    await s.handlers['project.open']({ dir: a });
    expect((await s.handlers['project.recent']({})).map((r) => r.dir)).toEqual([a, b]);
    expect(seen).toEqual([a, b, a]);
  });

  it('says whether a key is configured, never the key', async () => {
    const s = await createMainServices({
      mode: 'web',
      userDataDir: mkdtempSync(path.join(os.tmpdir(), 'parley-ud-')),
      watch: false,
      env: { ANTHROPIC_API_KEY: 'sk-secret' },
    });
    open.push(s);
    const info = await s.handlers['app.info']({});
    expect(info.hasApiKey).toBe(true);
    expect(JSON.stringify(info)).not.toContain('sk-secret');
  });
});
