import { describe, expect, it, vi } from 'vitest';
import { FlowNode } from '../../../shared/schema/nodes';
import { Flow as FlowSchema, type Flow } from '../../../shared/schema/project';
import { generateFlow } from '../../../test/fixtures/generateFlow';
import { checkedByMain, checkFlow } from './flowCheck';

const firstIssue = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? undefined : { path: r.error!.issues[0]!.path, message: r.error!.issues[0]!.message };

describe('the schema check before a save', () => {
  it('answers as the whole flow’s check does, valid or not, with the same first problem', () => {
    const base = generateFlow(60);
    const bad = (i: number, patch: Record<string, unknown>): Flow => ({
      ...base,
      nodes: base.nodes.map((n, j) => (j === i ? ({ ...n, ...patch } as Flow['nodes'][number]) : n)),
    });
    const cases: Flow[] = [
      base,
      bad(7, { kind: 'nonsense' }),
      bad(12, { id: 'Not An Id' }),
      bad(40, { position: { x: 'left', y: 0 } }),
      { ...base, name: '' },
      { ...base, viewport: { x: 0, y: 0, zoom: -1 } },
      { ...bad(3, { id: '' }), name: '' }, // the flow's own field comes first, as in the whole check
    ];
    for (const flow of cases) {
      const full = FlowSchema.safeParse(flow);
      const fast = checkFlow(flow);
      expect(fast.success).toBe(full.success);
      expect(firstIssue(fast)).toEqual(firstIssue(full));
    }
  });

  it('checks only the node objects it has not seen valid, and none that main sent', () => {
    const spy = vi.spyOn(FlowNode, 'safeParse');
    const flow = generateFlow(200);
    expect(checkFlow(flow).success).toBe(true);
    expect(spy.mock.calls.length).toBe(200);
    spy.mockClear();
    // an edit replaces one node: only it is checked
    const moved: Flow = { ...flow, nodes: flow.nodes.map((n, i) => (i === 5 ? { ...n, position: { x: 1, y: 2 } } : n)) };
    expect(checkFlow(moved).success).toBe(true);
    expect(spy.mock.calls.length).toBe(1);
    spy.mockClear();
    const fromMain = generateFlow(50);
    checkedByMain(fromMain);
    expect(checkFlow(fromMain).success).toBe(true);
    expect(spy.mock.calls.length).toBe(0);
    spy.mockRestore();
  });
});
