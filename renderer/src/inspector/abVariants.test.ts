import { describe, expect, it } from 'vitest';
import type { NodeOf } from '../../../shared/schema/nodes';
import { formatShare, newVariantId, variantIdProblem, variantShares, withNewVariant, withVariantId, withoutVariant } from './abVariants';

describe('variantShares: each variant’s share of new conversations', () => {
  it('is its weight over the sum, 1 by default', () => {
    expect(variantShares([{}, {}])).toEqual([50, 50]);
    expect(variantShares([{ weight: 1 }, { weight: 2 }]).map(formatShare)).toEqual(['33.3 %', '66.7 %']);
    expect(variantShares([{ weight: 3 }, {}, { weight: 0.5 }, { weight: 0.5 }])).toEqual([60, 20, 10, 10]);
  });
  it('gives a weight that is not more than 0 no share, and leaves it out of the others’', () => {
    expect(variantShares([{ weight: 0 }, { weight: 1 }, { weight: 3 }])).toEqual([undefined, 25, 75]);
    expect(variantShares([{ weight: -1 }, { weight: Number.NaN }])).toEqual([undefined, undefined]);
    expect(variantShares([])).toEqual([]);
  });
  it('formats shares to a tenth of a percent', () => {
    expect([100, 50, 12.345, 0.04, 0, undefined].map(formatShare)).toEqual(['100 %', '50 %', '12.3 %', '<0.1 %', '0 %', '—']);
    // one share in a million: shown, not rounded away to 0
    expect(formatShare(variantShares([{ weight: 1 }, { weight: 999999 }])[0])).toBe('<0.1 %');
  });
});

describe('variant ids', () => {
  it('new ids are the first free of variant_b … variant_z, then numbered', () => {
    expect(newVariantId(['control'])).toBe('variant_b');
    expect(newVariantId(['control', 'variant_b', 'variant_d'])).toBe('variant_c');
    const letters = Array.from({ length: 25 }, (_, i) => `variant_${String.fromCharCode(98 + i)}`);
    expect(newVariantId(letters)).toBe('variant_27');
    expect(newVariantId([...letters, 'variant_27'])).toBe('variant_28');
  });
  it('an edited id must be a valid id that no other variant of the node has', () => {
    const ids = ['control', 'short'];
    expect(variantIdProblem('warm', 1, ids)).toBeUndefined();
    expect(variantIdProblem('short', 1, ids)).toBeUndefined();
    expect(variantIdProblem('control', 1, ids)).toBe('another variant of this node is already called "control"');
    expect(variantIdProblem('', 0, ids)).toBe('required');
    expect(variantIdProblem('Short', 0, ids)).toMatch(/lower_snake_case/);
    expect(variantIdProblem('2nd', 0, ids)).toMatch(/lower_snake_case/);
  });
});

describe('variant list edits', () => {
  const message: NodeOf<'message'> = { id: 'hi', kind: 'message', say: { en: 'Hello.' } };
  const llm: NodeOf<'llm'> = { id: 'ask', kind: 'llm', prompt: '{{input}}' };
  it('the first variant added starts an experiment: a control and a variant with the node’s copy or prompt', () => {
    expect(withNewVariant(message)).toEqual([{ id: 'control' }, { id: 'variant_b', say: { en: 'Hello.' } }]);
    expect(withNewVariant(llm)).toEqual([{ id: 'control' }, { id: 'variant_b', prompt: '{{input}}' }]);
  });
  it('adds with a fresh id, renames in place, and removes (none left: no field)', () => {
    const two = withNewVariant(message);
    const three = withNewVariant({ ...message, variants: two });
    expect(three.map((v) => v.id)).toEqual(['control', 'variant_b', 'variant_c']);
    // the copy is the node's, not shared with it
    const said = (three[2] as { say?: unknown }).say;
    expect(said).toEqual(message.say);
    expect(said).not.toBe(message.say);
    expect(withVariantId(three, 1, 'short').map((v) => v.id)).toEqual(['control', 'short', 'variant_c']);
    expect(withoutVariant(three, 0)?.map((v) => v.id)).toEqual(['variant_b', 'variant_c']);
    expect(withoutVariant([{ id: 'a' }], 0)).toBeUndefined();
  });
});
