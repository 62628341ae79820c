import { describe, expect, it } from 'vitest';
import { sampleCardLostFlow } from '../testing/sampleFlow';
import { applyChanges } from '../../../shared/project/changes';
import { exitsOf } from '../../../shared/schema/exits';
import type { FlowNode } from '../../../shared/schema/nodes';
import { Flow } from '../../../shared/schema/project';
import {
  indexIssues,
  missingLocales,
  moveCopyVariant,
  planRename,
  problemIssue,
  removeCopyVariant,
  sameButPosition,
  schemaIssues,
  setCopyVariant,
  setIn,
  tidyNode,
  uniqueId,
} from './nodeEdit';

describe('setIn', () => {
  it('sets nested fields without touching other branches, and removes a field set to undefined', () => {
    const node = { id: 'a', kind: 'ask', validation: { expr: 'x', message: { en: 'm' } }, prompt: { en: 'p' } };
    const next = setIn(node, ['validation', 'expr'], 'y');
    expect(next.validation).toEqual({ expr: 'y', message: { en: 'm' } });
    expect(next.prompt).toBe(node.prompt);
    expect(node.validation.expr).toBe('x');
    expect('title' in setIn({ ...node, title: 't' }, ['title'], undefined)).toBe(false);
    expect(setIn({ list: [{ a: 1 }, { a: 2 }] }, ['list', 1, 'a'], 3)).toEqual({ list: [{ a: 1 }, { a: 3 }] });
  });
});

describe('copy variants', () => {
  const req = { required: true, defaultLocale: 'en' };
  const opt = { required: false, defaultLocale: 'en' };
  it('keeps an empty required default-locale copy as "" so the schema reports it under its textarea', () => {
    expect(setCopyVariant({ en: 'Hi' }, 'en', 0, '', req)).toEqual({ en: '' });
  });
  it('removes a cleared translation, and an optional field with no copy left', () => {
    expect(setCopyVariant({ en: 'Hi', es: 'Hola' }, 'es', 0, '', req)).toEqual({ en: 'Hi' });
    expect(setCopyVariant({ en: 'Again?' }, 'en', 0, '', opt)).toBeUndefined();
    expect(setCopyVariant({ es: 'Hola' }, 'es', 0, '', req)).toEqual({});
  });
  it('adds, edits, moves and removes variants; one variant is a plain string', () => {
    let t = setCopyVariant({ en: 'Hi' }, 'en', 1, 'Hello', req);
    expect(t).toEqual({ en: ['Hi', 'Hello'] });
    t = moveCopyVariant(t, 'en', 1, 0);
    expect(t).toEqual({ en: ['Hello', 'Hi'] });
    expect(setCopyVariant(t, 'en', 1, '', req)).toEqual({ en: ['Hello', ''] });
    expect(removeCopyVariant(t, 'en', 0, req)).toEqual({ en: 'Hi' });
    expect(setCopyVariant({ en: 'Hi' }, 'en', 1, '', req)).toEqual({ en: 'Hi' });
  });
  it('lists the project locales that miss a translation', () => {
    expect(missingLocales({ en: 'Hi' }, ['en', 'es'])).toEqual(['es']);
    expect(missingLocales({ en: '' }, ['en', 'es'])).toEqual([]);
    expect(missingLocales(undefined, ['en', 'es'])).toEqual([]);
  });
});

describe('planRename', () => {
  it('renames a node, every exit that pointed to it and its group, as changes of one edit', () => {
    const flow = sampleCardLostFlow();
    const plan = planRename(flow, 'card_lost', 'ask_last4', 'ask_digits');
    expect(plan.exits).toBe(1);
    expect(plan.groups).toBe(1);
    expect(plan.changes.map((c) => `${c.type} ${c.type === 'node.update' ? c.id : c.type === 'group.update' ? c.group.id : ''}`)).toEqual([
      'node.update ask_card_type',
      'node.update ask_last4',
      'group.update identify_card',
    ]);
    const next = applyChanges(flow, plan.changes);
    expect(Flow.safeParse(next).success).toBe(true);
    expect(next.nodes.some((n) => n.id === 'ask_last4')).toBe(false);
    expect(next.nodes.find((n) => n.id === 'ask_card_type')).toMatchObject({ next: 'ask_digits' });
    expect(next.groups?.find((g) => g.id === 'identify_card')?.nodes).toContain('ask_digits');
    const targets = next.nodes.flatMap((n) => exitsOf(n).map((x) => x.target));
    expect(targets).not.toContain('ask_last4');
  });
  it("keeps the renamed node's stable copy ids and its translations: the lines are the same lines", () => {
    const flow = sampleCardLostFlow();
    const before = flow.nodes.find((n) => n.id === 'ask_card_type')!;
    expect(Object.keys(before.copyIds ?? {})).toEqual(expect.arrayContaining(['prompt', 'reprompt']));
    const after = applyChanges(flow, planRename(flow, 'card_lost', 'ask_card_type', 'which_card').changes).nodes.find((n) => n.id === 'which_card')!;
    expect(after.copyIds).toEqual(before.copyIds);
    const prompt = (n: FlowNode) => (n.kind === 'ask' ? n.prompt : undefined);
    expect(prompt(after)).toEqual(prompt(before));
    expect(Object.keys(prompt(after) ?? {})).toEqual(['en', 'es']);
  });
  it('follows self-loops and jumps into the same flow', () => {
    const flow: Flow = {
      name: 'x',
      nodes: [
        { id: 'start', kind: 'start', next: 'q' },
        { id: 'q', kind: 'ask', slot: 's', type: 'text', prompt: { en: 'Q?' }, failed: 'q' },
        { id: 'again', kind: 'jump', flow: 'x', node: 'q' },
      ],
    };
    const plan = planRename(flow, 'x', 'q', 'question');
    expect(plan.changes.every((c) => c.type === 'node.update')).toBe(true);
    const next = applyChanges(flow, plan.changes);
    expect(next.nodes.map((n) => n.id)).toEqual(['start', 'question', 'again']);
    expect(next.nodes[1]).toMatchObject({ failed: 'question' });
    expect(next.nodes[2]).toMatchObject({ node: 'question' });
  });
});

describe('issues', () => {
  it('reports the schema issues of a node at the path of their field, in plain words', () => {
    const node = { id: 'welcome', kind: 'message', say: { en: '' }, buttons: [{ id: 'Bad', label: { en: 'x' } }] } as FlowNode;
    const map = indexIssues(schemaIssues(node));
    expect(map.get('say.en')?.[0]?.message).toBe('copy cannot be empty');
    expect(map.get('buttons[0].id')?.[0]?.message).toMatch(/lower_snake_case/);
    const ask = {
      id: 'a',
      kind: 'ask',
      slot: 's',
      type: 'text',
      prompt: { en: 'Q' },
      maxRetries: 11,
      validation: { message: { en: 'no' } },
    } as unknown as FlowNode;
    const issues = indexIssues(schemaIssues(ask));
    expect(issues.get('maxRetries')?.[0]?.message).toBe('must be at most 10');
    expect(issues.get('validation.expr')?.[0]?.message).toBe('required');
  });
  it('makes project problems relative to the node', () => {
    expect(problemIssue({ severity: 'error', field: 'nodes[3].buttons[0].next', message: 'edge' })).toEqual({
      severity: 'error',
      path: 'buttons[0].next',
      message: 'edge',
    });
    expect(problemIssue({ severity: 'error', field: 'nodes[3]', message: 'x' }).path).toBe('');
  });
});

describe('tidyNode, sameButPosition, uniqueId', () => {
  it('removes optional lists an edit emptied, but not ones that were already empty', () => {
    const before = { id: 'm', kind: 'message', say: { en: 'x' }, buttons: [{ id: 'a', label: { en: 'A' } }] } as FlowNode;
    expect('buttons' in tidyNode(before, { ...before, buttons: [] } as FlowNode)).toBe(false);
    const hand = { id: 'l', kind: 'listen', routes: [] } as FlowNode;
    expect(tidyNode(hand, { ...hand, title: 't' } as FlowNode)).toHaveProperty('routes', []);
    const ask = { id: 'a', kind: 'ask', slot: 's', type: 'text', prompt: { en: 'Q' }, validation: { expr: 'x', message: { en: 'm' } } } as FlowNode;
    expect('validation' in tidyNode(ask, { ...ask, validation: {} } as unknown as FlowNode)).toBe(false);
  });
  it('ignores moves', () => {
    const a = { id: 'm', kind: 'end', position: { x: 0, y: 0 } } as FlowNode;
    expect(sameButPosition(a, { ...a, position: { x: 5, y: 5 } })).toBe(true);
    expect(sameButPosition(a, { ...a, title: 'x' } as FlowNode)).toBe(false);
  });
  it('finds a free id', () => {
    expect(uniqueId('button', ['button', 'button_2'])).toBe('button_3');
    expect(uniqueId('branch', [])).toBe('branch');
  });
});
