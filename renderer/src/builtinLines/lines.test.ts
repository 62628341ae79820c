import { describe, expect, it } from 'vitest';
import { BUILTIN_KEYS } from '../../../shared/schema/builtinCopy';
import type { FlowNode } from '../../../shared/schema/nodes';
import { setIn, tidyNode } from '../inspector/nodeEdit';
import { LINE_WHEN, lineWording, nodeLines, removable } from './lines';

const node = (n: Record<string, unknown>) => ({ id: 'n', position: { x: 0, y: 0 }, ...n }) as unknown as FlowNode;

describe('nodeLines', () => {
  it('gives each kind the lines it speaks', () => {
    expect(nodeLines(node({ kind: 'ask', slot: 'slots.a', type: 'text', prompt: { en: 'Q' } }))).toEqual(['back', 'changed']);
    expect(nodeLines(node({ kind: 'form', fields: [] }))).toEqual(['back', 'changed', 'formContinue', 'formAbandon', 'formSwitch']);
    expect(nodeLines(node({ kind: 'listen', routes: [] }))).toEqual(['clarify', 'didNotUnderstand', 'escalating']);
    expect(nodeLines(node({ kind: 'llm' }))).toEqual(['somethingWrong']);
    expect(nodeLines(node({ kind: 'handoff' }))).toEqual(['noAgents', 'closed', 'closedUntil', 'recorded', 'notRecorded']);
    expect(nodeLines(node({ kind: 'end' }))).toEqual([]);
  });

  it('gives a message the chooseOption line only when it has buttons', () => {
    expect(nodeLines(node({ kind: 'message', say: { en: 'Hi' } }))).toEqual([]);
    expect(nodeLines(node({ kind: 'message', say: { en: 'Hi' }, buttons: [{ id: 'a', label: { en: 'A' } }] }))).toEqual(['chooseOption']);
  });
});

describe('removable', () => {
  it('refuses the lines whose quick replies need them', () => {
    expect(BUILTIN_KEYS.filter((k) => !removable(k)).sort()).toEqual(['chooseOption', 'clarify', 'formAbandon', 'formSwitch', 'no', 'noneOfThese', 'yes']);
    expect(removable('back')).toBe(true);
  });
});

describe('lineWording', () => {
  it("takes the project's line, else the engine's in the locale's language", () => {
    expect(lineWording({ back: { en: 'Where were we?' } }, 'back', 'en', 'en')).toEqual({ text: 'Where were we?', isDefault: false });
    expect(lineWording({ back: { en: ['First', 'Second'] } }, 'back', 'en', 'en')).toEqual({ text: 'First', isDefault: false });
    expect(lineWording({ back: { en: 'Where were we?' } }, 'back', 'es', 'en')).toEqual({ text: 'Volvamos a lo que estábamos haciendo.', isDefault: true });
    expect(lineWording(undefined, 'back', 'en-GB', 'en')).toEqual({ text: 'Now, back to where we were.', isDefault: true });
  });

  it("falls back to the project's default locale when the engine lacks the language", () => {
    expect(lineWording({ back: { en: 'Where were we?' } }, 'back', 'fr', 'en')).toEqual({ text: 'Where were we?', isDefault: false });
    expect(lineWording(undefined, 'back', 'fr', 'en').isDefault).toBe(true);
  });

  it('describes every line', () => {
    for (const k of BUILTIN_KEYS) expect(LINE_WHEN[k].length).toBeGreaterThan(10);
  });
});

describe("a node's builtinCopy emptied by an edit", () => {
  it('is left out of the node (tidyNode)', () => {
    const before = node({ kind: 'llm', builtinCopy: { somethingWrong: false } });
    const after = setIn(before, ['builtinCopy', 'somethingWrong'], undefined);
    expect(tidyNode(before, after)).not.toHaveProperty('builtinCopy');
    const kept = node({ kind: 'llm', builtinCopy: {} });
    expect(tidyNode(kept, { ...kept, title: 'x' } as FlowNode)).toHaveProperty('builtinCopy');
  });
});
