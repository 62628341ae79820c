import { describe, expect, it } from 'vitest';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import { validateProject } from '../project/validate';
import { checkExpressions } from './check';
import type { FlowNode } from '../schema/nodes';

const n = (x: Record<string, unknown>) => x as unknown as FlowNode;

describe('expression and template checks in the validator', () => {
  const model = makeModel({
    main: flow('M', [
      n({ id: 'start', kind: 'start', next: 'ask' }),
      n({
        id: 'ask',
        kind: 'ask',
        slot: 'slots.amount',
        type: 'number',
        prompt: { en: 'How much, {{customer.name}}?' },
        validation: { expr: 'value > 0', message: { en: '{{value}} is not positive' } },
        next: 'cond',
      }),
      n({
        id: 'cond',
        kind: 'condition',
        branches: [
          { id: 'big', when: 'slots.amount > account.limit', next: 'msg' },
          { id: 'bad', when: 'slots.amount >* 2' },
        ],
      }),
      n({ id: 'msg', kind: 'message', say: { en: ['Paid {{slots.amount | currency}} of {{acount.balance | currency}}', 'Ok {{ input | shout }}'] } }),
      n({ id: 'api', kind: 'api', operation: 'get', url: 'https://x.test/{{customer.name}}', assign: [{ var: 'resp', path: 'data' }] }),
      n({ id: 'use', kind: 'message', say: { en: 'Got {{resp.items | length}} items; {{account.balance}}' } }),
    ]),
  });
  // the api node's host is allowed, so only expression and template problems are reported here (and the
  // nodes no exit reaches, left out)
  model.manifest.environments = { test: { hosts: ['x.test'] } };
  const exprProblems = (m: typeof model) => validateProject(m).filter((p) => !p.message.startsWith('unreachable'));
  const problems = exprProblems(model).map((p) => `${p.severity} ${p.field}: ${p.message}`);

  it('reports syntax errors, unknown filters and variables that nothing sets, with the field', () => {
    expect(problems).toEqual([
      'warning nodes[2].branches[0].when: unknown variable "account.limit": no node sets it and parley.yaml does not define it',
      'error nodes[2].branches[1].when: expression: unexpected "*"',
      'warning nodes[3].say.en[0]: unknown variable "acount.balance": no node sets it and parley.yaml does not define it',
      expect.stringMatching(/^error nodes\[3\]\.say\.en\[1\]: placeholder \{\{input \| shout\}\}: unknown filter "shout"/),
    ]);
  });

  it('reports a literal matches() pattern that RE2 cannot run, naming the construct', () => {
    const m = makeModel({
      main: flow('M', [
        n({ id: 'start', kind: 'start', next: 'ask' }),
        n({
          id: 'ask',
          kind: 'ask',
          slot: 'slots.ref',
          type: 'text',
          prompt: { en: 'Reference?' },
          validation: { expr: 'matches(value, "^(?!TXN)[A-Z]{3}-[0-9]+$")', message: { en: 'No.' } },
        }),
        n({
          id: 'ok',
          kind: 'ask',
          slot: 'slots.pin',
          type: 'text',
          prompt: { en: 'PIN?' },
          validation: { expr: 'value | matches("^[0-9]{4}$")', message: { en: 'No.' } },
        }),
      ]),
    });
    expect(exprProblems(m).map((p) => `${p.severity} ${p.field}: ${p.message}`)).toEqual([
      expect.stringMatching(
        /^error nodes\[1\]\.validation\.expr: expression: matches\(\): negative lookahead `\(\?!` is not supported \(.*linear time.*\); match the wider text/,
      ),
    ]);
  });

  it('accepts null, the way a set node clears a variable', () => {
    const m = makeModel({
      main: flow('M', [
        n({ id: 'start', kind: 'start', next: 'clear' }),
        n({
          id: 'clear',
          kind: 'set',
          assign: [
            { var: 'slots.amount', value: 'null' },
            { var: 'slots.note', value: 'slots.amount == null ? "none" : "some"' },
          ],
        }),
      ]),
    });
    expect(exprProblems(m)).toEqual([]);
  });

  it('accepts builtins, value in validations, parents of set paths and paths inside stored responses', () => {
    expect(problems.join('\n')).not.toMatch(/customer\.name|"value"|resp\.items|"input"|account\.balance"/);
  });
});

describe("a node's expression problems kept with the node object", () => {
  it('give the same problems as a check of fresh objects, through edits that change nodes and the variables written', () => {
    const model = makeModel({
      main: flow('M', [
        n({ id: 'start', kind: 'start', next: 'ask' }),
        n({ id: 'ask', kind: 'ask', slot: 'slots.amount', type: 'number', prompt: { en: 'How much, {{ customer.name }}?' }, next: 'say' }),
        n({ id: 'say', kind: 'message', say: { en: 'You said {{ slots.amount }} and {{ slots.other }}.' }, next: 'end' }),
        n({ id: 'end', kind: 'end' }),
      ]),
    });
    const fresh = (m: typeof model) => checkExpressions(structuredClone(m));
    const withNode = (m: typeof model, id: string, patch: Record<string, unknown>) => ({
      ...m,
      flows: { main: { ...m.flows.main!, nodes: m.flows.main!.nodes.map((x) => (x.id === id ? n({ ...x, ...patch }) : x)) } },
    });
    const first = checkExpressions(model);
    expect(first).toEqual(fresh(model));
    expect(first.some((p) => p.message.includes('"slots.other"'))).toBe(true);
    // the question now fills `slots.other`: the message node's warnings change, though its object is the same
    const writes = withNode(model, 'ask', { slot: 'slots.other' });
    expect(checkExpressions(writes)).toEqual(fresh(writes));
    expect(checkExpressions(writes)).not.toEqual(first);
    // an edited node: its problems follow the edit
    const edited = withNode(model, 'say', { say: { en: '{{ slots.amount | nosuchfilter }}' } });
    expect(checkExpressions(edited)).toEqual(fresh(edited));
    expect(checkExpressions(edited).some((p) => p.message.includes('nosuchfilter'))).toBe(true);
    // the same node objects in a second flow are reported with that flow's id
    const twice = { ...model, flows: { main: model.flows.main!, copy: model.flows.main! } };
    const problems = checkExpressions(twice);
    expect(problems).toEqual(fresh(twice));
    expect(new Set(problems.map((p) => p.flowId))).toEqual(new Set(['main', 'copy']));
  });
});
