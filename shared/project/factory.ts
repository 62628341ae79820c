import type { Position } from '../schema/common';
import { withoutCopyIds } from './copyIds';
import { exitsOf, setExit } from '../schema/exits';
import type { FlowNode, NodeKind } from '../schema/nodes';

/** What each kind is for, as the palette shows it. */
export const KIND_DESCRIPTION: Record<NodeKind, string> = {
  start: 'Where the flow begins; intents that enter it',
  message: 'The bot says something, with optional quick replies',
  ask: 'Ask for a value and store it in a slot, with re-prompts',
  form: 'Ask for several values in any order, with corrections and digressions',
  listen: 'Wait for the user and route by intent',
  condition: 'Branch on an expression',
  set: 'Set variables',
  llm: 'Ask the LLM to reply or to extract values',
  knowledge: 'Answer from the knowledge base, with citations',
  api: 'Call a backend API, with error and timeout exits',
  guardrail: 'Check for profanity, PII, jailbreaks, sensitive topics',
  handoff: 'Escalate to a human agent with a summary',
  jump: 'Continue in another flow',
  call: 'Run another flow, then come back',
  end: 'End the conversation with an outcome',
};

/** `base`, or `base_2`, `base_3`, ... — the first id not in `taken`. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean =
    base
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^[^a-z]+/, '')
      .slice(0, 56) || 'node';
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) {
    const id = `${clean}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** A new node of a kind with every required field filled with a sensible placeholder. */
export function createNode(kind: NodeKind, id: string, position: Position, locale: string): FlowNode {
  const base = { id, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  switch (kind) {
    case 'start':
      return { ...base, kind };
    case 'message':
      return { ...base, kind, say: { [locale]: 'New message' } };
    case 'ask':
      return { ...base, kind, slot: 'answer', type: 'text', prompt: { [locale]: 'What would you like?' } };
    case 'form':
      return { ...base, kind, fields: [{ id: 'answer', slot: 'answer', type: 'text', prompt: { [locale]: 'What would you like?' } }] };
    case 'listen':
      return { ...base, kind, routes: [] };
    case 'condition':
      return { ...base, kind, branches: [{ id: 'yes', when: 'true' }] };
    case 'set':
      return { ...base, kind, assign: [{ var: 'value', value: '1' }] };
    case 'llm':
      return { ...base, kind, prompt: 'Answer the customer: {{input}}' };
    case 'knowledge':
      return { ...base, kind };
    case 'api':
      return { ...base, kind, operation: 'operation', url: 'https://api.example.com/' };
    case 'guardrail':
      return { ...base, kind, checks: ['profanity', 'jailbreak'] };
    case 'handoff':
      return { ...base, kind, say: { [locale]: 'Let me connect you with a colleague.' } };
    case 'jump':
      return { ...base, kind, flow: 'main' };
    case 'call':
      return { ...base, kind, flow: 'main' };
    case 'end':
      return { ...base, kind };
  }
}

/**
 * Copies of `nodes` for a paste or a duplicate into a flow whose ids are `taken`: every id is remapped to a
 * free one, exits between copied nodes follow the copies, exits to nodes that exist in the target flow are
 * kept, and exits to anything else are cleared (no dangling edges).
 */
export function cloneNodes(nodes: readonly FlowNode[], taken: ReadonlySet<string>, offset: Position): { nodes: FlowNode[]; idMap: Map<string, string> } {
  const used = new Set(taken);
  const idMap = new Map<string, string>();
  for (const n of nodes) {
    const id = uniqueId(n.id, used);
    used.add(id);
    idMap.set(n.id, id);
  }
  const out = nodes.map((n) => {
    // new stable copy ids, from the copy's new place (copyIds.ts): two nodes never share one
    let copy = { ...withoutCopyIds(n), id: idMap.get(n.id) as string } as FlowNode;
    if (n.position) copy.position = { x: n.position.x + offset.x, y: n.position.y + offset.y };
    for (const exit of exitsOf(copy)) {
      if (!exit.target) continue;
      const mapped = idMap.get(exit.target);
      if (mapped) copy = setExit(copy, exit.port, mapped);
      else if (!taken.has(exit.target)) copy = setExit(copy, exit.port, undefined);
    }
    return copy;
  });
  return { nodes: out, idMap };
}
