// Design-time mocks (parley.yaml `mocks`): the simulator's mock port answers each operation with its first mock,
// and a story's fixture may name a mock (`mock: success`) instead of repeating it; a bad name is a problem of
// the story's file and field, and a loaded story carries the mock itself (so it runs on a remote runtime too).
import { describe, expect, it } from 'vitest';
import { storyBankModel } from '../../test/fixtures/storyBank';
import { formatProblem } from '../project/problems';
import { fixturePorts, mockHttpPort } from '../runtime/fixtures';
import type { ApiMocks } from '../schema/nodes';
import { indexProject, loadStory } from './load';

const MOCKS: ApiMocks = {
  block_card: {
    success: { body: { data: { reference: 'BLK-MOCK' } } },
    server_error: { status: 500, body: { error: 'down' } },
    timeout: { fail: 'timeout' },
  },
};
const req = (operation: string) => ({ operation, method: 'POST', url: 'https://bank.test/x', headers: {}, timeoutMs: 50 });

describe('mockHttpPort', () => {
  it("answers with the operation's first mock, sends nothing, and says where to add a missing one", async () => {
    const http = mockHttpPort(MOCKS);
    expect(await http.request(req('block_card'))).toEqual({ ok: true, status: 200, body: { data: { reference: 'BLK-MOCK' } }, ms: 0 });
    expect(await http.request(req('get_balance'))).toEqual({
      ok: false,
      reason: 'network',
      message: 'no mock for the API operation "get_balance": add one under mocks.get_balance in parley.yaml',
      ms: 0,
    });
    expect(await http.request(req('constructor'))).toMatchObject({ ok: false, reason: 'network' });
    expect(await mockHttpPort(undefined).request(req('block_card'))).toMatchObject({ ok: false, reason: 'network' });
    expect(await mockHttpPort({ block_card: { slow: { fail: 'timeout' } } }).request(req('block_card'))).toEqual({
      ok: false,
      reason: 'timeout',
      message: 'no response within 50 ms (mock block_card.slow)',
      ms: 0,
    });
  });

  it('fixture ports answer a fixture that names a mock with that mock', async () => {
    const http = fixturePorts({ api: { block_card: [{ mock: 'server_error' }, { mock: 'nope' }] } }, { mocks: MOCKS }).http!;
    expect(await http.request(req('block_card'))).toEqual({ ok: true, status: 500, body: { error: 'down' }, ms: 0 });
    expect(await http.request(req('block_card'))).toMatchObject({ ok: false, reason: 'network', message: expect.stringContaining('block_card.nope') });
  });
});

describe('stories naming mocks', () => {
  const model = { ...storyBankModel, manifest: { ...storyBankModel.manifest, mocks: MOCKS } };
  const index = indexProject(model);
  const story = (api: string) => `name: Block with a mock
fixtures:
  api:
    block_card:
${api}
turns:
  - user: hello
`;

  it('loads with each named mock in place of the reference', () => {
    const one = loadStory({ file: 'stories/a.yaml', text: story('      mock: success') }, index);
    expect(one.problems).toEqual([]);
    expect(one.story?.story.fixtures?.api).toEqual({ block_card: { body: { data: { reference: 'BLK-MOCK' } } } });
    const list = loadStory({ file: 'stories/a.yaml', text: story('      - mock: timeout\n      - { status: 201, body: { data: { reference: X } } }') }, index);
    expect(list.story?.story.fixtures?.api).toEqual({ block_card: [{ fail: 'timeout' }, { status: 201, body: { data: { reference: 'X' } } }] });
  });

  it('reports an unknown mock, and a fixture that names a mock and gives a body, by file, line and field', () => {
    expect(loadStory({ file: 'stories/a.yaml', text: story('      - mock: timeout\n      - mock: sucess') }, index).problems.map(formatProblem)).toEqual([
      'stories/a.yaml:6: fixtures.api.block_card[1].mock: parley.yaml has no mock "sucess" for block_card (it has success, server_error, timeout)',
    ]);
    expect(loadStory({ file: 'stories/a.yaml', text: story('      mock: success') }, indexProject(storyBankModel)).problems.map(formatProblem)).toEqual([
      'stories/a.yaml:5: fixtures.api.block_card.mock: parley.yaml has no mock "success" for block_card (add it under mocks.block_card)',
    ]);
    expect(loadStory({ file: 'stories/a.yaml', text: story('      mock: success\n      status: 200') }, index).problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^stories\/a\.yaml:\d+: fixtures\.api\.block_card\.mock: a fixture names a mock or gives status\/body\/fail, not both$/),
    ]);
  });
});
