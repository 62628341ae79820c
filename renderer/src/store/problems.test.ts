import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProjectSnapshot } from '../../../shared/api/contract';
import type { FlowChange } from '../../../shared/project/changes';
import manifestText from '../../../examples/acme-bank/parley.yaml?raw';
import nluText from '../../../examples/acme-bank/nlu.yaml?raw';
import { loadProject } from '../../../shared/project/load';
import { checkFlow, validateProject } from '../../../shared/project/validate';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Studio } from './createStudioStore';
import { storyFileProblems } from './storyChecks';
import { storyProblems } from '../../../shared/stories/load';
import { createStudioStore } from './createStudioStore';
import { loadedChecks } from './checks';
import { advance, FakeApi, loadedStudio, move, PROJECT_DIR, rev } from './studioFakes';
import { memoryStorage } from './storage';

// spied, not replaced: the checks run as they are, and the test sees which flows they were run on
vi.mock('../../../shared/project/validate', { spy: true });

// The sample, through Vite's ?raw imports (the renderer has no Node, even in its tests).
const raw = (files: Record<string, string>, folder: string) =>
  Object.entries(files).map(([file, text]) => ({ file: `${folder}/${file.slice(file.lastIndexOf('/') + 1)}`, text }));
const flowTexts = import.meta.glob<string>('../../../examples/acme-bank/flows/*.yaml', { query: '?raw', import: 'default', eager: true });
const storyTexts = import.meta.glob<string>('../../../examples/acme-bank/stories/*.yaml', { query: '?raw', import: 'default', eager: true });
const sample = loadProject({
  manifest: { file: 'parley.yaml', text: manifestText },
  nlu: { file: 'nlu.yaml', text: nluText },
  flows: raw(flowTexts, 'flows'),
}).project;
if (!sample) throw new Error('the sample does not load');
const storyFiles = raw(storyTexts, 'stories').map((f) => ({ ...f, revision: rev(0x50) }));

function sampleApi(manifest = sample!.manifest): FakeApi {
  const snapshot: ProjectSnapshot = {
    dir: PROJECT_DIR,
    manifest,
    manifestRevision: rev(0xa),
    nlu: sample!.nlu,
    flows: Object.fromEntries(Object.entries(sample!.flows).map(([id, flow], i) => [id, { flow, revision: rev(i + 1) }])),
    problems: validateProject(sample!),
    broken: [],
  };
  return new FakeApi(snapshot, {
    'stories.files': async () => ({ files: storyFiles, problems: [], checked: [] }),
    'flow.delete': async () => ({ ok: true as const }),
  });
}

/** What a full check of the project in the store finds: `validateProject`, then the story files. */
function fullCheck(studio: Studio) {
  const { project, flows, stories } = studio.store.getState();
  const model = { manifest: project!.manifest, nlu: project!.nlu, flows: Object.fromEntries(Object.entries(flows).map(([id, d]) => [id, d.flow])) };
  return [...validateProject(model, { broken: [] }), ...storyFileProblems(model, stories)];
}

const checkedFlows = () => vi.mocked(checkFlow).mock.calls.map(([flowId]) => flowId);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.mocked(checkFlow).mockClear();
});

describe('problems of the project as edited', () => {
  it('after an open, the story files arriving check the stories only, and the flows are checked one per tick afterwards', async () => {
    const studio = await loadedStudio(sampleApi());
    const flowIds = Object.keys(studio.store.getState().flows);
    expect(Object.keys(studio.store.getState().stories.files)).toHaveLength(storyFiles.length);
    expect(checkedFlows()).toEqual([]);
    expect(studio.store.getState().problems).toEqual(fullCheck(studio));

    await advance(0);
    expect(checkedFlows()).toEqual(flowIds.slice(0, 1));
    await advance(100);
    expect(checkedFlows()).toEqual(flowIds);
  });

  it("a window that only looks never loads the checks: main's problems (flows as loaded, stories as it checked them) until the first edit, then its own", async () => {
    // a story naming a node the flows do not have, so that main's check of the stories finds something
    const story = storyFiles.find((f) => f.text.includes('main/go_balance'))!;
    const files = storyFiles.map((f) => (f === story ? { ...f, text: f.text.replace('main/go_balance', 'main/ghost') } : f));
    const checked = storyProblems(sample!, files); // what main's stories.files handler runs
    expect(checked.some((p) => p.file === story.file && p.message.includes('main/ghost'))).toBe(true);
    const api = sampleApi();
    api.handlers['stories.files'] = async () => ({ files, problems: [], checked });
    const loadChecks = vi.fn(() => import('./checkModules'));
    const studio = createStudioStore({ api, storage: memoryStorage(), loadChecks });
    await studio.initStudio();
    await advance(1000);
    expect(loadChecks).not.toHaveBeenCalled();
    expect(loadedChecks()).toBeUndefined(); // nor through checks.ts
    expect(checkedFlows()).toEqual([]);
    expect(studio.store.getState().problems).toEqual([...validateProject(sample!), ...checked]);

    studio.editFlow('help', move(40));
    expect(loadChecks).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(studio.store.getState().problems).toEqual(fullCheck(studio)));
    expect(studio.store.getState().problems.some((p) => p.file === story.file && p.message.includes('main/ghost'))).toBe(true);
    studio.editFlow('help', move(80));
    expect(loadChecks).toHaveBeenCalledTimes(1);
  });

  it('an edit checks the edited flow again and no other: the other flows keep their problems (the same objects)', async () => {
    const studio = await loadedStudio(sampleApi());
    await advance(100);
    const stray = (id: string) => [{ type: 'node.add', node: { id, kind: 'message', say: { en: 'Hi {{nobody}}' } } as FlowNode }] satisfies FlowChange[];
    studio.editFlow('help', stray('lost'));
    vi.mocked(checkFlow).mockClear();
    const before = studio.store.getState().problems;
    studio.editFlow('main', stray('stray'));
    expect(checkedFlows()).toEqual(['main']);
    const after = studio.store.getState().problems;
    expect(after).toEqual(fullCheck(studio));
    expect(after.some((p) => p.nodeId === 'stray')).toBe(true);
    const ofOthers = (ps: typeof before) => ps.filter((p) => p.flowId && p.flowId !== 'main');
    expect(ofOthers(before).length).toBeGreaterThan(0);
    ofOthers(after).forEach((p, i) => expect(p).toBe(ofOthers(before)[i]));
  });

  it("a story file written here checks the stories only: the flows' problems are kept (the same objects)", async () => {
    const studio = await loadedStudio(sampleApi());
    studio.editFlow('help', [{ type: 'node.remove', id: (studio.store.getState().flows.help?.flow.nodes[1] as FlowNode).id }]);
    vi.mocked(checkFlow).mockClear();
    const before = studio.store.getState().problems;
    const story = storyFiles.find((f) => f.text.includes('main/go_balance'))!;
    studio.setStoryFile(story.file, { text: story.text.replace('main/go_balance', 'main/ghost'), revision: rev(0x51) });
    expect(checkedFlows()).toEqual([]);
    const after = studio.store.getState().problems;
    expect(after).toEqual(fullCheck(studio));
    expect(after.some((p) => p.file === story.file && p.message.includes('main/ghost'))).toBe(true);
    const ofFlows = (ps: typeof before) => ps.filter((p) => p.file.startsWith('flows/'));
    expect(ofFlows(before).length).toBeGreaterThan(0);
    ofFlows(after).forEach((p, i) => expect(p).toBe(ofFlows(before)[i]));
  });

  it('check the holiday country of business hours once the holiday data is loaded, which only such a project loads', async () => {
    const hours = sample!.manifest.businessHours!;
    const studio = await loadedStudio(sampleApi({ ...sample!.manifest, businessHours: { ...hours, holidays: { country: 'ZZ' } } }));
    const unknownCountry = (ps: { field?: string; message: string }[]) => ps.filter((p) => p.message.includes('no country "ZZ"')).map((p) => p.field);
    // checked once the data is in (the first check, before, has no holiday data and says nothing of the country)
    await vi.waitFor(() => expect(unknownCountry(studio.store.getState().problems)).toEqual(['businessHours.holidays.country']));
    // and on every check after
    studio.editFlow('help', move(40));
    expect(unknownCountry(studio.store.getState().problems)).toEqual(['businessHours.holidays.country']);
  });

  it('equal a full check of the project and its stories after every step of random edits, flow creations and deletions', async () => {
    const step = fc.tuple(fc.nat(9), fc.nat(60), fc.nat(60), fc.nat(60));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const studio = await loadedStudio(sampleApi());
        for (const [seq, [kind, a, b, c]] of steps.entries()) {
          const flows = studio.store.getState().flows;
          const ids = Object.keys(flows);
          const flowId = ids[a % ids.length] as string;
          const nodes = flows[flowId]?.flow.nodes ?? [];
          const node = nodes[b % Math.max(1, nodes.length)];
          const target = ids[c % ids.length] as string;
          const targetNodes = flows[target]?.flow.nodes ?? [];
          const edit = (...changes: FlowChange[]) => studio.editFlow(flowId, changes);
          if (kind === 0 && node) edit({ type: 'node.remove', id: node.id });
          else if (kind === 1 && node) edit({ type: 'node.update', id: node.id, node: { ...node, id: `renamed_${seq}` } });
          else if (kind === 2) {
            const at = c % 3 ? targetNodes[b % Math.max(1, targetNodes.length)]?.id : 'ghost';
            edit({ type: 'node.add', node: { id: `jump_${seq}`, kind: 'jump', flow: c % 5 ? target : 'nowhere', ...(at ? { node: at } : {}) } as FlowNode });
          } else if (kind === 3 && node && exitsOf(node).length) {
            const exit = exitsOf(node)[c % exitsOf(node).length]!;
            edit({ type: 'exit.set', id: node.id, port: exit.port, target: nodes[c % nodes.length]?.id });
          } else if (kind === 4)
            edit({ type: 'node.add', node: { id: `set_${seq}`, kind: 'set', assign: [{ var: `v${c % 3}`, value: 'input' }] } as FlowNode });
          else if (kind === 5) await studio.createFlow(`Copy ${seq}`, flows[flowId]?.flow);
          else if (kind === 6 && ids.length > 1) {
            await advance(500); // saved first: a flow is deleted at its revision on disk
            await studio.deleteFlow(flowId);
          } else if (kind === 7) {
            const story = storyFiles[c % storyFiles.length]!;
            studio.setStoryFile(story.file, { text: story.text.replaceAll(`${target}/`, `${flowId}/`), revision: rev(0x60 + seq) });
          } else if (kind === 8)
            await advance(0); // a tick of the checks ahead of time
          else if (node) edit({ type: 'node.move', id: node.id, position: { x: c, y: seq } });
          expect(studio.store.getState().problems).toEqual(fullCheck(studio));
        }
      }),
      { numRuns: 25 },
    );
  });
});
