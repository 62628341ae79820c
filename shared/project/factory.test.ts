import { describe, expect, it } from 'vitest';
import { FlowNode, NODE_KINDS, NODE_SCHEMAS } from '../schema/nodes';
import { exitsOf } from '../schema/exits';
import { applyChanges } from './changes';
import { cloneNodes, createNode, uniqueId } from './factory';
import type { Flow } from '../schema/project';

const flow = (): Flow => ({
  name: 'F',
  nodes: [
    { id: 'start', kind: 'start', next: 'ask' },
    { id: 'ask', kind: 'ask', slot: 's', type: 'text', prompt: { en: 'Q?' }, next: 'say', failed: 'bye' },
    { id: 'say', kind: 'message', say: { en: 'Hi' }, next: 'bye' },
    { id: 'bye', kind: 'end' },
  ],
  groups: [{ id: 'g', label: 'G', nodes: ['ask', 'bye'] }],
});

describe('node factory', () => {
  it('creates a valid node of every kind', () => {
    for (const kind of NODE_KINDS) {
      const node = createNode(kind, `new_${kind}`, { x: 10.6, y: 20.2 }, 'en');
      expect(NODE_SCHEMAS[kind].safeParse(node).success, kind).toBe(true);
      expect(FlowNode.safeParse(node).success).toBe(true);
      expect(node.position).toEqual({ x: 11, y: 20 });
    }
  });

  it('finds free ids', () => {
    expect(uniqueId('message', new Set(['message', 'message_2']))).toBe('message_3');
    expect(uniqueId('Card Lost!', new Set())).toBe('card_lost_');
    expect(uniqueId('9lives', new Set())).toBe('lives');
  });

  it('clones nodes with remapped ids and edges, clearing edges that would dangle', () => {
    const f = flow();
    const picked = f.nodes.filter((n) => n.id === 'ask' || n.id === 'say');
    // into the same flow: exits to `bye` stay (it exists there)
    const same = cloneNodes(picked, new Set(f.nodes.map((n) => n.id)), { x: 40, y: 40 });
    expect(same.nodes.map((n) => n.id)).toEqual(['ask_2', 'say_2']);
    expect(exitsOf(same.nodes[0]!).map((e) => e.target)).toEqual(['say_2', 'bye']);
    // into another flow without `bye`: that exit is cleared
    const other = cloneNodes(picked, new Set(['start']), { x: 0, y: 0 });
    expect(other.nodes.map((n) => n.id)).toEqual(['ask', 'say']);
    expect(exitsOf(other.nodes[0]!).map((e) => e.target)).toEqual(['say', undefined]);
    expect(exitsOf(other.nodes[1]!).map((e) => e.target)).toEqual([undefined]);
  });
});

describe('applyChanges', () => {
  it('removing a node removes the edges and group memberships that pointed at it', () => {
    const out = applyChanges(flow(), [{ type: 'node.remove', id: 'bye' }]);
    expect(out.nodes.map((n) => n.id)).toEqual(['start', 'ask', 'say']);
    expect(exitsOf(out.nodes[1]!).map((e) => e.target)).toEqual(['say', undefined]);
    expect(exitsOf(out.nodes[2]!).map((e) => e.target)).toEqual([undefined]);
    expect(out.groups).toEqual([{ id: 'g', label: 'G', nodes: ['ask'] }]);
    expect('failed' in out.nodes[1]!).toBe(false); // the key is gone, not set to undefined
  });

  it('sets and clears exits by port, keeping untouched nodes identical', () => {
    const f = flow();
    const out = applyChanges(f, [{ type: 'exit.set', id: 'say', port: 'next', target: 'ask' }]);
    expect(exitsOf(out.nodes[2]!)[0]?.target).toBe('ask');
    expect(out.nodes[0]).toBe(f.nodes[0]);
    expect(applyChanges(f, [])).toBe(f);
  });

  it('adds, updates and removes groups', () => {
    let out = applyChanges(flow(), [{ type: 'group.add', group: { id: 'h', label: 'H', nodes: ['say'] } }]);
    out = applyChanges(out, [{ type: 'group.update', group: { id: 'h', label: 'Greeting', nodes: ['say'] } }]);
    expect(out.groups?.map((g) => g.label)).toEqual(['G', 'Greeting']);
    out = applyChanges(out, [
      { type: 'group.remove', id: 'g' },
      { type: 'group.remove', id: 'h' },
    ]);
    expect(out.groups).toBeUndefined();
  });
});
