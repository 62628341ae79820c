// Property: after any sequence of edits (of nodes, exits, jumps, variables, flows, the manifest, the broken
// files), the incremental validator finds what `validateProject` finds on the whole project, in the same order.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitsOf } from '../schema/exits';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';
import { applyChanges } from './changes';
import { loadProject, type SourceFile } from './load';
import { validateProject, type ProjectModel } from './validate';
import { createIncrementalValidator } from './validateIncremental';

const dir = path.resolve(import.meta.dirname, '../../examples/acme-bank');
const source = (file: string): SourceFile => ({ file, text: readFileSync(path.join(dir, file), 'utf8') });
const loaded = loadProject({
  manifest: source('parley.yaml'),
  nlu: source('nlu.yaml'),
  flows: readdirSync(path.join(dir, 'flows')).map((f) => source(`flows/${f}`)),
});
if (!loaded.project) throw new Error('the sample does not load');
const sample: ProjectModel = loaded.project;

const VARS = ['account', 'account.balance', 'x', 'kb', 'amount', 'card.last4', 'slots.reason'];
const EXPRS = ['input', '1 + 2', 'account.balance', 'x', '(((', 'amount > 3', 'kb.answer'];
const TEXTS = ['Hello.', 'Hi {{x}}', 'You have {{account.balance}}', 'Bad {{ ( }}', '{{input}} and {{kb}}'];
const BROKEN = [[], ['flows/ghost.yaml'], ['nlu.yaml'], ['flows/help.yaml']];

type Op = [kind: number, a: number, b: number, c: number];
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length] as T;
const n = (node: Record<string, unknown>) => node as unknown as FlowNode;

/** Applies one edit to `p` the way the editor does: only the edited flow (or the manifest) is a new object. */
function edit(p: ProjectModel, broken: string[], [kind, a, b, c]: Op, seq: number): { p: ProjectModel; broken: string[] } {
  const ids = Object.keys(p.flows);
  const flowId = pick(ids, a);
  const flow = p.flows[flowId] as Flow;
  const node = flow.nodes.length ? pick(flow.nodes, b) : undefined;
  const nodeIds = flow.nodes.map((x) => x.id);
  const withFlow = (f: Flow) => ({ p: { ...p, flows: { ...p.flows, [flowId]: f } }, broken });
  const change = (...changes: Parameters<typeof applyChanges>[1]) => withFlow(applyChanges(flow, changes));
  const fresh = `n${seq}`;
  switch (kind % 17) {
    case 0:
      return node ? change({ type: 'node.move', id: node.id, position: { x: c, y: seq } }) : { p, broken };
    case 1:
      return node ? change({ type: 'node.remove', id: node.id }) : { p, broken };
    case 2: {
      const target = pick([...ids, 'nowhere'], c);
      const into = p.flows[target]?.nodes.map((x) => x.id) ?? [];
      const at = pick([undefined, 'ghost', ...into], b + c);
      return change({ type: 'node.add', node: n({ id: fresh, kind: c % 2 ? 'jump' : 'call', flow: target, ...(at ? { node: at } : {}) }) });
    }
    case 3: {
      const exits = node ? exitsOf(node) : [];
      if (!node || !exits.length) return { p, broken };
      return change({ type: 'exit.set', id: node.id, port: pick(exits, c).port, target: pick([...nodeIds, 'ghost', undefined], b + c) });
    }
    case 4:
      return change({ type: 'node.add', node: n({ id: fresh, kind: 'ask', slot: pick(VARS, c), type: 'text', prompt: { en: pick(TEXTS, b) } }) });
    case 5:
      return change({ type: 'node.add', node: n({ id: fresh, kind: 'set', assign: [{ var: pick(VARS, c), value: pick(EXPRS, b) }] }) });
    case 6:
      return change({ type: 'node.add', node: n({ id: fresh, kind: 'llm', system: pick(TEXTS, c), prompt: pick(TEXTS, b), saveAs: pick(VARS, b + c) }) });
    case 7:
      return change({
        type: 'node.add',
        node: n({ id: fresh, kind: 'api', operation: 'op', url: pick(['https://x.test/a', '{{x}}'], c), body: pick(TEXTS, b) }),
      });
    case 8:
      return change({ type: 'node.add', node: n({ id: fresh, kind: 'knowledge', query: pick(TEXTS, c), saveAs: pick(VARS, b) }) });
    case 9:
      return change({
        type: 'node.add',
        node: n({ id: pick([fresh, ...nodeIds], c), kind: 'message', say: { [pick(['en', 'es', 'fr'], b)]: pick(TEXTS, c) } }),
      });
    case 10: {
      const { [flowId]: _gone, ...rest } = p.flows;
      return Object.keys(rest).length ? { p: { ...p, flows: rest }, broken } : { p, broken };
    }
    case 11:
      return { p: { ...p, flows: { ...p.flows, [`copy_${seq}`]: structuredClone(flow) } }, broken };
    case 12:
      return withFlow(structuredClone(flow));
    case 13: {
      const variables = { ...(p.manifest.variables ?? {}) };
      const v = pick(['x', 'account', 'amount'], c);
      if (v in variables) delete variables[v];
      else variables[v] = c % 2 ? 0 : { balance: 1 };
      return { p: { ...p, manifest: { ...p.manifest, variables } }, broken };
    }
    case 14:
      return { p, broken: pick(BROKEN, c) };
    case 15:
      return { p: { ...p, nlu: { ...p.nlu, intents: p.nlu.intents.filter((_, i) => i !== c % 4) } }, broken };
    default:
      return node ? change({ type: 'node.update', id: node.id, node: { ...node, id: pick(['ghost', fresh, ...nodeIds], c) } }) : { p, broken };
  }
}

describe('the incremental validator', () => {
  it('finds what validateProject finds, in the same order, after every edit of a random sequence', () => {
    const op = fc.tuple(fc.nat(40), fc.nat(40), fc.nat(40), fc.nat(40));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const validator = createIncrementalValidator();
        let state = { p: sample, broken: [] as string[] };
        expect(validator.validate(state.p, { broken: state.broken })).toEqual(validateProject(state.p, { broken: state.broken }));
        ops.forEach((o, seq) => {
          state = edit(state.p, state.broken, o, seq);
          if (o[0] % 3 === 0) validator.warm(state.p, pick(Object.keys(state.p.flows), o[1]), { broken: state.broken });
          expect(validator.validate(state.p, { broken: state.broken })).toEqual(validateProject(state.p, { broken: state.broken }));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('keeps what it found for the flows an edit did not touch (the same problem objects)', () => {
    const validator = createIncrementalValidator();
    const p = edit(sample, [], [9, 0, 2, 1], 1).p; // a message in French, a locale the project lacks
    const before = validator.validate(p);
    const flowId = Object.keys(p.flows)[0] as string;
    const other = Object.keys(p.flows)[1] as string;
    const moved = edit(p, [], [0, 1, 0, 5], 2).p; // a node of the second flow moved
    const after = validator.validate(moved);
    const ofFlow = (ps: typeof before, id: string) => ps.filter((x) => x.flowId === id);
    expect(ofFlow(before, flowId).length).toBeGreaterThan(0);
    ofFlow(after, flowId).forEach((x, i) => expect(x).toBe(ofFlow(before, flowId)[i]));
    expect(moved.flows[other]).not.toBe(p.flows[other]);
  });
});
