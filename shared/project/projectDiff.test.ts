import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeckModel } from '../copy/deck';
import type { FlowNode } from '../schema/nodes';
import { loadProject } from './load';
import { diffProjects, formatDiff } from './projectDiff';

const SAMPLE = path.resolve(__dirname, '../../examples/acme-bank');
const read = (f: string) => ({ file: f, text: readFileSync(path.join(SAMPLE, f), 'utf8') });
function sample(): DeckModel {
  const p = loadProject({
    manifest: read('parley.yaml'),
    nlu: read('nlu.yaml'),
    flows: readdirSync(path.join(SAMPLE, 'flows')).map((f) => read(`flows/${f}`)),
  }).project!;
  return { manifest: p.manifest, flows: p.flows };
}

describe('project diff', () => {
  it('finds nothing between a project and itself, and nothing when cards only moved', () => {
    const a = sample();
    expect(diffProjects(a, a)).toEqual({ flows: [], projectCopy: [] });
    const moved = { ...a, flows: { ...a.flows, main: { ...a.flows.main!, nodes: a.flows.main!.nodes.map((n) => ({ ...n, position: { x: 1, y: 2 } })) } } };
    expect(formatDiff(diffProjects(a, moved))).toBe('no changes');
  });

  it('lists nodes added, removed and changed (fields and copy), edges, flows, and the project lines', () => {
    const a = sample();
    const main = a.flows.main!;
    const nodes = main.nodes
      .filter((n) => n.id !== 'go_balance')
      .map((n) => (n.id === 'greet' && n.kind === 'message' ? ({ ...n, next: 'fallback', say: { ...n.say, en: 'Hello there.' } } as FlowNode) : n));
    nodes.push({ id: 'new_note', kind: 'message', say: { en: 'New.' } } as FlowNode);
    const b: DeckModel = {
      manifest: { ...a.manifest, builtinCopy: { back: { en: 'Back to it.' } } },
      flows: { ...a.flows, main: { ...main, nodes }, extra: { name: 'Extra', nodes: [] } },
    };
    const d = diffProjects(a, b);
    const flow = d.flows.find((f) => f.flowId === 'main')!;
    expect(flow.nodes.map((n) => [n.id, n.status])).toEqual(
      expect.arrayContaining([
        ['greet', 'changed'],
        ['go_balance', 'removed'],
        ['new_note', 'added'],
      ]),
    );
    const greet = flow.nodes.find((n) => n.id === 'greet')!;
    expect(greet.fields).toEqual(['next']);
    expect(greet.copy.map((c) => c.locale)).toEqual(['en']);
    expect(flow.edges).toEqual(expect.arrayContaining([{ from: 'greet', port: 'next', to: 'fallback', status: 'added' }]));
    expect(d.flows.find((f) => f.flowId === 'extra')!.status).toBe('added');
    expect(d.projectCopy).toMatchObject([{ id: 'builtin/back', locale: 'en', after: 'Back to it.' }]);
    const text = formatDiff(d);
    expect(text).toContain('+ flow extra (Extra)');
    expect(text).toContain('  - node go_balance');
    expect(text).toMatch(/~ node greet \(message: Greeting\): next changed/);
    expect(text).toContain('~ project lines');
  });
});
