import { describe, expect, it } from 'vitest';
import { citationParts } from './citationMarkers';

describe('citationParts', () => {
  it('cuts the text at markers that name the answer’s citations', () => {
    expect(citationParts('Free [1]. Fees apply [2, 3][1].', new Set([1, 2, 3]))).toEqual([
      'Free ',
      { ns: [1], raw: '[1]' },
      '. Fees apply ',
      { ns: [2, 3], raw: '[2, 3]' },
      { ns: [1], raw: '[1]' },
      '.',
    ]);
  });

  it('leaves other brackets as text', () => {
    expect(citationParts('See [below] and [4] or [1, 4]', new Set([1]))).toEqual(['See [below] and [4] or [1, 4]']);
    expect(citationParts('', new Set([1]))).toEqual([]);
  });
});
