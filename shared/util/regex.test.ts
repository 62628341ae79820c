import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPattern, compilePattern, PatternError, tryCompilePattern } from './regex';

const reason = (source: string) => {
  const r = checkPattern(source);
  if (r.ok) throw new Error(`${source} compiled`);
  return r;
};

describe('project regexes (RE2)', () => {
  it('runs a catastrophic-backtracking pattern in linear time', () => {
    const p = compilePattern('^(a+)+$');
    expect(p.test('a'.repeat(5000) + '!')).toBe(false);
    expect(p.test('a'.repeat(5000))).toBe(true);
  });

  it('tests, finds the first match and every match with UTF-16 offsets and groups', () => {
    const p = compilePattern('\\bTXN-?([0-9]{4})\\b');
    expect(p.test('ref TXN-1234')).toBe(true);
    expect(p.exec('😀 TXN1234 and TXN-5678')).toEqual({ text: 'TXN1234', index: 3, end: 10, groups: ['1234'] });
    expect(p.matchAll('😀 TXN1234 and TXN-5678').map((m) => [m.index, m.text])).toEqual([
      [3, 'TXN1234'],
      [15, 'TXN-5678'],
    ]);
    expect(p.exec('nothing')).toBeNull();
    expect(compilePattern('(x)?y').exec('y')?.groups).toEqual([undefined]);
  });

  it('matchAll finds what a JavaScript global regex finds, with or without a match (its quick test first)', () => {
    const patterns = ['\\b[Tt][Xx][Nn]-?[0-9]{3}\\b', 'a+', 'x*', '\\d{2}', '(?:ab|b)c', '^a', 'c$'];
    fc.assert(
      fc.property(fc.constantFrom(...patterns), fc.stringMatching(/^[abcxTXN0-9 -]{0,16}$/), (source, text) => {
        const js = Array.from(text.matchAll(new RegExp(source, 'g')), (m) => ({ text: m[0], index: m.index }));
        expect(
          compilePattern(source)
            .matchAll(text)
            .map((m) => ({ text: m.text, index: m.index })),
        ).toEqual(js);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('ignores case with Unicode folding when asked', () => {
    expect(compilePattern('saturday').test('On Saturday')).toBe(false);
    expect(compilePattern('saturday', { ignoreCase: true }).test('On Saturday')).toBe(true);
    expect(compilePattern('CAFÉ', { ignoreCase: true }).test('un café')).toBe(true);
  });

  it('accepts what the sample and the docs use', () => {
    for (const s of ['\\b[Tt][Xx][Nn]-?[0-9]{10}\\b', 'ending \\d{4}', 'Saturday', '(?i)abc', '(?<year>\\d{4})', '\\p{L}+', '[^\\]]+', '\\x{00E9}']) {
      expect(checkPattern(s), s).toEqual({ ok: true });
    }
  });

  it('names the unsupported construct and gives a hint', () => {
    expect(reason('(?<=\\$)\\d+')).toMatchObject({ construct: 'lookbehind `(?<=`' });
    expect(reason('(?<=\\$)\\d+').message).toMatch(/^lookbehind `\(\?<=` is not supported \(.*linear time.*\); include the text before in the match/);
    expect(reason('(?<!x)y').construct).toBe('negative lookbehind `(?<!`');
    expect(reason('a(?=b)').message).toMatch(
      /^lookahead `\(\?=` is not supported .*; match the wider text and check the rest in a validation expression, or split the pattern$/,
    );
    expect(reason('a(?!b)').construct).toBe('negative lookahead `(?!`');
    expect(reason('(a)\\1').construct).toBe('backreference `\\1`');
    expect(reason('(a)\\1').message).toMatch(/^backreference `\\1` is not supported/);
    expect(reason('(?<x>a)\\k<x>').construct).toBe('named backreference `\\k<…>`');
    expect(reason('a++').construct).toBe('possessive quantifier `++`');
    expect(reason('(?>ab)').construct).toBe('atomic group `(?>`');
    expect(reason('\\u00e9').message).toMatch(/\\x\{00E9\}/);
    expect(reason('a{1001}').message).toMatch(/^repeat count `\{1001\}` is too large/);
    // a plain syntax error keeps RE2's own words
    expect(reason('(ab')).toEqual({ ok: false, message: 'missing closing ): `(ab`' });
  });

  it('does not mistake escaped or bracketed characters for constructs', () => {
    expect(checkPattern('\\(\\?=x\\)')).toEqual({ ok: true });
    expect(checkPattern('[(?=]')).toEqual({ ok: true });
    expect(reason('[(?=](?=x)').construct).toBe('lookahead `(?=`');
    expect(reason('[\\1](a)\\1').construct).toBe('backreference `\\1`');
  });

  it('compilePattern throws a PatternError; compiled patterns are cached', () => {
    expect(() => compilePattern('(?=x)')).toThrow(PatternError);
    expect(tryCompilePattern('abc')).toBe(tryCompilePattern('abc'));
    expect(tryCompilePattern('abc')).not.toBe(tryCompilePattern('abc', { ignoreCase: true }));
  });
});
