import { describe, expect, it } from 'vitest';
import { AskNode } from './nodes';
import { unionIssues } from './issues';

const ask = (validation: unknown) => AskNode.safeParse({ id: 'a', kind: 'ask', slot: 's', type: 'text', prompt: { en: 'Q' }, validation });

describe('unionIssues', () => {
  it("reports the issues of the one shape the value has: a rule's missing expr, a list's bad item", () => {
    const one = ask({ message: { en: 'no' } });
    expect(unionIssues(one.error!.issues).map((i) => [i.path.join('.'), i.code])).toEqual([['validation.expr', 'invalid_type']]);
    const many = ask([{ expr: 'value > 0', message: { en: 'x' } }, { expr: 'value < 9' }]);
    expect(unionIssues(many.error!.issues).map((i) => [i.path.join('.'), i.code])).toEqual([['validation.1.message', 'invalid_type']]);
  });

  it('keeps the union issue when no shape fits the value', () => {
    const none = ask('value > 0');
    expect(unionIssues(none.error!.issues).map((i) => [i.path.join('.'), i.code])).toEqual([['validation', 'invalid_union']]);
  });
});
