import jexl from 'jexl';
import Lexer from 'jexl/dist/Lexer';
import { describe, expect, it, vi } from 'vitest';
import { sharedSplitRegex } from './jexlSplitCache';

describe("jexl's token-splitting expression, built once per grammar", () => {
  it('is shared between the lexers of one grammar', () => {
    expect(sharedSplitRegex).toBe(true);
    const lang = new jexl.Jexl();
    const escape = vi.spyOn((Lexer as unknown as { prototype: { _escapeRegExp(s: string): string } }).prototype, '_escapeRegExp');
    for (let i = 0; i < 50; i++) lang.compile(`a${i} + b * ${i} == c`);
    const perBuild = escape.mock.calls.length;
    // one build escapes each of the grammar's elements once; fifty builds would escape them fifty times
    expect(perBuild).toBeGreaterThan(10);
    expect(perBuild).toBeLessThan(100);
    escape.mockRestore();
  });

  it('is built again when the grammar gains an operator, and each grammar has its own', () => {
    const a = new jexl.Jexl();
    const b = new jexl.Jexl();
    expect(a.evalSync('1 + 2')).toBe(3);
    a.addBinaryOp('<=>', 20, (x: number, y: number) => Math.sign(x - y));
    expect(a.evalSync('1 <=> 2')).toBe(-1);
    expect(() => b.evalSync('1 <=> 2')).toThrow();
    expect(b.evalSync('"x" + "y"')).toBe('xy');
  });
});
