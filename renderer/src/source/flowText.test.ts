import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { serializeFlow } from '../../../shared/project/serialize';
import type { Flow, NluFile, ProjectManifest } from '../../../shared/schema/project';
import { TINY_FLOW, TINY_MANIFEST, TINY_NLU } from '../../../test/fixtures/tinyProject';
import { checkFlowText, minimalEdit, type ProjectContext } from './flowText';

const flow = parse(TINY_FLOW) as Flow;
const project: ProjectContext = { manifest: parse(TINY_MANIFEST) as ProjectManifest, nlu: parse(TINY_NLU) as NluFile, flows: { main: flow }, broken: [] };
const canonical = serializeFlow(flow);
const lines = (r: { problems: { line?: number; message: string }[] }) => r.problems.map((p) => `${p.line}: ${p.message}`);

describe('checkFlowText', () => {
  it('applies the canonical text of a flow as that flow, with no problems', () => {
    const r = checkFlowText('main', canonical, project);
    expect(r.problems).toEqual([]);
    expect(r.flow && serializeFlow(r.flow)).toBe(canonical);
  });

  it('applies a copy change', () => {
    const r = checkFlowText('main', canonical.replace('Hi! How can I help?', 'Hello there'), project);
    expect(r.flow?.nodes[1]).toMatchObject({ id: 'welcome', say: { en: 'Hello there' } });
  });

  it('refuses an unknown node kind, naming its line', () => {
    const text = canonical.replace('kind: message', 'kind: mesage');
    const line = text.split('\n').findIndex((l) => l.includes('mesage')) + 1;
    const r = checkFlowText('main', text, project);
    expect(r.flow).toBeUndefined();
    expect(lines(r)).toEqual([expect.stringMatching(new RegExp(`^${line}: unknown node kind "mesage"`))]);
    expect(r.problems[0]).toMatchObject({ file: 'flows/main.yaml', field: 'nodes[1].kind', flowId: 'main', nodeId: 'welcome' });
  });

  it('refuses broken YAML, naming its line', () => {
    const r = checkFlowText('main', 'name: Main\nnodes:\n  - id: start\n    kind: [start\n', project);
    expect(r.flow).toBeUndefined();
    expect(r.problems[0]?.message).toMatch(/^invalid YAML/);
    expect(r.problems[0]?.line).toBeGreaterThanOrEqual(4);
  });

  it('refuses text that is not a flow at all', () => {
    for (const text of ['', 'nodes: 7\n', '- a\n- b\n', 'name: Main\n']) {
      const r = checkFlowText('main', text, project);
      expect(r.flow, text).toBeUndefined();
      expect(r.problems.length, text).toBeGreaterThan(0);
    }
  });

  it('applies a flow with a dangling edge, reporting it with its line', () => {
    const text = canonical.replace('next: menu', 'next: nowhere');
    const r = checkFlowText('main', text, project);
    expect(r.flow).toBeDefined();
    const line = text.split('\n').findIndex((l) => l.includes('nowhere')) + 1;
    const unreachable = (id: string) =>
      `${text.split('\n').findIndex((l) => l.includes(`id: ${id}`)) + 1}: unreachable: no exit, jump or call leads to this node from the flow's start`;
    expect(lines(r)).toEqual([`${line}: edge to missing node "nowhere"`, unreachable('menu'), unreachable('sorry')]);
  });

  it("refuses a node of unknown kind and still reports the flow's other problems", () => {
    const text = canonical.replace('kind: listen', 'kind: lisen').replace('next: menu', 'next: nowhere');
    const r = checkFlowText('main', text, project);
    expect(r.flow).toBeUndefined();
    expect(r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^unknown node kind "lisen"/), 'edge to missing node "nowhere"']);
  });

  it('refuses duplicate node ids, with or without the project', () => {
    const text = canonical.replace('id: sorry', 'id: welcome');
    for (const ctx of [project, undefined]) {
      const r = checkFlowText('main', text, ctx);
      expect(r.flow).toBeUndefined();
      expect(r.problems.some((p) => /duplicate node id "welcome"/.test(p.message))).toBe(true);
    }
  });
});

describe('minimalEdit', () => {
  const apply = (a: string, e: ReturnType<typeof minimalEdit>) => (e ? a.slice(0, e.start) + e.text + a.slice(e.end) : a);

  it('replaces only the changed middle', () => {
    expect(minimalEdit('say: hi\nnext: a\n', 'say: hello\nnext: a\n')).toEqual({ start: 6, end: 7, text: 'ello' });
    expect(minimalEdit('same', 'same')).toBeUndefined();
  });

  it('always turns before into after', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(apply(a, minimalEdit(a, b))).toBe(b);
      }),
    );
  });
});
