import { describe, expect, it } from 'vitest';
import type { Flow } from '../../../shared/schema/project';
import type { Thread } from '../../../shared/schema/reviews';
import { anchorExists, anchorNode, openThreadsByNode } from './reviewStore';

const flow = {
  name: 'Main',
  nodes: [
    { id: 'start', kind: 'start', next: 'greet' },
    { id: 'greet', kind: 'message', say: { en: 'Hi' }, copyIds: { say: 'c_aaaaaaaaaa' } },
  ],
} as Flow;
const by = { name: 'Ana' };
const thread = (id: string, anchor: Thread['anchor'], resolved = false): Thread => ({
  id,
  anchor,
  comments: [{ by, at: '2026-12-07T10:00:00.000Z', text: 'x' }],
  ...(resolved ? { resolved: { by, at: '2026-12-07T11:00:00.000Z' } } : {}),
});

describe('comment anchors', () => {
  it('find the node of a thread on a node or on one of its lines; a deleted anchor is detached, never dropped', () => {
    const onNode = thread('t_aaaaaa', { node: 'greet' });
    const onLine = thread('t_bbbbbb', { copy: 'c_aaaaaaaaaa' });
    const gone = thread('t_cccccc', { node: 'deleted_node' });
    const goneLine = thread('t_dddddd', { copy: 'c_zzzzzzzzzz' });
    expect([onNode, onLine, gone, goneLine].map((t) => anchorExists(t, flow))).toEqual([true, true, false, false]);
    expect([onNode, onLine, gone, goneLine].map((t) => anchorNode(t, flow))).toEqual(['greet', 'greet', 'deleted_node', undefined]);
    const counts = openThreadsByNode({ threads: [onNode, onLine, gone, thread('t_eeeeee', { node: 'greet' }, true)] }, flow);
    expect([...counts]).toEqual([
      ['greet', 2],
      ['deleted_node', 1],
    ]);
  });
});
