// The tree walk of expressionEval.ts against Jexl's own evaluator: generated expressions (every operator, the
// functions and transforms, member access, filters, literals, nesting) over generated scopes give the same value,
// or both throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpressionError, ExpressionLanguage, FUNCTIONS, withFormat } from './expressions';

const tree = new ExpressionLanguage({}, { evaluator: 'tree' });
const reference = new ExpressionLanguage({}, { evaluator: 'jexl' });

const scalar = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -100, max: 100, noNaN: true }),
  fc.constantFrom('', 'a', 'abc', 'Gold', '12', ' 3 ', 'x y'),
  fc.boolean(),
  fc.constant(null),
);
const item = fc.record({ x: scalar, name: fc.constantFrom('ann', 'bob', ''), tags: fc.array(fc.constantFrom('a', 'b'), { maxLength: 3 }) });
const scope = fc.record({
  a: scalar,
  b: scalar,
  s: fc.constantFrom('hello', 'Hi there', '', '42'),
  n: fc.integer({ min: -3, max: 10 }),
  list: fc.array(item, { maxLength: 4 }),
  nums: fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 }),
  obj: fc.option(fc.record({ x: scalar, inner: fc.record({ y: scalar }) }), { nil: undefined }),
});

const BINARY = ['+', '-', '*', '/', '//', '%', '^', '==', '!=', '<', '<=', '>', '>=', '&&', '||', 'in'];
const TRANSFORMS = ['upper', 'lower', 'trim', 'capitalize', 'length', 'first', 'last', 'number_or_zero', 'json', 'round', 'currency', 'number', 'date'];

const leaf = fc.oneof(
  fc.constantFrom('a', 'b', 's', 'n', 'list', 'nums', 'obj', 'missing'),
  fc.constantFrom(
    'obj.x',
    'obj.inner.y',
    'list[0].x',
    'list.name',
    'nums[1]',
    'nums[n]',
    'list[.x > 0]',
    'list[.name == "ann"].tags',
    'list[.x]',
    'list[.name].x',
    's.length',
  ),
  fc.integer({ min: -9, max: 99 }).map(String),
  fc.constantFrom('"a"', '"Gold"', "'12'", 'true', 'false', 'null', '1.5', '[1, "a"]', '{k: 1}', '[]'),
);

const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), fc.constantFrom(...BINARY), tie('e')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('e').map((x) => `!${x}`),
    tie('e').map((x) => `-${x}`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([t, c, f]) => `(${t} ? ${c} : ${f})`),
    fc.tuple(tie('e'), fc.constantFrom(...TRANSFORMS)).map(([x, t]) => `(${x} | ${t})`),
    fc.tuple(tie('e'), tie('e')).map(([x, d]) => `(${x} | default(${d}))`),
    fc.tuple(tie('e'), tie('e')).map(([x, d]) => `(${x} | join(${d}))`),
    fc.tuple(fc.constantFrom(...FUNCTIONS.filter((f) => f !== 'matches')), tie('e'), tie('e')).map(([f, x, y]) => `${f}(${x}, ${y})`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `[${x}, ${y}]`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `{p: ${x}, q: ${y}}`),
    tie('e').map((x) => `list[.x == ${x}]`),
    tie('e').map((x) => `nums[${x}]`),
  ),
})).e;

/** The value, or the error's message without the "Error: " Jexl's evaluator adds each time an error crosses one of its Promise.all. */
function outcome(lang: ExpressionLanguage, source: string, s: Record<string, unknown>): { value: unknown } | { error: string } {
  try {
    return { value: lang.evaluate(source, s) };
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return { error: (e as Error).message.replace(/^(?:\w*Error: )+/, '') };
  }
}

describe('the tree walk evaluates as Jexl does', () => {
  it('gives the same value or the same error on generated expressions and scopes', () => {
    fc.assert(
      fc.property(expression, scope, (source, s0) => {
        const s = withFormat(s0, { locale: 'en' });
        expect(tree.compile(source) instanceof ExpressionError).toBe(reference.compile(source) instanceof ExpressionError);
        expect(outcome(tree, source, s)).toEqual(outcome(reference, source, s));
      }),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  it('short-circuits && and || as Jexl does (the right side is not evaluated)', () => {
    // the right side would throw: reading a key of nothing
    expect(tree.evaluate('false && nothing[0]', {})).toBe(false);
    expect(tree.evaluate('"x" || nothing[0]', {})).toBe('x');
    expect(() => tree.evaluate('true && nothing[0]', {})).toThrow(ExpressionError);
  });

  it('filters keep the elements whose condition holds, and a condition reads root variables too', () => {
    const s = { people: [{ age: 20 }, { age: 40 }, { age: 60 }], min: 30 };
    expect(tree.evaluate('people[.age > min]', s)).toEqual([{ age: 40 }, { age: 60 }]);
    expect(tree.evaluate('people[.age > min].age', s)).toBe(40);
    expect(tree.evaluate('people[.age > 100]', s)).toEqual([]);
  });
});
