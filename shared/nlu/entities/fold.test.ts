import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from './fold';

/** Folding character by character, as fold did for every text before its ASCII fast path. */
function reference(text: string) {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f =
      ch === '’' || ch === '‘'
        ? "'"
        : ch
            .normalize('NFKD')
            .replace(/\p{M}+/gu, '')
            .toLowerCase();
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + ch.length);
    }
    out += f;
    i += ch.length;
  }
  return { text: out, starts, ends };
}

describe('fold', () => {
  it('folds ASCII and any other text as character-by-character folding does, positions included', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom('Ça coûte 5 €', 'İstanbul', 'ﬁle', 'Straße', 'it’s', 'ÉTÉ'),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(fold(t)).toEqual(reference(t));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('gives the same folding again for the same text, and the right one for the next', () => {
    const a = fold('Yes please');
    expect(fold('Yes please')).toBe(a);
    expect(fold('No, Thanks').text).toBe('no, thanks');
    expect(fold('Crème').text).toBe('creme');
  });
});
