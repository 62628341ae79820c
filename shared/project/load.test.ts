import { describe, expect, it } from 'vitest';
import { loadProject, type ProjectSources } from './load';
import { formatProblem } from './problems';
import { TINY_FLOW, TINY_MANIFEST, TINY_NLU } from '../../test/fixtures/tinyProject';

const sources = (flow: string, extra: Partial<ProjectSources> = {}): ProjectSources => ({
  manifest: { file: 'parley.yaml', text: TINY_MANIFEST },
  nlu: { file: 'nlu.yaml', text: TINY_NLU },
  flows: [{ file: 'flows/main.yaml', text: flow }],
  ...extra,
});

const errors = (flow: string) =>
  loadProject(sources(flow))
    .problems.filter((p) => p.severity === 'error')
    .map(formatProblem);

describe('loadProject', () => {
  it('loads a valid project without problems', () => {
    const r = loadProject(sources(TINY_FLOW));
    expect(r.problems).toEqual([]);
    expect(r.broken).toEqual([]);
    expect(r.project?.flows.main?.nodes.map((n) => n.id)).toEqual(['start', 'welcome', 'menu', 'sorry']);
  });

  it('reports corrupt YAML with file and line, and marks the file broken', () => {
    const r = loadProject(sources('name: Main\nnodes:\n  - id: start\n    kind: [start\n'));
    expect(r.broken).toEqual(['flows/main.yaml']);
    expect(r.problems[0]?.file).toBe('flows/main.yaml');
    expect(r.problems[0]?.line).toBeGreaterThanOrEqual(4);
    expect(r.problems[0]?.message).toMatch(/invalid YAML/);
    expect(r.project?.flows.main).toBeUndefined();
  });

  it('names an unknown node kind with its line and field', () => {
    const flow = TINY_FLOW.replace('kind: listen', 'kind: lisen');
    expect(errors(flow)).toEqual([expect.stringMatching(/^flows\/main\.yaml:14: nodes\[2\]\.kind: unknown node kind "lisen"; expected one of start, message/)]);
  });

  it('reports an edge to a missing node, naming file, line and field', () => {
    const flow = TINY_FLOW.replace('    next: menu\n  - id: menu', '    next: menu_typo\n  - id: menu');
    const r = loadProject(sources(flow));
    const e = r.problems.filter((p) => p.severity === 'error');
    expect(e.map(formatProblem)).toEqual(['flows/main.yaml:12: nodes[1].next: edge to missing node "menu_typo"']);
    expect(e[0]?.nodeId).toBe('welcome');
    // The flow still opens, so the user can fix the edge on the canvas.
    expect(r.broken).toEqual([]);
  });

  it('reports a duplicate node id', () => {
    const flow = TINY_FLOW.replace('  - id: sorry', '  - id: welcome');
    expect(errors(flow)).toContainEqual(expect.stringMatching(/^flows\/main\.yaml:20: nodes\[3\]\.id: duplicate node id "welcome" \(first at nodes\[1\]\)/));
  });

  it('reports a wrong field type with the field path', () => {
    const flow = TINY_FLOW.replace('    next: menu\n  - id: menu', '    next: 42\n  - id: menu');
    expect(errors(flow)).toEqual([expect.stringMatching(/^flows\/main\.yaml:12: nodes\[1\]\.next: /)]);
  });

  it('loads a node with a broken position, with a warning, and places it automatically', () => {
    const flow = TINY_FLOW.replace('position: { x: 320, y: 0 }', 'position: { x: far, y: .nan }');
    const r = loadProject(sources(flow));
    expect(r.broken).toEqual([]);
    expect(r.problems.map(formatProblem)).toEqual([
      'flows/main.yaml:9: nodes[1].position: position must be { x: number, y: number }; the node is placed automatically',
    ]);
    expect(r.problems[0]?.severity).toBe('warning');
    expect(r.project?.flows.main?.nodes[1]?.position).toBeUndefined();
  });

  it('reports unknown intents, and unknown fields as warnings that keep the field', () => {
    const flow = TINY_FLOW.replace('intent: greet', 'intent: goodbye').replace('    noMatch: sorry', '    noMatch: sorry\n    colour: red');
    const r = loadProject(sources(flow));
    expect(r.problems.map(formatProblem)).toEqual([
      'flows/main.yaml:20: nodes[2].colour: unknown field "colour" for a listen node (kept as is)',
      'flows/main.yaml:17: nodes[2].routes[0].intent: unknown intent "goodbye"',
    ]);
    expect(r.problems.map((p) => p.severity)).toEqual(['warning', 'error']);
    expect((r.project?.flows.main?.nodes[2] as unknown as { colour: string }).colour).toBe('red');
  });

  it('refuses secrets in parley.yaml', () => {
    const r = loadProject(sources(TINY_FLOW, { manifest: { file: 'parley.yaml', text: TINY_MANIFEST + 'llm:\n  model: m\n  apiKey: sk-123\n' } }));
    expect(r.project).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^parley\.yaml:9: llm\.apiKey: secrets do not belong in project files/)]);
  });

  it('refuses a project from a newer Parley', () => {
    const r = loadProject(sources(TINY_FLOW, { manifest: { file: 'parley.yaml', text: TINY_MANIFEST.replace('schema: 2', 'schema: 99') } }));
    expect(r.project).toBeUndefined();
    expect(r.problems[0]?.message).toMatch(/newer than this Parley understands/);
  });

  it('does not report references to a broken flow as missing', () => {
    const r = loadProject({
      ...sources(TINY_FLOW),
      flows: [
        { file: 'flows/main.yaml', text: TINY_FLOW.replace('    noMatch: sorry', '    noMatch: sorry\n  - id: go\n    kind: jump\n    flow: other') },
        { file: 'flows/other.yaml', text: 'name: [' },
      ],
    });
    expect(r.broken).toEqual(['flows/other.yaml']);
    // (the added jump node is not reached from the start: that warning is not about the broken flow)
    expect(r.problems.filter((p) => p.file === 'flows/main.yaml' && !p.message.startsWith('unreachable'))).toEqual([]);
  });

  it('names the file, line and unsupported construct of a regex entity RE2 cannot compile, with a hint', () => {
    const nlu = `${TINY_NLU}entities:
  - id: ok_ref
    kind: regex
    pattern: \\bTXN-?[0-9]{10}\\b
  - id: amount_after_dollar
    kind: regex
    pattern: (?<=\\$)[0-9]+
  - id: doubled
    kind: regex
    pattern: (a)\\1
  - id: evil
    kind: regex
    pattern: ^(a+)+$
`;
    const r = loadProject(sources(TINY_FLOW, { nlu: { file: 'nlu.yaml', text: nlu } }));
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^nlu\.yaml:13: entities\[1\]\.pattern: lookbehind `\(\?<=` is not supported \(.*linear time.*\); include the text before in the match/,
      ),
      expect.stringMatching(/^nlu\.yaml:16: entities\[2\]\.pattern: backreference `\\1` is not supported \(.*\); spell the repeated part out/),
    ]);
    expect(r.problems.every((p) => p.severity === 'error')).toBe(true);
    // the catastrophic-backtracking pattern compiles: on RE2 it is harmless
    expect(r.project?.nlu.entities?.map((e) => e.id)).toEqual(['ok_ref', 'amount_after_dollar', 'doubled', 'evil']);
  });
});

describe('loadProject reports each problem once and keeps checking', () => {
  const fileProblems = (flow: string) =>
    loadProject(sources(flow))
      .problems.filter((p) => p.file === 'flows/main.yaml')
      .map(formatProblem);

  it('reports a YAML error once, at its line, however much of the file it throws off', () => {
    const ternary = TINY_FLOW.replace('en: Hi! How can I help?', 'en: Hi {{ a ? "x" : "y" }} there');
    expect(fileProblems(ternary)).toEqual(['flows/main.yaml:11: invalid YAML: Nested mappings are not allowed in compact mappings']);
    const tab = TINY_FLOW.replace('    kind: listen', '\tkind: listen');
    expect(fileProblems(tab)).toEqual(['flows/main.yaml:14: invalid YAML: Tabs are not allowed as indentation']);
  });

  it("an unknown node kind does not hide the flow's other problems", () => {
    const flow = TINY_FLOW.replace('kind: listen', 'kind: lisen').replace('    next: menu\n  - id: menu', '    next: menuu\n  - id: menu');
    const problems = loadProject(sources(flow)).problems.filter((p) => p.file === 'flows/main.yaml');
    expect(problems.map((p) => `${p.severity} ${p.field}: ${p.message}`)).toEqual([
      expect.stringMatching(/^error nodes\[2\]\.kind: unknown node kind "lisen"/),
      'error nodes[1].next: edge to missing node "menuu"',
    ]);
    // the node of unknown kind counts as there: the edges to it are not missing
    expect(problems.some((p) => p.message.includes('"menu"'))).toBe(false);
  });
});
