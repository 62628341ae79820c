import { describe, expect, it } from 'vitest';
import { flow, makeModel } from '../../test/fixtures/engineProject';
import type { FlowNode, NodeOf } from '../schema/nodes';
import { validateProject } from './validate';
import { worstCaseMs } from './validateApi';

const n = (node: Record<string, unknown>) => node as unknown as FlowNode;
const api = (extra: Record<string, unknown>) => ({
  id: 'call',
  kind: 'api',
  operation: 'get',
  url: 'https://api.test/x',
  next: 'done',
  error: 'done',
  ...extra,
});

function problemsOf(node: Record<string, unknown>) {
  const model = makeModel(
    { main: flow('Main', [n({ id: 'start', kind: 'start', next: 'call' }), n(api(node)), n({ id: 'done', kind: 'end' })]) },
    { environments: { dev: { hosts: ['api.test'] } } },
  );
  return validateProject(model)
    .filter((p) => p.nodeId === 'call')
    .map((p) => `${p.severity} ${p.field}: ${p.message}`);
}

describe('api node checks', () => {
  it('a response path that is malformed or uses script is an error naming the assignment', () => {
    const found = problemsOf({
      assign: [
        { var: 'a', path: '$.data.accounts[0].balance' },
        { var: 'b', path: '$.data.accounts[?(@.type == "savings")].balance' },
        { var: 'c', path: '$.data[0' },
        { var: 'd', path: 'data.balance' },
      ],
    });
    expect(found).toEqual([
      expect.stringMatching(/^error nodes\[1\]\.assign\[1\]\.path: .*filter and script expressions/),
      expect.stringMatching(/^error nodes\[1\]\.assign\[2\]\.path: .*brackets do not match/),
    ]);
  });

  it('warns when the retries could outlast the runtime turn lease, and not before', () => {
    expect(problemsOf({ timeoutMs: 5000 })).toEqual([]);
    const long = problemsOf({ timeoutMs: 12000, retry: { attempts: 3 } });
    expect(long).toEqual([
      expect.stringMatching(/^warning nodes\[1\]\.retry: with 3 attempts of up to 12000 ms .* can take 36\.8 s, longer than the runtime's 30 s turn lease/),
    ]);
    // a POST does not retry by default: one long attempt is within the lease
    expect(problemsOf({ method: 'POST', timeoutMs: 25000 })).toEqual([]);
  });

  it('worstCaseMs adds every attempt and the capped waits between them', () => {
    const node = api({ timeoutMs: 1000, retry: { attempts: 4, backoffMs: 500, maxDelayMs: 1500 } }) as unknown as NodeOf<'api'>;
    expect(worstCaseMs(node)).toBe(4 * 1000 + 500 + 1000 + 1500);
  });
});
