import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../../../shared/schema/nodes';
import { copyRoots, hasCopy } from './CopyFields';
import { fieldErrors, newFieldId } from './FormFields';
import { packRules } from './QuestionFields';

describe('newFieldId', () => {
  it('numbers a new field after the others, skipping ids taken', () => {
    expect(newFieldId([{ id: 'card' }])).toBe('field_2');
    expect(newFieldId([{ id: 'card' }, { id: 'field_3' }])).toBe('field_4');
    expect(newFieldId([])).toBe('field_1');
  });
});

describe('packRules', () => {
  const rule = (expr: string) => ({ expr, message: { en: 'No' } });
  it('leaves no rule out, keeps one as an object and several as a list', () => {
    expect(packRules([])).toBeUndefined();
    expect(packRules([rule('value > 0')])).toEqual(rule('value > 0'));
    expect(packRules([rule('a'), rule('b')])).toEqual([rule('a'), rule('b')]);
  });
});

describe('fieldErrors', () => {
  it("counts the errors under one field, not its neighbours' or warnings", () => {
    const issue = (path: string, severity: 'error' | 'warning' = 'error') => [path, [{ path, severity, message: 'x' }]] as const;
    const issues = new Map([
      issue('fields[1].slot'),
      issue('fields[1].validation[0].expr'),
      issue('fields[1].notIntents', 'warning'),
      issue('fields[10].slot'),
      issue('fields'),
    ]);
    expect(fieldErrors(issues, 1)).toBe(2);
    expect(fieldErrors(issues, 10)).toBe(1);
    expect(fieldErrors(issues, 0)).toBe(0);
  });
});

describe('the Copy section', () => {
  const node = (n: Record<string, unknown>) => ({ id: 'n', position: { x: 0, y: 0 }, ...n }) as unknown as FlowNode;
  it("is shown for a node's copy or the engine's lines it speaks, and counts their problems", () => {
    expect(hasCopy(node({ kind: 'form', fields: [] }))).toBe(true);
    expect(hasCopy(node({ kind: 'listen', routes: [] }))).toBe(true);
    expect(hasCopy(node({ kind: 'llm' }))).toBe(true);
    expect(hasCopy(node({ kind: 'set', assign: [] }))).toBe(false);
    expect(copyRoots(node({ kind: 'form', fields: [] }))).toEqual(['fields', 'builtinCopy']);
    expect(copyRoots(node({ kind: 'ask' }))).toEqual(['prompt', 'reprompt', 'validation', 'buttons', 'builtinCopy']);
  });
});
