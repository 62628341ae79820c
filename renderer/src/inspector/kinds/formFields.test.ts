import { describe, expect, it } from 'vitest';
import { newFieldId } from './FormFields';
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
